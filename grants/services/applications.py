from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from grants.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    BudgetCategory,
    BudgetLine,
    NarrativeAnswer,
    OrganizationType,
)

from .accounts import user_require_verified
from .audit import audit_record, audit_transition
from .notifications import notify_application_submitted

DRAFT_FIELDS = ("title", "contact_name", "contact_title", "contact_email", "contact_phone")


def locked_application(application: Application) -> Application:
    """The application re-read under a row lock, so two members saving the same draft at
    once take turns instead of overwriting each other's checks."""
    return (
        Application.objects.select_for_update()
        .select_related("rfp", "organization")
        .get(pk=application.pk)
    )


def _pacific(moment: datetime) -> str:
    return f"{date_format(timezone.localtime(moment), 'DATETIME_FORMAT')} Pacific time"


def _require_member(actor, organization) -> None:
    user_require_verified(actor, doing="apply")
    if not organization.memberships.filter(user=actor).exists():
        raise ValidationError(f"Only members of {organization} can apply on its behalf.")


def require_draft(application: Application) -> None:
    """Only a draft changes; a submitted application is what the board received."""
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed."
        )


def _already_applied(organization, rfp) -> ValidationError:
    return ValidationError(
        f"{organization} already has an application for {rfp.title}. Continue that one."
    )


@transaction.atomic
def application_create(*, rfp, organization, actor, at: datetime | None = None) -> Application:
    """Start a draft application for ``organization``, whose verified member ``actor`` is.

    Drafts can be started only while the RFP is open, and only by an eligible type of
    organization. An organization holds one active application per RFP, so starting a
    second returns an error pointing to the first."""
    at = at or timezone.now()
    _require_member(actor, organization)
    existing = Application.objects.filter(rfp=rfp, organization=organization).exclude(
        status=ApplicationStatus.WITHDRAWN
    )
    if existing.exists():
        raise _already_applied(organization, rfp)
    if at < rfp.opens_at:
        raise ValidationError(f"This RFP opens on {_pacific(rfp.opens_at)}.")
    if at >= rfp.closes_at:
        raise ValidationError(
            f"This RFP closed on {_pacific(rfp.closes_at)} and no longer accepts applications."
        )
    if rfp.eligible_org_types and organization.org_type not in rfp.eligible_org_types:
        raise ValidationError(
            f"{OrganizationType(organization.org_type).label} organizations are not eligible "
            "for this RFP."
        )
    application = Application(
        rfp=rfp,
        organization=organization,
        created_by=actor,
        title=f"{organization} — {rfp.program.name}",
    )
    application.full_clean(validate_constraints=False)
    try:
        # Two members starting at once both pass the check above; the database's unique
        # constraint lets one in, and the other gets the same answer as a late starter.
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise _already_applied(organization, rfp) from error
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
    application = locked_application(application)
    require_draft(application)
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
    application = locked_application(application)
    require_draft(application)
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
    application = locked_application(application)
    require_draft(application)
    application.partner_districts.set(list(districts))


