"""Write operations for paying stipends through Stripe Connect: payees and their
onboarding, disbursement batches, and one idempotent transfer per stipend.

A Stripe payment is keyed on ``stipend-<id>-v<amount version>``: the row's unique key is
the Idempotency-Key sent to Stripe, so retries, double clicks and two workers can never
create two transfers for one stipend. Only after Stripe refused outright (a card or
account error, when no transfer exists) is the next try sent under "<key>-r<round>"."""

import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.queue import enqueue_after_commit
from grants.services.audit import audit_record, audit_transition
from grants.services.email import email_queue

from . import stripe_client
from .models import (
    BatchStatus,
    DisbursementBatch,
    Payee,
    PayeeStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Stipend,
    StipendStatus,
)

ONBOARDING_SALT = "stipends.payee-onboarding"
ONBOARDING_MAX_AGE = 30 * 24 * 60 * 60
# Payments a batch run (re)sends: new ones, ones waiting for the payee, retryable failures.
SENDABLE = Q(status__in=[PaymentStatus.PENDING, PaymentStatus.HELD]) | Q(
    status=PaymentStatus.FAILED, retryable=True
)


def require_stripe() -> None:
    if not stripe_client.stripe_enabled():
        raise ValidationError(
            "Stripe is not configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET), so "
            "stipends can only be paid manually: record a check, ACH or payroll payment."
        )


def idempotency_key(stipend: Stipend) -> str:
    """The key of a stipend's Stripe payment at its current amount."""
    return f"stipend-{stipend.pk}-v{stipend.amount_version}"


# Payees -------------------------------------------------------------------------------


def payee_for(participant) -> Payee:
    """The participant's payee record, created on first use."""
    payee, _created = Payee.objects.get_or_create(
        participant=participant, defaults={"email": participant.email}
    )
    return payee


def onboarding_token(payee: Payee) -> str:
    return signing.dumps({"payee": payee.pk}, salt=ONBOARDING_SALT)


def payee_from_token(token: str) -> Payee | None:
    """The payee an emailed onboarding link names, or None if it is forged or expired."""
    try:
        data = signing.loads(token, salt=ONBOARDING_SALT, max_age=ONBOARDING_MAX_AGE)
    except signing.BadSignature:
        return None
    return Payee.objects.select_related("participant").filter(pk=data.get("payee")).first()


def onboarding_url(payee: Payee) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "payee_onboarding", args=[onboarding_token(payee)]
    )


def _email_payee(payee: Payee, *, template: str, subject: str, key: str) -> None:
    body = render_to_string(
        template, {"payee": payee, "participant": payee.participant, "url": onboarding_url(payee)}
    )
    email_queue(key=key, to=payee.email, subject=subject, body=body)


@transaction.atomic
def payee_invite(*, participant, actor) -> Payee:
    """Email a participant a link to set up a Stripe Express account for their stipends.
    The link leads to this site, which makes a fresh Stripe onboarding link each time it
    is used (Stripe's own links expire within minutes). A ready payee is not invited."""
    require_stripe()
    payee = Payee.objects.select_for_update().get(pk=payee_for(participant).pk)
    if payee.status == PayeeStatus.READY:
        raise ValidationError(f"{participant} can already receive stipends through Stripe.")
    if not payee.stripe_account_id:
        try:
            payee.stripe_account_id = stripe_client.account_create(
                email=payee.email, payee_id=payee.pk
            )
        except stripe_client.StripeFailure as failure:
            raise ValidationError(f"Stripe could not create the account: {failure}") from None
    before = payee.status
    payee.status = PayeeStatus.INVITED
    payee.invited_at = timezone.now()
    payee.full_clean()
    payee.save()
    audit_transition(
        actor=actor,
        obj=payee,
        action="payee.invited",
        field="status",
        before=before,
        after=payee.status,
    )
    _email_payee(
        payee,
        template="emails/payee_onboarding.txt",
        subject="Set up your stipend payments",
        key=f"payee-invite:{payee.pk}:{payee.invited_at.isoformat()}",
    )
    return payee


def payee_onboarding_link(*, payee: Payee) -> str:
    """A fresh Stripe-hosted onboarding URL for the payee's account. Changes nothing here."""
    require_stripe()
    if not payee.stripe_account_id:
        raise ValidationError("This payee has no Stripe account yet; ask for a new invitation.")
    back = settings.SITE_URL.rstrip("/")
    try:
        return stripe_client.account_link_create(
            account_id=payee.stripe_account_id,
            refresh_url=back + reverse("payee_onboarding", args=[onboarding_token(payee)]),
            return_url=back + reverse("payee_onboarding_done"),
        )
    except stripe_client.StripeFailure as failure:
        raise ValidationError(f"Stripe could not start onboarding: {failure}") from None


