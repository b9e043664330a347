"""The end-of-pilot site report and its workflow."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import InstallmentStatus, Milestone, Program
from grants.services.attachments import document_store
from grants.services.audit import audit_record, audit_transition
from grants.services.decisions import installment_release
from grants.services.email import email_queue
from sites.models import (
    CommentKind,
    GrantSite,
    ReminderKind,
    ReportAttachment,
    ReportComment,
    ReportQuote,
    ReportReminder,
    ReportStatus,
    SiteReport,
    SupportStructure,
)

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
def site_report_save(
    *, site: GrantSite, actor, quotes: list[dict] | None = None, **fields
) -> SiteReport:
    """Save the site's report as it stands. Only a draft or a returned report can change.

    ``quotes``, when given, replaces the report's participant quotes: each a dict of
    ``text``, ``attribution`` and ``consent_to_publish``; rows without text are dropped.
    Support structures must be ones the report form offers."""
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
    if set(report.support_structures or []) - set(SupportStructure.values):
        raise ValidationError({"support_structures": "Choose support structures from the list."})
    report.full_clean()
    report.save()
    if quotes is not None:
        _replace_quotes(report, quotes)
    return report


def _replace_quotes(report: SiteReport, quotes: list[dict]) -> None:
    kept = [q for q in quotes if (q.get("text") or "").strip()]
    rows = [
        ReportQuote(
            report=report,
            text=q["text"].strip(),
            attribution=" ".join((q.get("attribution") or "").split()),
            consent_to_publish=bool(q.get("consent_to_publish")),
            position=position,
        )
        for position, q in enumerate(kept)
    ]
    for row in rows:
        row.full_clean(exclude=["report"])
    report.quotes.all().delete()
    ReportQuote.objects.bulk_create(rows)


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


def _comment(*, report: SiteReport, actor, body: str, kind: str) -> ReportComment:
    comment = ReportComment(
        report=report,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        body=body.strip(),
        kind=kind,
        report_status=report.status,
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def site_report_return(*, report: SiteReport, actor, comments: str) -> SiteReport:
    """Send a submitted report back to the site. The reason is required and becomes the
    next comment of the report's thread, which keeps every earlier one."""
    if not comments.strip():
        raise ValidationError({"comments": "Say what the site should change."})
    report = SiteReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
        raise ValidationError("Only a submitted report can be returned.")
    before = report.status
    report.status = ReportStatus.RETURNED
    report.full_clean()
    report.save()
    comment = _comment(report=report, actor=actor, body=comments, kind=CommentKind.RETURN)
    audit_transition(
        actor=actor,
        obj=report,
        action="report.returned",
        field="status",
        before=before,
        after=report.status,
        note=comment.body,
    )
    return report


@transaction.atomic
def report_comment_add(*, report: SiteReport, actor, body: str) -> ReportComment:
    """Add a staff comment to a report's thread without changing its status (a question,
    or an answer to the site's reply). Only program staff write one."""
    from grants.roles import is_program_staff

    if not is_program_staff(actor):
        raise ValidationError("Only program staff comment on a site report.")
    if not body.strip():
        raise ValidationError({"comments": "Write the comment."})
    report = SiteReport.objects.select_for_update().get(pk=report.pk)
    comment = _comment(report=report, actor=actor, body=body, kind=CommentKind.STAFF)
    audit_record(
        actor=actor,
        action="report.commented",
        obj=report,
        after={"comment": comment.pk, "status": report.status},
    )
    return comment


@transaction.atomic
def report_reply_add(*, report: SiteReport, actor, body: str) -> ReportComment:
    """A coordinator answers staff on their own site's returned report. The reply joins
    the thread; the report stays returned until the coordinator resubmits it."""
    from sites.permissions import can_reply_to_report

    if not body.strip():
        raise ValidationError({"body": "Write your reply."})
    report = SiteReport.objects.select_for_update().select_related("site").get(pk=report.pk)
    access = can_reply_to_report(actor, report)
    if not access:
        raise ValidationError(access.reason)
    comment = _comment(report=report, actor=actor, body=body, kind=CommentKind.REPLY)
    audit_record(
        actor=actor,
        action="report.replied",
        obj=report,
        after={"comment": comment.pk, "status": report.status},
    )
    return comment


def _editable(site: GrantSite) -> SiteReport:
    report, _ = SiteReport.objects.select_for_update().get_or_create(site=site)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(
            {
                "file": f"The report is {report.get_status_display().lower()}; files can no longer "
                "be added or removed."
            }
        )
    return report


