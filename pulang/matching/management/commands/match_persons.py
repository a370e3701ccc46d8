import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.matching.dedupe import (
    CSV_FIELDS,
    InputError,
    csv_records,
    dedupe,
    mapping_warnings,
    parse_mapping,
    registry_records,
)
from pulang.matching.model import ModelMissing
from pulang.matching.services import duplicate_candidates_store


class Command(BaseCommand):
    help = (
        "Find people registered more than once: score pairs of records with the trained "
        "matching model, cluster them, and write the pairs at or above the threshold to a CSV "
        "file (id_l, id_r, match_probability, match_weight, cluster_id). Reads the whole "
        "registry, or a CSV file given with --input and --columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", type=Path, help="A CSV file to deduplicate instead of the registry"
        )
        parser.add_argument(
            "--columns",
            help=(
                "With --input: which CSV column holds which field, as field=Column pairs "
                "separated by commas, e.g. 'id=No,full_name=Nama,birth_date=Tgl Lahir'. "
                f"Fields: {', '.join(CSV_FIELDS)}. Join columns with +, e.g. "
                "'full_name=given_name+surname'. Dates: yyyy-mm-dd, dd/mm/yyyy, yyyymmdd, an "
                "Excel date number or a year; others are left out with a warning. Lists "
                "(phones, aliases) are split at ; / or |. The file may be UTF-8, UTF-16 or "
                "Windows-1252, with commas, semicolons or tabs between columns."
            ),
        )
        parser.add_argument("--output", type=Path, required=True, help="The pairs CSV to write")
        parser.add_argument(
            "--store",
            action="store_true",
            help="Registry only: also keep the pairs for review on the duplicates page",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.8,
            help="Match probability at or above which a pair is kept and clustered (0.8)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path | None = options["input"]
        output: Path = options["output"]
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        if output.is_dir():
            raise CommandError(f"--output {output} is a folder; name a file, e.g. pairs.csv.")
        if not 0 < options["threshold"] < 1:
            raise CommandError("--threshold is a probability between 0 and 1, e.g. 0.8.")
        try:
            if source is not None:
                if not options["columns"]:
                    raise InputError("--input needs --columns to say which column is which field.")
                mapping = parse_mapping(options["columns"])
                if not source.is_file():
                    raise InputError(f"Input file not found: {source}")
                if output.resolve() == source.resolve():
                    raise InputError("--output is the input file; name another file.")
                if options["store"]:
                    self._say("--store keeps pairs of the registry only; not with --input.")
                for warning in mapping_warnings(mapping):
                    self._say(warning)
                records = csv_records(source, mapping, warn=self._say)
            else:
                if options["columns"]:
                    raise InputError("--columns applies only with --input.")
                records = registry_records()
            summary = dedupe(records, output, threshold=options["threshold"], progress=self._say)
        except (InputError, ModelMissing) as error:
            raise CommandError(str(error)) from error
        if source is None and options["store"]:
            stored = duplicate_candidates_store(pairs_csv=output)
            self.stdout.write(f"{stored} new pairs waiting for review")
        if source is None:
            audit_record(
                actor=None,
                action=AuditEvent.Action.EXPORT,
                object_type="people.person",
                summary=f"match-persons: {summary.pairs} pairs of {summary.records} persons "
                f"to {output.name}",
            )
        self.stdout.write(
            f"{summary.records} records, {summary.pairs} pairs in {summary.clusters} clusters "
            f"(threshold {options['threshold']}) written to {summary.output} in "
            f"{time.monotonic() - started:.1f} s"
        )

    def _say(self, message: str) -> None:
        if getattr(self, "verbosity", 1) < 1:
            return
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
