"""The Stripe webhook at /stripe/webhook/: raw-body signatures, events stored once,
out-of-order delivery, reversals and account readiness."""

import json
import time

import pytest

from grants.models import AuditEntry
from stipends.models import Payee, PayeeStatus, Payment, PaymentStatus, StipendStatus, StripeEvent
from stipends.payouts import batch_confirm, batch_create
from stipends.selectors import site_ledger
from tests.stipends.conftest import WEBHOOK_SECRET
from tests.stipends.helpers import approved_stipends, ready_payee
from tests.stripe_fake import event, signature

pytestmark = pytest.mark.django_db
URL = "/stripe/webhook/"


def post(client, payload: str, header: str | None = None):
    return client.post(
        URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": header or signature(payload, WEBHOOK_SECRET)},
    )


def send(client, evt):
    payload = json.dumps(evt, indent=2)
    return post(client, payload)


@pytest.fixture
def paid(fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    with django_capture_on_commit_callbacks(execute=True):
        batch_confirm(batch=batch_create(stipends=[stipend], actor=finance), actor=finance)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def test_valid_event_is_stored_once_and_duplicates_are_no_ops(client, fake_stripe, paid):
    evt = event("transfer.reversed", fake_stripe.reverse(paid.stripe_transfer_id))
    first = send(client, evt)
    assert first.status_code == 200
    assert StripeEvent.objects.count() == 1
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.REVERSED
    audits = AuditEntry.objects.count()
    again = send(client, evt)
    assert again.status_code == 200
    assert b"duplicate" in again.content
    assert StripeEvent.objects.count() == 1
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize("problem", ["bad", "stale", "missing", "compacted"])
def test_bad_or_stale_signatures_are_400_with_no_change(
    problem, client, fake_stripe, paid, unchanged
):
    evt = event("transfer.reversed", fake_stripe.reverse(paid.stripe_transfer_id))
    payload = json.dumps(evt, indent=2)
    header = {
        "bad": signature(payload, "whsec_wrong"),
        "stale": signature(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600),
        "missing": "",
        "compacted": signature(payload, WEBHOOK_SECRET),
    }[problem]
    if problem == "compacted":
        # The same event re-serialized without whitespace: the signature was over the raw
        # bytes Stripe sent, so it no longer matches.
        payload = json.dumps(json.loads(payload), separators=(",", ":"))
    with unchanged():
        response = client.post(
            URL,
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": header} if header else {},
        )
    assert response.status_code == 400


def test_webhook_is_404_without_stripe(client, settings, db):
    settings.STRIPE_SECRET_KEY = ""
    payload = json.dumps(event("account.updated", {"id": "acct_1"}))
    assert post(client, payload).status_code == 404


def test_reversal_releases_the_budget_and_late_created_does_not_undo_it(client, fake_stripe, paid):
    site = paid.stipend.site
    before = site_ledger(site)
    assert before["paid"] == paid.amount
    transfer = dict(fake_stripe.transfers[paid.stripe_transfer_id])
    created = event("transfer.created", transfer, created=int(time.time()) - 60)
    reversed_ = event("transfer.reversed", fake_stripe.reverse(paid.stripe_transfer_id))
    assert send(client, reversed_).status_code == 200
    assert send(client, created).status_code == 200
    paid.refresh_from_db()
    paid.stipend.refresh_from_db()
    assert paid.status == PaymentStatus.REVERSED
    assert paid.stipend.status == StipendStatus.REVERSED
    after = site_ledger(site)
    assert after["paid"] == 0
    assert after["reversed"] == paid.amount
    assert after["remaining"] == before["remaining"] + paid.amount
    assert after["balances"]
    assert AuditEntry.objects.filter(action="stipend.reversed").count() == 1


def test_partial_reversal_is_flagged_not_released(client, fake_stripe, paid):
    transfer = dict(fake_stripe.transfers[paid.stripe_transfer_id])
    transfer["amount_reversed"] = 100
    send(client, event("transfer.reversed", transfer))
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.SUCCEEDED
    assert AuditEntry.objects.filter(action="payment.partially_reversed").exists()


def test_transfer_created_records_a_transfer_whose_answer_was_lost(
    client, fake_stripe, site, coordinator, finance, staff
):
    """Stripe accepted the transfer but the answer never arrived and retries ran out:
    the transfer.created event names the payment through its metadata."""
    from tests.stipends.helpers import ready_payee as make_payee

    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    make_payee(fake_stripe, stipend.participant)
    batch = batch_create(stipends=[stipend], actor=finance)
    payment = Payment.objects.get()
    payment.status = PaymentStatus.FAILED
    payment.save()
    transfer = {
        "id": "tr_lost",
        "object": "transfer",
        "amount": 23000,
        "amount_reversed": 0,
        "metadata": {"stipend": str(stipend.pk), "amount_version": "1"},
    }
    send(client, event("transfer.created", transfer))
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_transfer_id) == (PaymentStatus.SUCCEEDED, "tr_lost")
    assert payment.batch_id == batch.pk


def test_reversal_delivered_before_the_transfer_is_recorded_still_applies(
    client, fake_stripe, site, coordinator, finance, staff
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    batch_create(stipends=[stipend], actor=finance)
    transfer = {
        "id": "tr_early",
        "object": "transfer",
        "amount": 23000,
        "amount_reversed": 23000,
        "metadata": {"stipend": str(stipend.pk), "amount_version": "1"},
    }
    send(client, event("transfer.reversed", transfer, created=int(time.time())))
    assert Payment.objects.get().status == PaymentStatus.PENDING
    send(client, event("transfer.created", {**transfer, "amount_reversed": 0}))
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REVERSED
    assert payment.stipend.status == StipendStatus.REVERSED


def test_account_updated_sets_readiness_in_order_and_sends_held_payments(
    client, fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    payee = ready_payee(fake_stripe, stipend.participant, active=False)
    Payee.objects.filter(pk=payee.pk).update(status=PayeeStatus.INVITED)
    with django_capture_on_commit_callbacks(execute=True):
        batch_confirm(batch=batch_create(stipends=[stipend], actor=finance), actor=finance)
    assert Payment.objects.get().status == PaymentStatus.HELD
    now = int(time.time())
    older = event(
        "account.updated", dict(fake_stripe.accounts[payee.stripe_account_id]), created=now - 100
    )
    newer = event(
        "account.updated",
        dict(fake_stripe.set_transfers(payee.stripe_account_id, True)),
        created=now,
    )
    newer["data"]["object"] = json.loads(json.dumps(fake_stripe.accounts[payee.stripe_account_id]))
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, newer).status_code == 200
    payee.refresh_from_db()
    assert payee.status == PayeeStatus.READY
    # The held payment went out as soon as the account could receive it.
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert len(fake_stripe.transfers) == 1
    # An older "not ready" event delivered late changes nothing.
    older["data"]["object"]["capabilities"] = {"transfers": "inactive"}
    send(client, older)
    payee.refresh_from_db()
    assert payee.status == PayeeStatus.READY
