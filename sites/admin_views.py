"""Staff's site-report screens in the Wagtail admin: the tracker per program and the
review page where a report is returned with comments or accepted. Registered in
cms/wagtail_hooks.py; every view refuses anyone but program staff with 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from grants.models import Program
from grants.permissions import require
from sites.models import SiteReport
from sites.permissions import can_review_report
from sites.selectors.reports import (
    report_counts,
    report_thread,
    report_tracker,
    tracker_counts,
    tracker_status,
)
from sites.services.reports import report_comment_add, site_report_accept, site_report_return


def report_tracker_view(request):
    """Every site of a program with where its report stands."""
    require(can_review_report(request.user))
    programs = Program.objects.filter(sites__isnull=False).distinct().order_by("-starts_on")
    selected = request.GET.get("program")
    program = (
        programs.filter(pk=selected).first() if selected and selected.isdigit() else None
    ) or programs.first()
    rows = report_tracker(program, today=timezone.localdate()) if program else []
    return render(
        request,
        "sites/admin/report_tracker.html",
        {
            "header_title": "Site reports",
            "page_title": "Site reports",
            "header_icon": "doc-full",
            "programs": programs,
            "program": program,
            "rows": rows,
            "counts": tracker_counts(rows),
        },
    )


@require_http_methods(["GET", "POST"])
def report_review_view(request, pk):
    """Read a site's report and its comment thread; comment without changing the status,
    return it with a comment, or accept it (which releases the award's final
    installment)."""
    require(can_review_report(request.user))
    report = get_object_or_404(
        SiteReport.objects.select_related("site__program", "site__organization"), pk=pk
    )
    comments = ""
    if request.method == "POST":
        action = request.POST.get("action")
        comments = request.POST.get("comments", "")
        try:
            if action == "comment":
                report_comment_add(report=report, actor=request.user, body=comments)
                messages.success(request, f"Added your comment to the report of {report.site}.")
            elif action == "return":
                site_report_return(report=report, actor=request.user, comments=comments)
                messages.success(request, f"Returned the report of {report.site} for changes.")
            elif action == "accept":
                site_report_accept(report=report, actor=request.user)
                messages.success(
                    request,
                    f"Accepted the report of {report.site}; its final installment is released "
                    "for finance.",
                )
            else:
                raise ValidationError("Choose comment, return or accept.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(reverse("site_report_review", args=[report.pk]))
        report.refresh_from_db()
    site = report.site
    return render(
        request,
        "sites/admin/report_review.html",
        {
            "header_title": f"Report: {site}",
            "page_title": f"Report: {site}",
            "header_icon": "doc-full",
            "report": report,
            "site": site,
            "counts": report_counts(site),
            "status": tracker_status(report, site.program.report_due_on, timezone.localdate()),
            "comments": comments,
            "thread": report_thread(report),
            "can_decide": report.status in ("submitted", "resubmitted"),
        },
    )
