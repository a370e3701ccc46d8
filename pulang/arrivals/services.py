"""Registering arrivals: batches, manifest previews and commits, one-by-one registration.

A manifest is imported in two steps. The preview reads the file, checks every row and looks
for people registered before; nothing is written but the import record. The commit then creates
every accepted person and case in one transaction, or nothing at all.
"""

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pulang.audit.models import AuditEvent
from pulang.audit.services import AuditEntry, audit_gathered, audit_record, audit_record_many
from pulang.cases.models import Case
from pulang.cases.services import case_deported_again_many
from pulang.core.bulk import bulk_change, bulk_insert_rows
from pulang.matching.matching import (
    SCORE_CHUNK,
    Candidate,
    MatchRecord,
    candidates_for_records,
    candidates_in_chunks,
    match_record_from_values,
)
from pulang.matching.model import NAMES_DIFFER
from pulang.matching.records import name_skeleton_word
from pulang.people.models import Person, name_key, person_name_key
from pulang.people.nik import nik_check
from pulang.regions.lookup import RegionLookup, region_named
from pulang.regions.models import Region
from pulang.reports.rollup import figures_changed

from .manifest import (
    MANIFEST_COLUMNS,
    ManifestError,
    ManifestRow,
    ManifestTable,
    ParsedRow,
    cell_message,
    manifest_parse_row,
    manifest_read,
)
from .models import ArrivalBatch, ManifestImport

Progress = Callable[[int, int], None]
CHILD_AGE_YEARS = 18


class ImportError_(Exception):
    """A problem with the whole import that the user must know about (already imported...)."""


@dataclass
class CommitSummary:
    rows_read: int = 0
    created: int = 0
    linked: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Rows linked to someone this batch already has a case for: skipped.
    already_in_batch: list[int] = field(default_factory=list)
    # Rows to register as new whose person was registered since the preview (from another
    # list, in another batch): skipped.
    registered_since: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "linked": self.linked,
            "skipped": self.skipped,
            "errors": self.errors,
            "already_in_batch": self.already_in_batch,
            "registered_since": self.registered_since,
        }


@transaction.atomic
def batch_create(*, actor: Any, **fields: Any) -> ArrivalBatch:
    """Record a batch's arrival for the actor's agency. Without a reference it gets the next
    free one of its entry point and day (TAN-20261127-03); two staff recording batches at the
    same moment get two numbers, not an error."""
    fields.setdefault("receiving_agency", actor.agency)
    given = fields.get("reference")
    for attempt in range(10):
        if not given:
            fields["reference"] = _next_reference(fields["entry_point"], fields["arrived_at"])
        try:
            with transaction.atomic():
                batch = ArrivalBatch.objects.create(created_by=actor, **fields)
            break
        except IntegrityError:
            # Someone else's batch took that number between reading and saving: take the next.
            if given or attempt == 9:
                raise
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=batch,
        summary=batch.reference,
        changes={key: [None, value] for key, value in fields.items()},
    )
    return batch


def _next_reference(entry_point: str, arrived_at: datetime) -> str:
    """One more than the highest number of the entry point's day (not the count: a number
    may have been taken out of turn)."""
    prefix = f"{entry_point[:3].upper()}-{timezone.localtime(arrived_at):%Y%m%d}"
    numbers = [
        int(suffix)
        for suffix in (
            reference.removeprefix(f"{prefix}-")
            for reference in ArrivalBatch.objects.filter(
                reference__startswith=f"{prefix}-"
            ).values_list("reference", flat=True)
        )
        if suffix.isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


# ---------------------------------------------------------------------------------------------
# Preview


def manifest_upload(
    *, actor: Any, batch: ArrivalBatch, data: bytes, filename: str
) -> tuple[ManifestImport, bool]:
    """Keep the uploaded file with its batch. Returns (import, is_new): the same file already
    committed anywhere returns that earlier import, so importing twice creates nothing."""
    digest = hashlib.sha256(data).hexdigest()
    pending = ManifestImport.objects.filter(
        sha256=digest, batch=batch, status=ManifestImport.Status.PREVIEWED
    ).first()
    if pending is not None:
        return pending, False
    committed = list(
        ManifestImport.objects.filter(
            sha256=digest, status=ManifestImport.Status.COMMITTED
        ).select_related("batch")
    )
    sheet = ""
    if committed:
        # A workbook with a list on each of several sheets: each upload reads the next.
        sheet = _sheet_not_read(data, filename, {record.sheet for record in committed})
        if not sheet:
            return committed[0], False
    with transaction.atomic():
        record = ManifestImport(
            batch=batch,
            original_name=filename[:200] or "manifest",
            sha256=digest,
            sheet=sheet,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=actor,
        )
        record.file.save(filename or "manifest", ContentFile(data), save=False)
        record.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=record,
            summary=f"manifest uploaded: {record.original_name} ({len(data)} bytes)",
        )
    return record, True


def _sheets_read(record: ManifestImport) -> set[str]:
    """The sheets of this workbook that earlier imports of the same file have saved."""
    return set(
        ManifestImport.objects.filter(sha256=record.sha256, status=ManifestImport.Status.COMMITTED)
        .exclude(pk=record.pk)
        .values_list("sheet", flat=True)
    ) - {""}


def _sheet_not_read(data: bytes, filename: str, done: set[str]) -> str:
    """The first sheet with a list that no committed import of this file has read ("" for
    none, and for a CSV)."""
    try:
        table = manifest_read(data, filename=filename)
    except ManifestError:
        return ""
    sheets = [table.sheet or "", *table.other_sheets]
    return next((sheet for sheet in sheets if sheet and sheet not in done), "")


def manifest_preview(*, manifest_import: ManifestImport, progress: Progress | None = None) -> None:
    """Read and check every row, and find earlier registrations; stores the preview, its
    messages in the uploader's language."""
    with translation.override(manifest_import.language or settings.LANGUAGE_CODE):
        _preview(manifest_import, progress)


