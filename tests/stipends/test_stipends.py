import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants.services.decisions import award_create_honorary
from sites.services.attempts import attempt_record
from sites.services.sites import participant_add, site_create_from_award
from stipends.models import Payment, Stipend, StipendStatus
from stipends.selectors import site_stipend_budget, site_stipend_committed
from stipends.services import (
    money,
    payment_record_manual,
    stipend_approve,
    stipend_plan_set,
    stipend_reject,
    stipend_rule_create,
    stipend_submit,
)
from tests import factories

pytestmark = pytest.mark.django_db
D = date(2026, 10, 1)


def record(participant, number, result, actor):
    return attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        number=number,
        submitted_on=D,
        result=result,
        actor=actor,
    )


@pytest.fixture
def rules(site, staff):
    stipend_plan_set(site=site, allow_both=False, actor=staff)
    stipend_rule_create(site=site, trigger="first_submission", amount="50.00", actor=staff)
    stipend_rule_create(site=site, trigger="earned", amount="230.00", actor=staff)
    return site


def new_participant(site, coordinator, n):
    return participant_add(
        site=site,
        first_name="Pat",
        last_name=f"Example{n}",
        email=f"pat{n}@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("230", Decimal("230.00")), ("$1,250.5", Decimal("1250.50")), (" 50.00 ", Decimal("50.00"))],
)
def test_money_parses_exact_dollars(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize("value", ["12.345", "abc", "NaN", "Infinity"])
def test_money_refuses_more_than_cents_and_non_numbers(value):
    with pytest.raises(ValidationError):
        money(value)


def test_budget_is_the_stipends_line_capped_by_the_award(site):
    assert site_stipend_budget(site) == Decimal("4000.00")


def test_stipend_accrues_once_per_trigger(rules, participant, coordinator):
    record(participant, 1, "not_earned", coordinator)
    assert [s.trigger for s in Stipend.objects.all()] == ["first_submission"]
    record(participant, 2, "earned", coordinator)
    # allow_both is off: the earned stipend does not accrue on top of the first one.
    assert Stipend.objects.count() == 1


def test_both_triggers_when_the_plan_allows(rules, participant, coordinator, staff):
    stipend_plan_set(site=rules, allow_both=True, actor=staff)
    record(participant, 1, "earned", coordinator)
    assert sorted(Stipend.objects.values_list("trigger", "amount")) == [
        ("earned", Decimal("230.00")),
        ("first_submission", Decimal("50.00")),
    ]


def test_honorary_site_cannot_have_rules(submitted, staff, unchanged):
    award = award_create_honorary(application=submitted, actor=staff, reason="Honorary.")
    site = site_create_from_award(award=award, actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="no grant funds"):
        stipend_rule_create(site=site, trigger="earned", amount="100", actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="no grant funds"):
        stipend_plan_set(site=site, allow_both=True, actor=staff)


def test_rule_larger_than_budget_is_refused(site, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="whole stipend budget"):
        stipend_rule_create(site=site, trigger="earned", amount="4000.01", actor=staff)


def test_approve_reserves_and_refuses_beyond_budget(rules, coordinator, finance, staff, unchanged):
    stipend_rule_create(
        site=rules,
        trigger="earned",
        amount="2000.00",
        micro_credential=factories.micro_credential("ECS"),
        actor=staff,
    )
    stipends = []
    for n in range(3):
        p = new_participant(rules, coordinator, n)
        record(p, 1, "earned", coordinator)
        stipends.extend(stipend_submit(stipend=s, actor=coordinator) for s in p.stipends.all())
    # The specific ECS rule wins over the general one.
    assert {s.amount for s in stipends} == {Decimal("2000.00")}
    stipend_approve(stipend=stipends[0], actor=finance)
    stipend_approve(stipend=stipends[1], actor=finance)
    assert site_stipend_committed(rules) == Decimal("4000.00")
    with unchanged(), pytest.raises(ValidationError, match="exceed"):
        stipend_approve(stipend=stipends[2], actor=finance)
    stipend_reject(stipend=stipends[2], actor=finance, reason="Over budget.")
    assert Stipend.objects.get(pk=stipends[2].pk).status == StipendStatus.REJECTED


def test_manual_payment_pays_exactly_once(rules, participant, coordinator, finance, unchanged):
    record(participant, 1, "not_earned", coordinator)
    stipend = stipend_approve(
        stipend=stipend_submit(stipend=participant.stipends.get(), actor=coordinator), actor=finance
    )
    with unchanged(), pytest.raises(ValidationError, match="stipend's amount"):
        payment_record_manual(
            stipend=stipend,
            method="check",
            reference="1001",
            paid_on=D,
            amount="49.99",
            actor=finance,
        )
    with unchanged(), pytest.raises(ValidationError, match="reference"):
        payment_record_manual(
            stipend=stipend, method="check", reference="", paid_on=D, amount="50", actor=finance
        )
    payment_record_manual(
        stipend=stipend, method="check", reference="1001", paid_on=D, amount="50.00", actor=finance
    )
    assert Stipend.objects.get(pk=stipend.pk).status == StipendStatus.PAID
    with unchanged(), pytest.raises(ValidationError, match="Only an approved stipend"):
        payment_record_manual(
            stipend=stipend, method="check", reference="1002", paid_on=D, amount="50", actor=finance
        )
    assert Payment.objects.count() == 1


def test_only_submitted_stipends_are_approved(rules, participant, coordinator, finance, unchanged):
    record(participant, 1, "not_earned", coordinator)
    pending = participant.stipends.get()
    with unchanged(), pytest.raises(ValidationError, match="Only a requested stipend"):
        stipend_approve(stipend=pending, actor=finance)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_never_overspend(staff, finance):
    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.services.sites import coordinator_add

    organization = factories.OrganizationFactory()
    member = factories.add_member(organization)
    application = factories.make_application(organization=organization, stipends="1000.00")
    application_submit(application=application, actor=member)
    site = site_create_from_award(
        award=award_create(application=application, actor=staff, reason="Fund."), actor=staff
    )
    coordinator = factories.UserFactory()
    coordinator_add(site=site, user=coordinator, actor=staff)
    stipend_rule_create(site=site, trigger="earned", amount="300.00", actor=staff)
    stipends = []
    for n in range(8):
        p = new_participant(site, coordinator, n)
        record(p, 1, "earned", coordinator)
        stipends.append(stipend_submit(stipend=p.stipends.get(), actor=coordinator))

    barrier = threading.Barrier(len(stipends))
    results = []

    def approve(stipend):
        barrier.wait()
        try:
            stipend_approve(stipend=stipend, actor=finance)
            results.append("approved")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(s,)) for s in stipends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("approved") == 3
    assert site_stipend_committed(site) == Decimal("900.00")


