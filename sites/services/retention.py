"""Retention of participants' personal data."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grants.models import ProgramStatus
from grants.services.audit import audit_record
from sites.models import Participant

ANONYMIZED_DOMAIN = "anonymized.invalid"


def participants_due_for_anonymization(*, today: date | None = None, days: int | None = None):
    """Participants of closed programs whose program ended more than ``days`` days ago
    (PARTICIPANT_RETENTION_DAYS by default) and who still carry personal data."""
    today = today or timezone.localdate()
    days = settings.PARTICIPANT_RETENTION_DAYS if days is None else days
    return Participant.objects.filter(
        site__program__status=ProgramStatus.CLOSED,
        site__program__ends_on__lt=today - timedelta(days=days),
        anonymized_at__isnull=True,
    )


@transaction.atomic
def participants_anonymize(
    *, actor=None, today: date | None = None, days: int | None = None, dry_run: bool = False
) -> int:
    """Erase the personal data of every participant due under the retention rule: name,
    email, school and certificate number. The row, its role, district, site, attempts,
    clock hours and stipends stay, so every aggregate figure (pilot_summary) is unchanged.
    Each anonymized participant gets one audit entry; running it again changes nothing."""
    due = list(
        participants_due_for_anonymization(today=today, days=days)
        .select_for_update()
        .order_by("pk")
    )
    if dry_run:
        return len(due)
    now = timezone.now()
    for participant in due:
        participant.first_name = "Anonymized"
        participant.last_name = f"participant {participant.pk}"
        # Unique per site (the roster's rule) and undeliverable by construction.
        participant.email = f"participant-{participant.pk}@{ANONYMIZED_DOMAIN}"
        participant.school = ""
        participant.certificate_number = ""
        participant.anonymized_at = now
        participant.full_clean()
        participant.save(
            update_fields=[
                "first_name",
                "last_name",
                "email",
                "school",
                "certificate_number",
                "anonymized_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="participant.anonymized",
            obj=participant,
            after={"anonymized_at": now},
            note="retention rule",
        )
    return len(due)
