from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def test_an_open_rfp_offers_apply_and_states_the_award(client, rfp):
    body = client.get(rfp.url).content.decode()
    assert reverse("application_start", args=[rfp.pk]) in body
    assert "$18,000.00 per site" in body


@pytest.mark.parametrize("state", ["upcoming", "closed"])
def test_apply_appears_only_while_the_rfp_is_open(client, program, state):
    now = timezone.now()
    opens, closes = (
        (now + timedelta(days=1), now + timedelta(days=9))
        if state == "upcoming"
        else (now - timedelta(days=9), now - timedelta(seconds=1))
    )
    rfp = factories.make_rfp(program=program, opens_at=opens, closes_at=closes, slug=state)
    body = client.get(rfp.url).content.decode()
    assert reverse("application_start", args=[rfp.pk]) not in body
    assert ("Applications open" if state == "upcoming" else "no longer accepted") in body


def test_the_window_is_shown_in_pacific_time_on_both_sides_of_daylight_saving(client, program):
    pacific = ZoneInfo("America/Los_Angeles")
    rfp = factories.make_rfp(
        program=program,
        opens_at=datetime(2027, 2, 1, 9, tzinfo=pacific),
        closes_at=datetime(2027, 3, 15, 17, tzinfo=pacific),
        slug="dst",
    )
    body = client.get(rfp.url).content.decode()
    # 09:00 PST (UTC-8) and 17:00 PDT (UTC-7): both shown as typed.
    assert "Feb 1, 2027 9:00 AM to Mar 15, 2027 5:00 PM Pacific time" in body
