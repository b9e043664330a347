"""Write operations for grant sites: creating a site from an award, the roster, attempts,
clock hours and the end-of-pilot report."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from grants.models import Award, DecisionStatus, InstallmentStatus, Milestone
from grants.services.audit import audit_record, audit_transition
from grants.services.decisions import installment_release
from stipends.services import stipends_accrue_for_attempt

from .models import (
    Attempt,
    AttemptResult,
    ClockHourCredit,
    GrantSite,
    Participant,
    ReportStatus,
    SiteCoordinator,
    SiteReport,
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "site"
    slug, n = base, 2
    while GrantSite.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def site_create_from_award(
    *, award: Award, actor, name: str | None = None, slug: str | None = None
) -> GrantSite:
    """Open the grant site for an award in effect. It pilots the content areas and
    partners with the districts of the application, and a site exists once per award."""
    award = (
        Award.objects.select_for_update()
        .select_related("application__organization", "program")
        .get(pk=award.pk)
    )
    if award.status != DecisionStatus.ACTIVE:
        raise ValidationError("This award has been reversed; no site can be created from it.")
    if GrantSite.objects.filter(award=award).exists():
        raise ValidationError(f"A grant site already exists for {award.application.organization}.")
    application = award.application
    site_name = (name or application.organization.legal_name).strip()
    site = GrantSite(
        award=award,
        program=award.program,
        organization=application.organization,
        name=site_name,
        slug=slug or _unique_slug(site_name),
    )
    site.full_clean()
    site.save()
    site.content_areas.set(application.content_areas.all())
    site.partner_districts.set(application.partner_districts.all())
    audit_record(
        actor=actor,
        action="site.created",
        obj=site,
        after={"award": award.pk, "honorary": award.is_honorary},
    )
    return site


@transaction.atomic
def coordinator_add(*, site: GrantSite, user, actor) -> SiteCoordinator:
    """Make ``user`` a coordinator of ``site``."""
    if SiteCoordinator.objects.filter(site=site, user=user).exists():
        raise ValidationError(f"{user} already coordinates {site}.")
    link = SiteCoordinator(site=site, user=user, added_by=actor)
    link.full_clean()
    link.save()
    audit_record(actor=actor, action="site.coordinator_added", obj=site, after={"user": user.email})
    return link


@transaction.atomic
def participant_add(
    *,
    site: GrantSite,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    district,
    actor,
    school: str = "",
    certificate_number: str = "",
) -> Participant:
    """Put an educator on a site's roster. An email appears once per site, whatever its case."""
    email = email.strip()
    if Participant.objects.filter(site=site, email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already on the roster of {site}."})
    participant = Participant(
        site=site,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        role=role,
        district=district,
        school=school.strip(),
        certificate_number=str(certificate_number).strip(),
    )
    participant.full_clean()
    participant.save()
    audit_record(actor=actor, action="participant.added", obj=participant, after={"site": site.pk})
    return participant


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


REPORT_FIELDS = (
    "support_structures",
    "support_other",
    "incentives",
    "collaboration",
    "what_worked",
    "what_did_not_work",
    "recommendations",
)


@transaction.atomic
def site_report_save(*, site: GrantSite, actor, **fields) -> SiteReport:
    """Save the site's report as it stands. Only a draft or a returned report can change."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"Not report fields: {sorted(unknown)}")
    report, _ = SiteReport.objects.select_for_update().get_or_create(site=site)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(
            f"The report is {report.get_status_display().lower()} and can no longer be edited."
        )
    for name, value in fields.items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def site_report_submit(*, report: SiteReport, actor, at: datetime | None = None) -> SiteReport:
    """Send a draft or returned report to staff. It must say which supports the site used
    and what worked."""
    report = SiteReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(f"The report is already {report.get_status_display().lower()}.")
    problems = []
    if not report.support_structures:
        problems.append("Choose at least one support structure the site used.")
    if not report.what_worked.strip():
        problems.append("Describe what worked.")
    if problems:
        raise ValidationError(problems)
    before = report.status
    report.status = (
        ReportStatus.RESUBMITTED if before == ReportStatus.RETURNED else ReportStatus.SUBMITTED
    )
    report.submitted_at = at or timezone.now()
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.full_clean()
    report.save()
    audit_transition(
        actor=actor,
        obj=report,
        action="report.submitted",
        field="status",
        before=before,
        after=report.status,
    )
    return report


@transaction.atomic
def site_report_accept(*, report: SiteReport, actor, at: datetime | None = None) -> SiteReport:
    """Accept a submitted report. Acceptance releases the award's final-report installment
    for finance to pay."""
    report = SiteReport.objects.select_for_update().select_related("site__award").get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
        raise ValidationError(
            f"Only a submitted report can be accepted; this one is "
            f"{report.get_status_display().lower()}."
        )
    before = report.status
    report.status = ReportStatus.ACCEPTED
    report.accepted_at = at or timezone.now()
    report.accepted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.full_clean()
    report.save()
    audit_transition(
        actor=actor,
        obj=report,
        action="report.accepted",
        field="status",
        before=before,
        after=report.status,
    )
    for installment in report.site.award.installments.filter(
        milestone=Milestone.FINAL_REPORT, status=InstallmentStatus.SCHEDULED
    ):
        installment_release(installment=installment, actor=actor)
    return report


@transaction.atomic
def site_report_return(*, report: SiteReport, actor, comments: str) -> SiteReport:
    """Send a submitted report back to the site with staff comments."""
    if not comments.strip():
        raise ValidationError({"staff_comments": "Say what the site should change."})
    report = SiteReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
        raise ValidationError("Only a submitted report can be returned.")
    before = report.status
    report.status = ReportStatus.RETURNED
    report.staff_comments = comments.strip()
    report.full_clean()
    report.save()
    audit_transition(
        actor=actor,
        obj=report,
        action="report.returned",
        field="status",
        before=before,
        after=report.status,
        note=comments,
    )
    return report
