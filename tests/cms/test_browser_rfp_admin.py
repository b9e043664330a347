"""A staff member publishes an RFP in the Wagtail admin, and the public page offers Apply
only while it is open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import RfpPage
from tests import factories
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_publish_an_rfp_that_applicants_can_apply_to(page):
    program = factories.ProgramFactory(name="Pilot five")
    index = factories.rfp_index()
    staff = factories.UserFactory(email="editor@example.org", roles=["program_staff"])
    sign_in(page, staff, next_path="/admin/")
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/pages/add/cms/rfppage/{index.pk}/")
    page.locator("#id_title").fill("Pilot five grants")
    page.locator("#id_program").select_option(label=str(program))
    page.locator("#id_summary").fill("Grants for micro-credential pilots.")
    today = timezone.localdate()
    opens = f"{today - timedelta(days=1):%Y-%m-%d} 09:00"
    closes = f"{today + timedelta(days=30):%Y-%m-%d} 17:00"
    # Typed in Pacific time, as the panel says.
    page.locator("#id_opens_at").fill(opens)
    page.keyboard.press("Escape")
    page.locator("#id_closes_at").fill(closes)
    page.keyboard.press("Escape")
    page.locator("label", has_text="Elementary Computer Science (ECS)").click()
    page.locator("label", has_text="School district").first.click()
    page.locator("label", has_text="Community organization").click()
    page.locator("[name=narrative_questions-0-prompt]").fill("What need will the pilot meet?")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("created and published").wait_for()

    rfp = RfpPage.objects.get(title="Pilot five grants")
    assert rfp.live
    assert timezone.localtime(rfp.closes_at).strftime("%Y-%m-%d %H:%M") == closes
    assert rfp.eligible_org_types == ["school_district", "community"]
    assert [q.prompt for q in rfp.narrative_questions.all()] == ["What need will the pilot meet?"]

    page.goto(rfp.url)
    assert page.get_by_role("link", name="Apply for Pilot five").is_visible()
    assert page.get_by_text("Eligible organizations").is_visible()
    assert page.get_by_text("School district; Community organization").is_visible()
