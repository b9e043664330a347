"""Attempt-result uploads: the attempt rules applied to every row of a file."""

import pytest

from grants.models import AuditEntry
from grants.selectors.summary import pilot_summary
from sites.models import Attempt, ClockHourCredit
from tests.sites.imports import (
    ATTEMPT_HEADER,
    attempts_csv,
    import_now,
    messages_of,
    roster_csv,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

JOSE = "jose.nunez@example.org"


@pytest.fixture
def roster(participant, coordinator):
    """José (the conftest participant, stored as Jose.Nunez@example.org) and Ann."""
    import_now(
        participant.site,
        "roster",
        roster_csv("Ann,Lee,ann.lee@example.org,teacher,Bellevue,,"),
        coordinator,
    )
    return participant.site


def test_attempts_are_recorded_and_earning_issues_the_programs_clock_hours(roster, coordinator):
    batch = import_now(
        roster,
        "attempts",
        attempts_csv(
            f"{JOSE},ECS,1,2026-10-01,not_earned",
            f"{JOSE},ecs,2,2026-11-02,earned",
            "ANN.LEE@example.org,ECS,1,2026-10-03,earned",
        ),
        coordinator,
    )
    assert batch.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert Attempt.objects.filter(participant__site=roster).count() == 3
    credits = ClockHourCredit.objects.filter(participant__site=roster).order_by("issued_on")
    assert [(c.participant.email, c.hours, str(c.issued_on)) for c in credits] == [
        ("ann.lee@example.org", 20, "2026-10-03"),
        ("Jose.Nunez@example.org", 20, "2026-11-02"),
    ]
    entry = AuditEntry.objects.get(action="attempts.imported")
    assert entry.actor == coordinator and entry.after["new"] == 3
    assert AuditEntry.objects.filter(action="clock_hours.issued").exists()


def test_the_pilot_summary_reflects_an_import_at_once(roster, coordinator):
    before = pilot_summary(roster.program)
    import_now(roster, "attempts", attempts_csv(f"{JOSE},ECS,1,2026-10-01,earned"), coordinator)
    after = pilot_summary(roster.program)
    assert after["earned_total"] == before["earned_total"] + 1
    assert after["earned_first_attempt"] == before["earned_first_attempt"] + 1


def test_rows_may_come_in_any_order(roster, coordinator):
    batch = import_now(
        roster,
        "attempts",
        attempts_csv(f"{JOSE},ECS,2,2026-11-02,earned", f"{JOSE},ECS,1,2026-10-01,not_earned"),
        coordinator,
    )
    assert batch.counts["new"] == 2


def test_reimporting_the_same_rows_is_a_no_op(roster, coordinator, unchanged):
    rows = (f"{JOSE},ECS,1,2026-10-01,not_earned", f"{JOSE},ECS,2,2026-11-02,earned")
    import_now(roster, "attempts", attempts_csv(*rows), coordinator)
    before = list(Attempt.objects.order_by("pk").values())
    credits = ClockHourCredit.objects.count()
    batch = import_now(roster, "attempts", attempts_csv(*rows), coordinator)
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    assert list(Attempt.objects.order_by("pk").values()) == before
    assert ClockHourCredit.objects.count() == credits


def test_a_file_cannot_change_a_recorded_attempt(roster, coordinator):
    import_now(roster, "attempts", attempts_csv(f"{JOSE},ECS,1,2026-10-01,not_earned"), coordinator)
    batch = upload(roster, "attempts", attempts_csv(f"{JOSE},ECS,1,2026-10-01,earned"), coordinator)
    assert batch.status == "refused"
    assert "is already recorded (not earned, submitted 2026-10-01)" in messages_of(batch)[0]
    assert messages_of(batch)[0].startswith("Row 2, column result:")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "nobody@example.org,ECS,1,2026-10-01,earned",
            "Row 2, column email: nobody@example.org is not on the roster of",
        ),
        (
            f"{JOSE},CR-SEL,1,2026-10-01,earned",
            "Row 2, column micro_credential: ",
        ),
        (f"{JOSE},XYZ,1,2026-10-01,earned", 'Row 2, column micro_credential: "XYZ" is not a'),
        (
            f"{JOSE},ECS,2,2026-10-01,earned",
            "Row 2, column attempt: The next attempt for ECS is number 1, not 2.",
        ),
        (f"{JOSE},ECS,0,2026-10-01,earned", "Row 2, column attempt: Attempt numbers start at 1."),
        (f"{JOSE},ECS,one,2026-10-01,earned", 'Row 2, column attempt: "one" is not an attempt'),
        (
            f"{JOSE},ECS,1,10/01/2026,earned",
            'Row 2, column submitted_on: "10/01/2026" is not a date',
        ),
        (
            f"{JOSE},ECS,1,2099-01-01,earned",
            "Row 2, column submitted_on: 2099-01-01 is in the future.",
        ),
        (f"{JOSE},ECS,1,2026-10-01,passed", 'Row 2, column result: "passed" is not a result'),
    ],
)
def test_each_bad_row_is_refused_naming_row_and_column(roster, coordinator, row, expected):
    batch = upload(roster, "attempts", attempts_csv(row), coordinator)
    assert batch.status == "refused"
    assert any(message.startswith(expected) for message in messages_of(batch)), messages_of(batch)
    assert not Attempt.objects.exists()


