"""The coordinator's workspace in the portal: their sites, a site's figures, its roster,
attempts, each participant's transcript (on screen and as a PDF) and exports. Program
staff may open every site; anyone else gets 404 (sites.permissions)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from grants.exports import tabular_response
from grants.pdf import render_pdf
from grants.permissions import require
from grants.services.audit import audit_record
from sites.models import GrantSite, ImportBatch, Participant
from sites.permissions import can_manage_site_records, can_view_participant, can_view_site
from sites.selectors.exports import EXPORTS
from sites.selectors.workspace import (
    participant_transcript,
    site_attempts,
    site_overview,
    site_roster,
    workspace_sites,
)


def workspace_site(request, slug) -> GrantSite:
    """The site named in the address, if the signed-in person may see it; 404 otherwise."""
    site = get_object_or_404(
        GrantSite.objects.select_related("program", "organization", "award"), slug=slug
    )
    require(can_view_site(request.user, site))
    return site


def site_participant(request, site, pk) -> Participant:
    participant = get_object_or_404(
        Participant.objects.select_related("district", "site__program"), pk=pk, site=site
    )
    require(can_view_participant(request.user, participant))
    return participant


def site_list(request):
    """The sites the person coordinates (every site, for program staff)."""
    return render(request, "sites/workspace/list.html", {"sites": workspace_sites(request.user)})


def site_overview_view(request, slug):
    site = workspace_site(request, slug)
    return render(
        request,
        "sites/workspace/overview.html",
        {
            "site": site,
            "overview": site_overview(site),
            "imports": ImportBatch.objects.filter(site=site).select_related("created_by")[:5],
            "can_manage": can_manage_site_records(request.user, site),
        },
    )


def roster_view(request, slug):
    site = workspace_site(request, slug)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(site_roster(site, search=search), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "sites/workspace/roster.html",
        {
            "site": site,
            "page_obj": page,
            "search": search,
            "can_manage": can_manage_site_records(request.user, site),
        },
    )


def attempts_view(request, slug):
    site = workspace_site(request, slug)
    page = Paginator(site_attempts(site), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "sites/workspace/attempts.html",
        {"site": site, "page_obj": page, "can_manage": can_manage_site_records(request.user, site)},
    )


def participant_view(request, slug, pk):
    site = workspace_site(request, slug)
    participant = site_participant(request, site, pk)
    return render(
        request,
        "sites/workspace/participant.html",
        {
            "site": site,
            **participant_transcript(participant),
            "can_manage": can_manage_site_records(request.user, site),
        },
    )


def transcript_pdf(request, slug, pk):
    """The participant's transcript as a PDF, for the participant's records."""
    site = workspace_site(request, slug)
    participant = site_participant(request, site, pk)
    pdf = render_pdf("pdf/transcript.html", {"site": site, **participant_transcript(participant)})
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(participant.full_name) or "participant"
    response["Content-Disposition"] = f'attachment; filename="transcript-{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def export_view(request, slug, kind, file_format):
    """The site's roster or attempts as CSV or XLSX, formula-escaped. Recorded in the audit
    log, since it holds personal data."""
    site = workspace_site(request, slug)
    if kind not in EXPORTS or file_format not in ("csv", "xlsx"):
        raise Http404("No such export.")
    headers, rows = EXPORTS[kind](sites=[site])
    audit_record(
        actor=request.user,
        action=f"{kind}.exported",
        obj=site,
        after={"format": file_format},
    )
    return tabular_response(
        filename=f"{site.slug}-{kind}", headers=headers, rows=rows, file_format=file_format
    )
