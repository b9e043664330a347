from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grants.demo import pilot_three as spec


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff or finance account."

    def add_arguments(self, parser):
        parser.add_argument("email", choices=sorted(spec.DEMO_TOTP_KEYS))

    def handle(self, *args, **options):
        device = TOTPDevice.objects.filter(user__email=options["email"], confirmed=True).first()
        if device is None or device.key != spec.DEMO_TOTP_KEYS[options["email"]]:
            raise CommandError(
                "Only the demo accounts' codes can be printed. Run load_pilot_three."
            )
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
