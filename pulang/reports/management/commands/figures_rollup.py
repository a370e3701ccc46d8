"""Count closed days into the daily figures ahead of the first reader, or count them again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pulang.reports.management.commands.stats import parse_day
from pulang.reports.models import RolledDay
from pulang.reports.rollup import ensure_rolled, history_start, settled_day


class Command(BaseCommand):
    help = (
        "Count closed days into the daily figures the dashboard adds up (days missing or "
        "changed since; with --rebuild, every day of the range again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day (default: the first event)")
        parser.add_argument(
            "--to", dest="end", help="last day (default: yesterday; after 1 am, as it is settled)"
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="count the days again even if rolled"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        yesterday = settled_day()
        start = parse_day(options["start"]) if options["start"] else history_start()
        end = min(parse_day(options["end"]) if options["end"] else yesterday, yesterday)
        if start is None:
            self.stdout.write("Belum ada kejadian untuk dihitung.")
            return
        if start > end:
            raise CommandError("--from is after --to (or after yesterday)")
        if options["rebuild"]:
            RolledDay.objects.filter(day__gte=start, day__lte=end).delete()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r{done:,}/{total:,} hari", ending="")
            self.stdout.flush()

        days = ensure_rolled(start, end, progress=progress)
        if days:
            self.stdout.write("")
        self.stdout.write(f"{days:,} hari dihitung ({start} s.d. {end}).")
