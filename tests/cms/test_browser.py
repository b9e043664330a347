from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_browses_home_sites_and_convening(page):
    call_command("load_pilot_three", stdout=StringIO())

    page.goto("/")
    assert page.get_by_role("heading", name="Pilot Grants", level=1).is_visible()

    page.get_by_role("link", name="Grant sites", exact=True).first.click()
    page.wait_for_url("**/grant-sites/")
    assert page.locator("table.pg-sites-table tbody tr").count() == 15
    page.get_by_role("link", name="Waitsburg School District").click()
    assert page.locator('[data-figure="earned"]').inner_text() == "6"

    page.goto("/")
    page.get_by_role("link", name="Pilot three policy convening").click()
    assert page.locator('[data-figure="earned_total"]').inner_text() == "132"
    assert page.locator('[data-figure="stipend_mean"]').inner_text() == "$230.00"
