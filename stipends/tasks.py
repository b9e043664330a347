"""django-q2 tasks of the stipends app. Each takes IDs and calls one service; a retry is
harmless because every Stripe payment is keyed on its stipend and amount version."""

from .payouts import batch_finish, payments_held_review
from .payouts import batch_send as _batch_send
from .payouts import payment_send as _payment_send


def batch_send(batch_id: int) -> str:
    """Send a confirmed batch's transfers (see stipends.payouts.batch_send)."""
    return _batch_send(batch_id=batch_id).status


def payment_send(payment_id: int) -> str | None:
    """Send one held payment whose payee became ready, then update its batch."""
    payment = _payment_send(payment_id=payment_id)
    if payment is None:
        return None
    if payment.batch_id:
        batch_finish(batch_id=payment.batch_id)
    return payment.status


def held_payments_review() -> dict:
    """The daily run over held Stripe payments (see payouts.payments_held_review): send
    those whose payee became ready, remind the others. Safe to repeat: reminders are
    rate-limited per payee and sends are keyed."""
    return payments_held_review()
