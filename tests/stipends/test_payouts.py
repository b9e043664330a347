"""Stripe disbursement through the real stripe library against the local fake Stripe."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from stipends import stripe_client
from stipends.models import (
    BatchStatus,
    Payee,
    PayeeStatus,
    Payment,
    PaymentStatus,
    Stipend,
    StipendStatus,
)
from stipends.payouts import batch_confirm, batch_create, batch_send, payee_invite, payment_send
from tests.stipends.helpers import approved_stipends, ready_payee

pytestmark = pytest.mark.django_db


def confirm(batch, finance, capture):
    with capture(execute=True):
        batch_confirm(batch=batch, actor=finance)
    batch.refresh_from_db()
    return batch


def test_cents_are_exact_and_floats_refused():
    assert stripe_client.to_cents(Decimal("650.00")) == 65000
    assert stripe_client.to_cents(Decimal("0.29")) == 29
    with pytest.raises(ValueError, match="two decimal places"):
        stripe_client.to_cents(Decimal("1.005"))
    with pytest.raises(TypeError):
        stripe_client.to_cents(0.29)


def test_batch_sends_one_transfer_per_stipend(
    fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    stipends = approved_stipends(site, coordinator, finance, staff, 3)
    for stipend in stipends:
        ready_payee(fake_stripe, stipend.participant)
    batch = batch_create(stipends=stipends, actor=finance)
    batch = confirm(batch, finance, django_capture_on_commit_callbacks)
    assert batch.status == BatchStatus.DONE
    assert len(fake_stripe.transfers) == 3
    assert {t["amount"] for t in fake_stripe.transfers.values()} == {23000}
    assert set(Stipend.objects.values_list("status", flat=True)) == {StipendStatus.PAID}
    keys = {p.idempotency_key for p in Payment.objects.all()}
    assert keys == {f"stipend-{s.pk}-v1" for s in stipends}
    # Running the batch again (a retried task, a second worker) sends nothing more.
    batch_send(batch_id=batch.pk)
    assert len(fake_stripe.transfers) == 3


@pytest.mark.parametrize(
    "faults",
    [["timeout"], ["500"], ["429"], ["disconnect"], ["500", "429"]],
    ids=["timeout-after-accept", "500-then-success", "429", "network", "500-429"],
)
def test_faults_end_with_exactly_one_transfer(
    faults, fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    fake_stripe.fail_next("transfers", *faults)
    batch = confirm(
        batch_create(stipends=[stipend], actor=finance), finance, django_capture_on_commit_callbacks
    )
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.attempts == len(faults) + 1
    assert len(fake_stripe.transfers_for("stipend", str(stipend.pk))) == 1
    assert payment.stripe_transfer_id in fake_stripe.transfers
    keys = {key for method, path, key in fake_stripe.requests if path == "/v1/transfers"}
    assert keys == {payment.idempotency_key}
    assert batch.status == BatchStatus.DONE


def test_retryable_errors_beyond_the_limit_are_recorded_and_retried_later(
    fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    fake_stripe.fail_next("transfers", "429", "429", "429")
    batch = confirm(
        batch_create(stipends=[stipend], actor=finance), finance, django_capture_on_commit_callbacks
    )
    payment = Payment.objects.get()
    assert (payment.status, payment.error_kind, payment.retryable) == ("failed", "rate_limit", True)
    assert batch.status == BatchStatus.NEEDS_ATTENTION
    assert fake_stripe.transfers == {}
    payment_send(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert len(fake_stripe.transfers) == 1


def test_card_error_is_recorded_not_retried(
    fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    fake_stripe.fail_next("transfers", "card_error")
    confirm(
        batch_create(stipends=[stipend], actor=finance), finance, django_capture_on_commit_callbacks
    )
    payment = Payment.objects.get()
    assert (payment.status, payment.error_kind, payment.retryable) == ("failed", "card", False)
    assert payment.attempts == 1
    assert Stipend.objects.get().status == StipendStatus.APPROVED


def test_inactive_account_holds_the_payment_and_reminds_once(
    fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    payee = ready_payee(fake_stripe, stipend.participant, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        batch = confirm(
            batch_create(stipends=[stipend], actor=finance),
            finance,
            django_capture_on_commit_callbacks,
        )
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.HELD
    assert "capabilities" in payment.error
    payee.refresh_from_db()
    assert payee.status == PayeeStatus.NOT_READY
    assert "capabilities" in payee.not_ready_reason
    assert batch.status == BatchStatus.NEEDS_ATTENTION
    reminders = [m for m in mail.outbox if "waiting" in m.subject]
    assert len(reminders) == 1
    # The nightly retry does not call Stripe, fail again, or email again.
    with django_capture_on_commit_callbacks(execute=True):
        batch_send(batch_id=batch.pk)
    assert len([m for m in mail.outbox if "waiting" in m.subject]) == 1
    assert len([r for r in fake_stripe.requests if r[1] == "/v1/transfers"]) == 1
    assert fake_stripe.transfers == {}


def test_batch_refuses_unapproved_and_double_batching(
    fake_stripe, site, coordinator, finance, staff, unchanged
):
    stipends = approved_stipends(site, coordinator, finance, staff, 2)
    batch_create(stipends=stipends[:1], actor=finance)
    with unchanged(), pytest.raises(ValidationError, match="already in batch"):
        batch_create(stipends=stipends, actor=finance)
    with unchanged(), pytest.raises(ValidationError, match="at least one"):
        batch_create(stipends=[], actor=finance)


def test_without_stripe_keys_batches_are_refused_and_manual_payment_works(
    site, coordinator, finance, staff, settings, unchanged
):
    from stipends.services import payment_record_manual
    from tests.stipends.helpers import D

    settings.STRIPE_SECRET_KEY = ""
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    with unchanged(), pytest.raises(ValidationError, match="only be paid manually"):
        batch_create(stipends=[stipend], actor=finance)
    payment_record_manual(
        stipend=stipend,
        method="payroll",
        reference="PR-1",
        paid_on=D,
        amount="230",
        actor=finance,
    )
    assert Stipend.objects.get().status == StipendStatus.PAID


def test_invite_creates_an_express_account_and_emails_our_link(
    fake_stripe, site, coordinator, participant, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        payee = payee_invite(participant=participant, actor=coordinator)
    assert payee.stripe_account_id in fake_stripe.accounts
    assert payee.status == PayeeStatus.INVITED
    [email] = mail.outbox
    link = next(line for line in email.body.splitlines() if "/stipends/onboarding/" in line)
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url + "/onboarding/")
    assert fake_stripe.links[-1]["type"] == "account_onboarding"
    # A forged token is 404 and makes no Stripe call.
    calls = len(fake_stripe.requests)
    assert client.get("/stipends/onboarding/forged/").status_code == 404
    assert len(fake_stripe.requests) == calls
    assert Payee.objects.count() == 1


def test_a_stipend_in_a_stripe_batch_cannot_also_be_paid_manually(
    fake_stripe, site, coordinator, finance, staff, unchanged
):
    from stipends.services import payment_record_manual
    from tests.stipends.helpers import D

    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    batch_create(stipends=[stipend], actor=finance)
    with unchanged(), pytest.raises(ValidationError, match="being paid through Stripe"):
        payment_record_manual(
            stipend=stipend,
            method="check",
            reference="9",
            paid_on=D,
            amount="230",
            actor=finance,
        )