def _preview(record: ManifestImport, progress: Progress | None) -> None:
    # Never a list saved or thrown away: a check started again (`manifest_check_restart`)
    # may run beside the first, and its list be saved meanwhile. Each write below is made
    # only while the check is still unfinished.
    Status = ManifestImport.Status
    checking = ManifestImport.objects.filter(pk=record.pk, status=Status.PREVIEWING)
    claimed = ManifestImport.objects.filter(
        pk=record.pk, status__in=[Status.PREVIEWING, Status.PREVIEWED, Status.FAILED]
    ).update(status=Status.PREVIEWING, progress=0, progressed_at=timezone.now())
    record.refresh_from_db()
    if not claimed:
        return
    started = timezone.now()
    try:
        with record.file.open("rb") as handle:
            table = manifest_read(
                handle.read(),
                filename=record.original_name,
                sheet=record.sheet,
                sheets_read=_sheets_read(record),
            )
    except Exception as error:  # ManifestError and anything unreadable
        checking.update(status=ManifestImport.Status.FAILED, error=str(error))
        record.refresh_from_db()
        return
    record.total_rows = len(table.rows)
    record.sheet = table.sheet or ""
    checking.update(total_rows=record.total_rows, sheet=record.sheet)

    def stored(done: int, total: int) -> None:
        if progress:
            progress(done, total)
        checking.update(progress=done, progressed_at=timezone.now())

    rows = manifest_check(table, batch=record.batch, progress=stored)
    checking.update(
        preview={
            # Whoever is registered from here on, the save checks (`_registered_since`).
            "checked_from": started.isoformat(),
            "columns": table.columns,
            "unknown_headers": table.unknown_headers,
            "file_warnings": table.warnings,
            "encoding": table.encoding,
            "rows": rows,
        },
        progress=record.total_rows,
        status=ManifestImport.Status.PREVIEWED,
    )
    record.refresh_from_db()


def manifest_discard(*, actor: Any, manifest_import: ManifestImport) -> bool:
    """Throw away a preview not saved (the wrong file, or a corrected list coming instead):
    nothing of it is registered, and the file stays with the batch. False when it was saved
    (or thrown away) meanwhile."""
    with transaction.atomic():
        record = ManifestImport.objects.select_for_update().get(pk=manifest_import.pk)
        if record.status not in (ManifestImport.Status.PREVIEWED, ManifestImport.Status.FAILED):
            return False
        record.status = ManifestImport.Status.DISCARDED
        record.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=record,
            summary="manifest preview discarded",
        )
    return True


