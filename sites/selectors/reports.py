"""Read queries for site reports: the counts a report shows (never typed), the staff
tracker, and the consented site stories the convening publishes."""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext_lazy as _

from grants.models import District
from sites.models import (
    Attempt,
    AttemptResult,
    GrantSite,
    ReportComment,
    ReportQuote,
    ReportStatus,
    SiteReport,
    SupportStructure,
)
from stipends.models import Stipend, StipendRule, StipendStatus


def report_counts(site: GrantSite) -> dict:
    """The figures a site report states, computed from the site's roster, attempts and
    paid stipends, so they always agree with the program's summary."""
    attempts = Attempt.objects.filter(participant__site=site).aggregate(
        attempts=Count("id"),
        earned=Count("id", filter=Q(result=AttemptResult.EARNED)),
        earners=Count("participant", filter=Q(result=AttemptResult.EARNED), distinct=True),
    )
    paid = Stipend.objects.filter(site=site, status=StipendStatus.PAID).aggregate(
        count=Count("id"), total=Sum("amount")
    )
    return {
        "participants": site.participants.count(),
        "attempts": attempts["attempts"],
        "earned": attempts["earned"],
        "earners": attempts["earners"],
        "stipends_paid": paid["count"],
        "stipends_total": paid["total"] or 0,
        "clock_hours": attempts["earned"] * site.program.clock_hours,
        "clock_hours_each": site.program.clock_hours,
        "stipend_rules": [
            (rule.get_trigger_display(), rule.micro_credential, rule.amount)
            for rule in StipendRule.objects.filter(plan__site=site).select_related(
                "micro_credential"
            )
        ],
    }


def report_thread(report: SiteReport | None) -> list[ReportComment]:
    """The report's comments, oldest first: returns, staff comments and replies."""
    if report is None:
        return []
    return list(
        ReportComment.objects.filter(report=report)
        .select_related("author")
        .order_by("created_at", "id")
    )


def coordinated_sites(user):
    """The sites ``user`` coordinates, with their reports."""
    return (
        GrantSite.objects.filter(coordinator_links__user=user)
        .select_related("program", "report")
        .order_by("program", "name")
    )


class TrackerStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    OVERDUE = "overdue", _("Overdue")


def tracker_status(report: SiteReport | None, due_on: date | None, today: date) -> TrackerStatus:
    """Where a site's report stands. A report not yet with staff (none, a draft or
    returned) is overdue once its program's due date has passed."""
    status = report.status if report else None
    waiting = status in (None, ReportStatus.DRAFT, ReportStatus.RETURNED)
    if waiting and due_on and today > due_on:
        return TrackerStatus.OVERDUE
    if status is None:
        return TrackerStatus.NOT_STARTED
    if status in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
        return TrackerStatus.SUBMITTED
    return TrackerStatus(status)


@dataclass(frozen=True)
class TrackerRow:
    site: GrantSite
    report: SiteReport | None
    status: TrackerStatus


def report_tracker(program, *, today: date) -> list[TrackerRow]:
    """One row per site of ``program`` with its report's tracker status; two queries."""
    sites = GrantSite.objects.filter(program=program).select_related("report", "organization")
    rows = []
    for site in sites.order_by("name"):
        report = getattr(site, "report", None) if hasattr(site, "report") else None
        rows.append(TrackerRow(site, report, tracker_status(report, program.report_due_on, today)))
    return rows


def tracker_counts(rows: list[TrackerRow]) -> list[tuple[str, int]]:
    return [
        (status.label, sum(1 for row in rows if row.status == status)) for status in TrackerStatus
    ]


def site_stories(program) -> list[dict]:
    """One story per site with an accepted report: organization, content areas, partner
    districts, participants, earned, supports and the quotes whose participant consented
    to publishing. Quotes without consent are never read. Plain values, ready to freeze."""
    reports = (
        SiteReport.objects.filter(site__program=program, status=ReportStatus.ACCEPTED)
        .select_related("site__organization")
        .prefetch_related(
            "site__content_areas",
            Prefetch("site__partner_districts", queryset=District.objects.order_by("name")),
            Prefetch(
                "quotes",
                queryset=ReportQuote.objects.filter(consent_to_publish=True),
                to_attr="published_quotes",
            ),
        )
        .annotate(
            people=Count("site__participants", distinct=True),
            earned=Count(
                "site__participants__attempts",
                filter=Q(site__participants__attempts__result=AttemptResult.EARNED),
                distinct=True,
            ),
        )
        .order_by("site__name")
    )
    labels = dict(SupportStructure.choices)
    return [
        {
            "site": report.site.name,
            "slug": report.site.slug,
            "organization": report.site.organization.legal_name,
            "content_areas": [area.name for area in report.site.content_areas.all()],
            "partner_districts": [d.name for d in report.site.partner_districts.all()],
            "participants": report.people,
            "earned": report.earned,
            "supports": [str(labels[s]) for s in report.support_structures if s in labels],
            "support_other": report.support_other,
            "what_worked": report.what_worked,
            "recommendations": report.recommendations,
            "quotes": [
                {"text": quote.text, "attribution": quote.attribution}
                for quote in report.published_quotes
            ],
        }
        for report in reports
    ]
