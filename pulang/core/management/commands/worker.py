from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a background worker for the Redis task queue (set PULANG_REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Stop when the queue is empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not settings.REDIS_URL:
            raise CommandError(
                "PULANG_REDIS_URL is not set: background work already runs inside the web "
                "process on this installation, so no worker is needed."
            )
        # Each job runs in a process forked from this one. Importing the record-linkage libraries
        # here, once, spares every manifest preview about a second of importing them itself
        # (most of a small manifest's preview, seen in the load test of issue 9).
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
        import splink  # noqa: F401

        call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=options["burst"])
