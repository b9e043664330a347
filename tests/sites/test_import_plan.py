"""Confirming writes what the preview checked, without checking every row again, as long
as nothing the rows were checked against has changed; otherwise the file is checked again
and refused if it no longer passes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import AuditEntry
from sites.models import Attempt, ImportBatch, Participant
from sites.services.attempts import attempt_record
from sites.services.imports import import_confirm
from stipends.models import Stipend
from stipends.services import stipend_plan_set, stipend_rule_create
from tests import factories
from tests.sites.imports import attempts_csv, import_now, messages_of, roster_csv, upload

pytestmark = pytest.mark.django_db


def people(n, start=0):
    return [
        f"Pat,Example{i},pat{i}@example.org,teacher,Bellevue,School,{4000 + i}"
        for i in range(start, start + n)
    ]


def confirm_queries(site, kind, file, actor):
    batch = upload(site, kind, file, actor)
    assert batch.status == "previewed", batch.errors
    assert batch.plan and batch.checked_state
    with CaptureQueriesContext(connection) as queries:
        batch = import_confirm(batch=batch, actor=actor)
    assert batch.status == "imported", batch.errors
    return batch, len(queries.captured_queries)


def test_a_preview_keeps_what_it_would_write_and_writes_nothing(site, coordinator):
    batch = upload(site, "roster", roster_csv(*people(3)), coordinator)
    assert batch.status == "previewed"
    assert [row["email"] for row in batch.plan["new"]] == [
        "pat0@example.org",
        "pat1@example.org",
        "pat2@example.org",
    ]
    assert len(batch.checked_state) == 64
    assert not Participant.objects.filter(site=site).exists()


def test_confirming_an_unchanged_site_costs_no_query_per_row(site, coordinator):
    _, small = confirm_queries(site, "roster", roster_csv(*people(5)), coordinator)
    _, large = confirm_queries(site, "roster", roster_csv(*people(200, start=5)), coordinator)
    # Only the inserts' batches grow (SQLite takes about 80 rows an insert).
    assert large - small <= 200 // 50
    assert Participant.objects.filter(site=site).count() == 205
    batch = ImportBatch.objects.filter(site=site).first()
    # Written once, the plan is not kept.
    assert batch.plan == {} and batch.counts["new"] == 200


def test_a_planned_update_changes_the_stored_participant(site, coordinator):
    import_now(site, "roster", roster_csv(*people(2)), coordinator)
    changed = "Pat,Example0,PAT0@example.org,administrator,Bellevue,New School,4000"
    batch, _ = confirm_queries(site, "roster", roster_csv(changed, people(2)[1]), coordinator)
    assert batch.counts == {"new": 0, "updated": 1, "unchanged": 1, "error": 0}
    stored = Participant.objects.get(email="pat0@example.org")
    assert (stored.role, stored.school) == ("administrator", "New School")
    entry = AuditEntry.objects.filter(action="roster.imported").first()
    assert (entry.after["new"], entry.after["updated"], entry.after["unchanged"]) == (0, 1, 1)


def test_a_roster_changed_since_the_preview_is_checked_again(site, coordinator):
    from sites.services.sites import participant_add

    batch = upload(site, "roster", roster_csv(*people(2)), coordinator)
    # Someone adds the same person by hand between the preview and the confirm.
    participant_add(
        site=site,
        first_name="Pat",
        last_name="Example1",
        email="pat1@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )
    batch = import_confirm(batch=batch, actor=coordinator)
    # Checked again: the hand-added person is updated from the file, not inserted twice.
    assert batch.status == "imported"
    assert batch.counts == {"new": 1, "updated": 1, "unchanged": 0, "error": 0}
    assert Participant.objects.filter(site=site).count() == 2


def test_attempts_recorded_since_the_preview_are_checked_again_and_refuse_the_file(
    site, participant, coordinator
):
    batch = upload(
        site,
        "attempts",
        attempts_csv("jose.nunez@example.org,ECS,1,2026-10-01,not_earned"),
        coordinator,
    )
    assert batch.status == "previewed"
    attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        number=1,
        submitted_on=date(2026, 10, 2),
        result="earned",
        actor=coordinator,
    )
    batch = import_confirm(batch=batch, actor=coordinator)
    assert batch.status == "refused"
    assert any("already recorded" in m for m in messages_of(batch))
    assert Attempt.objects.filter(participant=participant).count() == 1


def test_a_planned_attempts_file_issues_clock_hours_and_accrues_stipends_in_order(
    site, participant, coordinator, staff
):
    stipend_plan_set(site=site, allow_both=False, actor=staff)
    stipend_rule_create(site=site, trigger="first_submission", amount="50.00", actor=staff)
    stipend_rule_create(site=site, trigger="earned", amount="230.00", actor=staff)
    import_now(site, "roster", roster_csv(*people(1)), coordinator)
    # Attempt 2 comes first in the file; accrual still follows the order they were made.
    batch, _ = confirm_queries(
        site,
        "attempts",
        attempts_csv(
            "jose.nunez@example.org,ECS,2,2026-11-02,earned",
            "jose.nunez@example.org,ECS,1,2026-10-01,not_earned",
            "pat0@example.org,ECS,1,2026-10-03,earned",
        ),
        coordinator,
    )
    assert batch.counts["new"] == 3
    stipends = sorted(Stipend.objects.values_list("participant__email", "trigger", "amount"))
    assert [(e, t, str(a)) for e, t, a in stipends] == [
        ("Jose.Nunez@example.org", "first_submission", "50.00"),
        ("pat0@example.org", "earned", "230.00"),
    ]
    assert AuditEntry.objects.filter(action="stipend.accrued").count() == 2
    hours = sorted(participant.site.participants.values_list("email", "clock_hour_credits__hours"))
    assert hours == [("Jose.Nunez@example.org", 20), ("pat0@example.org", 20)]
