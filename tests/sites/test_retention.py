"""Participants' personal data: who sees it, and its retention."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from grants.models import AuditEntry, Program, ProgramStatus
from grants.selectors.summary import pilot_summary
from sites.models import Participant
from sites.permissions import can_view_participant_personal_data
from tests import factories

pytestmark = pytest.mark.django_db


def _close(program, ended=date(2019, 6, 30)):
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.CLOSED, starts_on=ended - timedelta(days=300), ends_on=ended
    )


def test_anonymization_keeps_pilot_summary_identical():
    call_command("load_pilot_three", stdout=StringIO())
    program = Program.objects.get(slug="pilot-three")
    _close(program)
    before = pilot_summary(program)
    participants = Participant.objects.filter(site__program=program)
    assert participants.exists()
    out = StringIO()
    call_command("anonymize_participants", "--days", "365", stdout=out)
    assert f"{participants.count()} participant(s) anonymized" in out.getvalue()
    assert pilot_summary(program) == before
    assert not participants.filter(anonymized_at__isnull=True).exists()
    assert not participants.exclude(email__endswith="@anonymized.invalid").exists()
    assert not participants.exclude(certificate_number="").exists()
    assert not participants.exclude(first_name="Anonymized").exists()
    entries = AuditEntry.objects.filter(action="participant.anonymized")
    assert entries.count() == participants.count()
    # Running it again finds nobody and changes nothing.
    again = StringIO()
    call_command("anonymize_participants", "--days", "365", stdout=again)
    assert "0 participant(s) anonymized" in again.getvalue()


def test_open_programs_and_recent_closures_keep_their_participants(participant, unchanged):
    program = participant.site.program
    with unchanged():
        call_command("anonymize_participants", stdout=StringIO())  # program still active
    _close(program, ended=date.today())
    with unchanged():
        call_command("anonymize_participants", "--days", "30", stdout=StringIO())
    participant.refresh_from_db()
    assert participant.email == "Jose.Nunez@example.org"


def test_dry_run_counts_without_changing(participant, unchanged):
    _close(participant.site.program)
    out = StringIO()
    with unchanged():
        call_command("anonymize_participants", "--dry-run", "--days", "1", stdout=out)
    assert "1 participant(s) would be anonymized" in out.getvalue()


def test_a_negative_period_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="zero or more"):
        call_command("anonymize_participants", "--days", "-1", stdout=StringIO())


def test_personal_data_is_for_the_sites_coordinators_staff_and_finance(
    participant, coordinator, staff, finance, reviewer, applicant
):
    other_coordinator = factories.UserFactory()
    assert can_view_participant_personal_data(coordinator, participant)
    assert can_view_participant_personal_data(staff, participant)
    assert can_view_participant_personal_data(finance, participant)
    for outsider in (reviewer, applicant, other_coordinator):
        assert not can_view_participant_personal_data(outsider, participant)
    from django.contrib.auth.models import AnonymousUser

    assert not can_view_participant_personal_data(AnonymousUser(), participant)


def test_public_site_pages_show_no_participant_details(client, participant):
    participant.certificate_number = "CERT-4512"
    participant.save()
    page = client.get(f"/grant-sites/{participant.site.slug}/").content.decode()
    assert "Jose.Nunez@example.org" not in page and "CERT-4512" not in page
    assert "Núñez" not in page
