"""Background work of the sites app. Each task takes an id and calls a service; the
services are idempotent, so a retried task never imports a file twice."""

import logging

from sites.services.imports import import_check, import_fail, import_write
from sites.services.reports import report_reminders_send as _report_reminders_send

logger = logging.getLogger(__name__)


def import_check_task(batch_id: int) -> None:
    """Check a large roster or attempts file without writing it."""
    try:
        import_check(batch_id=batch_id)
    except Exception:
        logger.exception("Checking import %s failed", batch_id)
        import_fail(batch_id=batch_id, message="The file could not be checked. Upload it again.")
        raise


def import_write_task(batch_id: int) -> None:
    """Write a large, confirmed roster or attempts file."""
    try:
        import_write(batch_id=batch_id)
    except Exception:
        logger.exception("Writing import %s failed", batch_id)
        import_fail(
            batch_id=batch_id, message="The file could not be imported; nothing was written."
        )
        raise


def report_reminders_send() -> int:
    """The daily site-report reminder run (scheduled by migrations sites 0003 and 0009).
    Safe to run any number of times a day: each reminder is recorded once per site (see
    the service)."""
    return _report_reminders_send()
