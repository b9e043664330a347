from django.core.management.base import BaseCommand, CommandError

from sites.services.retention import participants_anonymize


class Command(BaseCommand):
    help = (
        "Anonymize participants of closed programs that ended more than "
        "PARTICIPANT_RETENTION_DAYS days ago (default three years): their name, email, "
        "school and certificate number are erased; roles, districts, attempts, clock hours "
        "and stipends stay, so the programs' figures are unchanged. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention period in days (overrides PARTICIPANT_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count who would be anonymized."
        )

    def handle(self, *args, **options):
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days must be zero or more.")
        count = participants_anonymize(days=options["days"], dry_run=options["dry_run"])
        verb = "would be anonymized" if options["dry_run"] else "anonymized"
        self.stdout.write(f"{count} participant(s) {verb}.")
