"""The coordinator's end-of-pilot report in the portal. One form holds every section, the
quotes and an optional file; a refused save or submit shows everything typed again, and
the draft is autosaved as the coordinator types (static/js/report-autosave.js)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from grants.files import DOCUMENT_KINDS, private_file_response, safe_filename
from grants.permissions import require
from sites.forms.reports import QuoteFormSet, ReplyForm, SiteReportForm, quotes_from
from sites.models import GrantSite, ReportAttachment, SiteReport
from sites.permissions import can_edit_report, can_reply_to_report, can_view_report
from sites.selectors.reports import (
    coordinated_sites,
    report_counts,
    report_thread,
    tracker_status,
)
from sites.services.reports import (
    REPORT_FIELDS,
    report_attachment_add,
    report_attachment_remove,
    report_reply_add,
    site_report_save,
    site_report_submit,
)


def _site(request, slug) -> GrantSite:
    site = get_object_or_404(GrantSite.objects.select_related("program", "organization"), slug=slug)
    require(can_view_report(request.user, site))
    return site


def _report(site) -> SiteReport | None:
    return SiteReport.objects.filter(site=site).prefetch_related("quotes", "attachments").first()


def _initial(report: SiteReport | None) -> tuple[dict, list[dict]]:
    if report is None:
        return {}, []
    fields = {name: getattr(report, name) for name in REPORT_FIELDS}
    quotes = [
        {"text": q.text, "attribution": q.attribution, "consent_to_publish": q.consent_to_publish}
        for q in report.quotes.all()
    ]
    return fields, quotes


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            if field == "file":
                target = "attachment"
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def site_report_list(request):
    """The reports of the sites the coordinator runs."""
    today = timezone.localdate()
    rows = [
        (site, tracker_status(getattr(site, "report", None), site.program.report_due_on, today))
        for site in coordinated_sites(request.user)
    ]
    return render(request, "sites/reports/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def site_report(request, slug):
    """Write, save and submit the site's report; read it once it is with staff."""
    site = _site(request, slug)
    report = _report(site)
    editable = bool(can_edit_report(request.user, site))
    context = {
        "site": site,
        "report": report,
        "counts": report_counts(site),
        "editable": editable,
        "status": tracker_status(report, site.program.report_due_on, timezone.localdate()),
        "thread": report_thread(report),
        "reply_form": ReplyForm()
        if report is not None and can_reply_to_report(request.user, report)
        else None,
    }
    if not editable:
        if request.method == "POST":
            raise Http404("This report cannot be edited.")
        return render(request, "sites/reports/detail.html", context)
    fields, quotes = _initial(report)
    if request.method == "GET":
        form = SiteReportForm(initial=fields)
        formset = QuoteFormSet(initial=quotes, prefix="quotes")
        return render(
            request, "sites/reports/form.html", {**context, "form": form, "formset": formset}
        )

    form = SiteReportForm(request.POST, request.FILES)
    formset = QuoteFormSet(request.POST, prefix="quotes")
    submitting = request.POST.get("action") == "submit"
    if form.is_valid() and formset.is_valid():
        try:
            report = site_report_save(
                site=site, actor=request.user, quotes=quotes_from(formset), **form.report_fields()
            )
            if form.cleaned_data.get("attachment"):
                report_attachment_add(
                    site=site,
                    upload=form.cleaned_data["attachment"],
                    label=form.cleaned_data.get("attachment_label", ""),
                    actor=request.user,
                )
            if submitting:
                site_report_submit(report=report, actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if submitting:
                messages.success(request, "Your report is submitted. Staff will review it.")
            else:
                messages.success(request, "Your draft is saved.")
            return redirect("site_report", slug=site.slug)
    context["report"] = _report(site)
    return render(
        request,
        "sites/reports/form.html",
        {**context, "form": form, "formset": formset},
        status=400,
    )


@require_POST
def site_report_reply(request, slug):
    """The coordinator answers staff on their site's returned report."""
    site = _site(request, slug)
    report = get_object_or_404(SiteReport, site=site)
    if not can_reply_to_report(request.user, report):
        raise Http404("You cannot reply on this report.")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            report_reply_add(report=report, actor=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your reply is sent to program staff.")
    else:
        messages.error(request, "Write your reply.")
    return redirect(reverse("site_report", args=[site.slug]) + "#report-comments")


@require_POST
def site_report_autosave(request, slug):
    """Save the draft as typed (no file, no submission); answers JSON for the page."""
    site = _site(request, slug)
    if not can_edit_report(request.user, site):
        raise Http404("This report cannot be edited.")
    form = SiteReportForm(request.POST)
    formset = QuoteFormSet(request.POST, prefix="quotes")
    if not (form.is_valid() and formset.is_valid()):
        errors = {**form.errors, **{"quotes": formset.non_form_errors()}}
        return JsonResponse({"saved": False, "errors": errors}, status=400)
    try:
        report = site_report_save(
            site=site, actor=request.user, quotes=quotes_from(formset), **form.report_fields()
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "errors": error.messages}, status=400)
    saved = timezone.localtime(report.updated_at)
    return JsonResponse({"saved": True, "saved_at": saved.strftime("%-I:%M:%S %p")})


def _attachment(request, slug, pk) -> ReportAttachment:
    site = _site(request, slug)
    return get_object_or_404(ReportAttachment, pk=pk, report__site=site)


def report_attachment_download(request, slug, pk):
    """A report's file, for the site's coordinators and program staff only."""
    attachment = _attachment(request, slug, pk)
    kind = next((k for k in DOCUMENT_KINDS if k.content_type == attachment.content_type), None)
    if kind is None:
        raise Http404("Unknown file type.")
    return private_file_response(
        attachment.file,
        filename=safe_filename(attachment.original_name, kind),
        content_type=kind.content_type,
    )


@require_POST
def report_attachment_delete(request, slug, pk):
    attachment = _attachment(request, slug, pk)
    if not can_edit_report(request.user, attachment.report.site):
        raise Http404("This report cannot be edited.")
    try:
        report_attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed {attachment.original_name}.")
    return redirect("site_report", slug=slug)
