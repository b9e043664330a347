import re
from io import StringIO

import pytest
from django.core.management import call_command

from grants.models import Program
from grants.selectors.summary import pilot_summary


@pytest.mark.django_db
def test_convening_page_shows_the_pilot_summary(client):
    call_command("load_pilot_three", stdout=StringIO())
    summary = pilot_summary(Program.objects.get(slug="pilot-three"))
    body = client.get("/pilot-three-convening/").content.decode()

    def figure(name):
        match = re.search(rf'data-figure="{name}">([^<]+)<', body)
        return match.group(1).strip()

    assert figure("sites") == str(summary["sites"])
    assert figure("earned_total") == str(summary["earned_total"])
    assert figure("participants") == str(summary["participants"])
    assert figure("earned_first_attempt") == str(summary["earned_first_attempt"])
    assert figure("earned_later_attempt") == str(summary["earned_later_attempt"])
    assert figure("stipend_mean") == f"${summary['stipends']['mean']}"
    assert figure("awarded_total") == "$252,000"
