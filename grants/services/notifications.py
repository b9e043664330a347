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
        "dashboard_url": absolute_url(reverse("portal_home")),
    }
    body = render_to_string("emails/application_submitted.txt", context)
    for recipient in sorted(r for r in recipients if r):
        email_queue(
            key=f"application-submitted:{application.pk}:{recipient}",
            to=recipient,
            subject=f"Application received: {application.rfp.title}",
            body=body,
        )
