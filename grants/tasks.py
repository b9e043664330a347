"""django-q2 tasks of the grants app. Each takes IDs and calls one service."""

from grants.services.email import email_send as _email_send


def email_send(email_id: int) -> bool:
    """Send a queued email at most once (see grants.services.email.email_send)."""
    return _email_send(email_id=email_id)
