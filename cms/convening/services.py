"""Writes of the convening: registration and its waitlist, the facilitators' input, the
published figures and the packet. Each is one transaction with readable refusals."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cms.convening.notifications import (
    notify_registration_cancelled,
    notify_registration_promoted,
    notify_registration_received,
)
from cms.convening.selectors import waitlist_position
from cms.models import (
    ConveningPacket,
    ConveningPage,
    ConveningRegistration,
    ConveningSession,
    FigureSnapshot,
    PacketStatus,
    PolicyStructure,
    RegistrationStatus,
    SessionInput,
)
from grants.queue import enqueue_after_commit
from grants.services.audit import audit_record, audit_transition

logger = logging.getLogger(__name__)


def _locked_page(page) -> ConveningPage:
    # Every change to a convening's registrations locks its page row first, so two people
    # taking the last place are served one after the other.
    return ConveningPage.objects.select_for_update().get(pk=page.pk)


def _registered(page) -> int:
    return ConveningRegistration.objects.filter(
        page=page, status=RegistrationStatus.REGISTERED
    ).count()


def _waiting(page):
    return ConveningRegistration.objects.filter(
        page=page, status=RegistrationStatus.WAITLISTED
    ).order_by("queued_at", "id")


@transaction.atomic
def registration_create(
    *,
    page,
    user,
    organization: str = "",
    role: str = "",
    structure: str = "",
    accessibility: str = "",
    at: datetime | None = None,
) -> ConveningRegistration:
    """Register ``user`` for the convening. While fewer than ``capacity`` are registered
    and nobody is waiting, they get a place; otherwise they join the end of the waitlist.
    One registration per person; a cancelled one can register again, at the back. The
    person is emailed a confirmation naming their place or waitlist position, once."""
    page = _locked_page(page)
    if not page.registration_open:
        raise ValidationError("Registration for this convening is closed.")
    if structure and structure not in PolicyStructure.values:
        raise ValidationError({"structure": "Choose a small group from the list."})
    existing = ConveningRegistration.objects.filter(page=page, user=user).first()
    if existing and existing.status != RegistrationStatus.CANCELLED:
        raise ValidationError(
            f"You are already {existing.get_status_display().lower()} for this convening."
        )
    has_room = _registered(page) < page.capacity and not _waiting(page).exists()
    registration = existing or ConveningRegistration(page=page, user=user)
    before = registration.status or ""
    registration.status = (
        RegistrationStatus.REGISTERED if has_room else RegistrationStatus.WAITLISTED
    )
    registration.organization = " ".join(organization.split())
    registration.role = " ".join(role.split())
    registration.structure = structure
    registration.accessibility = accessibility.strip()
    registration.queued_at = at or timezone.now()
    registration.cancelled_at = None
    registration.promoted_at = None
    registration.full_clean()
    registration.save()
    audit_transition(
        actor=user,
        obj=registration,
        action="convening.registered",
        field="status",
        before=before,
        after=registration.status,
    )
    notify_registration_received(
        registration=registration, position=waitlist_position(registration)
    )
    return registration


@transaction.atomic
def registration_cancel(*, registration: ConveningRegistration, actor) -> ConveningRegistration:
    """Cancel a place or a waitlist entry, confirmed by email. A freed place goes to the
    first person on the waitlist, who is told by email. Each email goes once."""
    page = _locked_page(registration.page)
    registration = ConveningRegistration.objects.get(pk=registration.pk, page=page)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError("This registration is already cancelled.")
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.full_clean()
    registration.save()
    audit_transition(
        actor=actor,
        obj=registration,
        action="convening.cancelled",
        field="status",
        before=before,
        after=registration.status,
    )
    notify_registration_cancelled(
        registration=registration, was_waitlisted=before == RegistrationStatus.WAITLISTED
    )
    registration_promote_waiting(page=page, actor=actor)
    return registration


@transaction.atomic
def registration_promote_waiting(*, page, actor) -> list[ConveningRegistration]:
    """Fill free places from the front of the waitlist (after a cancellation or a larger
    capacity) and email each person promoted."""
    page = _locked_page(page)
    promoted = []
    free = page.capacity - _registered(page)
    for waiting in list(_waiting(page)[: max(0, free)]):
        waiting.status = RegistrationStatus.REGISTERED
        waiting.promoted_at = timezone.now()
        waiting.save(update_fields=["status", "promoted_at", "updated_at"])
        audit_transition(
            actor=actor,
            obj=waiting,
            action="convening.promoted",
            field="status",
            before=RegistrationStatus.WAITLISTED,
            after=RegistrationStatus.REGISTERED,
        )
        notify_registration_promoted(registration=waiting)
        promoted.append(waiting)
    return promoted


@transaction.atomic
def session_input_save(
    *,
    session: ConveningSession,
    actor,
    key_points: str,
    recommendations: str = "",
    concerns: str = "",
    participants: int = 0,
) -> SessionInput:
    """Record (or correct) a small group's input. Key points are required."""
    if not key_points.strip():
        raise ValidationError({"key_points": "Record the key points of the discussion."})
    record = SessionInput.objects.select_for_update().filter(session=session).first()
    record = record or SessionInput(session=session)
    record.key_points = key_points.strip()
    record.recommendations = recommendations.strip()
    record.concerns = concerns.strip()
    record.participants = participants
    record.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="convening.input_recorded", obj=session)
    return record