@transaction.atomic
def application_set_answers(*, application: Application, answers: dict, actor) -> None:
    """Save narrative answers, keyed by question. The prompt is stored with each answer so a
    later edit of the RFP does not change what the applicant answered."""
    application = locked_application(application)
    require_draft(application)
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

    Amounts are decimal dollars, not negative, with at most two decimal places. Whether
    the plan sums to the award is checked on submission, so a partial plan can be saved as
    a draft."""
    application = locked_application(application)
    require_draft(application)
    new_lines = []
    for position, line in enumerate(lines):
        try:
            amount = Decimal(str(line["amount"]).replace(",", "").replace("$", "").strip())
        except InvalidOperation as error:
            raise ValidationError(
                {"amount": f"Line {position + 1}: enter the amount in dollars, like 4000.00."}
            ) from error
        if not amount.is_finite():
            raise ValidationError({"amount": f"Line {position + 1}: enter a dollar amount."})
        if amount < 0:
            raise ValidationError({"amount": f"Line {position + 1}: amounts cannot be negative."})
        budget_line = BudgetLine(
            application=application,
            category=line["category"],
            description=line.get("description", ""),
            amount=amount,
            position=position,
        )
        budget_line.full_clean(exclude=["application"])
        new_lines.append(budget_line)
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(new_lines)


def budget_problems(application: Application, lines=None) -> list[str]:
    """Why the budget plan cannot be submitted: it must add up to exactly the award amount
    and include a participant stipends line (which may be $0)."""
    award = application.rfp.program.award_amount
    lines = list(application.budget_lines.all()) if lines is None else lines
    total = sum((line.amount for line in lines), Decimal("0"))
    problems = []
    if total != award:
        problems.append(
            f"The budget adds up to ${total:,.2f}; it must equal the award amount of ${award:,.2f}."
        )
    if not any(line.category == BudgetCategory.STIPENDS for line in lines):
        problems.append("Include a participant stipends line in the budget (it may be $0).")
    return problems


def submission_problems(application: Application, *, at: datetime) -> list[str]:
    """Every reason ``application`` cannot be submitted at ``at``, in words an applicant reads."""
    rfp = application.rfp
    problems = []
    if application.status != ApplicationStatus.DRAFT:
        problems.append(f"This application is already {application.get_status_display().lower()}.")
    if at < rfp.opens_at:
        problems.append(f"This RFP opens on {_pacific(rfp.opens_at)}.")
    elif at >= rfp.closes_at:
        problems.append(
            f"The deadline has passed: this RFP closed on {_pacific(rfp.closes_at)}. "
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
    problems.extend(budget_problems(application))
    return problems


@transaction.atomic
def application_submit(*, application: Application, actor, at: datetime | None = None):
    """Submit a draft. Refused after the RFP's closing time (Pacific), for ineligible
    organization types or content areas, and for an incomplete form; a refused draft is
    kept as it was. Only a verified member of the organization submits. The submitter and
    the application's contact get a confirmation email after commit."""
    at = at or timezone.now()
    application = locked_application(application)
    _require_member(actor, application.organization)
    problems = submission_problems(application, at=at)
    if problems:
        raise ValidationError(problems)
    before = application.status
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = at
    application.submitted_by = actor
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="application.submitted",
        obj=application,
        before={"status": before},
        # The submission time is the application's; the entry's own time is when it was
        # recorded, which differs for historical data loaded later.
        after={"status": application.status, "submitted_at": at},
    )
    notify_application_submitted(application=application, actor=actor)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "") -> Application:
    """Withdraw a draft or submitted application. Once a decision is recorded it stands
    until staff reverse it, so a decided application cannot be withdrawn."""
    application = locked_application(application)
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


STEP_ORDER = list(ApplicationStep.values)


@transaction.atomic
def application_step_save(*, application: Application, step: str, data: dict, actor):
    """Save one step of the application form and remember the furthest step reached, both
    or neither, so that coming back later resumes where the applicant left off.

    ``data`` holds the step's cleaned values; the step's own service applies its rules."""
    if step == ApplicationStep.ORGANIZATION:
        application_update_details(application=application, actor=actor, **data)
    elif step == ApplicationStep.CONTENT_AREAS:
        application_set_content_areas(
            application=application, content_areas=data["content_areas"], actor=actor
        )
    elif step == ApplicationStep.PARTNERS:
        application_set_partner_districts(
            application=application, districts=data["partner_districts"], actor=actor
        )
    elif step == ApplicationStep.NARRATIVE:
        application_set_answers(application=application, answers=data["answers"], actor=actor)
    elif step == ApplicationStep.BUDGET:
        application_set_budget(application=application, lines=data["lines"], actor=actor)
    elif step != ApplicationStep.ATTACHMENTS:
        raise ValueError(f"Not a step that saves: {step}")
    application = locked_application(application)
    require_draft(application)
    reached = STEP_ORDER.index(application.current_step)
    following = min(STEP_ORDER.index(step) + 1, len(STEP_ORDER) - 1)
    if following > reached:
        application.current_step = STEP_ORDER[following]
    # Saved on every step, so "last saved" reflects answers and budget lines too.
    application.save(update_fields=["current_step", "updated_at"])
    return application
