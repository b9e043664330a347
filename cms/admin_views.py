"""Staff's convening screens in the Wagtail admin: live figures and charts, publishing
them, registrations, the groups' input and its export, and the packet. Registered in
cms/wagtail_hooks.py; every view refuses anyone but program staff with 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from grants.exports import CONTENT_TYPES, escape_row
from grants.files import PDF, private_file_response
from grants.permissions import require
from grants.services.audit import audit_record

from .convening.charts import convening_charts
from .convening.selectors import (
    figures_digest,
    latest_packet,
    live_figures,
    page_sessions,
    published_snapshot,
    registration_counts,
)
from .convening.services import packet_request, registration_promote_waiting, snapshot_publish
from .models import ConveningPacket, ConveningPage, ConveningRegistration, PacketStatus
from .permissions import can_manage_convening


def _page(request, pk) -> ConveningPage:
    require(can_manage_convening(request.user))
    return get_object_or_404(ConveningPage.objects.select_related("program"), pk=pk)


def convening_index(request):
    require(can_manage_convening(request.user))
    pages = ConveningPage.objects.select_related("program").order_by("-event_date")
    return render(
        request,
        "cms/admin/convening_index.html",
        {
            "header_title": "Convenings",
            "page_title": "Convenings",
            "header_icon": "group",
            "pages": pages,
        },
    )


@require_http_methods(["GET", "POST"])
def convening_admin(request, pk):
    """The staff dashboard of one convening. POST publishes the figures, builds the
    packet or fills free places from the waitlist."""
    page = _page(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                snapshot_publish(page=page, actor=request.user)
                messages.success(request, "The figures are published on the convening page.")
            elif action == "packet":
                packet_request(page=page, actor=request.user)
                messages.success(request, "The packet is being built.")
            elif action == "promote":
                promoted = registration_promote_waiting(page=page, actor=request.user)
                messages.success(request, f"{len(promoted)} moved from the waitlist.")
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("convening_admin", pk=page.pk)
    figures = live_figures(page.program)
    snapshot = published_snapshot(page)
    registrations = ConveningRegistration.objects.filter(page=page).select_related("user")
    return render(
        request,
        "cms/admin/convening.html",
        {
            "header_title": page.title,
            "page_title": page.title,
            "header_icon": "group",
            "page": page,
            "figures": figures,
            "charts": convening_charts(figures),
            "snapshot": snapshot,
            "snapshot_current": bool(snapshot and snapshot.digest == figures_digest(figures)),
            "registrations": registrations,
            "registration_counts": registration_counts(page),
            "sessions": page_sessions(page),
            "packet": latest_packet(page),
        },
    )


def convening_packet_status(request, pk, packet_pk):
    """The packet's progress, polled by static/js/packet-progress.js."""
    page = _page(request, pk)
    packet = get_object_or_404(ConveningPacket, pk=packet_pk, page=page)
    return JsonResponse(
        {
            "status": packet.status,
            "label": packet.get_status_display(),
            "progress": packet.progress,
            "step": packet.step,
            "done": packet.status in (PacketStatus.DONE, PacketStatus.FAILED),
        }
    )


def convening_packet_download(request, pk, packet_pk):
    page = _page(request, pk)
    packet = get_object_or_404(ConveningPacket, pk=packet_pk, page=page)
    if packet.status != PacketStatus.DONE or not packet.file:
        raise Http404("The packet is not ready.")
    return private_file_response(
        packet.file, filename=f"{page.slug}-packet.pdf", content_type=PDF.content_type
    )


def convening_input_export(request, pk):
    """Every group's input as XLSX, one sheet per policy structure (and an "All" sheet),
    with formula-like text escaped. Recorded in the audit log."""
    import io

    from openpyxl import Workbook

    from .models import PolicyStructure

    page = _page(request, pk)
    sessions = list(page_sessions(page).order_by("structure", "sort_order"))
    headers = [
        "Policy structure",
        "Session",
        "Room",
        "Facilitator",
        "People",
        "Key points",
        "Recommendations",
        "Concerns",
        "Recorded",
    ]

    def row(session):
        record = getattr(session, "input", None) if hasattr(session, "input") else None
        facilitator = session.facilitator
        return [
            session.get_structure_display(),
            session.title,
            session.room,
            (facilitator.get_full_name() or facilitator.email) if facilitator else "",
            record.participants if record else 0,
            record.key_points if record else "",
            record.recommendations if record else "",
            record.concerns if record else "",
            record.updated_at.strftime("%Y-%m-%d %H:%M") if record else "",
        ]

    workbook = Workbook(write_only=True)
    everything = workbook.create_sheet("All input")
    everything.append(escape_row(headers))
    for session in sessions:
        everything.append(escape_row(row(session)))
    for structure in PolicyStructure:
        sheet = workbook.create_sheet(str(structure.label)[:31])
        sheet.append(escape_row(headers))
        for session in sessions:
            if session.structure == structure:
                sheet.append(escape_row(row(session)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=request.user,
        action="convening.input_exported",
        obj=page,
        after={"sessions": len(sessions)},
    )
    from django.http import HttpResponse

    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{page.slug}-group-input.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
