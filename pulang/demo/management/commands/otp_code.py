from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.demo.services import DEMO_OTP_DEVICE


class Command(BaseCommand):
    help = "Print the current 6-digit code of a demo login's authenticator (demo logins only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], name=DEMO_OTP_DEVICE
        ).first()
        if device is None:
            raise CommandError("Only the demo logins created by `pulang demo` have a demo code.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
