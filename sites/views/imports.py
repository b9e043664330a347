"""Uploading a roster or attempts file: upload, preview (nothing written), confirm.
A file of more than 1,000 rows is checked and written in the background, and its page
refreshes itself to show progress until it finishes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants.permissions import require
from sites.forms.workspace import ImportUploadForm
from sites.models import ImportBatch, ImportKind
from sites.permissions import can_manage_site_records
from sites.resources import ATTEMPT_COLUMNS, ROSTER_COLUMNS
from sites.services.imports import error_text, import_confirm, import_upload
from sites.views.workspace import workspace_site

COLUMNS = {ImportKind.ROSTER: ROSTER_COLUMNS, ImportKind.ATTEMPTS: ATTEMPT_COLUMNS}


def _managed_site(request, slug):
    site = workspace_site(request, slug)
    access = can_manage_site_records(request.user, site)
    if not access:
        messages.error(request, access.reason)
    return site, access


def batch_url(batch) -> str:
    return reverse("workspace_import", args=[batch.site.slug, batch.public_id])


def upload_view(request, slug, kind):
    if kind not in ImportKind.values:
        raise Http404("No such import.")
    site, access = _managed_site(request, slug)
    if not access:
        return redirect("workspace_site", slug=site.slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_upload(
                site=site, kind=kind, upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect(batch_url(batch))
    return render(
        request,
        "sites/workspace/upload.html",
        {
            "site": site,
            "kind": ImportKind(kind),
            "form": form,
            "columns": COLUMNS[kind],
        },
    )


def _batch(request, slug, public_id):
    site = workspace_site(request, slug)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("created_by", "confirmed_by"),
        site=site,
        public_id=public_id,
    )
    return site, batch


def batch_view(request, slug, public_id):
    site, batch = _batch(request, slug, public_id)
    errors = batch.errors or []
    return render(
        request,
        "sites/workspace/batch.html",
        {
            "site": site,
            "batch": batch,
            "columns": COLUMNS[batch.kind],
            "error_lines": [error_text(e) for e in errors[:1000]],
            "more_errors": max(0, len(errors) - 1000),
            "form": ImportUploadForm(),
            "percent": int(100 * batch.processed_rows / batch.total_rows)
            if batch.total_rows
            else 0,
            "can_manage": can_manage_site_records(request.user, site),
        },
    )


@require_POST
def batch_confirm(request, slug, public_id):
    site, batch = _batch(request, slug, public_id)
    require(can_manage_site_records(request.user, site))
    try:
        batch = import_confirm(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if batch.status == "imported":
            messages.success(request, f"{batch.filename} is imported.")
    return redirect(batch_url(batch))
