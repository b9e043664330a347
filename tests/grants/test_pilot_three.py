import json
from io import StringIO

import pytest
from django.core.management import call_command

from grants.models import Program
from grants.selectors.summary import pilot_summary
from tests.helpers import database_state

# The board's published figures for pilot three.
REPORTED = {
    "sites": 15,
    "cash_awards": 14,
    "honorary_sites": 1,
    "awarded_total": "252000.00",
    "sites_by_content_area": {"ECS": 4, "CR-SEL": 10, "RWT": 2},
    "districts_reached": 29,
    "earned_total": 132,
    "earned_by_content_area": {"ECS": 34, "CR-SEL": 88, "RWT": 10},
    "earned_first_attempt": 18,
    "earned_later_attempt": 114,
}


@pytest.mark.django_db
def test_load_pilot_three_reproduces_the_report_and_is_idempotent():
    call_command("load_pilot_three", stdout=StringIO())
    out = StringIO()
    call_command("pilot_summary", "pilot-three", "--json", stdout=out)
    summary = json.loads(out.getvalue())

    for key, value in REPORTED.items():
        assert summary[key] == value, key
    stipends = summary["stipends"]
    assert stipends["sites_offering"] == 10
    assert (stipends["min"], stipends["max"], stipends["mean"]) == ("50.00", "650.00", "230.00")
    assert stipends["total"] == f"{230 * stipends['count']:.2f}"

    # The breakdowns agree with the totals.
    assert sum(summary["earned_by_site"].values()) == 132
    assert len(summary["earned_by_site"]) == 15
    assert sum(summary["earned_by_micro_credential"].values()) == 132
    assert (
        sum(v for k, v in summary["earned_by_micro_credential"].items() if k.startswith("RWT"))
        == 10
    )
    assert sum(summary["participants_by_role"].values()) == summary["participants"]
    roles = summary["participants_by_role"]
    assert max(roles, key=roles.get) == "teacher"
    assert {"administrator", "university_faculty", "school_counselor", "paraeducator"} <= set(roles)
    assert sum(summary["sites_by_org_type"].values()) == 15
    assert summary["sites_by_org_type"]["esd"] == 2
    assert summary["sites_by_org_type"]["consortium"] == 1
    assert summary["sites_by_org_type"]["community"] == 1

    # The command prints what the selector computes.
    assert summary == json.loads(json.dumps(pilot_summary(Program.objects.get(slug="pilot-three"))))

    before = database_state()
    call_command("load_pilot_three", stdout=StringIO())
    assert database_state() == before

    # The next pilot's RFP is open, so the demo applicant can try the whole application.
    from cms.models import RfpPage
    from grants.models import Organization, User
    from grants.services.applications import application_create

    next_rfp = RfpPage.objects.get(slug="pilot-four-rfp")
    assert next_rfp.is_open and next_rfp.program.slug == "pilot-four"
    assert [block.block_type for block in next_rfp.body] == ["key_dates", "faq"]
    applicant = User.objects.get(email="applicant@example.org")
    bellevue = Organization.objects.get(legal_name="Bellevue School District")
    draft = application_create(rfp=next_rfp, organization=bellevue, actor=applicant)
    assert draft.status == "draft"
    assert pilot_summary(Program.objects.get(slug="pilot-three"))["sites"] == 15


@pytest.mark.django_db
def test_pilot_summary_of_an_unknown_program_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No program"):
        call_command("pilot_summary", "no-such-pilot", "--json")
