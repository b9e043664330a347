import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    InstallmentStatus,
)
from grants.services.applications import application_submit
from grants.services.decisions import (
    application_decline,
    award_create,
    award_create_honorary,
    cash_awarded,
    decision_reverse,
    installment_mark_paid,
    installment_release,
)
from tests import factories

pytestmark = pytest.mark.django_db


def submitted_applications(rfp, n):
    applications = []
    for _ in range(n):
        organization = factories.OrganizationFactory()
        member = factories.add_member(organization)
        application = factories.make_application(rfp=rfp, organization=organization)
        applications.append(application_submit(application=application, actor=member))
    return applications


def test_award_defaults_to_program_amount_and_schedules_two_installments(submitted, staff):
    award = award_create(application=submitted, actor=staff, reason="Fund it.")
    assert award.amount == Decimal("18000.00")
    assert award.outcome == DecisionOutcome.AWARD
    assert [(i.milestone, i.amount) for i in award.installments.all()] == [
        ("agreement", Decimal("9000.00")),
        ("final_report", Decimal("9000.00")),
    ]
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.AWARDED
    entry = AuditEntry.objects.get(action="decision.award")
    assert entry.before["status"] == "submitted" and entry.after["status"] == "awarded"


def test_odd_amount_splits_into_installments_that_sum_exactly(submitted, staff):
    award = award_create(application=submitted, actor=staff, reason="Fund it.", amount="17999.99")
    amounts = [i.amount for i in award.installments.all()]
    assert amounts == [Decimal("9000.00"), Decimal("8999.99")]
    assert sum(amounts) == award.amount


def test_honorary_award_carries_no_cash(submitted, staff):
    award = award_create_honorary(application=submitted, actor=staff, reason="Honorary.")
    assert award.amount == Decimal("0.00") and award.is_honorary
    assert not award.installments.exists()
    assert cash_awarded(award.program) == Decimal("0.00")


def test_decline_needs_a_reason(submitted, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="reason"):
        application_decline(application=submitted, actor=staff, reason="  ")
    decision = application_decline(application=submitted, actor=staff, reason="Out of scope.")
    assert decision.outcome == DecisionOutcome.DECLINE and decision.amount == 0


def test_awards_cannot_exceed_the_program_budget(rfp, staff, unchanged):
    first, second, third, fourth = submitted_applications(rfp, 4)
    for application in (first, second, third):
        award_create(application=application, actor=staff, reason="Fund.")
    assert cash_awarded(rfp.program) == rfp.program.budget
    with unchanged(), pytest.raises(ValidationError, match="exceed the program budget"):
        award_create(application=fourth, actor=staff, reason="Fund.")
    # Honorary participation needs no budget.
    award_create_honorary(application=fourth, actor=staff, reason="Honorary.")


@pytest.mark.parametrize("amount", ["0", "-5", "100.001"])
def test_bad_award_amounts_are_refused(submitted, staff, amount, unchanged):
    with unchanged(), pytest.raises(ValidationError):
        award_create(application=submitted, actor=staff, reason="Fund.", amount=amount)


def test_only_submitted_applications_are_decided(draft, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="Only a submitted application"):
        award_create(application=draft, actor=staff, reason="Fund.")


def test_reversal_is_explicit_and_audited(award, staff):
    decision_reverse(decision=award, actor=staff, reason="Entered on the wrong application.")
    award.refresh_from_db()
    assert award.status == DecisionStatus.REVERSED and award.reversed_by == staff
    application = Application.objects.get(pk=award.application_id)
    assert application.status == ApplicationStatus.SUBMITTED
    entry = AuditEntry.objects.get(action="decision.reversed")
    assert entry.before == {"status": "awarded", "decision": award.pk}
    assert entry.after == {"status": "submitted"}
    assert entry.note == "Entered on the wrong application."
    assert set(award.installments.values_list("status", flat=True)) == {InstallmentStatus.CANCELLED}
    # The budget it held is free again and the application can be decided anew.
    assert cash_awarded(award.program) == 0
    award_create(application=application, actor=staff, reason="Re-decided.")


def test_reversal_refused_once_the_site_has_begun_work(participant, site, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="grant site"):
        decision_reverse(decision=site.award, actor=staff, reason="Oops.")


def test_reversal_needs_a_reason_and_happens_once(award, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="reason"):
        decision_reverse(decision=award, actor=staff, reason="")
    decision_reverse(decision=award, actor=staff, reason="Mistake.")
    with unchanged(), pytest.raises(ValidationError, match="already been reversed"):
        decision_reverse(decision=award, actor=staff, reason="Again.")


def test_installment_must_be_released_before_paid(award, finance, staff, unchanged):
    agreement = award.installments.get(sequence=1)
    with unchanged(), pytest.raises(ValidationError, match="Only a released installment"):
        installment_mark_paid(installment=agreement, actor=finance, reference="CHK-1")
    installment_release(installment=agreement, actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="reference"):
        installment_mark_paid(installment=agreement, actor=finance, reference=" ")
    paid = installment_mark_paid(installment=agreement, actor=finance, reference="CHK-1")
    assert paid.status == InstallmentStatus.PAID
    assert AuditEntry.objects.filter(action="installment.paid", object_id=str(paid.pk)).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_budget_cap_holds_when_staff_decide_at_once(staff, private_media):
    program = factories.ProgramFactory(budget=Decimal("36000.00"))
    rfp = factories.make_rfp(program=program)
    applications = submitted_applications(rfp, 6)
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def decide(application):
        barrier.wait()
        try:
            award_create(application=application, actor=staff, reason="Fund.")
            outcomes.append("awarded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["awarded"] * 2 + ["refused"] * 4
    assert cash_awarded(program) == Decimal("36000.00")
    assert Decision.objects.filter(program=program, status="active").count() == 2
