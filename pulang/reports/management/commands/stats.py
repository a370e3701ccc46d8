"""The dashboard's figures on the terminal, small cells suppressed as in any published figure."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pulang.agencies.models import Shelter
from pulang.reports.figures import figure_dates, figures, suppressed


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Print the ministry's figures for a period: received, in the shelters, returned home."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default 1 Jan)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--as-of", dest="as_of", help="day for 'in the shelters' (default --to)"
        )
        parser.add_argument("--shelter", action="append", help="shelter code (repeatable)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        end = parse_day(options["end"]) if options["end"] else today
        start = parse_day(options["start"]) if options["start"] else date(end.year, 1, 1)
        as_of = parse_day(options["as_of"]) if options["as_of"] else end
        if start > end:
            raise CommandError("--from is after --to")
        earliest, latest = figure_dates()
        if not all(earliest <= day <= latest for day in (start, end, as_of)):
            raise CommandError(f"dates must lie between {earliest} and {latest}")
        shelters = Shelter.objects.all()
        if options["shelter"]:
            shelters = shelters.filter(code__in=options["shelter"])
            unknown = set(options["shelter"]) - set(shelters.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"unknown shelter code(s): {', '.join(sorted(unknown))}")
        data = suppressed(figures(shelters=shelters, start=start, end=end, as_of=as_of))
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"Periode {data['start']} – {data['end']}, per {data['as_of']}")
        for key in (
            "received",
            "returned_home",
            "in_shelters",
            "transferred",
            "referred",
            "returned_children",
            "stay_days_median",
            "stay_days_p90",
            "handover_days_median",
            "handover_days_p90",
        ):
            self.stdout.write(f"  {key:<22} {data[key]}")
        for key in ("returned_by_shelter", "present_by_shelter", "returned_by_province"):
            self.stdout.write(f"  {key}:")
            for name, value in data[key].items():
                self.stdout.write(f"    {name:<40} {value}")
