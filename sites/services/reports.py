"""The end-of-pilot site report and its workflow."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import InstallmentStatus, Milestone
from grants.services.audit import audit_transition
from grants.services.decisions import installment_release
from sites.models import GrantSite, ReportStatus, SiteReport

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
