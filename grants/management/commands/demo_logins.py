from django.core.management.base import BaseCommand

from grants.demo import pilot_three as spec
from grants.models import User


class Command(BaseCommand):
    help = "Print the demo sign-in for each role (after load_pilot_three)."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write("Pilot Grants demo is at http://127.0.0.1:8000/")
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        for role, (email, _first, _last) in spec.DEMO_USERS.items():
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"  {role:<12} {email:<28} password: {spec.DEMO_PASSWORD}")
        self.stdout.write("Staff, finance and reviewers also use the admin at /admin/.")
        self.stdout.write("")
