import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pulang.arrivals.manifest import ManifestError, manifest_parse_row, manifest_read
from pulang.arrivals.models import ArrivalBatch, ManifestImport
from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload


class Command(BaseCommand):
    help = (
        "Import a manifest (CSV or XLSX) into an arrival batch: check every row, link people "
        "registered before, create one case per person. Importing the same file twice creates "
        "nothing the second time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch", help="Reference or id of the arrival batch")
        parser.add_argument("--user", help="Username recorded as the importer (audit trail)")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--link-above",
            type=float,
            default=0.99,
            help="Link to an earlier registration automatically at or above this probability",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        data = path.read_bytes()
        as_json = options["format"] == "json"
        if options["dry_run"]:
            self._dry_run(data, path.name, as_json)
            return
        batch = self._batch(options["batch"])
        actor = self._actor(options["user"])
        record, is_new = manifest_upload(actor=actor, batch=batch, data=data, filename=path.name)
        if not is_new and record.status == ManifestImport.Status.COMMITTED:
            self._report(
                {
                    "rows_read": record.total_rows,
                    "created": 0,
                    "linked": 0,
                    "skipped": record.total_rows,
                    "errors": [],
                    "already_imported": record.batch.reference,
                },
                as_json,
            )
            return
        manifest_preview(manifest_import=record, progress=self._progress(as_json, "checked"))
        record.refresh_from_db()
        if record.status == ManifestImport.Status.FAILED:
            raise CommandError(record.error)
        actions = {}
        for row in record.preview["rows"]:
            best = row["candidates"][0] if row["candidates"] else None
            if best and best["probability"] >= options["link_above"]:
                actions[row["number"]] = f"link:{best['person_id']}"
        committed = manifest_commit(
            actor=actor,
            manifest_import=record,
            actions=actions,
            progress=self._progress(as_json, "saved"),
        )
        self._report(committed.as_dict(), as_json)

    def _dry_run(self, data: bytes, name: str, as_json: bool) -> None:
        try:
            table = manifest_read(data, filename=name)
        except ManifestError as error:
            raise CommandError(str(error)) from error
        errors = []
        for row in table.rows:
            parsed = manifest_parse_row(row, table.columns)
            bad = [f"{i.column}: {i.message}" for i in parsed.issues if i.level == "error"]
            if bad:
                errors.append({"row": row.number, "errors": bad})
        summary = {
            "rows_read": len(table.rows),
            "created": 0,
            "linked": 0,
            "skipped": len(errors),
            "errors": errors,
            "dry_run": True,
        }
        self._report(summary, as_json)

    def _batch(self, key: str | None) -> ArrivalBatch:
        if not key:
            raise CommandError("Name the arrival batch with --batch (its reference or id).")
        batch = ArrivalBatch.objects.filter(reference=key).first()
        if batch is None and key.isdigit():
            batch = ArrivalBatch.objects.filter(pk=int(key)).first()
        if batch is None:
            raise CommandError(f"No arrival batch {key!r}.")
        return batch

    def _actor(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def _progress(self, as_json: bool, verb: str) -> Any:
        def show(done: int, total: int) -> None:
            if as_json:
                return
            width = 30
            filled = int(width * done / max(total, 1))
            sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {verb}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return show

    def _report(self, summary: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        if summary.get("already_imported"):
            self.stdout.write(
                f"This file was already imported into batch {summary['already_imported']}; "
                "nothing was created."
            )
        self.stdout.write(
            f"Rows read: {summary['rows_read']}  created: {summary['created']}  "
            f"linked: {summary['linked']}  skipped: {summary['skipped']}"
        )
        for error in summary["errors"]:
            self.stdout.write(f"  row {error['row']}: " + "; ".join(error["errors"]))
