from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import ContentArea, Program

from .audit import audit_record


@transaction.atomic
def program_create(
    *,
    name: str,
    slug: str,
    period_label: str,
    starts_on: date,
    ends_on: date,
    award_amount: Decimal,
    budget: Decimal,
    clock_hours: int,
    max_attempts: int,
    content_areas: list[ContentArea],
    actor,
    report_due_on: date | None = None,
) -> Program:
    """Set up a pilot. Its dates run forward, amounts are non-negative dollars and cents,
    and it allows between 1 and 10 attempts per micro-credential."""
    if Program.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A program with the slug {slug!r} already exists."})
    program = Program(
        name=name,
        slug=slug,
        period_label=period_label,
        starts_on=starts_on,
        ends_on=ends_on,
        award_amount=award_amount,
        budget=budget,
        clock_hours=clock_hours,
        max_attempts=max_attempts,
        report_due_on=report_due_on,
    )
    program.full_clean()
    program.save()
    program.content_areas.set(content_areas)
    audit_record(
        actor=actor,
        action="program.created",
        obj=program,
        after={"award_amount": award_amount, "budget": budget},
    )
    return program
