"""Held payments are reviewed daily against Stripe, and a reversed stipend can be
approved again and paid once more under a new key."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants.models import AuditEntry
from stipends.models import (
    BatchStatus,
    PayeeStatus,
    Payment,
    PaymentStatus,
    Stipend,
    StipendStatus,
)
from stipends.payouts import batch_confirm, batch_create, payments_held_review
from stipends.selectors import site_ledger
from stipends.services import stipend_reapprove
from tests.auth import login
from tests.stipends.helpers import approved_stipends, ready_payee
from tests.stipends.test_webhooks import event, send

pytestmark = pytest.mark.django_db


def reminders():
    return [m for m in mail.outbox if "waiting" in m.subject]


@pytest.fixture
def held(fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks):
    """One stipend whose Stripe payment is held: the payee's account cannot take transfers."""
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    payee = ready_payee(fake_stripe, stipend.participant, active=False)
    batch = batch_create(stipends=[stipend], actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        batch_confirm(batch=batch, actor=finance)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.HELD
    assert len(reminders()) == 1
    return payment, payee


def test_the_daily_review_sends_a_held_payment_once_the_account_is_ready(
    held, fake_stripe, django_capture_on_commit_callbacks
):
    payment, payee = held
    # Onboarding finished, but the account.updated webhook never arrived.
    fake_stripe.set_transfers(payee.stripe_account_id, True)
    with django_capture_on_commit_callbacks(execute=True):
        counts = payments_held_review()
    assert counts == {"ready": 1, "reminded": 0, "unchecked": 0}
    payment.refresh_from_db()
    payee.refresh_from_db()
    assert payee.status == PayeeStatus.READY
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.batch.status == BatchStatus.DONE
    assert len(fake_stripe.transfers) == 1
    # Stripe would replay its refusal for the first key, so the second try had a fresh one.
    key = payment.idempotency_key
    assert [k for _m, path, k in fake_stripe.requests if path == "/v1/transfers"] == [
        key,
        f"{key}-r1",
    ]
    # Run again (a retried schedule): nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_held_review() == {"ready": 0, "reminded": 0, "unchecked": 0}
    assert len(fake_stripe.transfers) == 1
    assert AuditEntry.objects.filter(action="payee.readiness", after__status="ready").exists()


def test_a_payee_still_not_ready_is_reminded_weekly_not_failed_nightly(
    held, fake_stripe, settings, django_capture_on_commit_callbacks, time_machine
):
    payment, payee = held
    with django_capture_on_commit_callbacks(execute=True):
        # The first reminder went with the batch, so the next night sends none.
        assert payments_held_review()["reminded"] == 0
    assert len(reminders()) == 1
    time_machine.move_to(timezone.now() + timedelta(days=settings.STIPEND_REMINDER_DAYS, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_held_review()["reminded"] == 1
        assert payments_held_review()["reminded"] == 0
    assert len(reminders()) == 2
    payment.refresh_from_db()
    # Only the first try, with the batch, ever went to Stripe.
    assert payment.status == PaymentStatus.HELD and payment.attempts == 1
    assert not [r for r in fake_stripe.requests if r[1] == "/v1/transfers"][1:]


def test_a_payee_stripe_cannot_report_on_is_left_for_the_next_run(held, fake_stripe):
    payment, payee = held
    fake_stripe.fail_next("accounts", "500", "500", "500")
    counts = payments_held_review()
    assert counts == {"ready": 0, "reminded": 0, "unchecked": 1}
    payee.refresh_from_db()
    assert payee.status == PayeeStatus.NOT_READY


def test_the_review_is_scheduled_daily():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="stipends.tasks.held_payments_review")
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


@pytest.fixture
def reversed_stipend(
    client, fake_stripe, site, coordinator, finance, staff, django_capture_on_commit_callbacks
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    ready_payee(fake_stripe, stipend.participant)
    batch = batch_create(stipends=[stipend], actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        batch_confirm(batch=batch, actor=finance)
    payment = Payment.objects.get(stipend=stipend)
    assert (
        send(
            client, event("transfer.reversed", fake_stripe.reverse(payment.stripe_transfer_id))
        ).status_code
        == 200
    )
    stipend.refresh_from_db()
    assert stipend.status == StipendStatus.REVERSED
    return stipend


def test_a_reversed_stipend_approved_again_is_paid_once_more_under_a_new_key(
    reversed_stipend, fake_stripe, finance, django_capture_on_commit_callbacks
):
    site = reversed_stipend.site
    stipend = stipend_reapprove(stipend=reversed_stipend, actor=finance, reason="New account.")
    assert stipend.status == StipendStatus.APPROVED and stipend.amount_version == 2
    assert site_ledger(site)["committed"] == stipend.amount
    batch = batch_create(stipends=[stipend], actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        batch_confirm(batch=batch, actor=finance)
    stipend.refresh_from_db()
    assert stipend.status == StipendStatus.PAID
    keys = sorted(Payment.objects.filter(stipend=stipend).values_list("idempotency_key", "status"))
    assert keys == [
        (f"stipend-{stipend.pk}-v1", PaymentStatus.REVERSED),
        (f"stipend-{stipend.pk}-v2", PaymentStatus.SUCCEEDED),
    ]
    assert len(fake_stripe.transfers) == 2
    ledger = site_ledger(site)
    assert ledger["paid"] == stipend.amount and ledger["balances"]
    entry = AuditEntry.objects.get(action="stipend.reapproved")
    assert entry.actor == finance and entry.note == "New account."


def test_re_approval_needs_a_reason_a_reversed_stipend_and_budget(
    reversed_stipend, finance, unchanged
):
    with unchanged(), pytest.raises(ValidationError, match="Say why"):
        stipend_reapprove(stipend=reversed_stipend, actor=finance, reason=" ")
    Stipend.objects.filter(pk=reversed_stipend.pk).update(amount="99999.00")
    with unchanged(), pytest.raises(ValidationError, match="exceed"):
        stipend_reapprove(stipend=reversed_stipend, actor=finance, reason="Again.")
    Stipend.objects.filter(pk=reversed_stipend.pk).update(
        amount="230.00", status=StipendStatus.PAID
    )
    with unchanged(), pytest.raises(ValidationError, match="Only a reversed stipend"):
        stipend_reapprove(stipend=reversed_stipend, actor=finance, reason="Again.")


def test_finance_approves_a_reversed_stipend_again_from_the_requests_page(
    client, reversed_stipend, finance, coordinator
):
    page = reverse("stipends_admin_requests")
    url = reverse("stipends_admin_reapprove", args=[reversed_stipend.pk])
    # A coordinator is not let into the admin at all; nothing changes.
    client.force_login(coordinator)
    assert client.post(url, {"reason": "x"}).status_code == 302
    reversed_stipend.refresh_from_db()
    assert reversed_stipend.status == StipendStatus.REVERSED
    login(client, finance)
    assert f'data-reversed="{reversed_stipend.pk}"' in client.get(page).content.decode()
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    response = client.post(url, {"reason": "Payee gave a new account."}, follow=True)
    assert "add it to a new batch" in response.content.decode()
    reversed_stipend.refresh_from_db()
    assert reversed_stipend.status == StipendStatus.APPROVED