@transaction.atomic
def report_attachment_add(*, site: GrantSite, upload, actor, label: str = "") -> ReportAttachment:
    """Attach a file to the site's draft or returned report: PDF, DOCX or XLSX judged by
    content, at most 10 MB and ten files, stored privately."""
    report = _editable(site)
    attachment = document_store(
        upload=upload,
        held=report.attachments.count(),
        holder="A report",
        build=lambda **fields: ReportAttachment(
            report=report, uploaded_by=actor, label=" ".join(label.split())[:200], **fields
        ),
    )
    original_name = attachment.original_name
    audit_record(
        actor=actor,
        action="report.attachment_added",
        obj=report,
        after={"attachment": attachment.pk, "name": original_name, "size": upload.size},
    )
    return attachment


@transaction.atomic
def report_attachment_remove(*, attachment: ReportAttachment, actor) -> None:
    """Remove a file from a draft or returned report; the stored copy goes after commit."""
    report = _editable(attachment.report.site)
    attachment = ReportAttachment.objects.get(pk=attachment.pk, report=report)
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(
        actor=actor,
        action="report.attachment_removed",
        obj=report,
        before={"attachment": attachment.pk, "name": attachment.original_name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# Reminders ---------------------------------------------------------------------------------

# Days before the due date on which each reminder becomes due; overdue is the day after.
REMINDER_OFFSETS = (
    (ReminderKind.OVERDUE, -1),
    (ReminderKind.DAYS_1, 1),
    (ReminderKind.DAYS_7, 7),
    (ReminderKind.DAYS_14, 14),
)
# A report in these states still owes the site something to do.
OUTSTANDING = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def reminder_due(*, due_on: date, today: date) -> ReminderKind | None:
    """The one reminder that applies on ``today``: the latest threshold passed. After a
    stretch of downtime only the current reminder goes, never a burst of stale ones."""
    for kind, days_before in REMINDER_OFFSETS:
        if today >= due_on - timedelta(days=days_before):
            return kind
    return None


def _outstanding_sites(program: Program):
    from django.db.models import Q

    return (
        GrantSite.objects.filter(program=program, status="active")
        .filter(Q(report__isnull=True) | Q(report__status__in=OUTSTANDING))
        .prefetch_related("coordinators")
        .order_by("pk")
    )


@transaction.atomic
def report_reminder_send(*, site: GrantSite, kind: ReminderKind, due_on: date, today: date):
    """Email the site's coordinators one reminder, at most once per site, kind and due
    date: the reminder row is created first and its unique constraint refuses a second;
    the email's key refuses a second copy of each message too."""
    from django.db import IntegrityError

    coordinators = [user for user in site.coordinators.all() if user.is_active and user.email]
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(
                site=site, kind=kind, due_on=due_on, sent_on=today, recipients=len(coordinators)
            )
    except IntegrityError:
        return None
    overdue = kind == ReminderKind.OVERDUE
    subject = (
        f"Overdue: the end-of-pilot report for {site.name}"
        if overdue
        else f"Reminder: the end-of-pilot report for {site.name} is due {due_on:%B} {due_on.day}"
    )
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse

    for user in coordinators:
        body = render_to_string(
            "emails/report_reminder.txt",
            {
                "user": user,
                "site": site,
                "due_on": due_on,
                "overdue": overdue,
                "url": settings.SITE_URL.rstrip("/") + reverse("site_report", args=[site.slug]),
            },
        )
        email_queue(
            key=f"report-reminder:{site.pk}:{kind}:{due_on.isoformat()}:{user.pk}",
            to=user.email,
            subject=subject,
            body=body,
        )
    return reminder


def report_reminders_send(*, today: date | None = None) -> int:
    """The daily reminder run: for every program with a report due date, each site whose
    report is not yet submitted (none, a draft, or returned) gets the reminder that applies
    today, once. Returns how many reminders went out."""
    from django.utils import timezone

    today = today or timezone.localdate()
    sent = 0
    for program in Program.objects.filter(report_due_on__isnull=False):
        kind = reminder_due(due_on=program.report_due_on, today=today)
        if kind is None:
            continue
        for site in _outstanding_sites(program):
            if report_reminder_send(
                site=site, kind=kind, due_on=program.report_due_on, today=today
            ):
                sent += 1
    return sent
