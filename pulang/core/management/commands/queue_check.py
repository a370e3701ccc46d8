from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pulang.core.services import queue_round_trip


class Command(BaseCommand):
    help = "Send a task through the background queue and wait for a worker to run it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            beat_id = queue_round_trip(timeout=options["timeout"])
        except (TimeoutError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Queue round trip OK (heartbeat {beat_id})"))
