from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pulang.demo.services import DEMO_PEOPLE, demo_load


class Command(BaseCommand):
    help = "Load the synthetic demo world (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=DEMO_PEOPLE)
        parser.add_argument(
            "--without-2020",
            action="store_true",
            help="Skip the synthetic first half of 2020 (about 5,600 cases; ~30 s on SQLite).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(people=options["people"], story_2020=not options["without_2020"])
        self.stdout.write(f"Demo people added: {result.people_created}")
        if result.story_cases:
            self.stdout.write(f"Synthetic 2020 (1 January – 2 July): {result.story_cases} cases")
        self.stdout.write(self.style.SUCCESS("Demo logins (synthetic data only):"))
        for login in result.logins:
            self.stdout.write(f"  {login.username:<22} {login.password:<18} {login.description}")
        self.stdout.write(
            "Roles that see names also need a 6-digit code. Add the key below to an authenticator "
            "app, or print the current code with: .venv/bin/pulang otp-code USERNAME"
        )
        for login in result.logins:
            if login.otp_secret:
                self.stdout.write(f"  {login.username:<22} {login.otp_secret}")
