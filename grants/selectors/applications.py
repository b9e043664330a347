"""Reads behind the applicant's pages and the staff list of applications."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cms.models import RfpPage
from grants.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    BudgetLine,
    Decision,
    DecisionStatus,
    NarrativeAnswer,
    OrganizationMembership,
)

# The audit fields that carry when a transition took effect, where that can differ from
# when the entry was written (historical data loaded later).
_EFFECTIVE_TIME_KEYS = ("submitted_at", "decided_at", "withdrawn_at")


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    status: str
    label: str
    previous_label: str
    by: str
    note: str


def application_histories(applications) -> dict[int, list[HistoryItem]]:
    """Each application's status changes from the audit trail, oldest first, as its
    organization's members may see them: the status and when, who did it if that was a
    member, and the reason only for a member's own withdrawal. Staff names, reviewers,
    scores and staff comments are never included. Two queries, however many applications."""
    applications = list(applications)
    if not applications:
        return {}
    content_type = ContentType.objects.get_for_model(Application)
    entries = (
        AuditEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(application.pk) for application in applications],
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    member_pairs = set(
        OrganizationMembership.objects.filter(
            organization_id__in={application.organization_id for application in applications}
        ).values_list("organization_id", "user_id")
    )
    organization_of = {str(a.pk): a.organization_id for a in applications}
    statuses = set(ApplicationStatus.values)
    histories: dict[int, list[HistoryItem]] = {a.pk: [] for a in applications}
    for entry in entries:
        status = (entry.after or {}).get("status")
        previous = (entry.before or {}).get("status")
        if status not in statuses or status == previous:
            continue
        by_member = (
            entry.actor_id is not None
            and (organization_of[entry.object_id], entry.actor_id) in member_pairs
        )
        at = entry.created_at
        for key in _EFFECTIVE_TIME_KEYS:
            parsed = parse_datetime(str((entry.after or {}).get(key) or ""))
            if parsed is not None:
                at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
                break
        histories[int(entry.object_id)].append(
            HistoryItem(
                at=at,
                status=status,
                label=ApplicationStatus(status).label if previous else "Draft started",
                previous_label=ApplicationStatus(previous).label if previous in statuses else "",
                by=(entry.actor.get_full_name() or entry.actor.email) if by_member else "The board",
                note=entry.note if by_member and status == ApplicationStatus.WITHDRAWN else "",
            )
        )
    return histories


def applications_for_dashboard(user) -> list[Application]:
    """The applications of every organization ``user`` belongs to, newest first, each with
    its ``history``. A fixed number of queries however many there are."""
    applications = list(
        Application.objects.filter(organization__memberships__user=user)
        .select_related("organization", "rfp", "rfp__program")
        .order_by("-created_at")
    )
    histories = application_histories(applications)
    for application in applications:
        application.history = histories[application.pk]
    return applications


def application_for_display(public_id) -> Application | None:
    """One application with everything its summary, review page and PDF show."""
    return (
        Application.objects.select_related(
            "organization", "organization__district", "rfp", "rfp__program", "submitted_by"
        )
        .prefetch_related(
            "content_areas",
            "partner_districts",
            Prefetch("answers", queryset=NarrativeAnswer.objects.order_by("position", "id")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "id")),
            "attachments",
        )
        .filter(public_id=public_id)
        .first()
    )


def application_letter(application) -> Decision | None:
    """The decision in effect on ``application`` if its letter has been made, else None. A
    reversed decision's letter no longer says what was decided, so it is not offered."""
    return (
        Decision.objects.filter(application=application, status=DecisionStatus.ACTIVE)
        .exclude(letter="")
        .first()
    )


def rfps_open_now():
    """Published RFPs accepting applications at this moment, closing soonest first."""
    now = timezone.now()
    return (
        RfpPage.objects.live()
        .filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("program")
        .order_by("closes_at")
    )


def staff_applications():
    """What staff list in the admin: every application that has been submitted (drafts
    are the applicant's unfinished work), with what the list and its export show."""
    return (
        Application.objects.exclude(status=ApplicationStatus.DRAFT)
        .select_related("organization", "rfp", "rfp__program")
        .prefetch_related("content_areas", "partner_districts", "budget_lines", "attachments")
    )
