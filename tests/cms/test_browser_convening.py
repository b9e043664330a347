"""In the browser: people register for a full convening, one joins the waitlist and is
promoted when another cancels."""

from datetime import date

import pytest

from cms.models import ConveningRegistration, RegistrationStatus
from cms.services import convening_page_create
from tests import factories
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_waitlist_and_promotion(page, browser, live_server, program, staff):
    convening = convening_page_create(
        program=program,
        title="Policy convening",
        slug="policy-convening",
        event_date=date(2027, 10, 14),
        place="Tacoma",
        intro="",
        actor=staff,
    )
    convening.capacity = 1
    convening.save()
    first = factories.UserFactory(email="first@example.org")
    second = factories.UserFactory(email="second@example.org")

    sign_in(page, first, next_path=convening.url)
    page.goto(convening.url)
    page.get_by_label("Organization").fill("Selah School District")
    page.get_by_label("Small group you would like to join").select_option(
        label="Platform providers"
    )
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered for the convening.").wait_for()

    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, second, next_path=convening.url)
    other.goto(convening.url)
    other.get_by_role("button", name="Join the waitlist").click()
    other.get_by_text("The convening is full, so you are on the waitlist").wait_for()
    assert "number 1" in other.locator("[data-registration-status]").inner_text()

    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").wait_for()
    other.reload()
    assert "registered" in other.locator("[data-registration-status]").inner_text()
    statuses = dict(ConveningRegistration.objects.values_list("user__email", "status"))
    assert statuses == {
        "first@example.org": RegistrationStatus.CANCELLED,
        "second@example.org": RegistrationStatus.REGISTERED,
    }
