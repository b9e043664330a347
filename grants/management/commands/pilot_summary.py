import json

from django.core.management.base import BaseCommand, CommandError

from grants.models import Program
from grants.selectors.summary import pilot_summary


class Command(BaseCommand):
    help = "Print a program's reported figures, computed from its data."

    def add_arguments(self, parser):
        parser.add_argument("program", help="The program's slug, such as pilot-three.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program has the slug {options['program']!r}.")
        summary = pilot_summary(program)
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        for key, value in summary.items():
            self.stdout.write(f"{key}: {json.dumps(value)}")
