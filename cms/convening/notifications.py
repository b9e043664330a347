"""The emails a convening owes the people who register. Each is queued through
email_queue under a key naming the event (the registration and the moment it happened),
so a repeated or retried call never sends a second copy, while registering again after a
cancellation is a new event with its own confirmation."""

from django.template.loader import render_to_string

from grants.services.email import email_queue
from grants.services.notifications import absolute_url


def _send(*, key: str, registration, subject: str, template: str, **context) -> None:
    page = registration.page
    # Wagtail answers a relative URL with one site, an absolute one with several.
    url = page.url or "/"
    if not url.startswith(("http://", "https://")):
        url = absolute_url(url)
    body = render_to_string(
        template,
        {
            "registration": registration,
            "user": registration.user,
            "page": page,
            "url": url + "#registration",
            **context,
        },
    )
    email_queue(key=key, to=registration.user.email, subject=subject, body=body)


def notify_registration_received(*, registration, position: int | None) -> None:
    """Confirm a registration: a place, or a place on the waitlist at ``position``."""
    waitlisted = position is not None
    _send(
        key=(
            f"convening-{registration.status}:{registration.pk}:"
            f"{registration.queued_at.isoformat()}"
        ),
        registration=registration,
        subject=(
            f"You are on the waitlist for {registration.page.title} (number {position})"
            if waitlisted
            else f"You are registered for {registration.page.title}"
        ),
        template="emails/convening_registered.txt",
        position=position,
    )


def notify_registration_promoted(*, registration) -> None:
    """Tell someone on the waitlist that a place opened and is now theirs."""
    _send(
        key=f"convening-promoted:{registration.pk}:{registration.promoted_at.isoformat()}",
        registration=registration,
        subject=f"You have a place at {registration.page.title}",
        template="emails/convening_promoted.txt",
    )


def notify_registration_cancelled(*, registration, was_waitlisted: bool) -> None:
    """Confirm that a place or a waitlist entry is cancelled."""
    _send(
        key=f"convening-cancelled:{registration.pk}:{registration.cancelled_at.isoformat()}",
        registration=registration,
        subject=f"Your registration for {registration.page.title} is cancelled",
        template="emails/convening_cancelled.txt",
        was_waitlisted=was_waitlisted,
    )