def payee_remind(*, payee: Payee) -> bool:
    """Remind a payee whose account cannot receive transfers, at most once every
    STIPEND_REMINDER_DAYS, so a held payment brings a reminder rather than a nightly
    failure. Whether a reminder was queued."""
    days = getattr(settings, "STIPEND_REMINDER_DAYS", 7)
    now = timezone.now()
    if payee.reminded_at and now - payee.reminded_at < timedelta(days=days):
        return False
    Payee.objects.filter(pk=payee.pk).update(reminded_at=now)
    payee.reminded_at = now
    _email_payee(
        payee,
        template="emails/payee_reminder.txt",
        subject="Your stipend is waiting: finish setting up payments",
        key=f"payee-reminder:{payee.pk}:{now.isoformat()}",
    )
    audit_record(actor=None, action="payee.reminded", obj=payee, note=payee.not_ready_reason)
    return True


def _held_payment_ids(payee: Payee) -> list[int]:
    return list(
        Payment.objects.filter(
            stipend__participant_id=payee.participant_id,
            method=PaymentMethod.STRIPE,
            status=PaymentStatus.HELD,
            batch__status__in=[BatchStatus.CONFIRMED, BatchStatus.NEEDS_ATTENTION],
        ).values_list("pk", flat=True)
    )


def _payee_readiness_set(payee: Payee, state, *, event_created: int, note: str = "") -> None:
    before = payee.status
    payee.status = PayeeStatus.READY if state.transfers_active else PayeeStatus.NOT_READY
    payee.not_ready_reason = "" if state.transfers_active else state.reason
    payee.account_event_created = event_created
    payee.full_clean()
    payee.save()
    if before != payee.status:
        audit_transition(
            actor=None,
            obj=payee,
            action="payee.readiness",
            field="status",
            before=before,
            after=payee.status,
            note=note or payee.not_ready_reason,
        )
    if payee.status == PayeeStatus.READY:
        for payment_id in _held_payment_ids(payee):
            enqueue_after_commit("stipends.tasks.payment_send", payment_id)


@transaction.atomic
def payee_account_update(*, account_id: str, state, event_created: int) -> Payee | None:
    """Apply an ``account.updated`` event: the payee is ready exactly when the account's
    transfers capability is active. Events older than the newest applied are ignored, so
    late delivery never undoes a newer state. A payee who becomes ready has their held
    payments sent."""
    payee = Payee.objects.select_for_update().filter(stripe_account_id=account_id).first()
    if payee is None:
        return None
    if payee.account_event_created and event_created < payee.account_event_created:
        return payee
    _payee_readiness_set(payee, state, event_created=event_created)
    return payee


def payments_held_review() -> dict:
    """The daily look at Stripe payments held for payees who could not receive transfers.

    Each such payee's account is read from Stripe, so a missed ``account.updated`` webhook
    delays a payment by a day at most: a payee who is now ready has their held payments
    sent (with the same idempotency keys), and one who is still not ready gets a reminder
    at most once every STIPEND_REMINDER_DAYS, never a failed transfer. A payee Stripe
    cannot be asked about today is left as they are for the next run. Returns how many
    payees became ready, were reminded, or could not be checked."""
    counts = {"ready": 0, "reminded": 0, "unchecked": 0}
    if not stripe_client.stripe_enabled():
        return counts  # Stripe is off: nothing is held for it.
    payees = Payee.objects.filter(
        participant__stipends__payments__status=PaymentStatus.HELD,
        participant__stipends__payments__method=PaymentMethod.STRIPE,
        participant__stipends__payments__batch__status__in=[
            BatchStatus.CONFIRMED,
            BatchStatus.NEEDS_ATTENTION,
        ],
    ).distinct()
    for payee_id in payees.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            payee = Payee.objects.select_for_update().get(pk=payee_id)
            state = None
            if payee.stripe_account_id:
                try:
                    state = stripe_client.account_retrieve(payee.stripe_account_id)
                except stripe_client.StripeFailure:
                    counts["unchecked"] += 1
                    continue
                # What Stripe says now is newer than any event already applied.
                _payee_readiness_set(
                    payee,
                    state,
                    event_created=int(timezone.now().timestamp()),
                    note="Checked with Stripe by the daily review of held payments.",
                )
            if payee.status == PayeeStatus.READY:
                counts["ready"] += 1
            elif payee_remind(payee=payee):
                counts["reminded"] += 1
    return counts