@transaction.atomic
def snapshot_publish(*, page, actor, at: datetime | None = None) -> FigureSnapshot:
    """Freeze the live figures, charts and consented site stories onto the public page,
    recording when, by whom, and a fingerprint of the data they came from."""
    from cms.convening.charts import convening_charts
    from cms.convening.selectors import figures_digest, figures_source, live_figures

    figures = live_figures(page.program)
    snapshot = FigureSnapshot(
        page=page,
        figures=figures,
        charts=convening_charts(figures),
        source=figures_source(page.program),
        digest=figures_digest(figures),
        published_at=at or timezone.now(),
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    snapshot.full_clean()
    snapshot.save()
    audit_record(
        actor=actor,
        action="convening.figures_published",
        obj=page,
        after={"snapshot": snapshot.pk, "digest": snapshot.digest},
    )
    return snapshot


@transaction.atomic
def packet_request(*, page, actor) -> ConveningPacket:
    """Queue a build of the convening packet; one build at a time per convening."""
    page = _locked_page(page)
    if ConveningPacket.objects.filter(
        page=page, status__in=[PacketStatus.QUEUED, PacketStatus.RUNNING]
    ).exists():
        raise ValidationError("A packet is already being built. Wait for it to finish.")
    packet = ConveningPacket(page=page, requested_by=actor, step="Waiting for a worker")
    packet.full_clean()
    packet.save()
    audit_record(actor=actor, action="convening.packet_requested", obj=page)
    enqueue_after_commit("cms.tasks.packet_build", packet.pk)
    return packet


def _progress(packet_id: int, percent: int, step: str) -> None:
    ConveningPacket.objects.filter(pk=packet_id).update(
        progress=percent, step=step, updated_at=timezone.now()
    )


def packet_build(*, packet_id: int) -> bool:
    """Build one requested packet, at most once: the row is claimed from "queued" with a
    conditional update, so a retried or duplicated task does nothing. Progress is written
    as each part is ready. The figures are the live ones, the same the staff page shows."""
    from cms.convening.charts import convening_charts
    from cms.convening.selectors import figures_digest, live_figures, page_sessions
    from grants.pdf import render_pdf

    claimed = ConveningPacket.objects.filter(pk=packet_id, status=PacketStatus.QUEUED).update(
        status=PacketStatus.RUNNING, progress=5, step="Starting", updated_at=timezone.now()
    )
    if not claimed:
        return False
    packet = ConveningPacket.objects.select_related("page__program").get(pk=packet_id)
    page = packet.page
    try:
        _progress(packet_id, 15, "Computing the figures")
        figures = live_figures(page.program)
        _progress(packet_id, 40, "Drawing the charts")
        charts = convening_charts(figures)
        _progress(packet_id, 60, "Laying out the site pages")
        sessions = list(page_sessions(page))
        _progress(packet_id, 70, "Rendering the PDF")
        pdf = render_pdf(
            "pdf/convening_packet.html",
            {
                "page": page,
                "figures": figures,
                "charts": charts,
                "stories": figures["stories"],
                "sessions": sessions,
                "generated_at": timezone.now(),
            },
        )
        _progress(packet_id, 95, "Saving")
        packet.file.save(f"packet-{packet_id}.pdf", ContentFile(pdf), save=False)
        ConveningPacket.objects.filter(pk=packet_id).update(
            file=packet.file.name,
            size=len(pdf),
            digest=figures_digest(figures),
            status=PacketStatus.DONE,
            progress=100,
            step="Ready",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Building convening packet %s failed", packet_id)
        ConveningPacket.objects.filter(pk=packet_id).update(
            status=PacketStatus.FAILED,
            step="Failed",
            error=str(error)[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            progress=F("progress"),
        )
        return False
    return True


@transaction.atomic
def convening_sessions_set(*, page, sessions: list[dict], actor) -> ConveningPage:
    """Replace the convening's small-group sessions through a new published revision, as
    an editor would, so the page editor shows them too. Each session names one of the
    five policy structures, and its facilitator, if any, is program staff or someone with
    a place at the convening (the rule the page editor applies too)."""
    from cms.permissions import can_facilitate

    page = page.get_latest_revision_as_object()
    rows = []
    for position, details in enumerate(sessions):
        if details.get("structure") not in PolicyStructure.values:
            raise ValidationError({"structure": "Each session discusses one policy structure."})
        facilitator = details.get("facilitator")
        if facilitator is not None:
            access = can_facilitate(facilitator, page)
            if not access:
                raise ValidationError(
                    {"facilitator": f"{facilitator} cannot facilitate: {access.reason}"}
                )
        rows.append(ConveningSession(sort_order=position, **details))
    page.sessions = rows
    revision = page.save_revision(user=actor if getattr(actor, "is_authenticated", False) else None)
    revision.publish()
    audit_record(
        actor=actor, action="convening.sessions_set", obj=page, after={"sessions": len(rows)}
    )
    return page
