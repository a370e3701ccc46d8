import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pulang.arrivals.manifest import ManifestError, manifest_read
from pulang.arrivals.models import ArrivalBatch, ManifestImport
from pulang.arrivals.services import (
    manifest_check,
    manifest_commit,
    manifest_preview,
    manifest_upload,
    row_errors,
)


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "Impor daftar kedatangan (CSV atau XLSX) ke rombongan kedatangan: setiap baris "
            "diperiksa, orang yang pernah terdaftar ditautkan, satu kasus dibuka per orang. Berkas "
            "yang sama diimpor dua kali tidak membuat apa pun untuk kedua kalinya."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Berkas daftar (CSV atau XLSX)"))
        parser.add_argument("--batch", help=_("Nomor referensi atau id rombongan kedatangan"))
        parser.add_argument(
            "--user", help=_("Nama pengguna yang dicatat sebagai pengimpor (jejak audit)")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Hanya periksa; tidak menyimpan apa pun")
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json: ringkasan yang dapat dibaca mesin"),
        )
        parser.add_argument(
            "--link-above",
            type=float,
            default=0.99,
            help=_("Tautkan otomatis ke pendaftaran sebelumnya pada peluang ini atau lebih (0.99)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        try:
            self._import(options, as_json)
        except CommandError as error:
            if as_json:  # a machine reading stdout learns why too
                self.stdout.write(json.dumps({"error": str(error)}, ensure_ascii=False))
            raise

    def _import(self, options: dict[str, Any], as_json: bool) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Berkas tidak ditemukan: %(path)s") % {"path": path})
        if not 0 < options["link_above"] <= 1:
            raise CommandError(_("--link-above adalah peluang di antara 0 dan 1, misalnya 0.99."))
        data = path.read_bytes()
        if options["dry_run"]:
            # What the real run would check: the batch and the user too, when named.
            named = self._batch(options["batch"]) if options["batch"] else None
            self._actor(options["user"])
            self._dry_run(data, path.name, as_json, options["link_above"], named)
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
        manifest_preview(manifest_import=record, progress=self._progress(as_json, _("diperiksa")))
        record.refresh_from_db()
        if record.status == ManifestImport.Status.FAILED:
            raise CommandError(record.error)
        rows = record.preview["rows"]
        committed = manifest_commit(
            actor=actor,
            manifest_import=record,
            actions=self._actions(rows, options["link_above"]),
            progress=self._progress(as_json, _("disimpan")),
        )
        self._report(
            {**committed.as_dict(), **self._warnings(rows, record.preview["file_warnings"])},
            as_json,
        )

    def _actions(self, rows: list[dict[str, Any]], link_above: float) -> dict[int, str]:
        """Each row as the preview chose (`_choose_actions`), but linked only at or above
        --link-above: a file imported unattended links only the near-certain, and never
        someone the page would only have proposed."""
        actions = {}
        for row in rows:
            if row["action"] == "skip":
                continue
            best = row["candidates"][0] if row["candidates"] else {"probability": 0}
            linked = row["action"].startswith("link:") and best["probability"] >= link_above
            actions[row["number"]] = f"link:{best['person_id']}" if linked else "create"
        return actions

    def _dry_run(
        self,
        data: bytes,
        name: str,
        as_json: bool,
        link_above: float,
        batch: ArrivalBatch | None,
    ) -> None:
        """Every check of a real import (candidates from the registry too, and who the batch
        already has when one is named), nothing written."""
        try:
            table = manifest_read(data, filename=name)
        except ManifestError as error:
            raise CommandError(str(error)) from error
        rows = manifest_check(table, batch=batch, progress=self._progress(as_json, _("diperiksa")))
        actions = self._actions(rows, link_above)
        errors = [row_errors(row) for row in rows if row["status"] == "error"]
        summary = {
            "rows_read": len(rows),
            "created": sum(1 for action in actions.values() if action == "create"),
            "linked": sum(1 for action in actions.values() if action.startswith("link:")),
            "skipped": len(rows) - len(actions),
            "errors": errors,
            **self._warnings(rows, table.warnings),
            "dry_run": True,
        }
        self._report(summary, as_json)

    def _warnings(self, rows: list[dict[str, Any]], file_warnings: list[str]) -> dict[str, Any]:
        return {
            "file_warnings": list(file_warnings),
            "warnings": [
                {"row": row["number"], "warnings": _messages(row, "warning")}
                for row in rows
                if _messages(row, "warning")
            ],
        }

    def _batch(self, key: str | None) -> ArrivalBatch:
        if not key:
            raise CommandError(
                _("Sebutkan rombongan kedatangan dengan --batch (nomor referensi atau id-nya).")
            )
        batch = ArrivalBatch.objects.filter(reference=key).first()
        if batch is None and key.isdigit():
            batch = ArrivalBatch.objects.filter(pk=int(key)).first()
        if batch is None:
            raise CommandError(_("Rombongan kedatangan “%(key)s” tidak ada.") % {"key": key})
        return batch

    def _actor(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Pengguna “%(name)s” tidak ada.") % {"name": username})
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
                _("Berkas ini sudah pernah diimpor ke rombongan %(batch)s; tidak ada yang dibuat.")
                % {"batch": summary["already_imported"]}
            )
        self.stdout.write(
            _(
                "Baris dibaca: %(read)d  baru: %(created)d  ditautkan: %(linked)d  "
                "dilewati: %(skipped)d"
            )
            % {
                "read": summary["rows_read"],
                "created": summary["created"],
                "linked": summary["linked"],
                "skipped": summary["skipped"],
            }
        )
        if summary.get("dry_run"):
            self.stdout.write(
                _("Uji coba: tidak ada yang disimpan; angka di atas adalah hasil bila diimpor.")
            )
        for warning in summary.get("file_warnings", []):
            self.stdout.write(_("  berkas: %(message)s") % {"message": warning})
        for error in summary["errors"]:
            message = _with_row(error["row"], error["errors"])
            self.stdout.write(_("  galat: %(message)s") % {"message": message})
        for warning in summary.get("warnings", []):
            message = _with_row(warning["row"], warning["warnings"])
            self.stdout.write(_("  peringatan: %(message)s") % {"message": message})
        if summary.get("registered_since"):
            rows = ", ".join(str(number) for number in summary["registered_since"])
            self.stdout.write(
                _("  didaftarkan dari daftar lain sejak diperiksa, dilewati: baris %(rows)s")
                % {"rows": rows}
            )
        if summary.get("already_in_batch"):
            rows = ", ".join(str(number) for number in summary["already_in_batch"])
            self.stdout.write(
                _("  sudah ada di rombongan ini, dilewati: baris %(rows)s") % {"rows": rows}
            )


def _messages(row: dict[str, Any], level: str) -> list[str]:
    return [issue["message"] for issue in row["issues"] if issue["level"] == level]


def _with_row(row: int, messages: list[str]) -> str:
    """The row's messages, each naming its row ("Baris 7, kolom …" already does)."""
    named = _("Baris %(row)s") % {"row": row}
    return "; ".join(
        message if message.startswith(named) else f"{named}: {message}" for message in messages
    )