# Batches ------------------------------------------------------------------------------


@transaction.atomic
def batch_create(*, stipends, actor) -> DisbursementBatch:
    """Put approved stipends into a draft batch for Stripe transfers. A stipend already
    waiting in another batch, or already paid, is refused; one whose earlier Stripe
    attempt failed moves into the new batch with the same idempotency key."""
    require_stripe()
    ids = sorted({s.pk for s in stipends})
    if not ids:
        raise ValidationError("Select at least one approved stipend.")
    locked = list(Stipend.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    problems = []
    for stipend in locked:
        if stipend.status != StipendStatus.APPROVED:
            problems.append(f"Stipend {stipend.pk} is {stipend.get_status_display().lower()}.")
    existing = {
        p.idempotency_key: p
        for p in Payment.objects.select_for_update().filter(
            idempotency_key__in=[idempotency_key(s) for s in locked]
        )
    }
    for stipend in locked:
        payment = existing.get(idempotency_key(stipend))
        if payment and payment.status != PaymentStatus.FAILED:
            problems.append(f"Stipend {stipend.pk} is already in batch {payment.batch_id}.")
    if len(locked) != len(ids):
        problems.append("Some selected stipends no longer exist.")
    if problems:
        raise ValidationError(problems)
    batch = DisbursementBatch(created_by=actor)
    batch.full_clean()
    batch.save()
    for stipend in locked:
        payment = existing.get(idempotency_key(stipend)) or Payment(
            stipend=stipend,
            method=PaymentMethod.STRIPE,
            idempotency_key=idempotency_key(stipend),
        )
        payment.batch = batch
        payment.amount = stipend.amount
        payment.status = PaymentStatus.PENDING
        payment.full_clean()
        payment.save()
    audit_record(
        actor=actor,
        action="batch.created",
        obj=batch,
        after={"stipends": ids, "total": sum(s.amount for s in locked)},
    )
    return batch


@transaction.atomic
def batch_confirm(*, batch: DisbursementBatch, actor) -> DisbursementBatch:
    """Finance confirms a draft batch; a background task then sends its transfers."""
    require_stripe()
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        raise ValidationError(f"Batch {batch.pk} is already confirmed.")
    batch.status = BatchStatus.CONFIRMED
    batch.confirmed_by = actor
    batch.confirmed_at = timezone.now()
    batch.full_clean()
    batch.save()
    audit_transition(
        actor=actor,
        obj=batch,
        action="batch.confirmed",
        field="status",
        before=BatchStatus.DRAFT,
        after=batch.status,
    )
    enqueue_after_commit("stipends.tasks.batch_send", batch.pk)
    return batch


@transaction.atomic
def batch_retry(*, batch: DisbursementBatch, actor) -> DisbursementBatch:
    """Send a confirmed batch's unfinished payments again, with their same keys."""
    require_stripe()
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.DRAFT:
        raise ValidationError("Confirm the batch first.")
    if not batch.payments.filter(SENDABLE).exists():
        raise ValidationError("Every payment in this batch is finished.")
    before = batch.status
    batch.status = BatchStatus.CONFIRMED
    batch.finished_at = None
    batch.save(update_fields=["status", "finished_at", "updated_at"])
    audit_transition(
        actor=actor,
        obj=batch,
        action="batch.retried",
        field="status",
        before=before,
        after=batch.status,
    )
    enqueue_after_commit("stipends.tasks.batch_send", batch.pk)
    return batch


def batch_send(*, batch_id: int) -> DisbursementBatch:
    """Send every unfinished payment of a confirmed batch (one transaction per payment,
    so progress shows while it runs), then mark the batch done or needing attention.
    Safe to run twice at once: each payment is claimed under a row lock and keyed."""
    for payment_id in (
        Payment.objects.filter(SENDABLE, batch_id=batch_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        payment_send(payment_id=payment_id)
    return batch_finish(batch_id=batch_id)


@transaction.atomic
def batch_finish(*, batch_id: int) -> DisbursementBatch:
    """A batch is done when every payment is finished, or needs attention when some are
    held or failed; a payment sent later (a payee became ready) can still finish it."""
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status not in (BatchStatus.CONFIRMED, BatchStatus.NEEDS_ATTENTION):
        return batch
    before = batch.status
    open_payments = batch.payments.filter(SENDABLE)
    if open_payments.filter(status=PaymentStatus.PENDING).exists():
        return batch  # another worker is still sending
    batch.status = BatchStatus.NEEDS_ATTENTION if open_payments.exists() else BatchStatus.DONE
    if batch.status == before:
        return batch
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at", "updated_at"])
    audit_transition(
        actor=None,
        obj=batch,
        action="batch.finished",
        field="status",
        before=before,
        after=batch.status,
    )
    return batch


def _hold(payment: Payment, payee: Payee, reason: str) -> None:
    payment.status = PaymentStatus.HELD
    payment.error = reason
    payment.error_kind = "payee"
    payment.retryable = True
    payee_remind(payee=payee)


def _succeed(payment: Payment, stipend: Stipend, transfer_id: str) -> None:
    from .webhooks import reversal_already_received

    payment.status = PaymentStatus.SUCCEEDED
    payment.stripe_transfer_id = transfer_id
    payment.paid_on = timezone.localdate()
    payment.error = ""
    payment.error_kind = ""
    payment.retryable = False
    payment.save()
    stipend.status = StipendStatus.PAID
    stipend.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=None,
        action="payment.transferred",
        obj=stipend,
        before={"status": StipendStatus.APPROVED},
        after={
            "status": stipend.status,
            "payment": payment.pk,
            "amount": payment.amount,
            "transfer": transfer_id,
        },
    )
    reversal_already_received(payment=payment)


@transaction.atomic
def payment_send(*, payment_id: int) -> Payment | None:
    """Send one Stripe payment. The row is claimed with a lock that other workers skip,
    so it is sent by one worker at a time; the idempotency key makes even a repeat
    harmless. A payee who is not ready holds the payment and gets a reminder instead of
    a failed transfer. Retryable errors (rate limits, network, Stripe 5xx) are retried
    here with the same key, up to STRIPE_TRANSFER_ATTEMPTS times; every error is kept."""
    payment = (
        Payment.objects.select_for_update(skip_locked=True)
        .filter(pk=payment_id, method=PaymentMethod.STRIPE)
        .first()
    )
    if payment is None or not Payment.objects.filter(SENDABLE, pk=payment.pk).exists():
        return payment
    stipend = (
        Stipend.objects.select_for_update().select_related("participant").get(pk=payment.stipend_id)
    )
    if stipend.status != StipendStatus.APPROVED or idempotency_key(stipend) != (
        payment.idempotency_key
    ):
        payment.status = PaymentStatus.FAILED
        payment.retryable = False
        payment.error_kind = "stipend"
        payment.error = (
            f"The stipend is now {stipend.get_status_display().lower()} at ${stipend.amount}; "
            "this payment was not sent."
        )
        payment.save()
        return payment
    payee = Payee.objects.select_for_update().get(pk=payee_for(stipend.participant).pk)
    if payee.status != PayeeStatus.READY:
        _hold(payment, payee, payee.not_ready_reason or f"{payee.get_status_display()}.")
        payment.save()
        return payment
    tries = max(1, int(getattr(settings, "STRIPE_TRANSFER_ATTEMPTS", 3)))
    for attempt in range(tries):
        payment.attempts += 1
        payment.last_attempt_at = timezone.now()
        try:
            transfer_id = stripe_client.transfer_create(
                amount=payment.amount,
                destination=payee.stripe_account_id,
                idempotency_key=payment.stripe_idempotency_key,
                metadata={"stipend": stipend.pk, "amount_version": stipend.amount_version},
                group=f"batch-{payment.batch_id}",
            )
        except stripe_client.StripeFailure as failure:
            payment.error = str(failure)
            payment.error_kind = failure.kind
            payment.retryable = failure.retryable
            audit_record(
                actor=None,
                action="payment.stripe_error",
                obj=stipend,
                after={"kind": failure.kind, "retryable": failure.retryable, "try": attempt + 1},
                note=failure.message[:1000],
            )
            if failure.retryable and attempt + 1 < tries:
                time.sleep(float(getattr(settings, "STRIPE_RETRY_DELAY", 1.0)) * (2**attempt))
                continue
            if failure.kind in ("card", "account"):
                # Stripe refused outright, so no transfer exists; it would replay this
                # refusal for the same key, so the next try (once the payee is ready, or in
                # a new batch) goes under a fresh one.
                payment.key_round += 1
            if failure.kind == "account":
                # The account cannot take transfers: wait for the payee, do not fail nightly.
                payee.status = PayeeStatus.NOT_READY
                payee.not_ready_reason = failure.message
                payee.save()
                _hold(payment, payee, failure.message)
            else:
                payment.status = PaymentStatus.FAILED
            payment.save()
            return payment
        _succeed(payment, stipend, transfer_id)
        return payment
    return payment
