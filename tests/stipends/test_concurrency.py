"""Two workers sending the same batch at once, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection

from stipends.models import BatchStatus, DisbursementBatch, Payment, PaymentStatus
from stipends.payouts import batch_create, batch_send
from tests.stipends.helpers import approved_stipends, ready_payee


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_one_batch_create_each_transfer_once(
    fake_stripe, site, coordinator, finance, staff
):
    from django.utils import timezone

    stipends = approved_stipends(site, coordinator, finance, staff, 12, amount="100.00")
    for stipend in stipends:
        ready_payee(fake_stripe, stipend.participant)
    batch = batch_create(stipends=stipends, actor=finance)
    DisbursementBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=finance
    )
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        barrier.wait()
        try:
            batch_send(batch_id=batch.pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake_stripe.transfers) == 12
    for stipend in stipends:
        assert len(fake_stripe.transfers_for("stipend", str(stipend.pk))) == 1
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.SUCCEEDED}
    assert DisbursementBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
