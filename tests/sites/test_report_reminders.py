"""Report due dates: reminders 14, 7 and 1 days before and when overdue, each at most once
per site, and the staff tracker's statuses."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from sites.models import ReminderKind, ReportReminder
from sites.selectors.reports import TrackerStatus, report_tracker, tracker_status
from sites.services.reports import (
    reminder_due,
    report_reminders_send,
    site_report_return,
    site_report_save,
    site_report_submit,
)
from sites.tasks import report_reminders_send as reminder_task

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")
DUE = date(2027, 6, 14)


def at(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 8, tzinfo=PACIFIC), tick=False
    )


@pytest.fixture
def due_program(program):
    program.report_due_on = DUE
    program.save()
    return program


def run_daily(days, callbacks):
    for day in days:
        with at(day), callbacks(execute=True):
            reminder_task()


def test_each_reminder_goes_once_per_site(
    due_program, site, coordinator, django_capture_on_commit_callbacks
):
    days = [date(2027, 5, d) for d in range(25, 32)] + [date(2027, 6, d) for d in range(1, 20)]
    run_daily(days, django_capture_on_commit_callbacks)
    # Running every day again, twice, sends nothing more.
    run_daily(days, django_capture_on_commit_callbacks)
    kinds = list(ReportReminder.objects.order_by("sent_on").values_list("kind", "sent_on"))
    assert kinds == [
        (ReminderKind.DAYS_14, date(2027, 5, 31)),
        (ReminderKind.DAYS_7, date(2027, 6, 7)),
        (ReminderKind.DAYS_1, date(2027, 6, 13)),
        (ReminderKind.OVERDUE, date(2027, 6, 15)),
    ]
    assert len(mail.outbox) == 4
    assert all(message.to == [coordinator.email] for message in mail.outbox)
    assert mail.outbox[-1].subject.startswith("Overdue:")
    assert f"/portal/site-reports/{site.slug}/" in mail.outbox[0].body


def test_after_downtime_only_the_current_reminder_goes(
    due_program, site, coordinator, django_capture_on_commit_callbacks
):
    # The scheduler was down from 20 days before until 3 days before the due date.
    run_daily([date(2027, 6, 11), date(2027, 6, 12)], django_capture_on_commit_callbacks)
    assert list(ReportReminder.objects.values_list("kind", flat=True)) == [ReminderKind.DAYS_7]
    assert len(mail.outbox) == 1


def test_no_reminder_once_the_report_is_with_staff(
    due_program, site, coordinator, staff, django_capture_on_commit_callbacks
):
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    site_report_submit(report=report, actor=coordinator)
    run_daily([date(2027, 6, 13), date(2027, 6, 15)], django_capture_on_commit_callbacks)
    assert not ReportReminder.objects.exists() and not mail.outbox
    # Returned for changes, the report is owed again.
    site_report_return(report=report, actor=staff, comments="Add quotes.")
    run_daily([date(2027, 6, 16)], django_capture_on_commit_callbacks)
    assert list(ReportReminder.objects.values_list("kind", flat=True)) == [ReminderKind.OVERDUE]


def test_no_due_date_no_reminders(program, site, coordinator):
    assert report_reminders_send(today=date(2027, 6, 15)) == 0
    assert not ReportReminder.objects.exists()


def test_the_reminder_thresholds():
    assert reminder_due(due_on=DUE, today=date(2027, 5, 30)) is None
    assert reminder_due(due_on=DUE, today=date(2027, 5, 31)) == ReminderKind.DAYS_14
    assert reminder_due(due_on=DUE, today=date(2027, 6, 14)) == ReminderKind.DAYS_1
    assert reminder_due(due_on=DUE, today=date(2027, 6, 15)) == ReminderKind.OVERDUE


def test_the_reminder_run_is_scheduled():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Site report reminders")
    assert schedule.func == "sites.tasks.report_reminders_send"
    assert schedule.schedule_type == Schedule.DAILY


def test_tracker_statuses(due_program, site, coordinator, staff):
    before, after = date(2027, 6, 1), date(2027, 6, 20)
    assert tracker_status(None, DUE, before) == TrackerStatus.NOT_STARTED
    assert tracker_status(None, DUE, after) == TrackerStatus.OVERDUE
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    assert tracker_status(report, DUE, before) == TrackerStatus.DRAFT
    report = site_report_submit(report=report, actor=coordinator)
    assert tracker_status(report, DUE, after) == TrackerStatus.SUBMITTED
    report = site_report_return(report=report, actor=staff, comments="More.")
    assert tracker_status(report, DUE, before) == TrackerStatus.RETURNED
    assert tracker_status(report, DUE, after) == TrackerStatus.OVERDUE
    rows = report_tracker(due_program, today=before)
    assert [(row.site, row.status) for row in rows] == [(site, TrackerStatus.RETURNED)]
