"""Read queries of the convening: the figures (live or as published), the registration
counts, and what the page shows to whom. Live figures are for program staff; everyone
else sees only the published snapshot."""

import hashlib
import json

from django.db.models import Count, Max, Q

from cms.forms import RegistrationForm
from cms.models import (
    ConveningPacket,
    ConveningRegistration,
    ConveningSession,
    FigureSnapshot,
    RegistrationStatus,
)
from grants.roles import is_program_staff
from grants.selectors.summary import convening_figures
from sites.models import Attempt, Participant, SiteReport
from sites.selectors.reports import site_stories
from stipends.models import Stipend


def figures_source(program) -> dict:
    """What the figures are computed from: row counts and the latest change of each kind
    of record, so a published snapshot says which data it froze."""
    source = {}
    for label, queryset in (
        ("participants", Participant.objects.filter(site__program=program)),
        ("attempts", Attempt.objects.filter(participant__site__program=program)),
        ("stipends", Stipend.objects.filter(site__program=program)),
        ("site_reports", SiteReport.objects.filter(site__program=program)),
    ):
        agg = queryset.aggregate(rows=Count("id"), latest=Max("updated_at"))
        source[label] = {
            "rows": agg["rows"],
            "latest_change": agg["latest"].isoformat() if agg["latest"] else None,
        }
    return source


def live_figures(program) -> dict:
    """The convening figures and consented site stories as they are now."""
    return {**convening_figures(program), "stories": site_stories(program)}


def figures_digest(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def published_snapshot(page) -> FigureSnapshot | None:
    return FigureSnapshot.objects.filter(page=page).order_by("-published_at", "-id").first()


def registration_counts(page) -> dict:
    counts = ConveningRegistration.objects.filter(page=page).aggregate(
        registered=Count("id", filter=Q(status=RegistrationStatus.REGISTERED)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return {
        **counts,
        "capacity": page.capacity,
        "left": max(0, page.capacity - counts["registered"]),
    }


def waitlist_position(registration: ConveningRegistration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = ConveningRegistration.objects.filter(
        page_id=registration.page_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def facilitator_candidates(page):
    """The people the page editor offers as a session's facilitator: active program staff
    and people with a place at this convening (see cms.permissions.can_facilitate)."""
    from django.contrib.auth import get_user_model

    from grants.roles import ROLE_GROUPS, Role

    eligible = Q(groups__name=ROLE_GROUPS[Role.PROGRAM_STAFF]) | Q(is_superuser=True)
    if page is not None and page.pk:
        eligible |= Q(
            convening_registrations__page=page,
            convening_registrations__status=RegistrationStatus.REGISTERED,
        )
    users = get_user_model().objects.filter(is_active=True).filter(eligible)
    return users.distinct().order_by("first_name", "last_name", "email")


def page_sessions(page):
    return ConveningSession.objects.filter(page=page).select_related("facilitator", "input")


def latest_packet(page) -> ConveningPacket | None:
    return ConveningPacket.objects.filter(page=page).order_by("-created_at", "-id").first()


def convening_page_context(page, user) -> dict:
    """What the public convening page shows ``user``: the published figures (staff also
    see a link to the live ones), their own registration, and the sessions."""
    snapshot = published_snapshot(page)
    registration = (
        ConveningRegistration.objects.filter(page=page, user=user).first()
        if user.is_authenticated
        else None
    )
    figures = snapshot.figures if snapshot else None
    return {
        "snapshot": snapshot,
        "figures": figures,
        "charts": snapshot.charts if snapshot else {},
        "registration": registration,
        "waitlist_position": waitlist_position(registration) if registration else None,
        "registration_counts": registration_counts(page),
        "sessions": page_sessions(page),
        "is_staff_viewer": is_program_staff(user),
        "registration_form": RegistrationForm(),
    }
