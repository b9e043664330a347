"""Coordinator portal pages and finance's admin tools: who sees what, and the flows."""

from decimal import Decimal

import pytest

from grants.models import AuditEntry
from sites.models import Attempt
from sites.services.attempts import attempt_correct
from stipends.models import Payment, Stipend, StipendStatus
from stipends.selectors import payee_year_totals, site_ledger
from stipends.services import payment_record_manual, stipend_rule_create
from tests import factories
from tests.auth import login
from tests.stipends.helpers import D, add_participant, approved_stipends, earn

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned_rule(site, staff):
    return stipend_rule_create(site=site, trigger="earned", amount="230.00", actor=staff)


def test_coordinator_requests_pending_stipends(client, site, coordinator, earned_rule):
    participants = [add_participant(site, coordinator, n) for n in range(3)]
    for participant in participants:
        earn(participant, coordinator)
    login(client, coordinator)
    page = client.get(f"/stipends/sites/{site.slug}/")
    assert page.status_code == 200
    assert b"Request payment of the selected stipends" in page.content
    chosen = [p.stipends.get().pk for p in participants[:2]]
    response = client.post(f"/stipends/sites/{site.slug}/request/", {"stipend": chosen})
    assert response.status_code == 302
    assert sorted(Stipend.objects.filter(status="submitted").values_list("pk", flat=True)) == chosen
    assert client.get("/stipends/").status_code == 302  # one site: straight to its page


