from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pulang.matching.model import MODEL_PATH, train_model
from pulang.matching.records import match_row
from pulang.matching.synthetic import generate


class Command(BaseCommand):
    help = (
        "Train the person-matching model on a synthetic population (u by random sampling, m by "
        "expectation maximisation) and save it as JSON; matching at run time only reads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=20_000, help="True people (20000)")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (7)")
        parser.add_argument("--output", type=Path, default=MODEL_PATH, help="Model JSON path")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Generating {options['persons']} synthetic people…")
        records = generate(options["persons"], seed=options["seed"])
        rows = (match_row(record.match_record(), record.record_id) for record in records)
        train_model(rows, out_path=options["output"], seed=options["seed"], progress=self._say)

    def _say(self, message: str) -> None:
        self.stdout.write(message)
