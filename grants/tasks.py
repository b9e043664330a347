"""django-q2 tasks of the grants app. Each takes IDs and calls one service."""

from grants.services.email import email_send as _email_send


def email_send(email_id: int) -> bool:
    """Send a queued email at most once (see grants.services.email.email_send)."""
    return _email_send(email_id=email_id)


def decision_letter_send(decision_id: int):
    """Make a decision's letter and email it, at most once per decision
    (see grants.services.letters.decision_letter_issue)."""
    from grants.models import Decision
    from grants.services.letters import decision_letter_issue

    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is not None:
        decision_letter_issue(decision=decision)
    return decision_id
