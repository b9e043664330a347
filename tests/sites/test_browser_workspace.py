"""A coordinator in the browser: uploads a roster, sees the preview, fixes a bad row,
confirms, uploads attempts, sees earned counts and clock hours update, then corrects an
attempt."""

import pytest

from sites.models import Participant
from tests.auth import sign_in
from tests.sites.imports import ATTEMPT_HEADER, ROSTER_HEADER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def csv_upload(name, lines):
    return {"name": name, "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def choose_file(page, upload):
    # The design system's file input wraps and restyles the input; the input itself takes
    # the file.
    page.locator('input[type="file"][name="file"]').set_input_files(upload)


def figure(page, name):
    return page.locator(f'[data-figure="{name}"]').first.inner_text().strip()


def test_coordinator_uploads_roster_and_attempts_and_corrects_one(page, site, coordinator):
    sign_in(page, coordinator)
    page.get_by_role("link", name="My sites").click()
    page.get_by_role("link", name=site.name).click()
    assert figure(page, "participants") == "0"

    # The roster, with one bad district.
    page.get_by_role("link", name="Upload a roster").click()
    bad = [
        ROSTER_HEADER,
        "José,Núñez,jose.nunez@example.org,teacher,Bellevue School District,Lake Hills,4512",
        "Thị Lan,Nguyễn,lan.nguyen@example.org,teacher,Atlantis,,",
    ]
    choose_file(page, csv_upload("roster.csv", bad))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text(
        'Row 3, column district: "Atlantis" is not in the district directory.'
    ).wait_for()
    assert page.get_by_role("button", name="Confirm and import").count() == 0
    assert not Participant.objects.filter(site=site).exists()

    # Fix the row and upload again from the same page.
    fixed = [*bad[:2], "Thị Lan,Nguyễn,lan.nguyen@example.org,teacher,bellevue,,"]
    choose_file(page, csv_upload("roster.csv", fixed))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("What confirming would do").wait_for()
    assert page.locator('[data-count="new"]').inner_text() == "2"
    assert page.locator('tr[data-outcome="new"]').count() == 2
    assert not Participant.objects.filter(site=site).exists()
    page.get_by_role("button", name="Confirm and import 2 rows").click()
    page.get_by_text("roster.csv is imported.").wait_for()
    page.get_by_role("link", name="Back to the site").click()
    assert figure(page, "participants") == "2"

    # Attempt results.
    page.get_by_role("link", name="Upload attempt results").click()
    attempts = [
        ATTEMPT_HEADER,
        "jose.nunez@example.org,ECS,1,2026-10-01,not_earned",
        "jose.nunez@example.org,ECS,2,2026-11-02,earned",
        "LAN.NGUYEN@example.org,ECS,1,2026-10-03,not_earned",
    ]
    choose_file(page, csv_upload("attempts.csv", attempts))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm and import 3 rows").click()
    page.get_by_text("attempts.csv is imported.").wait_for()
    page.get_by_role("link", name="Back to the site").click()
    assert figure(page, "earned") == "1"
    assert figure(page, "earned-ECS") == "1"
    assert figure(page, "clock_hours") == "20"
    assert figure(page, "pending") == "1"

    # Correct Lan's attempt: the platform re-scored it as earned.
    page.get_by_role("link", name="Roster", exact=True).click()
    page.get_by_role("link", name="Nguyễn, Thị Lan").click()
    page.get_by_role("link", name="Correct attempt 1 of ECS").click()
    page.locator("label", has_text="Earned").first.click()
    page.get_by_label("Reason for the correction").fill("The platform re-scored the portfolio.")
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("Attempt 1 of ECS is corrected.").wait_for()
    assert figure(page, "transcript-hours") == "20"
    page.get_by_role("link", name=site.name).first.click()
    assert figure(page, "earned") == "2"
    assert figure(page, "clock_hours") == "40"
    assert figure(page, "pending") == "0"
