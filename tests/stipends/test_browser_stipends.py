"""In the browser: the coordinator requests stipends, finance approves them, pays them
in a Stripe batch through the fake Stripe, and sees the ledger balance."""

import pytest
from playwright.sync_api import expect

from stipends.models import Stipend
from stipends.services import stipend_rule_create
from tests.auth import sign_in
from tests.stipends.helpers import add_participant, earn, ready_payee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_request_approve_batch_pay_and_ledger_balances(
    page, browser, live_server, fake_stripe, site, coordinator, finance, staff
):
    stipend_rule_create(site=site, trigger="earned", amount="230.00", actor=staff)
    people = [add_participant(site, coordinator, n) for n in range(2)]
    for person in people:
        earn(person, coordinator)
        ready_payee(fake_stripe, person)

    sign_in(page, coordinator)
    page.goto(f"/stipends/sites/{site.slug}/")
    for person in people:
        page.locator("label", has_text=f"to request {person} ECS").click()
    page.get_by_role("button", name="Request payment of the selected stipends").click()
    expect(page.get_by_text("Requested payment of 2 stipends")).to_be_visible()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    sign_in(tab, finance, next_path="/admin/stipends/requests/")
    tab.wait_for_url("**/admin/stipends/requests/")
    for person in people:
        tab.get_by_role("button", name=f"Approve {person}").click()
        expect(tab.get_by_role("button", name=f"Approve {person}")).to_have_count(0)
    expect(tab.get_by_text("No stipends are waiting for a decision.")).to_be_visible()

    tab.goto("/admin/stipends/pay/")
    for person in people:
        tab.get_by_label(f"Select {person}").check()
    tab.get_by_role("button", name="Create a Stripe batch from the selected stipends").click()
    tab.get_by_role("button", name="Confirm and send 2 transfers ($460.00)").click()
    expect(tab.locator("[data-batch-status]")).to_have_attribute("data-batch-status", "done")
    expect(tab.locator("[data-progress]")).to_have_attribute("data-progress", "2/2")
    expect(tab.locator("td[data-status='succeeded']")).to_have_count(2)
    assert len(fake_stripe.transfers) == 2

    tab.goto("/admin/stipends/")
    expect(tab.locator(f"tr[data-ledger='{site.slug}']")).to_be_visible()
    row = tab.locator(f"tr[data-ledger='{site.slug}']")
    assert row.locator("[data-figure='paid']").inner_text() == "$460.00"
    assert row.locator("[data-figure='committed']").inner_text() == "$0.00"
    assert row.locator("[data-figure='remaining']").inner_text() == "$3540.00"
    assert row.locator("[data-figure='balances']").inner_text() == "Yes"
    assert set(Stipend.objects.values_list("status", flat=True)) == {"paid"}
    context.close()