def test_reconcile_voids_an_unjustified_stipend_and_frees_its_budget(
    rules, participant, coordinator, finance, staff
):
    from sites.models import Attempt
    from stipends.services import stipends_reconcile

    earned = record(participant, 1, "earned", coordinator)
    stipend = stipend_approve(
        stipend=stipend_submit(stipend=participant.stipends.get(), actor=coordinator), actor=finance
    )
    assert site_stipend_committed(rules) == Decimal("230.00")
    # The result was entered wrongly: the portfolio was not earned.
    Attempt.objects.filter(pk=earned.pk).update(result="not_earned")
    changed = stipends_reconcile(
        participant=participant,
        micro_credential=earned.micro_credential,
        actor=staff,
        reason="Result corrected",
    )
    stipend.refresh_from_db()
    assert stipend.status == StipendStatus.VOID
    assert site_stipend_committed(rules) == Decimal("0.00")
    # Attempt 1 still exists, so the first-submission stipend now accrues instead.
    assert [s.trigger for s in changed if s.status == "pending"] == ["first_submission"]


def test_reconcile_keeps_a_paid_stipend_and_flags_it(
    rules, participant, coordinator, finance, staff
):
    from grants.models import AuditEntry
    from sites.models import Attempt
    from stipends.services import stipends_reconcile

    earned = record(participant, 1, "earned", coordinator)
    stipend = stipend_approve(
        stipend=stipend_submit(stipend=participant.stipends.get(), actor=coordinator), actor=finance
    )
    payment_record_manual(
        stipend=stipend, method="ach", reference="ACH-9", paid_on=D, amount="230.00", actor=finance
    )
    Attempt.objects.filter(pk=earned.pk).update(result="not_earned")
    stipends_reconcile(
        participant=participant,
        micro_credential=earned.micro_credential,
        actor=staff,
        reason="Result corrected",
    )
    assert Stipend.objects.get(pk=stipend.pk).status == StipendStatus.PAID
    assert AuditEntry.objects.filter(action="stipend.paid_without_basis").exists()
