"""Adding one attempt by hand and correcting one: the rules, the audit trail, clock
hours and stipends that follow the correction."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import AuditEntry
from sites.models import Attempt, ClockHourCredit
from sites.services.attempts import attempt_correct, attempt_record
from stipends.models import Stipend, StipendStatus
from stipends.services import stipend_rule_create
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


def record(participant, number, result, actor):
    return attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        number=number,
        submitted_on=date(2026, 10, number),
        result=result,
        actor=actor,
    )


def test_a_correction_is_audited_with_before_after_and_reason(participant, coordinator):
    attempt = record(participant, 1, "not_earned", coordinator)
    attempt_correct(
        attempt=attempt,
        submitted_on=date(2026, 10, 2),
        result="earned",
        reason="The platform re-scored the portfolio.",
        actor=coordinator,
    )
    entry = AuditEntry.objects.get(action="attempt.corrected")
    assert entry.actor == coordinator
    assert entry.before == {"submitted_on": "2026-10-01", "result": "not_earned"}
    assert entry.after == {"submitted_on": "2026-10-02", "result": "earned"}
    assert entry.note == "The platform re-scored the portfolio."
    credit = ClockHourCredit.objects.get(attempt=attempt)
    assert credit.hours == 20 and credit.issued_on == date(2026, 10, 2)


def test_ceasing_to_be_earned_withdraws_clock_hours_and_voids_the_stipend(
    participant, coordinator, staff
):
    stipend_rule_create(site=participant.site, trigger="earned", amount="100.00", actor=staff)
    attempt = record(participant, 1, "earned", coordinator)
    assert Stipend.objects.get(participant=participant).status == StipendStatus.PENDING
    attempt_correct(
        attempt=attempt,
        submitted_on=attempt.submitted_on,
        result="not_earned",
        reason="Scored in error.",
        actor=coordinator,
    )
    assert not ClockHourCredit.objects.filter(participant=participant).exists()
    assert Stipend.objects.get(participant=participant).status == StipendStatus.VOID
    assert AuditEntry.objects.filter(action="clock_hours.withdrawn").exists()
    # Now a second attempt is allowed.
    record(participant, 2, "earned", coordinator)


def test_an_earlier_attempt_cannot_become_earned_before_a_later_one(
    participant, coordinator, unchanged
):
    first = record(participant, 1, "not_earned", coordinator)
    record(participant, 2, "not_earned", coordinator)
    with unchanged(), pytest.raises(ValidationError, match="later attempt"):
        attempt_correct(
            attempt=first,
            submitted_on=first.submitted_on,
            result="earned",
            reason="Re-scored.",
            actor=coordinator,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "Say why"),
        ({"result": "passed"}, "earned or not earned"),
        ({"submitted_on": date(2099, 1, 1)}, "in the future"),
        ({"result": "not_earned", "submitted_on": date(2026, 10, 1)}, "Nothing changed"),
    ],
)
def test_bad_corrections_are_refused_with_no_change(
    participant, coordinator, unchanged, changes, message
):
    attempt = record(participant, 1, "not_earned", coordinator)
    values = {"submitted_on": date(2026, 10, 5), "result": "earned", "reason": "Re-scored."}
    values.update(changes)
    with unchanged(), pytest.raises(ValidationError, match=message):
        attempt_correct(attempt=attempt, actor=coordinator, **values)


def test_the_correction_form_saves_and_shows_refusals(client, participant, coordinator):
    attempt = record(participant, 1, "not_earned", coordinator)
    site = participant.site
    url = reverse("workspace_attempt_correct", args=[site.slug, attempt.pk])
    login(client, coordinator)
    response = client.post(url, {"submitted_on": "2026-10-01", "result": "earned", "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        url, {"submitted_on": "2026-10-01", "result": "earned", "reason": "Re-scored."}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.result == "earned"


def test_the_add_form_records_an_attempt_and_shows_rule_errors(client, participant, coordinator):
    site = participant.site
    url = reverse("workspace_attempt_add", args=[site.slug])
    ecs = factories.micro_credential("ECS")
    login(client, coordinator)
    data = {
        "participant": participant.pk,
        "micro_credential": ecs.pk,
        "number": 2,
        "submitted_on": "2026-10-01",
        "result": "earned",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The next attempt for ECS is number 1, not 2." in response.content.decode()
    assert not Attempt.objects.exists()
    response = client.post(url, {**data, "number": 1})
    assert response.status_code == 302
    assert ClockHourCredit.objects.get(participant=participant).hours == 20


def test_the_add_form_offers_only_this_sites_roster_and_credentials(
    client, participant, coordinator, staff
):
    from tests.sites.imports import other_site

    second, second_coordinator = other_site(staff)
    from sites.services.sites import participant_add

    stranger = participant_add(
        site=second,
        first_name="Zed",
        last_name="Zo",
        email="zed@example.org",
        role="teacher",
        district=participant.district,
        actor=second_coordinator,
    )
    login(client, coordinator)
    response = client.post(
        reverse("workspace_attempt_add", args=[participant.site.slug]),
        {
            "participant": stranger.pk,
            "micro_credential": factories.micro_credential("CR-SEL").pk,
            "number": 1,
            "submitted_on": "2026-10-01",
            "result": "earned",
        },
    )
    assert response.status_code == 200
    assert not Attempt.objects.exists()
    errors = response.context["form"].errors
    assert "participant" in errors and "micro_credential" in errors