def test_the_micro_credential_must_be_one_the_site_pilots(roster, coordinator):
    batch = upload(
        roster, "attempts", attempts_csv(f"{JOSE},CR-SEL,1,2026-10-01,earned"), coordinator
    )
    assert messages_of(batch) == [
        f"Row 2, column micro_credential: {roster} does not pilot CR-SEL."
    ]


def test_attempts_stop_at_the_programs_maximum(roster, coordinator):
    roster.program.max_attempts = 2
    roster.program.save()
    rows = [f"{JOSE},ECS,{n},2026-10-0{n},not_earned" for n in (1, 2, 3)]
    batch = upload(roster, "attempts", attempts_csv(*rows), coordinator)
    assert batch.status == "refused"
    assert "Row 4, column attempt: " in messages_of(batch)[0]
    assert "at most 2 attempts" in messages_of(batch)[0]


def test_no_attempt_after_an_earned_one_in_the_file_or_already_recorded(roster, coordinator):
    batch = upload(
        roster,
        "attempts",
        attempts_csv(f"{JOSE},ECS,1,2026-10-01,earned", f"{JOSE},ECS,2,2026-10-05,not_earned"),
        coordinator,
    )
    assert any("already earned ECS on attempt 1" in m for m in messages_of(batch))
    import_now(roster, "attempts", attempts_csv(f"{JOSE},ECS,1,2026-10-01,earned"), coordinator)
    batch = upload(roster, "attempts", attempts_csv(f"{JOSE},ECS,2,2026-10-05,earned"), coordinator)
    assert batch.status == "refused"
    assert Attempt.objects.count() == 1


def test_a_repeated_attempt_in_the_file_names_both_rows(roster, coordinator):
    batch = upload(
        roster,
        "attempts",
        attempts_csv(f"{JOSE},ECS,1,2026-10-01,not_earned", f"{JOSE},ECS,1,2026-10-01,not_earned"),
        coordinator,
    )
    assert any(
        m.startswith("Row 3, column attempt:") and "also on row 2" in m for m in messages_of(batch)
    )


def test_one_bad_row_means_nothing_is_written(roster, coordinator):
    batch = upload(
        roster,
        "attempts",
        attempts_csv(
            f"{JOSE},ECS,1,2026-10-01,earned", "ann.lee@example.org,ECS,3,2026-10-01,earned"
        ),
        coordinator,
    )
    assert batch.status == "refused" and batch.counts["new"] == 1
    assert not Attempt.objects.exists() and not ClockHourCredit.objects.exists()


def test_xlsx_dates_are_real_dates(roster, coordinator):
    from datetime import date, datetime

    rows = [
        ATTEMPT_HEADER.split(","),
        [JOSE, "ECS", 1, datetime(2026, 10, 1), "not_earned"],
        [JOSE, "ECS", 2.0, date(2026, 11, 2), "earned"],
    ]
    import_now(roster, "attempts", xlsx_file(rows, name="attempts.xlsx"), coordinator)
    assert list(Attempt.objects.order_by("number").values_list("number", "submitted_on")) == [
        (1, date(2026, 10, 1)),
        (2, date(2026, 11, 2)),
    ]
