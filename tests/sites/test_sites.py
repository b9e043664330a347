from datetime import date

import pytest
from django.core.exceptions import ValidationError

from grants.models import AuditEntry, InstallmentStatus
from grants.services.decisions import award_create_honorary
from sites.models import AttemptResult, ClockHourCredit, ReportStatus
from sites.services.attempts import attempt_record
from sites.services.reports import (
    site_report_accept,
    site_report_return,
    site_report_save,
    site_report_submit,
)
from sites.services.sites import participant_add, site_create_from_award
from tests import factories

pytestmark = pytest.mark.django_db
D = date(2026, 10, 1)


def record(participant, number, result="not_earned", code="ECS", actor=None):
    return attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential(code),
        number=number,
        submitted_on=D,
        result=result,
        actor=actor,
    )


def test_site_copies_areas_and_partners_from_the_application(submitted, staff):
    submitted.partner_districts.set([factories.district("Selah School District")])
    from grants.services.decisions import award_create

    award = award_create(application=submitted, actor=staff, reason="Fund.")
    site = site_create_from_award(award=award, actor=staff)
    assert list(site.content_areas.values_list("code", flat=True)) == ["ECS"]
    assert list(site.partner_districts.values_list("name", flat=True)) == ["Selah School District"]
    assert site.program == submitted.rfp.program and not site.is_honorary


def test_one_site_per_award(site, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="already exists"):
        site_create_from_award(award=site.award, actor=staff)


def test_participant_email_is_unique_per_site_whatever_its_case(
    participant, coordinator, unchanged
):
    with unchanged(), pytest.raises(ValidationError, match="already on the roster"):
        participant_add(
            site=participant.site,
            first_name="Jose",
            last_name="Nunez",
            email="JOSE.NUNEZ@EXAMPLE.ORG",
            role="teacher",
            district=participant.district,
            actor=coordinator,
        )


def test_participant_needs_a_known_role(site, coordinator, unchanged):
    with unchanged(), pytest.raises(ValidationError):
        participant_add(
            site=site,
            first_name="A",
            last_name="B",
            email="a.b@example.org",
            role="wizard",
            district=factories.district("Bellevue School District"),
            actor=coordinator,
        )


def test_attempts_run_in_sequence_and_earning_issues_clock_hours(participant, coordinator):
    record(participant, 1, actor=coordinator)
    record(participant, 2, actor=coordinator)
    earned = record(participant, 3, AttemptResult.EARNED, actor=coordinator)
    credit = ClockHourCredit.objects.get(attempt=earned)
    assert credit.hours == 20 and credit.participant == participant
    assert AuditEntry.objects.filter(action="attempt.recorded").count() == 3


@pytest.mark.parametrize(
    ("setup", "number", "message"),
    [
        ([], 2, "next attempt for ECS is number 1"),
        ([1], 3, "next attempt for ECS is number 2"),
        ([1], 1, "already recorded"),
        ([], 0, "start at 1"),
    ],
)
def test_attempt_numbers_have_no_gaps_or_repeats(
    participant, coordinator, setup, number, message, unchanged
):
    for n in setup:
        record(participant, n, actor=coordinator)
    with unchanged(), pytest.raises(ValidationError, match=message):
        record(participant, number, actor=coordinator)


def test_attempts_stop_at_the_program_maximum(participant, coordinator, unchanged):
    for n in range(1, 6):
        record(participant, n, actor=coordinator)
    with unchanged(), pytest.raises(ValidationError, match="at most 5 attempts"):
        record(participant, 6, actor=coordinator)


def test_nothing_after_an_earned_attempt(participant, coordinator, unchanged):
    record(participant, 1, AttemptResult.EARNED, actor=coordinator)
    with unchanged(), pytest.raises(ValidationError, match="already earned ECS on attempt 1"):
        record(participant, 2, actor=coordinator)


def test_only_micro_credentials_the_site_pilots(participant, coordinator, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="does not pilot CR-SEL"):
        record(participant, 1, code="CR-SEL", actor=coordinator)


def test_report_workflow_releases_the_final_installment(site, coordinator, staff, unchanged):
    report = site_report_save(site=site, actor=coordinator, what_worked="")
    with unchanged(), pytest.raises(ValidationError, match="support structure"):
        site_report_submit(report=report, actor=coordinator)
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC time."
    )
    report = site_report_submit(report=report, actor=coordinator)
    assert report.status == ReportStatus.SUBMITTED
    with unchanged(), pytest.raises(ValidationError, match="no longer be edited"):
        site_report_save(site=site, actor=coordinator, what_worked="Changed")

    report = site_report_return(report=report, actor=staff, comments="Add the quotes.")
    report = site_report_save(site=site, actor=coordinator, recommendations="More time.")
    report = site_report_submit(report=report, actor=coordinator)
    assert report.status == ReportStatus.RESUBMITTED

    final = site.award.installments.get(milestone="final_report")
    assert final.status == InstallmentStatus.SCHEDULED
    report = site_report_accept(report=report, actor=staff)
    assert report.status == ReportStatus.ACCEPTED
    final.refresh_from_db()
    assert final.status == InstallmentStatus.RELEASED
    assert list(
        AuditEntry.objects.filter(object_id=str(report.pk), action__startswith="report.")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    ) == ["report.submitted", "report.returned", "report.submitted", "report.accepted"]


def test_only_a_submitted_report_is_accepted(site, coordinator, staff, unchanged):
    report = site_report_save(site=site, actor=coordinator, support_structures=["plc"])
    with unchanged(), pytest.raises(ValidationError, match="Only a submitted report"):
        site_report_accept(report=report, actor=staff)


def test_honorary_sites_have_no_installments(submitted, staff):
    award = award_create_honorary(application=submitted, actor=staff, reason="Honorary.")
    site = site_create_from_award(award=award, actor=staff)
    assert site.is_honorary and not site.award.installments.exists()
