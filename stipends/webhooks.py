"""Stripe webhook events: stored once by event id, then applied.

Rules: a duplicate or replayed event changes nothing; events may arrive in any order, so
a late ``transfer.created`` never undoes a ``transfer.reversed`` and an older
``account.updated`` never overwrites a newer one; a full reversal marks the stipend
reversed and releases its budget, a partial one is flagged for finance."""

from django.db import IntegrityError, transaction

from grants.services.audit import audit_record, audit_transition

from . import stripe_client
from .models import Payment, PaymentStatus, StipendStatus, StripeEvent


@transaction.atomic
def stripe_event_receive(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event and apply it, once. Returns the stored event and whether
    it was new; a second delivery of the same id returns the first and does nothing."""
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event["id"],
                type=event.get("type", ""),
                stripe_created=int(event.get("created") or 0),
                payload=event,
                object_id=str(obj.get("id", ""))[:100],
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False
    handler = HANDLERS.get(stored.type)
    stored.outcome = handler(stored, obj) if handler else "ignored"
    stored.save(update_fields=["outcome", "updated_at"])
    return stored, True


def _account_updated(stored: StripeEvent, account: dict) -> str:
    from .payouts import payee_account_update

    state = stripe_client.account_state_from_event(account)
    payee = payee_account_update(
        account_id=state.account_id, state=state, event_created=stored.stripe_created
    )
    if payee is None:
        return "no payee has this account"
    return f"payee {payee.pk} {payee.status}"


def _transfer_created(stored: StripeEvent, transfer: dict) -> str:
    """Confirms a transfer. If the disbursement never heard Stripe's answer (a timeout
    after Stripe accepted), the transfer's metadata names the payment, which is recorded
    as succeeded. It never moves a reversed or paid payment, and never invents one."""
    from .payouts import _succeed

    payment = Payment.objects.filter(stripe_transfer_id=transfer.get("id")).first()
    if payment is not None:
        return f"payment {payment.pk} already {payment.status}"
    metadata = transfer.get("metadata") or {}
    key = f"stipend-{metadata.get('stipend')}-v{metadata.get('amount_version')}"
    payment = (
        Payment.objects.select_for_update()
        .select_related("stipend")
        .filter(idempotency_key=key)
        .first()
    )
    if payment is None:
        return "no payment has this transfer"
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REVERSED):
        return f"payment {payment.pk} already {payment.status}"
    stipend = payment.stipend
    if stipend.status != StipendStatus.APPROVED:
        return f"stipend {stipend.pk} is {stipend.status}: flagged"
    _succeed(payment, stipend, transfer["id"])
    return f"payment {payment.pk} recorded from the event"


def _apply_reversal(payment: Payment, transfer: dict, *, event_id: str) -> str:
    amount = int(transfer.get("amount") or 0)
    reversed_cents = int(transfer.get("amount_reversed") or 0)
    if payment.status == PaymentStatus.REVERSED:
        return f"payment {payment.pk} already reversed"
    if reversed_cents < amount or reversed_cents < stripe_client.to_cents(payment.amount):
        audit_record(
            actor=None,
            action="payment.partially_reversed",
            obj=payment.stipend,
            after={"payment": payment.pk, "reversed_cents": reversed_cents},
            note=f"Stripe event {event_id}: partial reversal, for finance to resolve.",
        )
        return f"payment {payment.pk} partially reversed: flagged"
    payment.status = PaymentStatus.REVERSED
    payment.save(update_fields=["status", "updated_at"])
    stipend = payment.stipend
    before = stipend.status
    stipend.status = StipendStatus.REVERSED
    stipend.save(update_fields=["status", "updated_at"])
    audit_transition(
        actor=None,
        obj=stipend,
        action="stipend.reversed",
        field="status",
        before=before,
        after=stipend.status,
        note=f"Stripe event {event_id}: transfer {payment.stripe_transfer_id} reversed; "
        f"${payment.amount} of budget released.",
    )
    return f"payment {payment.pk} reversed"


def _transfer_reversed(stored: StripeEvent, transfer: dict) -> str:
    payment = (
        Payment.objects.select_for_update()
        .select_related("stipend")
        .filter(stripe_transfer_id=transfer.get("id"))
        .first()
    )
    if payment is None:
        # The transfer is not recorded yet (its response is still on its way); the
        # disbursement applies this stored event when it records the transfer.
        return "waiting for the transfer to be recorded"
    return _apply_reversal(payment, transfer, event_id=stored.event_id)


def reversal_already_received(*, payment: Payment) -> None:
    """When a transfer is recorded, apply a reversal event that arrived before it."""
    event = (
        StripeEvent.objects.filter(type="transfer.reversed", object_id=payment.stripe_transfer_id)
        .order_by("-stripe_created")
        .first()
    )
    if event is not None:
        outcome = _apply_reversal(payment, event.payload["data"]["object"], event_id=event.event_id)
        StripeEvent.objects.filter(pk=event.pk).update(outcome=outcome)


HANDLERS = {
    "account.updated": _account_updated,
    "transfer.created": _transfer_created,
    "transfer.reversed": _transfer_reversed,
}
