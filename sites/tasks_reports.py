"""django-q2 tasks for site reports. Each calls one service."""

from sites.services.reports import report_reminders_send as _report_reminders_send


def report_reminders_send() -> int:
    """The daily reminder run (scheduled by migration sites 0002). Safe to run any number
    of times a day: each reminder is recorded once per site (see the service)."""
    return _report_reminders_send()
