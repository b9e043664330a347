"""The applicant's side of an application: start one from an RFP, view it, withdraw it,
and download its PDF copy and attachments. Every view finds the application by its random
public id and checks it through grants.permissions; anyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.models import RfpPage
from grants.files import DOCUMENT_KINDS, private_file_response, safe_filename
from grants.forms.applications import WithdrawForm
from grants.models import Application, ApplicationStatus, ApplicationStep, Organization
from grants.pdf import render_pdf
from grants.permissions import (
    can_apply,
    can_apply_for,
    can_download_application_pdf,
    can_download_letter,
    can_edit_application,
    can_view_application,
    can_withdraw_application,
    is_member,
    require,
)
from grants.selectors.applications import (
    application_for_display,
    application_histories,
    application_letter,
)
from grants.services.applications import application_create, application_withdraw

from .feedback import attempt


def viewable_application(request, public_id) -> Application:
    """The application named in the URL, if the signed-in person may see it; else 404."""
    application = application_for_display(public_id)
    if application is None:
        raise Http404("No such application.")
    require(can_view_application(request.user, application))
    return application


def step_url(application, step) -> str:
    return reverse("application_step", args=[application.public_id, step])


def resume_url(application) -> str:
    """Where a member carries on: the furthest step reached of a draft, else its page."""
    if application.status == ApplicationStatus.DRAFT:
        return step_url(application, application.current_step)
    return reverse("application_detail", args=[application.public_id])


@require_http_methods(["GET", "POST"])
def application_start(request, rfp_id):
    """Start (or continue) an application to an RFP for one of the person's organizations."""
    rfp = get_object_or_404(RfpPage.objects.live().select_related("program"), pk=rfp_id)
    if not can_apply(request.user):
        return render(request, "portal/verify_first.html", {"next": request.get_full_path()})
    organizations = list(
        Organization.objects.filter(memberships__user=request.user).order_by("legal_name")
    )
    existing = {
        application.organization_id: application
        for application in Application.objects.filter(
            rfp=rfp, organization__in=organizations
        ).exclude(status=ApplicationStatus.WITHDRAWN)
    }
    problems = []
    if request.method == "POST":
        organization = next(
            (org for org in organizations if org.slug == request.POST.get("organization")), None
        )
        if organization is None:
            raise Http404("Not one of your organizations.")
        require(can_apply_for(request.user, organization))
        try:
            application = application_create(rfp=rfp, organization=organization, actor=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                f"Your draft is started. Every step is saved as you go, so you can stop and "
                f"come back before {timezone.localtime(rfp.closes_at):%B %-d at %-I:%M %p} "
                "Pacific time.",
            )
            return redirect(step_url(application, ApplicationStep.ORGANIZATION))
    elif len(organizations) == 1 and organizations[0].pk in existing:
        return redirect(resume_url(existing[organizations[0].pk]))
    choices = []
    for organization in organizations:
        application = existing.get(organization.pk)
        eligible = not rfp.eligible_org_types or organization.org_type in rfp.eligible_org_types
        choices.append(
            {
                "organization": organization,
                "application": application,
                "url": resume_url(application) if application else "",
                "eligible": eligible,
            }
        )
    return render(
        request,
        "portal/applications/start.html",
        {"rfp": rfp, "choices": choices, "problems": problems},
    )


def application_detail(request, public_id):
    """An application's status, history and contents, with what the person may do next."""
    application = viewable_application(request, public_id)
    user = request.user
    letter = application_letter(application)
    # Assigned reviewers see the application too, but the letter is the organization's.
    if letter is not None and not can_download_letter(user, letter):
        letter = None
    return render(
        request,
        "portal/applications/detail.html",
        {
            "application": application,
            "history": application_histories([application])[application.pk],
            "can_edit": bool(can_edit_application(user, application)),
            "can_withdraw": bool(can_withdraw_application(user, application)),
            "can_download": bool(can_download_application_pdf(user, application)),
            "continue_url": resume_url(application),
            "letter": letter,
        },
    )


@require_http_methods(["GET", "POST"])
def application_withdraw_view(request, public_id):
    """Withdraw a draft or a submitted application, until a decision is made."""
    application = viewable_application(request, public_id)
    access = can_withdraw_application(request.user, application)
    if not access:
        # Staff and reviewers may see the application but never withdraw it.
        if not is_member(request.user, application.organization):
            raise Http404(access.reason)
        messages.error(request, access.reason)
        return redirect("application_detail", application.public_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            lambda: application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            "The application is withdrawn.",
        )
        return redirect("application_detail", application.public_id)
    return render(
        request, "portal/applications/withdraw.html", {"application": application, "form": form}
    )


def application_pdf(request, public_id):
    """The submitted application as a PDF, for its organization's members and staff."""
    application = viewable_application(request, public_id)
    require(can_download_application_pdf(request.user, application))
    pdf = render_pdf(
        "pdf/application.html",
        {"application": application, "generated_at": timezone.now()},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = safe_filename(f"application-{application.organization.slug}", DOCUMENT_KINDS[0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def application_attachment(request, public_id, pk):
    """Download one attachment: only members of the organization and staff reach it."""
    application = viewable_application(request, public_id)
    attachment = next((a for a in application.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404("No such attachment.")
    kind = next((k for k in DOCUMENT_KINDS if k.content_type == attachment.content_type), None)
    if kind is None:
        raise Http404("Unknown file type.")
    return private_file_response(
        attachment.file,
        filename=safe_filename(attachment.original_name, kind),
        content_type=kind.content_type,
    )