def manifest_check_restart(*, actor: Any, manifest_import: ManifestImport) -> bool:
    """Start a stalled check again (`ManifestImport.stalled`); False when it is not stalled
    (it has moved, or finished, since the page was shown). The caller queues the check."""
    with transaction.atomic():
        record = ManifestImport.objects.select_for_update().get(pk=manifest_import.pk)
        if not record.stalled:
            return False
        record.progress, record.progressed_at = 0, timezone.now()
        record.save(update_fields=["progress", "progressed_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=record,
            summary="manifest check started again after it stalled",
        )
    return True


def manifest_check(
    table: ManifestTable, *, batch: ArrivalBatch | None = None, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Every row of the file checked, with its earlier registrations and the action it starts
    with (`_choose_actions`, knowing who `batch` already has); nothing is written. The rows
    are read and checked a part at a time, each part's people handed on to look for earlier
    registrations while the next part is read."""
    rows: list[dict[str, Any]] = []
    total = len(table.rows)
    regions = RegionLookup.load()  # read once for the whole file
    today = timezone.localdate()  # and today's date, for ages and the NIK's century
    asked: list[list[dict[str, Any]]] = []  # each part's rows that look for candidates

    def parts() -> Iterator[list[MatchRecord]]:
        step = 250  # progress, and one region query, per 250 rows
        for start in range(0, total, SCORE_CHUNK):
            part: list[dict[str, Any]] = []
            for at in range(start, min(start + SCORE_CHUNK, total), step):
                chunk = table.rows[at : at + step]
                parsed = [manifest_parse_row(raw, table.columns, today=today) for raw in chunk]
                regions.prefetch(row.values.get("region_code") for row in parsed)
                part += [
                    _preview_row(raw, table.columns, regions, parsed_row, today=today)
                    for raw, parsed_row in zip(chunk, parsed, strict=True)
                ]
                if progress:
                    progress(len(rows) + len(part), total)
            rows.extend(part)
            asked.append([row for row in part if row["status"] != "error"])
            yield [match_record_from_values(row["values"]) for row in asked[-1]]

    for part_rows, found in zip(asked, candidates_in_chunks(parts()), strict=True):
        _set_candidates(part_rows, found)
    _mark_duplicates_within_file(rows)
    _choose_actions(rows, batch)
    return rows


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _preview_row(
    raw: ManifestRow,
    columns: dict[str, str],
    regions: RegionLookup | None = None,
    parsed: ParsedRow | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    parsed = parsed or manifest_parse_row(raw, columns, today=today)
    values = dict(parsed.values)
    issues = [
        {"field": i.field, "column": i.column, "level": i.level, "message": i.message}
        for i in parsed.issues
    ]
    issues += _registry_checks(
        values, columns, raw.number, regions or RegionLookup.load(), today=today
    )
    has_error = any(issue["level"] == "error" for issue in issues)
    return {
        "number": raw.number,
        "raw": raw.values,
        # Empty values left out: ten thousand rows of thirty mostly empty fields are kept,
        # read back and written again; every reader takes a missing value as empty.
        "values": {
            key: _json_value(value)
            for key, value in values.items()
            if not (value is None or value is False or value == "" or value == [])
        },
        "issues": issues,
        "status": "error" if has_error else ("warning" if issues else "ok"),
        "candidates": [],
        "action": "skip" if has_error else "create",
    }


def _issue(row: int, field: str, column: str, level: str, problem: str) -> dict[str, Any]:
    """An issue worded like the manifest reader's: row, column, then the problem."""
    message = cell_message(row, column, problem)
    return {"field": field, "column": column, "level": level, "message": message}


def _registry_checks(
    values: dict[str, Any],
    columns: dict[str, str],
    row: int,
    regions: RegionLookup,
    *,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Checks that need the database: the origin region and the NIK against the record."""
    region, issues = _origin_checks(values, columns, row, regions)
    values["origin_region"] = region.code if region else None
    if values.get("nik"):
        _facts, nik_issues = nik_check(
            values["nik"],
            sex=values.get("sex"),
            birth_date=values.get("birth_date"),
            birth_year_only=bool(values.get("birth_year_only")),
            origin_region_code=region.code if region else None,
            known_region_codes=regions.districts.__contains__,
            today=today,
        )
        issues += [
            _issue(row, "nik", columns.get("nik", "NIK"), issue.level, _after_colon(issue.message))
            for issue in nik_issues
        ]
    return issues


_PART_LEVELS = {
    "province": Region.Level.PROVINCE,
    "regency": Region.Level.REGENCY,
    "district": Region.Level.DISTRICT,
    "village": Region.Level.VILLAGE,
}


def _origin_checks(
    values: dict[str, Any], columns: dict[str, str], row: int, regions: RegionLookup
) -> tuple[Region | None, list[dict[str, Any]]]:
    """The home region a row names, and what to tell about it. A name not found below the
    region found ("LOTIM" under Nusa Tenggara Barat) is said, and kept as written in the
    home address: only the region above it is recorded, and the name must not be lost."""
    issues: list[dict[str, Any]] = []
    region, unknown = _resolve_region(values, regions)
    # Where the regency was read, and how it was written (a code says exactly which).
    said = None if values.get("region_code") else ("regency", values.get("regency") or "")
    for key in ("origin", "address"):  # "Desa X Kec. Y Kab. Sampang"
        text = values.get(key)
        if not text or (region is not None and region.level != Region.Level.PROVINCE):
            continue
        found = region_named(text, regions, province_among_words=key == "origin")
        if found is not None and found.level != Region.Level.PROVINCE:
            region, said = found, (key, text)
        elif region is None:
            region = found
    lost = [
        (key, name) for key, name in unknown if region is None or _PART_LEVELS[key] > region.level
    ]
    if lost:
        _keep_in_address(values, [name for _key, name in reversed(lost)])  # village first
    if region is None and any(
        values.get(key)
        for key in ("region_code", "province", "regency", "district", "village", "origin")
    ):
        field = next(
            key
            for key in ("region_code", "regency", "province", "district", "village", "origin")
            if values.get(key)
        )
        issues.append(
            _issue(
                row,
                field,
                columns.get(field) or columns.get("province", ""),
                "warning",
                _("daerah asal tidak ditemukan dalam daftar wilayah; periksa ejaannya."),
            )
        )
    elif region is not None and lost and (lost[0][0] != "village" or regions.has_villages):
        # Villages are optional (`pulang load-regions --without-villages`): without them
        # every village would be "not found", and the district is as far as one can go.
        key, name = lost[0]
        parts = {"regency": _("kabupaten/kota"), "district": _("kecamatan")}
        issues.append(
            _issue(
                row,
                key,
                columns.get(key, ""),
                "warning",
                _(
                    "%(part)s “%(name)s” tidak ditemukan di %(region)s; yang dicatat hanya "
                    "%(region)s, dan “%(name)s” disimpan di alamat asal. Periksa ejaannya."
                )
                % {
                    "part": parts.get(key, _("desa/kelurahan")),
                    "name": name,
                    "region": region.name,
                },
            )
        )
    if region is not None and region.level == Region.Level.REGENCY and said:
        issues += _namesake_issues(region, said, values, unknown, columns, row, regions)
    return region, issues


def _namesake_issues(
    region: Region,
    said: tuple[str, str],
    values: dict[str, Any],
    unknown: list[tuple[str, str]],
    columns: dict[str, str],
    row: int,
    regions: RegionLookup,
) -> list[dict[str, Any]]:
    """A regency named without "Kabupaten" or "Kota" where both exist ("Kupang"): the
    regency was taken (`RegionLookup.by_name`), and the worker is told it may be the city."""
    key, text = said
    if re.search(r"\b(?:kab|kabupaten|kota|kodya|kotamadya)\b", text.lower()):
        return []
    province_known = bool(values.get("province")) and "province" not in dict(unknown)
    others = [
        name
        for code, name in regions.namesakes.get(region.code, [])
        if not province_known or code[:2] == region.code[:2]
    ]
    if not others:
        return []
    message = _(
        "“%(name)s” bisa berarti %(chosen)s atau %(other)s; yang dicatat %(chosen)s. Bila "
        "yang dimaksud %(other)s, tulis “%(other)s”."
    ) % {"name": text, "chosen": region.name, "other": others[0]}
    return [_issue(row, key, columns.get(key, ""), "warning", message)]


def _keep_in_address(values: dict[str, Any], names: list[str]) -> None:
    """Add region names not found to the home address as written ("RT 02, LOTIM"), unless
    it says them already."""
    address = values.get("address") or values.get("origin") or ""
    missing = [name for name in names if name.casefold() not in address.casefold()]
    values["address"] = ", ".join(part for part in (address, *missing) if part)[:300]


def _after_colon(sentence: str) -> str:
    """A sentence continued after "Baris 4, kolom “NIK”:" (lower case, unless it opens with
    an abbreviation such as "NIK")."""
    if len(sentence) > 1 and sentence[0].isupper() and sentence[1].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence


def _resolve_region(
    values: dict[str, Any], regions: RegionLookup
) -> tuple[Region | None, list[tuple[str, str]]]:
    """The most precise region the row names: its code, else its names from province down;
    and the names not found, (field, name as written), province first. A name below one not
    found is not looked for: it cannot be told apart from its namesakes elsewhere."""
    code = values.get("region_code")
    if code:
        return regions.get(code), []
    region: Region | None = None
    unknown: list[tuple[str, str]] = []
    for key, level in _PART_LEVELS.items():
        name = (values.get(key) or "").strip()
        if not name:
            continue
        # A province not recognised does not hide its regency; a regency not recognised
        # hides its districts.
        below_unknown = any(part != "province" for part, _name in unknown)
        found = None if below_unknown else regions.by_name(name, level, parent=region)
        if found is None:
            unknown.append((key, name))
        else:
            region = found
    return region, unknown


def _identity(values: dict[str, Any]) -> dict[str, str]:
    """The keys under which two records are the same person (a row's values, as the preview
    keeps them): the same NIK, the same travel document, or the same name (in any word
    order, without bin/binti) and birth date; and, weaker, names spelt alike ("Fauzi",
    "Fauzy") with the same birth date or none."""
    name = name_key(values.get("full_name") or "")
    birth = values.get("birth_date") or ""
    return {
        kind: key
        for kind, key in (
            ("nik", values.get("nik") or ""),
            ("document", values.get("document_number") or ""),
            ("name", f"{name}|{birth}" if name and birth else ""),
            ("alike", f"{_skeleton(name)}|{birth}" if name else ""),
        )
        if key
    }


def _skeleton(name: str) -> str:
    return " ".join(sorted(name_skeleton_word(word) for word in name.split()))


def _someone_else(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two records that share a number or a name say they are different people:
    another sex, births more than a year apart, or names with no word alike. The number is
    then in doubt, not the person."""
    sexes = {one.get("sex"), other.get("sex")} - {None, ""}
    years = {str(v)[:4] for v in (one.get("birth_date"), other.get("birth_date")) if v}
    if len(sexes) > 1 or (len(years) > 1 and abs(int(max(years)) - int(min(years))) > 1):
        return True
    words = [set(_skeleton(name_key(v.get("full_name") or "")).split()) for v in (one, other)]
    return all(words) and not words[0] & words[1]


def _same_person(
    values: dict[str, Any], seen: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The record among `seen` (by `_identity` key, "kind:key") that `values` names again,
    if any; and the records that share one of its numbers yet say they are someone else."""
    keys = _identity(values)
    doubtful: list[dict[str, Any]] = []
    for kind in ("nik", "document"):
        other = seen.get(f"{kind}:{keys[kind]}") if kind in keys else None
        if other is None:
            continue
        if _someone_else(values, other["values"]):
            doubtful.append(other)
        else:
            return other, doubtful
    named = seen.get(f"name:{keys['name']}") if "name" in keys else None
    if named is not None and _someone_else(values, named["values"]):
        named = None  # the same name and birth date, another sex: twins, or a slip
    return named, doubtful


def _mark_duplicates_within_file(rows: list[dict[str, Any]]) -> None:
    """A row naming the same person as an earlier row of the file (`_same_person`) repeats
    it: it is skipped unless the worker says otherwise (`_choose_actions`). Rows sharing a
    number but not a sex or birth year, and names spelt alike with the same birth date (a
    spelling, or a brother), are only pointed out: each may be a person of their own."""
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        earlier, doubtful = _same_person(row["values"], seen)
        for other in doubtful:
            _warn(
                row,
                _(
                    "Nomor identitas atau dokumen baris ini sama dengan baris %(row)s, tetapi "
                    "orangnya tampak berbeda (nama, jenis kelamin atau tahun lahir); periksa "
                    "nomornya."
                )
                % {"row": other["number"]},
            )
        keys = _identity(row["values"])
        alike = seen.get(f"alike:{keys['alike']}") if "alike" in keys else None
        if earlier is not None:
            row["repeats"] = earlier["number"]
            _warn(
                row,
                _(
                    "Orang yang sama tampaknya tercantum juga di baris %(row)s; baris ini "
                    "dilewati kecuali Anda memilih lain."
                )
                % {"row": earlier["number"]},
            )
        elif alike is not None and not _someone_else(row["values"], alike["values"]):
            _warn(
                row,
                _(
                    "Namanya sama atau mirip dengan baris %(row)s, dengan tanggal lahir yang "
                    "sama atau tidak diketahui; mungkin orang yang sama. Periksa sebelum "
                    "menyimpan."
                )
                % {"row": alike["number"]},
            )
        if row["status"] != "error":  # a corrected copy further down is the one to keep
            for kind, key in keys.items():
                seen.setdefault(f"{kind}:{key}", row)


def _warn(row: dict[str, Any], message: str) -> None:
    issue = {"field": "full_name", "column": "", "level": "warning", "message": message}
    row["issues"].append(issue)
    if row["status"] == "ok":
        row["status"] = "warning"


def _people_in(batch: ArrivalBatch) -> set[int]:
    """The persons this batch already has a case for: one batch never holds a person twice."""
    return set(Case.objects.filter(batch=batch).values_list("person_id", flat=True))


def _identities_of(person_ids: set[int]) -> dict[str, dict[str, Any]]:
    """These persons under their `_identity` keys ("kind:key"), as `_same_person` reads them."""
    known: dict[str, dict[str, Any]] = {}
    fields = ("id", "full_name", "birth_date", "sex", "nik", "travel_document_number")
    for values in Person.objects.filter(pk__in=person_ids).values(*fields):
        identity = {
            "full_name": values["full_name"],
            "birth_date": values["birth_date"].isoformat() if values["birth_date"] else "",
            "sex": values["sex"],
            "nik": values["nik"],
            "document_number": values["travel_document_number"],
        }
        record = {"number": 0, "values": identity}
        for kind, key in _identity(identity).items():
            if kind != "alike":
                known.setdefault(f"{kind}:{key}", record)
    return known


# A registered person at least this likely to be the new record is proposed as the same one.
LIKELY = 0.9
# ... and chosen for the worker (the row starts as linked) only when they also hold the
# record's NIK or document number, or are at least this likely and born on the same date.
# Among a million, namesakes from one regency reach LIKELY (even 99%) on name, region and
# birth year alone: about one new arrival in 25 was linked to a stranger, and lent them its
# phone and history (docs/decisions/0020).
CERTAIN = 0.99


def _chosen(candidate: dict[str, Any]) -> bool:
    return bool(
        candidate.get("same_number")
        or (candidate["probability"] >= CERTAIN and candidate.get("same_birth_date"))
    )


def _choose_actions(rows: list[dict[str, Any]], batch: ArrivalBatch | None) -> None:
    """What each row of the preview starts with; the worker may choose otherwise. A row with
    errors is skipped; so is a row that repeats an earlier one, or that is most likely
    someone this batch already has a case for (the same list sent twice); someone likely
    registered before is linked to that registration when a number or the birth date backs
    it (`_chosen`), else proposed; anyone else is registered as new."""
    here = _people_in(batch) if batch is not None else set()
    known = _identities_of(here)
    not_home = _not_yet_home(
        {c["person_id"] for row in rows for c in row["candidates"] if c["probability"] >= LIKELY},
        batch,
    )
    for row in rows:
        likely = [c for c in row["candidates"] if c["probability"] >= LIKELY]
        if any(NAMES_DIFFER in c["reasons"] for c in likely):
            # A phone and a birth date shared under names with no word alike: twins, or a
            # family's one phone, as often as one person. The worker decides.
            likely = [c for c in likely if NAMES_DIFFER not in c["reasons"]]
            _warn(
                row,
                _(
                    "Seorang yang terdaftar sangat cocok menurut nomor dan tanggal lahir, tetapi "
                    "namanya sama sekali berbeda: mungkin saudara kembar atau keluarga yang "
                    "memakai nomor yang sama. Pilih orang itu hanya bila memang orang yang sama."
                ),
            )
        if row["status"] == "error":
            row["action"] = "skip"
        elif any(c["person_id"] in here for c in likely) or (
            _same_person(row["values"], known)[0] is not None
        ):
            row["action"] = "skip"
            _warn(
                row,
                _(
                    "Orang ini tampaknya sudah terdaftar di rombongan ini; baris ini dilewati "
                    "kecuali Anda memilih lain."
                ),
            )
        elif row.get("repeats"):
            row["action"] = "skip"
        elif likely and likely[0]["person_id"] in not_home:
            # Not yet returned home, so not deported again: most likely one arrival listed
            # twice, in two batches.
            row["action"] = "skip"
            _warn(
                row,
                _(
                    "Orang ini belum dipulangkan: %(where)s masih berstatus “%(status)s”. "
                    "Mungkin tercatat dua kali; baris ini dilewati kecuali Anda memilih lain."
                )
                % not_home[likely[0]["person_id"]],
            )
        elif likely and not _chosen(likely[0]):
            # Likely, on names, dates and region only: shown first, chosen by the worker.
            row["action"] = "create"
            _warn(
                row,
                _(
                    "Mungkin sama dengan orang yang pernah terdaftar (%(percent)s%%), tetapi "
                    "tidak ada NIK atau nomor dokumen yang sama untuk memastikannya. Baris ini "
                    "didaftarkan sebagai orang baru kecuali Anda memilih orang itu."
                )
                % {"percent": round(likely[0]["probability"] * 100)},
            )
        elif likely:
            row["action"] = f"link:{likely[0]['person_id']}"
            if len(likely) > 1:
                _warn(
                    row,
                    _(
                        "%(count)s orang terdaftar sama-sama sangat mirip; pastikan yang "
                        "dipilih benar orang yang sama."
                    )
                    % {"count": len(likely)},
                )
        elif any(c.get("same_number") for c in row["candidates"]):
            # A NIK or passport is one person's: a second person with it would make every
            # later look-up by that number ambiguous.
            row["action"] = "skip"
            _warn(
                row,
                _(
                    "NIK atau nomor dokumen ini sudah tercatat untuk orang lain yang terdaftar, "
                    "dengan nama atau tanggal lahir yang berbeda. Periksa nomornya: pilih orang "
                    "itu bila memang sama, atau daftarkan sebagai orang baru bila nomornya salah "
                    "tulis. Baris ini dilewati kecuali Anda memilih lain."
                ),
            )
        else:
            row["action"] = "create"


# A case opened this recently and not yet past its return home means its person is still
# here; an older one left at "registered" is more likely a status nobody updated.
NOT_HOME_DAYS = 90


def _not_yet_home(person_ids: set[int], batch: ArrivalBatch | None) -> dict[int, dict[str, Any]]:
    """Of these persons, those with a recent case in another batch that has not yet returned
    them home (registered, in a shelter, on the way): its number, batch and status."""
    waiting = [Case.Status.REGISTERED, Case.Status.IN_SHELTER, Case.Status.IN_TRANSIT]
    arrived = batch.arrived_at if batch is not None else timezone.now()
    cases = Case.objects.filter(
        person_id__in=person_ids,
        status__in=waiting,
        opened_at__gt=arrived - timedelta(days=NOT_HOME_DAYS),
        # The other list's batch may have been recorded with a later time for the same boat.
        opened_at__lte=arrived + timedelta(days=7),
    )
    if batch is not None:
        cases = cases.exclude(batch=batch)
    found: dict[int, dict[str, Any]] = {}
    for case in cases.select_related("batch").order_by("-opened_at"):
        ours = (
            batch is not None
            and case.batch
            and case.batch.receiving_agency_id == (batch.receiving_agency_id)
        )
        # Another agency's case is not named: the worker may not see it.
        found.setdefault(
            case.person_id,
            {
                "where": _("kasus #%(case)s di rombongan %(batch)s")
                % {"case": case.pk, "batch": case.batch.reference}
                if ours and case.batch
                else _("kasus di instansi lain"),
                "status": case.get_status_display(),
            },
        )
    return found


def _attach_candidates(rows: list[dict[str, Any]]) -> None:
    todo = [row for row in rows if row["status"] != "error"]
    if todo:
        records = [match_record_from_values(row["values"]) for row in todo]
        _set_candidates(todo, candidates_for_records(records))


def _set_candidates(rows: list[dict[str, Any]], found: list[list[Candidate]]) -> None:
    for row, candidates in zip(rows, found, strict=True):
        row["candidates"] = [
            {
                "person_id": c.person_id,
                "probability": round(c.match_probability, 4),
                "reasons": c.reasons,
                **({"same_number": True} if c.shares_number else {}),
                **({"same_birth_date": True} if c.same_birth_date else {}),
            }
            for c in candidates
        ]


# ---------------------------------------------------------------------------------------------
# Commit


def manifest_commit(
    *,
    actor: Any,
    manifest_import: ManifestImport,
    actions: dict[int, str] | None = None,
    progress: Progress | None = None,
) -> CommitSummary:
    """Create every accepted row's person (or link the earlier one) and case, all or nothing.

    `actions` maps a row number to "create", "skip" or "link:<person id>"; rows not named keep
    the preview's choice. Rows with errors are always skipped.
    """
    with transaction.atomic(), audit_gathered():
        record = ManifestImport.objects.select_for_update().get(pk=manifest_import.pk)
        if record.status == ManifestImport.Status.COMMITTED:
            return CommitSummary(rows_read=record.total_rows, skipped=record.total_rows)
        if record.status == ManifestImport.Status.DISCARDED:
            raise ImportError_(_("Pratinjau berkas ini sudah dibuang; unggah berkasnya lagi."))
        if record.status != ManifestImport.Status.PREVIEWED:
            raise ImportError_(_("Pratinjau berkas ini belum selesai atau gagal."))
        # One save into a batch at a time: two lists of one boat saved at the same moment
        # would each find the other's people missing.
        batch = ArrivalBatch.objects.select_for_update().get(pk=record.batch_id)
        rows = record.preview.get("rows", [])
        summary = CommitSummary(rows_read=len(rows))
        new_rows: list[dict[str, Any]] = []
        links: list[tuple[dict[str, Any], int]] = []
        # Never a second case in one batch for one person: not for someone it already has
        # (even registered since this preview was made, from another list or by hand), nor
        # for two rows linked to the same person.
        here = _people_in(batch)
        known = _identities_of(here)
        # Nor a second registration of someone registered since the preview was made (from
        # another list of the same boat, put into another batch).
        since = _registered_since(record.preview.get("checked_from"), exclude=here)
        for index, row in enumerate(rows, start=1):
            action = (actions or {}).get(row["number"], row["action"])
            linked = int(action.removeprefix("link:")) if action.startswith("link:") else None
            if row["status"] == "error" or action == "skip":
                summary.skipped += 1
                if row["status"] == "error":
                    summary.errors.append(row_errors(row))
            elif linked in here or (linked is None and _same_person(row["values"], known)[0]):
                summary.skipped += 1
                summary.already_in_batch.append(row["number"])
            elif linked is not None:
                links.append((row, linked))
                here.add(linked)
            elif _same_person(row["values"], since)[0] is not None:
                summary.skipped += 1
                summary.registered_since.append(row["number"])
            else:
                new_rows.append(row)
            if progress and (index % 250 == 0 or index == len(rows)):
                progress(index, len(rows))
        summary.linked = len(
            _returning_people_and_cases(actor=actor, batch=batch, record=record, links=links)
        )
        summary.created = len(
            _create_people_and_cases(actor=actor, batch=batch, record=record, rows=new_rows)
        )
        record.status = ManifestImport.Status.COMMITTED
        record.committed_at = timezone.now()
        record.summary = summary.as_dict()
        record.save(update_fields=["status", "committed_at", "summary"])
        entry = AuditEntry(
            AuditEvent.Action.CREATE,
            target=record,
            summary=f"manifest committed: {summary.created} new, {summary.linked} linked, "
            f"{summary.skipped} skipped",
            changes={"summary": summary.as_dict()},
        )
        audit_record_many(actor=actor, entries=[entry])
    return summary


# A save in progress when a preview began commits its people after it, stamped before it:
# the check reaches back this far (a 10,000-row save takes seconds).
SAVES_IN_FLIGHT = timedelta(hours=1)


def _registered_since(checked_from: str | None, *, exclude: set[int]) -> dict[str, dict[str, Any]]:
    """The persons registered since a preview began (as `_identities_of` gives them), and in
    the hour before it: those it could not know. Empty for a preview that did not record
    when it began."""
    if checked_from is None:
        return {}
    since = datetime.fromisoformat(checked_from) - SAVES_IN_FLIGHT
    newer = set(
        Person.objects.filter(created_at__gte=since, merged_into__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return _identities_of(newer - exclude)


def row_errors(row: dict[str, Any]) -> dict[str, Any]:
    """A row left out for its errors, as a summary names it: number, name, messages."""
    return {
        "row": row["number"],
        "name": row["values"].get("full_name", ""),
        "errors": [i["message"] for i in row["issues"] if i["level"] == "error"],
    }


def _create_people_and_cases(
    *,
    actor: Any,
    batch: ArrivalBatch,
    record: ManifestImport | None,
    rows: list[dict[str, Any]],
) -> list[int]:
    """New people and their first cases in a few statements, each one audited; returns the
    cases' ids. Written from plain values: at ten thousand rows, model instances would cost
    more than the writing."""
    people = [
        {
            "registered_by_id": batch.receiving_agency_id,
            "name_key": person_name_key(
                row["values"].get("full_name") or "", row["values"].get("aliases")
            ),
            **_person_values(row),
        }
        for row in rows
    ]
    person_ids = bulk_insert_rows(Person, people)
    from pulang.matching.tokens import match_index_add

    match_index_add(  # a bulk insert sends no post_save
        people=[
            {**values, "id": person_id}
            for values, person_id in zip(people, person_ids, strict=True)
        ]
    )
    case_ids = _open_cases(
        actor=actor,
        batch=batch,
        record=record,
        opened=[
            (row, person_id, _birth_date(row), None)
            for row, person_id in zip(rows, person_ids, strict=True)
        ],
        returning=False,
    )
    entries: list[AuditEntry] = []
    for row, person_id, case_id in zip(rows, person_ids, case_ids, strict=True):
        entries.append(
            AuditEntry(
                AuditEvent.Action.CREATE,
                object_type=Person._meta.label_lower,
                object_id=person_id,
                summary=_origin(row),
            )
        )
        entries.append(_case_entry(case_id, batch, returning=False))
    audit_record_many(actor=actor, entries=entries)
    return case_ids


PERSON_FIELDS = {
    # manifest field -> Person field
    "full_name": "full_name",
    "aliases": "aliases",
    "sex": "sex",
    "birth_date": "birth_date",
    "birth_year_only": "birth_year_only",
    "birth_place": "birth_place",
    "nik": "nik",
    "family_card": "family_card_number",
    "document_kind": "travel_document",
    "document_number": "travel_document_number",
    "document_issuer": "travel_document_issuer",
    "address": "origin_address",
    "phone_id": "phone_id",
    "phone_my": "phone_my",
    "kin_name": "kin_name",
    "kin_relation": "kin_relation",
    "kin_phone": "kin_phone",
    "languages": "languages",
}


def _person_values(row: dict[str, Any]) -> dict[str, Any]:
    values = row["values"]
    result: dict[str, Any] = {}
    for source, target in PERSON_FIELDS.items():
        value = values.get(source)
        if value in (None, "", []):
            continue
        if target == "birth_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        result[target] = value
    if values.get("origin_region"):
        result["origin_region_id"] = values["origin_region"]
    if "origin_address" not in result and values.get("origin"):
        # "Alamat Asal: Desa Banyuates Kec. Banyuates Kab. Sampang": the region is read from
        # it, and the village, street and RT/RW are kept as written.
        result["origin_address"] = values["origin"][:300]
    return result


def _returning_people_and_cases(
    *,
    actor: Any,
    batch: ArrivalBatch,
    record: ManifestImport | None,
    links: list[tuple[dict[str, Any], int]],
) -> list[int]:
    """People recognised as registered before, each (row, person id): the registration fills
    its gaps from the row and never loses what was recorded before; each gets a new case,
    marked returning and linked to their previous one, whose outcome the arrival evidences.
    A few statements however many; returns the new cases' ids."""
    if not links:
        return []
    ids = [person_id for _row, person_id in links]
    people = Person.objects.select_for_update().in_bulk(ids)
    entries: list[AuditEntry] = []
    changed: dict[int, Person] = {}
    fields: set[str] = set()
    for row, person_id in links:
        person = people[person_id]
        changes = _fill_gaps(person, _person_values(row))
        if changes:
            changed[person_id] = person
            fields.update(changes)
        if "aliases" in changes:  # the list's spelling is searched for too
            person.name_key = person_name_key(person.full_name, person.aliases)
            fields.add("name_key")
        entries.append(
            AuditEntry(
                AuditEvent.Action.CHANGE,
                target=person,
                summary=f"linked from {_origin(row)}",
                changes=changes,
            )
        )
    if changed:
        if "birth_date" in fields:
            fields.add("birth_year_only")
        bulk_change(list(changed.values()), sorted(fields))
        from pulang.matching.tokens import match_index_rebuild

        match_index_rebuild(person_ids=list(changed))  # a bulk update sends no post_save
    previous: dict[int, int] = {}  # person -> their latest case
    for person_id, case_id in (
        Case.objects.filter(person_id__in=ids)
        .order_by("person_id", "-opened_at", "-id")
        .values_list("person_id", "id")
    ):
        previous.setdefault(person_id, case_id)
    case_ids = _open_cases(
        actor=actor,
        batch=batch,
        record=record,
        opened=[
            (row, person_id, people[person_id].birth_date, previous.get(person_id))
            for row, person_id in links
        ],
        returning=True,
    )
    entries += [_case_entry(case_id, batch, returning=True) for case_id in case_ids]
    audit_record_many(actor=actor, entries=entries)
    case_deported_again_many(
        actor=actor,
        arrivals=[
            (previous[person_id], case_id, batch.reference)
            for (_row, person_id), case_id in zip(links, case_ids, strict=True)
            if person_id in previous
        ],
    )
    return case_ids


def _open_cases(
    *,
    actor: Any,
    batch: ArrivalBatch,
    record: ManifestImport | None,
    opened: list[tuple[dict[str, Any], int, date | None, int | None]],
    returning: bool,
) -> list[int]:
    """New cases in the batch, each (row, person id, birth date, previous case id), written
    as rows; returns their ids. A bulk insert sends no post_save: the figures of the batch's
    arrival day, the only day new cases have, are told here."""
    case_ids = bulk_insert_rows(
        Case,
        [
            _case_values(
                actor=actor,
                batch=batch,
                record=record,
                row=row,
                person_id=person_id,
                birth=birth,
                previous_id=previous_id,
                returning=returning,
            )
            for row, person_id, birth, previous_id in opened
        ],
    )
    figures_changed(days=[batch.arrived_at])
    return case_ids


def _fill_gaps(person: Person, values: dict[str, Any]) -> dict[str, list[Any]]:
    """What a later arrival adds to a registration: its empty fields, and a full birth date
    where only the year was known (the same year). Returns the changes, as [before, after]."""
    changes: dict[str, list[Any]] = {}
    born = values.get("birth_date")
    if (
        person.birth_year_only
        and born is not None
        and not values.get("birth_year_only")
        and person.birth_date is not None
        and born.year == person.birth_date.year
    ):
        changes["birth_date"] = [str(person.birth_date.year), born.isoformat()]
        person.birth_date, person.birth_year_only = born, False
    # The list's spelling of the name, and its other names, are kept as other names: the
    # next list may spell it that way again.
    known = {name_key(name) for name in [person.full_name, *person.aliases]}
    spellings = [values.get("full_name") or "", *(values.get("aliases") or [])]
    added = list(dict.fromkeys(n for n in spellings if n and name_key(n) not in known))
    if added:
        changes["aliases"] = [list(person.aliases), [*person.aliases, *added]]
        person.aliases = [*person.aliases, *added]
    for name, value in values.items():
        if name not in changes and name != "aliases" and getattr(person, name) in (None, "", []):
            changes[name] = [getattr(person, name), value]
            setattr(person, name, value)
    return changes


def _origin(row: dict[str, Any]) -> str:
    """Where a row came from, for the audit trail: a manifest row, or the form (row 0)."""
    return f"manifest row {row['number']}" if row["number"] else "registration form"


def _birth_date(row: dict[str, Any]) -> date | None:
    value = row["values"].get("birth_date")
    return date.fromisoformat(value) if isinstance(value, str) else value


def _case_values(
    *,
    actor: Any,
    batch: ArrivalBatch,
    record: ManifestImport | None,
    row: dict[str, Any],
    person_id: int,
    birth: date | None,
    previous_id: int | None,
    returning: bool,
) -> dict[str, Any]:
    """A new episode's fields; linked to the person's previous one, if any, and marked
    returning when the worker recognised someone registered before."""
    values = row["values"]
    arrival = timezone.localtime(batch.arrived_at).date()
    return {
        "person_id": person_id,
        "owning_agency_id": batch.receiving_agency_id,
        "batch_id": batch.pk,
        "opened_at": batch.arrived_at,
        "previous_case_id": previous_id,
        "is_returning": returning,
        "is_child": birth is not None and _age(birth, arrival) < CHILD_AGE_YEARS,
        "is_pregnant": bool(values.get("pregnant")),
        "has_disability": bool(values.get("disability")),
        "disability_note": (values.get("disability_note") or "")[:200],
        "is_ill": bool(values.get("illness")),
        "illness_note": (values.get("illness_note") or "")[:200],
        "notes": "\n".join(  # the pregnancy's note ("7 minggu") has no field of its own
            note
            for note in (
                values.get("notes") or "",
                _("Hamil: %(note)s") % {"note": values["pregnant_note"]}
                if values.get("pregnant_note")
                else "",
            )
            if note
        ),
        "manifest_import_id": record.pk if record else None,
        "manifest_row": row["number"] if record else None,
        "created_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
    }


def _case_entry(case_id: int, batch: ArrivalBatch, *, returning: bool) -> AuditEntry:
    return AuditEntry(
        AuditEvent.Action.CREATE,
        object_type=Case._meta.label_lower,
        object_id=case_id,
        summary=f"batch {batch.reference}{' (returning)' if returning else ''}",
    )


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def manifest_row_recheck(*, actor: Any, manifest_import: ManifestImport, row: ManifestRow) -> None:
    """The worker corrected a row in the preview: check it again, as if the file said so."""
    with transaction.atomic():
        record = ManifestImport.objects.select_for_update().get(pk=manifest_import.pk)
        rows = record.preview["rows"]
        index = next((i for i, r in enumerate(rows) if r["number"] == row.number), None)
        if index is None:
            raise KeyError(row.number)
        old = rows[index]
        raw = {**old["raw"], **{k: v for k, v in row.values.items() if k in old["raw"]}}
        fresh = _preview_row(ManifestRow(row.number, raw), record.preview["columns"])
        _attach_candidates([fresh])
        _choose_actions([fresh], record.batch)
        rows[index] = fresh
        record.save(update_fields=["preview"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=record,
            summary=f"row {row.number} corrected in preview",
            changes={k: [old["raw"].get(k), v] for k, v in raw.items() if old["raw"].get(k) != v},
        )


def person_check(*, raw: dict[str, str], batch: ArrivalBatch | None = None) -> dict[str, Any]:
    """One person typed into the form, checked exactly as a manifest row of `batch` would be,
    with the action the preview would start with (`_choose_actions`): "skip" when the worker
    must choose (someone the batch has, someone not yet home, a number someone else holds)."""
    columns = {column.field: column.header for column in MANIFEST_COLUMNS}
    row = _preview_row(ManifestRow(0, raw), columns)
    if row["status"] != "error":
        _attach_candidates([row])
    _choose_actions([row], batch)
    return row


@transaction.atomic
def person_register(*, actor: Any, batch: ArrivalBatch, raw: dict[str, str], action: str) -> Case:
    """Register one arrival by hand: the same checks as a manifest row, then a new person or a
    new episode for one registered before, as the worker chose."""
    row = person_check(raw=raw, batch=batch)
    if row["status"] == "error":
        raise ImportError_(_("Masih ada kesalahan; perbaiki dulu isian yang ditandai."))
    if not action:
        raise ImportError_(
            _("Pilih dulu: simpan sebagai orang baru, atau sebagai orang yang sudah terdaftar.")
        )
    allowed = {"create"} | {f"link:{c['person_id']}" for c in row["candidates"]}
    if action not in allowed:
        raise ImportError_(_("Pilihan tidak berlaku lagi; periksa ulang."))
    batch = ArrivalBatch.objects.select_for_update().get(pk=batch.pk)  # as manifest_commit
    here = _people_in(batch)
    if action == "create":
        if _same_person(row["values"], _identities_of(here))[0] is not None:
            raise ImportError_(_("Orang ini sudah terdaftar di rombongan ini."))
        [case_id] = _create_people_and_cases(actor=actor, batch=batch, record=None, rows=[row])
        return Case.objects.get(pk=case_id)
    person_id = int(action.removeprefix("link:"))
    if person_id in here:
        raise ImportError_(_("Orang ini sudah terdaftar di rombongan ini."))
    [case_id] = _returning_people_and_cases(
        actor=actor, batch=batch, record=None, links=[(row, person_id)]
    )
    return Case.objects.get(pk=case_id)
