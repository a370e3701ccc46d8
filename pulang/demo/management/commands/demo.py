from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pulang.demo.services import DEMO_PEOPLE, demo_load


class Command(BaseCommand):
    help = "Load the synthetic demo world (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=DEMO_PEOPLE)

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(people=options["people"])
        self.stdout.write(f"Demo people added: {result.people_created}")
        self.stdout.write(self.style.SUCCESS("Demo logins (synthetic data only):"))
        for login in result.logins:
            self.stdout.write(f"  {login.username:<22} {login.password:<18} {login.description}")
        self.stdout.write(
            "Roles that see names also need a 6-digit code. Add the key below to an authenticator "
            "app, or print the current code with: pulang otp-code USERNAME"
        )
        for login in result.logins:
            if login.otp_secret:
                self.stdout.write(f"  {login.username:<22} {login.otp_secret}")