def test_site_page_has_no_n_plus_one(
    client, site, coordinator, earned_rule, django_assert_max_num_queries
):
    for n in range(12):
        earn(add_participant(site, coordinator, n), coordinator)
    login(client, coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(f"/stipends/sites/{site.slug}/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "staff", "other"])
def test_others_get_404_or_sign_in_for_site_stipends(
    who, client, site, coordinator, applicant, reviewer, staff, earned_rule
):
    users = {
        "applicant": applicant,
        "reviewer": reviewer,
        "staff": staff,
        "other": factories.UserFactory(),
    }
    if who != "anonymous":
        login(client, users[who])
    response = client.get(f"/stipends/sites/{site.slug}/")
    assert response.status_code == (302 if who == "anonymous" else 404)


def test_coordinator_cannot_approve_pay_or_open_finance_tools(
    client, site, coordinator, finance, staff, unchanged
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    login(client, coordinator)
    for url in [
        "/admin/stipends/",
        "/admin/stipends/requests/",
        "/admin/stipends/pay/",
        f"/admin/stipends/{stipend.pk}/manual-payment/",
    ]:
        assert client.get(url).status_code in (302, 404), url
    with unchanged():
        client.post(f"/admin/stipends/{stipend.pk}/decide/", {"decision": "approve"})
        client.post(
            f"/admin/stipends/{stipend.pk}/manual-payment/",
            {"method": "check", "reference": "1", "paid_on": "2026-10-01", "amount": "230"},
        )


def test_program_staff_and_applicants_see_no_finance_tools(client, staff, applicant):
    for user in (staff, applicant):
        login(client, user)
        response = client.get("/admin/stipends/")
        assert response.status_code in (302, 404)


def test_finance_cannot_edit_rosters(client, site, finance, coordinator, participant):
    """Finance requests nothing and changes no roster: the coordinator's request and
    invitation endpoints refuse finance, and there is no roster screen for finance."""
    login(client, finance)
    assert client.get(f"/stipends/sites/{site.slug}/").status_code == 200
    response = client.post(f"/stipends/sites/{site.slug}/request/", {"stipend": []})
    assert response.status_code == 404


def test_finance_approves_rejects_with_reason_and_records_manual_payment(
    client, site, coordinator, finance, staff, earned_rule
):
    from stipends.services import stipend_submit

    stipends = []
    for n in range(2):
        p = add_participant(site, coordinator, n)
        earn(p, coordinator)
        stipends.append(stipend_submit(stipend=p.stipends.get(), actor=coordinator))
    login(client, finance)
    page = client.get("/admin/stipends/requests/")
    assert page.status_code == 200
    assert b"Approve" in page.content
    client.post(f"/admin/stipends/{stipends[0].pk}/decide/", {"decision": "approve"})
    # A rejection without a reason is refused and changes nothing.
    client.post(f"/admin/stipends/{stipends[1].pk}/decide/", {"decision": "reject", "reason": ""})
    assert Stipend.objects.get(pk=stipends[1].pk).status == StipendStatus.SUBMITTED
    client.post(
        f"/admin/stipends/{stipends[1].pk}/decide/", {"decision": "reject", "reason": "Duplicate"}
    )
    assert Stipend.objects.get(pk=stipends[1].pk).decision_reason == "Duplicate"
    # Three decimal places are refused, not rounded.
    url = f"/admin/stipends/{stipends[0].pk}/manual-payment/"
    bad = client.post(
        url, {"method": "check", "reference": "101", "paid_on": "2026-10-01", "amount": "230.001"}
    )
    assert bad.status_code == 200
    assert b"two decimal places" in bad.content
    assert not Payment.objects.exists()
    ok = client.post(
        url, {"method": "check", "reference": "101", "paid_on": "2026-10-01", "amount": "230.00"}
    )
    assert ok.status_code == 302
    assert Stipend.objects.get(pk=stipends[0].pk).status == StipendStatus.PAID
    ledger = client.get("/admin/stipends/")
    assert b"$230.00" in ledger.content


def test_exports_are_formula_escaped(client, site, coordinator, finance, staff):
    from sites.models import Participant

    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    Participant.objects.filter(pk=stipend.participant_id).update(first_name="=HYPERLINK(1)")
    payment_record_manual(
        stipend=stipend, method="ach", reference="A1", paid_on=D, amount="230", actor=finance
    )
    login(client, finance)
    for url in [
        "/admin/stipends/?export=csv",
        "/admin/stipends/batches/?export=csv",
        "/admin/stipends/payees/?export=xlsx",
        "/admin/stipends/payees/?export=csv",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    csv = client.get("/admin/stipends/payees/?export=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv
    assert AuditEntry.objects.filter(action__startswith="stipends.").count() == 5


def test_yearly_total_is_flagged_at_the_threshold(site, coordinator, finance, staff, settings):
    settings.STIPEND_TAX_THRESHOLD = "460.00"
    stipend_rule_create(site=site, trigger="earned", amount="230.00", actor=staff)
    participant = add_participant(site, coordinator, 1)
    from stipends.services import stipend_approve, stipend_submit

    earn(participant, coordinator)
    stipend = stipend_approve(
        stipend=stipend_submit(stipend=participant.stipends.get(), actor=coordinator),
        actor=finance,
    )
    payment_record_manual(
        stipend=stipend, method="ach", reference="A1", paid_on=D, amount="230", actor=finance
    )
    [row] = payee_year_totals()
    assert (row["total"], row["flagged"]) == (Decimal("230.00"), False)
    settings.STIPEND_TAX_THRESHOLD = "230.00"
    assert payee_year_totals(2026)[0]["flagged"] is True
    assert payee_year_totals(2025) == []


def test_correcting_an_attempt_voids_the_stipend_and_frees_budget(
    site, coordinator, finance, staff, unchanged
):
    [stipend] = approved_stipends(site, coordinator, finance, staff, 1)
    assert site_ledger(site)["committed"] == Decimal("230.00")
    attempt = Attempt.objects.get()
    with unchanged(), pytest.raises(Exception, match="why"):
        attempt_correct(
            attempt=attempt, result="not_earned", submitted_on=D, actor=coordinator, reason=" "
        )
    attempt_correct(
        attempt=attempt,
        result="not_earned",
        submitted_on=D,
        actor=coordinator,
        reason="Entered wrongly",
    )
    stipend.refresh_from_db()
    assert stipend.status == StipendStatus.VOID
    assert site_ledger(site)["committed"] == Decimal("0.00")
    assert AuditEntry.objects.filter(action="stipend.voided", note="Entered wrongly").exists()
    # Correcting it back accrues a fresh pending stipend, once.
    attempt_correct(
        attempt=attempt, result="earned", submitted_on=D, actor=coordinator, reason="Re-scored"
    )
    # Repeating the same correction is refused and accrues nothing more.
    with unchanged(), pytest.raises(Exception, match="Nothing changed"):
        attempt_correct(
            attempt=attempt,
            result="earned",
            submitted_on=D,
            actor=coordinator,
            reason="Re-scored again",
        )
    assert Stipend.objects.filter(status="pending").count() == 1


def test_rule_change_adjusts_an_unapproved_stipend_and_bumps_its_version(
    site, coordinator, staff, earned_rule
):
    from stipends.models import StipendRule
    from stipends.services import stipends_reconcile

    participant = add_participant(site, coordinator, 1)
    earn(participant, coordinator)
    StipendRule.objects.filter(pk=earned_rule.pk).update(amount=Decimal("250.00"))
    stipends_reconcile(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        actor=staff,
        reason="Rule corrected",
    )
    stipend = participant.stipends.get()
    assert (stipend.amount, stipend.amount_version) == (Decimal("250.00"), 2)
    assert AuditEntry.objects.filter(action="stipend.adjusted").exists()


def test_finance_sets_rules_and_honorary_is_refused(client, finance, site, submitted, staff):
    login(client, finance)
    url = f"/admin/stipends/sites/{site.pk}/"
    response = client.post(url, {"form": "rule", "trigger": "earned", "amount": "99.50"})
    assert response.status_code == 302
    assert site.stipend_plan.rules.get().amount == Decimal("99.50")
    over = client.post(url, {"form": "rule", "trigger": "first_submission", "amount": "4000.01"})
    assert b"whole stipend budget" in over.content
