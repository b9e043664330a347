from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from grants.models import (
    Application,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    NarrativeAnswer,
    OrganizationType,
)

from .audit import audit_transition
from .notifications import notify_application_submitted

DRAFT_FIELDS = ("title", "contact_name", "contact_title", "contact_email", "contact_phone")


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("rfp", "organization")
        .get(pk=application.pk)
    )


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed."
        )


@transaction.atomic
def application_create(*, rfp, organization, actor) -> Application:
    """Start a draft application. An organization holds one active application per RFP,
    so starting a second returns an error pointing to the first."""
    existing = Application.objects.filter(rfp=rfp, organization=organization).exclude(
        status=ApplicationStatus.WITHDRAWN
    )
    if existing.exists():
        raise ValidationError(
            f"{organization} already has an application for {rfp.title}. Continue that one."
        )
    application = Application(
        rfp=rfp,
        organization=organization,
        created_by=actor,
        title=f"{organization} — {rfp.program.name}",
    )
    application.full_clean()
    application.save()
    audit_transition(
        actor=actor,
        obj=application,
        action="application.created",
        field="status",
        before=None,
        after=application.status,
    )
    return application


@transaction.atomic
def application_update_details(*, application: Application, actor, **fields) -> Application:
    """Save the organization-and-contacts step of a draft."""
    application = _locked(application)
    _require_draft(application)
    unknown = set(fields) - set(DRAFT_FIELDS) - {"current_step"}
    if unknown:
        raise ValueError(f"Not draft fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_set_content_areas(*, application: Application, content_areas, actor) -> None:
    """Choose the content areas a draft proposes. Only the RFP's eligible areas may be chosen."""
    application = _locked(application)
    _require_draft(application)
    eligible = set(application.rfp.eligible_content_areas.values_list("pk", flat=True))
    chosen = list(content_areas)
    ineligible = [area for area in chosen if area.pk not in eligible]
    if ineligible:
        names = ", ".join(str(area) for area in ineligible)
        raise ValidationError({"content_areas": f"This RFP does not fund: {names}."})
    application.content_areas.set(chosen)


@transaction.atomic
def application_set_partner_districts(*, application: Application, districts, actor) -> None:
    """Record the districts the applicant will work with."""
    application = _locked(application)
    _require_draft(application)
    application.partner_districts.set(list(districts))


@transaction.atomic
def application_set_answers(*, application: Application, answers: dict, actor) -> None:
    """Save narrative answers, keyed by question. The prompt is stored with each answer so a
    later edit of the RFP does not change what the applicant answered."""
    application = _locked(application)
    _require_draft(application)
    questions = {q.pk: q for q in application.rfp.narrative_questions.all()}
    for question_id, text in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise ValidationError("That question is not part of this RFP.")
        if question.max_words and len(text.split()) > question.max_words:
            raise ValidationError(
                {
                    f"question_{question.pk}": f"Keep this answer to {question.max_words} words; "
                    f"it has {len(text.split())}."
                }
            )
        NarrativeAnswer.objects.update_or_create(
            application=application,
            question=question,
            defaults={
                "prompt": question.prompt,
                "answer": text,
                "position": question.sort_order or 0,
            },
        )


@transaction.atomic
def application_set_budget(*, application: Application, lines: list[dict], actor) -> None:
    """Replace the draft's budget plan with ``lines`` (category, description, amount).

    Amounts are decimal dollars with at most two decimal places. Whether the plan sums to
    the award is checked on submission, so a partial plan can be saved as a draft."""
    application = _locked(application)
    _require_draft(application)
    new_lines = []
    for position, line in enumerate(lines):
        budget_line = BudgetLine(
            application=application,
            category=line["category"],
            description=line.get("description", ""),
            amount=Decimal(str(line["amount"])),
            position=position,
        )
        budget_line.full_clean(exclude=["application"])
        new_lines.append(budget_line)
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(new_lines)


def submission_problems(application: Application, *, at: datetime) -> list[str]:
    """Every reason ``application`` cannot be submitted at ``at``, in words an applicant reads."""
    rfp = application.rfp
    program = rfp.program
    problems = []
    if application.status != ApplicationStatus.DRAFT:
        problems.append(f"This application is already {application.get_status_display().lower()}.")
    if at < rfp.opens_at:
        problems.append(
            "This RFP opens on "
            f"{date_format(timezone.localtime(rfp.opens_at), 'DATETIME_FORMAT')} Pacific time."
        )
    elif at >= rfp.closes_at:
        problems.append(
            "The deadline has passed: this RFP closed on "
            f"{date_format(timezone.localtime(rfp.closes_at), 'DATETIME_FORMAT')} Pacific time. "
            "Your draft is saved."
        )
    eligible_types = set(rfp.eligible_org_types or [])
    org_type = application.organization.org_type
    if eligible_types and org_type not in eligible_types:
        problems.append(
            f"{OrganizationType(org_type).label} organizations are not eligible for this RFP."
        )
    for name, label in (("contact_name", "contact name"), ("contact_email", "contact email")):
        if not getattr(application, name):
            problems.append(f"Add a {label}.")
    areas = list(application.content_areas.all())
    if not areas:
        problems.append("Choose at least one content area.")
    eligible_areas = set(rfp.eligible_content_areas.values_list("pk", flat=True))
    for area in areas:
        if area.pk not in eligible_areas:
            problems.append(f"{area} is not eligible under this RFP.")
    answered = {a.question_id for a in application.answers.all() if a.answer.strip()}
    for question in rfp.narrative_questions.all():
        if question.required and question.pk not in answered:
            problems.append(f"Answer the question “{question.prompt}”.")
    lines = list(application.budget_lines.all())
    total = sum((line.amount for line in lines), Decimal("0"))
    if total != program.award_amount:
        problems.append(
            f"The budget adds up to ${total:,.2f}; it must equal the award amount of "
            f"${program.award_amount:,.2f}."
        )
    if not any(line.category == BudgetCategory.STIPENDS for line in lines):
        problems.append("Include a participant stipends line in the budget (it may be $0).")
    return problems


@transaction.atomic
def application_submit(*, application: Application, actor, at: datetime | None = None):
    """Submit a draft. Refused after the RFP's closing time (Pacific), for ineligible
    organization types or content areas, and for an incomplete form; a refused draft is
    kept as it was. The organization gets a confirmation email after commit."""
    at = at or timezone.now()
    application = _locked(application)
    problems = submission_problems(application, at=at)
    if problems:
        raise ValidationError(problems)
    before = application.status
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = at
    application.submitted_by = actor
    application.full_clean()
    application.save()
    audit_transition(
        actor=actor,
        obj=application,
        action="application.submitted",
        field="status",
        before=before,
        after=application.status,
    )
    notify_application_submitted(application=application, actor=actor)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "") -> Application:
    """Withdraw a draft or submitted application. Once a decision is recorded it stands
    until staff reverse it, so a decided application cannot be withdrawn."""
    application = _locked(application)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ValidationError(
            f"This application is {application.get_status_display().lower()}; it can only "
            "be withdrawn before a decision is made."
        )
    before = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.full_clean()
    application.save()
    audit_transition(
        actor=actor,
        obj=application,
        action="application.withdrawn",
        field="status",
        before=before,
        after=application.status,
        note=reason,
    )
    return application
