"""The emails the grants app owes people. Each is queued once per event key through
email_queue, so repeating the event never repeats the email."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from .email import email_queue


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify_application_submitted(*, application, actor) -> None:
    """Confirm a submission to the submitter and to the application's contact."""
    recipients = {application.contact_email.lower()}
    if actor is not None and getattr(actor, "email", ""):
        recipients.add(actor.email.lower())
    context = {
        "application": application,
        "rfp": application.rfp,
        "dashboard_url": absolute_url(reverse("application_detail", args=[application.public_id])),
    }
    body = render_to_string("emails/application_submitted.txt", context)
    for recipient in sorted(r for r in recipients if r):
        email_queue(
            key=f"application-submitted:{application.pk}:{recipient}",
            to=recipient,
            subject=f"Application received: {application.rfp.title}",
            body=body,
        )


def notify_membership_requested(*, request) -> None:
    """Tell every member of the organization that someone asks to join it."""
    organization = request.organization
    context = {
        "request": request,
        "organization": organization,
        "url": absolute_url(reverse("organization_detail", args=[organization.slug])),
    }
    body = render_to_string("emails/membership_requested.txt", context)
    for membership in organization.memberships.select_related("user"):
        email_queue(
            key=f"membership-requested:{request.pk}:{membership.user_id}",
            to=membership.user.email,
            subject=f"{request.user.get_full_name() or request.user.email} asks to join "
            f"{organization}",
            body=body,
        )


def notify_membership_answered(*, request) -> None:
    """Tell the person who asked to join whether a member approved or declined."""
    context = {
        "request": request,
        "organization": request.organization,
        "url": absolute_url(reverse("portal_home")),
    }
    body = render_to_string("emails/membership_answered.txt", context)
    email_queue(
        key=f"membership-answered:{request.pk}",
        to=request.user.email,
        subject=f"Your request to join {request.organization}: "
        f"{request.get_status_display().lower()}",
        body=body,
    )
