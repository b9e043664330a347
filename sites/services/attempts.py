"""Recording micro-credential attempts and the clock hours that earning one issues."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.services.audit import audit_record
from sites.models import Attempt, AttemptResult, ClockHourCredit, Participant
from stipends.services import stipends_accrue_for_attempt


def attempt_problems(
    *, participant: Participant, micro_credential, number: int, existing: list[Attempt]
) -> list[str]:
    """Why attempt ``number`` cannot be recorded, given the participant's ``existing``
    attempts at ``micro_credential``: attempts run 1, 2, 3… with no gaps, up to the
    program's maximum, none after an earned one, and only for micro-credentials the site
    pilots."""
    site = participant.site
    program = site.program
    problems = []
    if micro_credential.content_area_id not in {a.pk for a in site.content_areas.all()}:
        problems.append(f"{site} does not pilot {micro_credential.code}.")
    if number < 1:
        problems.append("Attempt numbers start at 1.")
    if number > program.max_attempts:
        problems.append(
            f"{program.name} allows at most {program.max_attempts} attempts per micro-credential."
        )
    numbers = sorted(a.number for a in existing)
    expected = (numbers[-1] + 1) if numbers else 1
    if number != expected and number not in numbers:
        problems.append(
            f"The next attempt for {micro_credential.code} is number {expected}, not {number}."
        )
    earned = [a for a in existing if a.result == AttemptResult.EARNED]
    if earned and number > earned[0].number:
        problems.append(
            f"{participant} already earned {micro_credential.code} on attempt {earned[0].number}."
        )
    return problems


def _issue_clock_hours(attempt: Attempt, *, actor) -> None:
    hours = attempt.participant.site.program.clock_hours
    if hours and not ClockHourCredit.objects.filter(attempt=attempt).exists():
        credit = ClockHourCredit(
            attempt=attempt,
            participant=attempt.participant,
            hours=hours,
            issued_on=attempt.submitted_on,
        )
        credit.full_clean()
        credit.save()
        audit_record(actor=actor, action="clock_hours.issued", obj=credit, after={"hours": hours})


@transaction.atomic
def attempt_record(
    *,
    participant: Participant,
    micro_credential,
    number: int,
    submitted_on: date,
    result: str,
    actor,
) -> Attempt:
    """Record a new attempt. Earning issues the program's clock hours, and any stipend the
    attempt makes the participant eligible for is accrued as pending."""
    participant = (
        Participant.objects.select_for_update()
        .select_related("site__program")
        .get(pk=participant.pk)
    )
    existing = list(
        Attempt.objects.filter(participant=participant, micro_credential=micro_credential)
    )
    if any(a.number == number for a in existing):
        raise ValidationError(
            f"Attempt {number} of {micro_credential.code} is already recorded for {participant}."
        )
    problems = attempt_problems(
        participant=participant,
        micro_credential=micro_credential,
        number=number,
        existing=existing,
    )
    if problems:
        raise ValidationError(problems)
    attempt = Attempt(
        participant=participant,
        micro_credential=micro_credential,
        number=number,
        submitted_on=submitted_on,
        result=result,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attempt.full_clean()
    attempt.save()
    audit_record(
        actor=actor,
        action="attempt.recorded",
        obj=attempt,
        after={"number": number, "result": result, "submitted_on": submitted_on},
    )
    if result == AttemptResult.EARNED:
        _issue_clock_hours(attempt, actor=actor)
    stipends_accrue_for_attempt(attempt=attempt, actor=actor)
    return attempt


# Correcting an attempt (stipends follow through stipends_reconcile) -------------------


@transaction.atomic
def attempt_correct(*, attempt: Attempt, result: str, submitted_on: date, actor, reason: str):
    """Correct a recorded attempt's result or date. The participant's stipends for the
    micro-credential are brought back in line (voided, adjusted or newly accrued) and
    every change is audited with ``reason``."""
    from stipends.services import stipends_reconcile

    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the attempt is being corrected."})
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    before = {"result": attempt.result, "submitted_on": attempt.submitted_on}
    if result == AttemptResult.EARNED and (
        Attempt.objects.filter(
            participant_id=attempt.participant_id,
            micro_credential_id=attempt.micro_credential_id,
            number__gt=attempt.number,
        ).exists()
    ):
        raise ValidationError(
            f"Attempt {attempt.number} cannot be earned: later attempts are recorded."
        )
    attempt.result = result
    attempt.submitted_on = submitted_on
    attempt.full_clean()
    attempt.save()
    audit_record(
        actor=actor,
        action="attempt.corrected",
        obj=attempt,
        before=before,
        after={"result": result, "submitted_on": submitted_on},
        note=reason,
    )
    if result == AttemptResult.EARNED:
        _issue_clock_hours(attempt, actor=actor)
    stipends_reconcile(
        participant=attempt.participant,
        micro_credential=attempt.micro_credential,
        actor=actor,
        reason=reason.strip(),
    )
    return attempt
