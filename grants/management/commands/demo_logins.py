import base64

from django.core.management.base import BaseCommand

from grants.demo import pilot_three as spec
from grants.models import User


class Command(BaseCommand):
    help = "Print the demo sign-in for each role (after load_pilot_three)."

    def handle(self, *args, **options):
        write = self.stdout.write
        write("")
        write("Pilot Grants demo: http://127.0.0.1:8000/   sign in at /accounts/login/")
        write(f"Every demo account's password is: {spec.DEMO_PASSWORD}")
        for role, (email, _first, _last) in spec.DEMO_USERS.items():
            if not User.objects.filter(email=email).exists():
                continue
            line = f"  {role:<12} {email}"
            if email in spec.DEMO_TOTP_KEYS:
                secret = base64.b32encode(bytes.fromhex(spec.DEMO_TOTP_KEYS[email])).decode()
                line += f"   two-factor key {secret}"
            write(line)
        write("Staff and finance need a two-factor code: add the key to an authenticator app,")
        write("or print the current code with: .venv/bin/python manage.py demo_totp <email>")
        write("Staff tools are in the Wagtail admin at /admin/.")
        from cms.models import RfpPage

        next_rfp = RfpPage.objects.live().filter(slug=spec.NEXT_RFP["slug"]).first()
        if next_rfp is not None and next_rfp.is_open:
            write(f"To try applying, sign in as the applicant and open {next_rfp.url}")
        write("")
