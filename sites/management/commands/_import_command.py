"""What import_roster and import_attempts share: the same checks as the web flow, every
error printed with its row number, nothing written on any error, exit code 1 on error."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sites.models import GrantSite
from sites.services.imports import error_text, import_file_run
from sites.tabular import read_table


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("site", help="The grant site's slug.")
        parser.add_argument("file", help="A CSV or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, **options):
        site = GrantSite.objects.select_related("program").filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"No grant site has the slug {options['site']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as handle:
                table = read_table(handle)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            outcome = import_file_run(
                site=site, kind=self.kind, table=table, actor=None, dry_run=options["dry_run"]
            )
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(error_text(error))
            raise CommandError(
                f"{len(outcome.errors)} error{'s' if len(outcome.errors) != 1 else ''}; "
                "nothing was imported."
            )
        counts = ", ".join(f"{name} {count}" for name, count in outcome.counts.items())
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {len(table.rows)} rows into {site.slug}: {counts}.")
