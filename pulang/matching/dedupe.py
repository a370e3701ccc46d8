"""Deduplicating a whole registry, or a CSV file, into scored pairs and clusters.

Records stream into an in-memory DuckDB table in chunks (never all in Python at once), the
trained model scores the pairs its blocking rules generate, Splink's connected-components
clustering groups the pairs at the threshold, and the pairs are written to a CSV file.
"""

import csv
import io
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pulang.core.exports import csv_safe
from pulang.regions.lookup import RegionLookup, region_code, region_named

from .model import (
    arrow_schema,
    blocking_rules,
    create_input_table,
    insert_rows,
    load_model,
    quiet_splink,
    with_name_frequencies,
)
from .records import PERSON_FIELDS, MatchRecord, match_row, record_from_person_values

Progress = Callable[[str], None]

CHUNK_SIZE = 20_000
TABLE = "match_input"
REF_COLUMN = {"record_ref": "VARCHAR"}

# The fields a CSV column can be mapped to, each with what it holds, in the order `pulang
# match-persons --help` lists them.
FIELD_MEANINGS = {
    "id": gettext_lazy(
        "kode data di berkas, unik; tanpa id, data dinamai menurut barisnya (“baris 5”)"
    ),
    "full_name": gettext_lazy("nama lengkap; dari dua kolom: full_name=given_name+surname"),
    "aliases": gettext_lazy("nama lain; beberapa dipisah dengan ; / atau |"),
    "sex": gettext_lazy("jenis kelamin: L/P, M/F, W, Pria, Wanita, Laki-laki, Perempuan"),
    "birth_date": gettext_lazy(
        "tanggal lahir: dd/mm/yyyy, yyyy-mm-dd, 12 Agustus 1990, yyyymmdd, tanggal Excel, "
        "atau tahun saja"
    ),
    "birth_year_only": gettext_lazy(
        "tanda bahwa dari tanggal lahir hanya tahunnya yang benar (1, ya, x)"
    ),
    "age": gettext_lazy(
        "umur (27, 27 th, 8 bln) bila tanggal lahir tidak ada: tahun lahir diperkirakan"
    ),
    "nik": gettext_lazy("NIK, atau nomor identitas lain yang hanya dimiliki satu orang"),
    "family_card_number": gettext_lazy("nomor kartu keluarga (KK)"),
    "travel_document_number": gettext_lazy("nomor paspor atau SPLP"),
    "phone_id": gettext_lazy("nomor telepon Indonesia orang itu"),
    "phone_my": gettext_lazy("nomor telepon Malaysia orang itu"),
    "kin_phone": gettext_lazy(
        "nomor telepon keluarga; dihitung lebih lemah, karena keluarga berbagi nomor"
    ),
    "phones": gettext_lazy(
        "nomor telepon orang itu, negara mana pun; beberapa dipisah dengan ; / atau |"
    ),
    "origin_region_code": gettext_lazy(
        "daerah asal: kode Kemendagri (32.12) atau nama kabupaten/kota (Kab. Indramayu, "
        "LOTIM, KOTA SURABAYA); nama provinsi juga dibaca, tetapi yang dibandingkan hanya "
        "kabupaten/kota"
    ),
}
CSV_FIELDS = tuple(FIELD_MEANINGS)
# The mappings `--help` shows: an NGO's shelter list, and a record-linkage data set (FEBRL).
MAPPING_EXAMPLES = (
    "id=No,full_name=Nama,sex=L/P,age=Umur,origin_region_code=Asal",
    "id=rec_id,full_name=given_name+surname,birth_date=date_of_birth,nik=soc_sec_id",
)
IDENTIFYING_FIELDS = frozenset(CSV_FIELDS) - {"id", "aliases", "sex", "birth_year_only", "age"}
# Fields holding a number that Excel shortens to "3.52501E+15" when the column is not text.
NUMBER_FIELDS = frozenset(
    {"nik", "family_card_number", "travel_document_number", "phone_id", "phone_my",
     "kin_phone", "phones"}
)  # fmt: skip
_EXCEL_SCIENTIFIC = re.compile(r"[+-]?\d(?:[.,]\d+)?[eE]\+?\d+")
_LIST_SEPARATORS = re.compile(r"[;/|\n]")
_TRUE = {"1", "y", "ya", "yes", "true", "benar", "x", "v"}


class InputError(ValueError):
    """The input cannot be read as asked; the message says what to fix."""


@dataclass
class LeftOut:
    """What reading a CSV file left out, counted for the run's summary (each is also told
    by line in a warning as it is read)."""

    birth_dates: int = 0
    ages: int = 0
    numbers: int = 0
    regions: int = 0

    def __bool__(self) -> bool:
        return bool(self.birth_dates or self.ages or self.numbers or self.regions)

    def summary(self) -> str:
        """ "Tidak dipakai: 3 tanggal lahir, 2 daerah asal." """
        parts = [
            message % {"count": count}
            for message, count in (
                (_("%(count)d tanggal lahir"), self.birth_dates),
                (_("%(count)d umur"), self.ages),
                (_("%(count)d nomor yang disingkat Excel"), self.numbers),
                (_("%(count)d daerah asal"), self.regions),
            )
            if count
        ]
        return _("Tidak dipakai: %(parts)s.") % {"parts": ", ".join(parts)}


@dataclass(frozen=True)
class DedupeSummary:
    records: int
    pairs: int
    clusters: int
    output: Path


# -- reading -----------------------------------------------------------------------------------


def parse_mapping(text: str) -> dict[str, str]:
    """'full_name=Nama,birth_date=Tgl Lahir' -> {field: CSV column}. A field may join
    columns with "+" ('full_name=given_name+surname'), read with a space between."""
    mapping: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InputError(
                _(
                    "Pemetaan kolom “%(entry)s” tidak terbaca: tulis field=Kolom, misalnya "
                    "full_name=Nama."
                )
                % {"entry": part.strip()}
            )
        if "=" in column:  # "full_name=Nama;birth_date=Tgl Lahir"
            raise InputError(
                _(
                    "Pemetaan kolom “%(entry)s” memuat lebih dari satu field; pisahkan dengan "
                    "koma, misalnya full_name=Nama,birth_date=Tgl Lahir."
                )
                % {"entry": part.strip()}
            )
        if field not in CSV_FIELDS:
            raise InputError(
                _("Field “%(field)s” tidak dikenal dalam pemetaan kolom. Field: %(fields)s.")
                % {"field": field, "fields": ", ".join(CSV_FIELDS)}
            )
        if field in mapping:
            raise InputError(
                _("Field “%(field)s” dipetakan dua kali dalam pemetaan kolom.") % {"field": field}
            )
        mapping[field] = column
    if not mapping:
        raise InputError(_("Pemetaan kolom kosong; petakan setidaknya full_name=<kolom>."))
    if not IDENTIFYING_FIELDS & set(mapping):
        raise InputError(
            _(
                "Pemetaan kolom tidak menyebut satu pun field pengenal (full_name, birth_date, "
                "nik, …)."
            )
        )
    return mapping


def mapping_warnings(mapping: dict[str, str]) -> list[str]:
    """What a mapping leaves the model unable to do: pairs are first sought among records
    that share a birth date, a document or phone number, or a name with the birth year
    (`model.blocking_rules`; with the sex too where the data has one)."""
    fields = set(mapping)
    numbers = fields & {"nik", "family_card_number", "travel_document_number", "phones",
                        "phone_id", "phone_my", "kin_phone"}  # fmt: skip
    warnings = []
    if not numbers and not fields & {"birth_date", "age"}:
        warnings.append(
            _(
                "Peringatan: tanpa tanggal lahir dan tanpa nomor identitas atau telepon, "
                "pasangan hanya dicari di antara data dengan nama yang sama; sedikit yang akan "
                "ditemukan."
            )
        )
    return warnings


def parse_date(text: str) -> tuple[date | None, bool]:
    """A birth date read as a manifest reads it (`birth_date_read`: dd/mm/yyyy and its
    variants, yyyy-mm-dd, month names, Excel's numbers, a year alone), or yyyymmdd as FEBRL
    and many registries keep them -> (date, year only). ValueError for anything else, or a
    date no one was born on."""
    from pulang.arrivals.manifest import age_read, birth_date_read

    value = text.strip()
    if not value:
        return None, False
    if re.fullmatch(r"\d{8}", value):  # 19900312
        try:
            return _born(date(int(value[:4]), int(value[4:6]), int(value[6:]))), False
        except ValueError:
            raise ValueError(value) from None
    today = timezone.localdate()
    if age_read(value, today) is not None:  # "34 tahun": an age, for the age field
        raise ValueError(value)
    found = birth_date_read(value, today)
    if found[0] is None:
        raise ValueError(value)
    return _born(found[0]), found[1]


def _born(value: date) -> date:
    if not 1900 <= value.year <= date.today().year:
        raise ValueError(value)
    return value


def _split(text: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]


def csv_records(
    path: Path,
    mapping: dict[str, str],
    *,
    warn: Progress | None = None,
    left_out: LeftOut | None = None,
) -> Iterator[tuple[str, MatchRecord]]:
    """(reference, record) for each data row; the reference is the id column, else "line N".

    Reads CSV as spreadsheets write it (UTF-8, UTF-16 or Windows-1252; comma, semicolon or
    tab; a title above the header; "-" for unknown). Raises InputError, before anything is
    written, for a missing or unreadable file, a mapped column the header lacks, or ids that
    are blank or repeated (all listed by line). A birth date or an age that cannot be read,
    or a birth date no one living was born on, is left out and counted in a warning: one bad
    date does not stop a registry's deduplication. So is an origin that names no known
    region (`_Origins`). What was left out is also counted in `left_out`, for the run's
    summary.
    """
    from pulang.arrivals.manifest import (
        ManifestError,
        age_read,
        csv_text,
        is_placeholder,
        plain_letters,
    )

    if not path.is_file():
        raise InputError(_("Berkas masukan tidak ditemukan: %(path)s") % {"path": path})
    data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a workbook (.xlsx, .xls)
        raise InputError(
            _(
                "%(name)s adalah buku kerja Excel; match-persons membaca CSV. Simpan lembar "
                "datanya sebagai CSV (Excel: Simpan Sebagai, CSV UTF-8), lalu jalankan lagi "
                "dengan berkas itu."
            )
            % {"name": path.name}
        )
    try:
        text, delimiter = csv_text(data, path.name)
    except ManifestError as error:
        raise InputError(
            _("%(name)s bukan berkas teks CSV: %(error)s") % {"name": path.name, "error": error}
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    wanted = {
        field: [part.strip() for part in column.split("+")] for field, column in mapping.items()
    }
    header = _header_row(reader, wanted)
    if header is None:
        raise InputError(_("%(name)s kosong: tidak ada baris judul kolom.") % {"name": path.name})
    positions = _header_positions(header)
    _refuse_ambiguous_columns(header, wanted, path.name)
    missing = [part for parts in wanted.values() for part in parts if part not in positions]
    if missing:
        raise InputError(
            _(
                "Kolom %(missing)s tidak ada di %(name)s (dibaca dengan %(delimiter)s di antara "
                "kolom); kolomnya: %(columns)s."
            )
            % {
                "missing": ", ".join(f"“{c}”" for c in missing),
                "name": path.name,
                "delimiter": _delimiter_names().get(delimiter, repr(delimiter)),
                "columns": ", ".join(f"“{c.strip()}”" for c in header),
            }
        )
    problems: list[str] = []
    bad_dates: list[str] = []
    ages_in_dates = 0
    bad_ages: list[str] = []
    today = timezone.localdate()
    shortened: list[str] = []
    seen: dict[str, int] = {}
    origins = _Origins()
    rows_read = 0
    for row in reader:
        line = reader.line_num
        cells = {
            part: row[index].strip() if (index := positions[part]) < len(row) else ""
            for parts in wanted.values()
            for part in parts
        }
        values = {
            # "-", "tidak diketahui": nothing is known, which is not a value to check
            field: " ".join(
                cells[part]
                for part in parts
                if cells[part] and (field == "id" or not is_placeholder(cells[part]))
            )
            for field, parts in wanted.items()
        }
        if not any(values.values()):
            continue  # an empty line, or one of delimiters only
        rows_read += 1
        for field in NUMBER_FIELDS & set(values):
            if _EXCEL_SCIENTIFIC.fullmatch(values[field]):
                shortened.append(
                    _("baris %(line)d, %(column)s: “%(value)s”")
                    % {"line": line, "column": mapping[field], "value": values[field]}
                )
                values[field] = ""
        reference = (
            values.get("id", "")
            if "id" in mapping
            else f"baris {line}"  # an id in the output file: the same in every language
        )
        if not reference:
            # what the line holds: often a total or a signature under the list ("Jumlah")
            held = ", ".join(cell.strip() for cell in row if cell.strip())
            problems.append(
                _("baris %(line)d: kolom id “%(column)s” kosong (isi baris: “%(held)s”)")
                % {
                    "line": line,
                    "column": mapping["id"],
                    "held": held if len(held) <= 60 else held[:59] + "…",
                }
            )
        elif reference in seen:
            problems.append(
                _("baris %(line)d: id “%(id)s” juga ada di baris %(other)d")
                % {"line": line, "id": reference, "other": seen[reference]}
            )
        else:
            seen[reference] = line
        try:
            birth, year_only = parse_date(values.get("birth_date", ""))
        except ValueError:
            bad_dates.append(
                _("baris %(line)d: “%(value)s”") % {"line": line, "value": values["birth_date"]}
            )
            ages_in_dates += age_read(values["birth_date"], today) is not None
            birth, year_only = None, False
        if birth is None and values.get("age"):
            # "27", "27 th", "8 bln": a birth year estimated as the manifest import does
            if (reading := age_read(values["age"], today)) is not None:
                birth, year_only = date(reading[1], 1, 1), True
            else:
                bad_ages.append(
                    _("baris %(line)d: “%(value)s”") % {"line": line, "value": values["age"]}
                )
        if values.get("birth_year_only", "").lower() in _TRUE:
            year_only = True
        phones = [values.get("phone_id", ""), values.get("phone_my", "")]
        phones += _split(values.get("phones", ""))
        origin = values.get("origin_region_code", "")
        origin_code = origins.code(origin, line) if origin else ""
        if not problems:  # streamed on while all is well; a problem stops it below
            yield (
                reference,
                MatchRecord(
                    # name keys keep only a to z: "José" would lose its "é" altogether
                    full_name=plain_letters(values.get("full_name", "")),
                    aliases=tuple(
                        plain_letters(alias) for alias in _split(values.get("aliases", ""))
                    ),
                    sex=values.get("sex", ""),
                    birth_date=birth,
                    birth_year_only=year_only,
                    nik=values.get("nik", ""),
                    family_card_number=values.get("family_card_number", ""),
                    travel_document_number=values.get("travel_document_number", ""),
                    phones=tuple(phone for phone in phones if phone),
                    kin_phones=tuple(_split(values.get("kin_phone", ""))),
                    origin_region_code=origin_code,
                ),
            )
    if not rows_read:
        raise InputError(
            _(
                "%(name)s tidak berisi data di kolom yang dipetakan: hanya baris judul kolom, "
                "atau baris yang kosong di kolom itu."
            )
            % {"name": path.name}
        )
    if problems:
        raise InputError(
            _(
                "Setiap data memerlukan id sendiri (atau jangan petakan kolom id: data lalu "
                "dinamai menurut barisnya):"
            )
            + "\n  "
            + _first(problems, 20, "\n  ")
        )
    if shortened and warn is not None:
        warn(
            _(
                "%(count)d nomor ditulis Excel sebagai angka yang disingkat (misalnya "
                "3.52501E+15); digit aslinya sudah hilang, jadi nomor itu tidak dipakai. Di "
                "Excel, format kolom itu sebagai Teks dan simpan ulang dari data asli: "
            )
            % {"count": len(shortened)}
            + _first(shortened, 10, "; ")
        )
    if left_out is not None:
        left_out.birth_dates += len(bad_dates)
        left_out.ages += len(bad_ages)
        left_out.numbers += len(shortened)
        left_out.regions += sum(map(len, origins.unknown.values()))
    if origins.unknown and warn is not None:
        warn(origins.warning(mapping["origin_region_code"]))
    if bad_dates and warn is not None:
        warn(
            _(
                "%(count)d tanggal lahir tidak terbaca, atau sebelum 1900 atau di masa depan, dan "
                "tidak dipakai (yang terbaca: dd/mm/yyyy, yyyy-mm-dd, 12 Agustus 1990, yyyymmdd, "
                "tanggal Excel atau tahun saja): "
            )
            % {"count": len(bad_dates)}
            + _first(bad_dates, 10, "; ")
            + (
                _(
                    ". %(count)d di antaranya tampak seperti umur: petakan kolom umur sebagai "
                    "age=%(column)s."
                )
                % {"count": ages_in_dates, "column": mapping["birth_date"]}
                if ages_in_dates and "age" not in mapping
                else ""
            )
        )
    if bad_ages and warn is not None:
        warn(
            _(
                "%(count)d umur tidak terbaca dan tidak dipakai (yang terbaca: 27, 27 th, "
                "Umur 27, atau 8 bln untuk bayi): "
            )
            % {"count": len(bad_ages)}
            + _first(bad_ages, 10, "; ")
        )


class _Origins:
    """An origin column's values as region codes: a code as written, a name as the manifest
    import reads a home town ("Kab. Indramayu", "LOTIM", "KOTA SURABAYA", "Jawa Barat":
    `regions.lookup.region_named`). The regions are read once, at the first value. A value
    that names no known region (a misspelling, a postcode, another country's state) is not
    used, and is kept with its lines to be told."""

    def __init__(self) -> None:
        self.lookup: RegionLookup | None = None
        self.codes: dict[str, str | None] = {}  # lists repeat their home towns
        self.unknown: dict[str, list[int]] = {}

    def code(self, text: str, line: int) -> str:
        if text not in self.codes:
            self.codes[text] = self._read(text)
        code = self.codes[text]
        if code is None:
            self.unknown.setdefault(text, []).append(line)
        return code or ""

    def _read(self, text: str) -> str | None:
        if self.lookup is None:
            self.lookup = _region_lookup()
        lookup = self.lookup
        code = region_code(text)
        if not lookup.loaded:  # a code is still a code; a name cannot be read
            return code
        if code is not None:
            return code if lookup.knows(code) else None
        region = region_named(text, lookup)
        return region.code if region is not None else None

    def warning(self, column: str) -> str:
        """The values not used, most frequent first: “nsw” (4 baris, pertama baris 2)."""
        count = sum(map(len, self.unknown.values()))
        named = [
            _("“%(value)s” (baris %(line)d)") % {"value": value, "line": lines[0]}
            if len(lines) == 1
            else _("“%(value)s” (%(count)d baris, pertama baris %(line)d)")
            % {"value": value, "count": len(lines), "line": lines[0]}
            for value, lines in sorted(self.unknown.items(), key=lambda item: -len(item[1]))
        ]
        if self.lookup is not None and not self.lookup.loaded:
            message = _(
                "Daftar wilayah belum dimuat, jadi %(count)d daerah asal di kolom “%(column)s” "
                "yang bukan kode wilayah tidak dapat dibaca dan tidak dipakai. Muat daftarnya "
                "dengan `pulang load-regions`, lalu jalankan lagi: "
            )
        else:
            message = _(
                "%(count)d daerah asal di kolom “%(column)s” tidak ditemukan dalam daftar "
                "wilayah dan tidak dipakai; periksa ejaannya, atau tulis kode Kemendagri "
                "(misalnya 32.12 untuk Kabupaten Indramayu): "
            )
        return message % {"count": count, "column": column} + _first(named, 10, "; ")


def _region_lookup() -> RegionLookup:
    """The regions, read once for the file; none when the database has no region table yet
    (a fresh install reading someone's CSV before `pulang setup`)."""
    try:
        return RegionLookup.load()
    except DatabaseError:
        return RegionLookup(regencies=[], districts=set())


def _first(items: list[str], limit: int, separator: str) -> str:
    """The first `limit` items, and how many more: "baris 3; baris 9 (dan 4 lainnya)"."""
    more = len(items) - limit
    return separator.join(items[:limit]) + (
        _(" (dan %(count)d lainnya)") % {"count": more} if more > 0 else ""
    )


def _header_row(reader: Iterator[list[str]], wanted: dict[str, list[str]]) -> list[str] | None:
    """The header: the first row, among the first that hold anything, that names every
    mapped column. A title and a period exported above it ("DAFTAR PENGHUNI SHELTER",
    "Periode Januari 2025") are passed over, as the manifest import passes them. Without
    such a row, the first row that holds anything (whose columns the error then lists)."""
    from pulang.arrivals.manifest import HEADER_SEARCH_ROWS

    parts = [part for columns in wanted.values() for part in columns]
    first: list[str] | None = None
    for searched, row in enumerate(row for row in reader if any(cell.strip() for cell in row)):
        first = first or row
        positions = _header_positions(row)
        if all(part in positions for part in parts):
            return row
        if searched + 1 >= HEADER_SEARCH_ROWS:
            break
    return first


def _header_positions(header: list[str]) -> dict[str, int]:
    """Column name -> index. A name the header repeats is also named with its occurrence,
    "Nama#1", "Nama#2", so that each of the columns can be mapped."""
    positions: dict[str, int] = {}
    occurrences: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip()
        occurrences[name] = occurrences.get(name, 0) + 1
        positions.setdefault(name, index)
        positions.setdefault(f"{name}#{occurrences[name]}", index)
    return positions


def _refuse_ambiguous_columns(
    header: list[str], wanted: dict[str, list[str]], filename: str
) -> None:
    """A mapped column whose name the header holds twice ("Nama" for the person and for the
    father, "No HP" for them and for their kin) would silently read one of them."""
    names = [cell.strip() for cell in header]
    for parts in wanted.values():
        for part in parts:
            numbers = [index + 1 for index, name in enumerate(names) if name == part]
            if len(numbers) > 1:
                raise InputError(
                    _(
                        "Kolom “%(column)s” ada %(count)d kali di %(name)s (kolom ke-%(numbers)s); "
                        "sebutkan yang dimaksud: %(choices)s."
                    )
                    % {
                        "column": part,
                        "count": len(numbers),
                        "name": filename,
                        "numbers": ", ".join(map(str, numbers)),
                        "choices": ", ".join(f"{part}#{n}" for n in range(1, len(numbers) + 1)),
                    }
                )


def _delimiter_names() -> dict[str, str]:
    return {",": _("koma"), ";": _("titik koma"), "\t": _("tab")}


def registry_records(chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[str, MatchRecord]]:
    """Every person in the registry, read in id order one chunk at a time."""
    from pulang.people.models import Person

    last = 0
    while True:
        chunk = list(
            Person.objects.filter(id__gt=last, merged_into__isnull=True)
            .order_by("id")
            .values(*PERSON_FIELDS)[:chunk_size]
        )
        if not chunk:
            return
        for values in chunk:
            yield str(values["id"]), record_from_person_values(values)
        last = chunk[-1]["id"]


# -- scoring -----------------------------------------------------------------------------------

# From this many records on, an agreeing name counts for less the commoner it is in them
# (`model.with_name_frequencies`). In a smaller file a name's count is mostly its own
# repeats: a person listed twice among 300 would look as common as "Siti".
NAME_FREQUENCIES_FROM = 50_000

# Above this many records, pairs are scored in chunks (each side split), with progress shown.
RECORDS_PER_CHUNK = 250_000
# While pairs are scored, a line this often says the run is alive.
HEARTBEAT_SECONDS = 30.0


class _ForwardChunks(logging.Handler):
    def __init__(self, say: Progress) -> None:
        super().__init__(logging.INFO)
        self.say = say

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Completed chunk"):
            self.say(f"  {message}")


@contextmanager
def _still_working(say: Progress, every: float) -> Iterator[None]:
    """Say every so often that scoring goes on: one chunk of a large file takes minutes, and
    a silent terminal looks like a hung one."""
    import threading

    started = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            minutes, seconds = divmod(int(time.monotonic() - started), 60)
            say(
                _("  masih menilai pasangan… %(minutes)d menit %(seconds)02d detik")
                % {"minutes": minutes, "seconds": seconds}
            )

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _chunk_progress(say: Progress) -> Iterator[None]:
    """Show Splink's "Completed chunk i/n" messages as progress, and nothing else of its."""
    logger = logging.getLogger("splink.internals.linker_components.inference")
    handler = _ForwardChunks(say)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def load_records(
    con: Any, records: Iterator[tuple[str, MatchRecord]], progress: Progress, chunk_size: int
) -> int:
    import pyarrow as pa

    schema = arrow_schema().append(pa.field("record_ref", pa.string()))
    create_input_table(con, TABLE, REF_COLUMN)
    batch: list[dict[str, Any]] = []
    count = 0
    for reference, record in records:
        count += 1
        batch.append({**match_row(record, count), "record_ref": reference})
        if len(batch) >= chunk_size:
            insert_rows(con, TABLE, batch, schema)
            batch = []
            progress(_("  %(count)d data dibaca") % {"count": count})
    insert_rows(con, TABLE, batch, schema)
    return count


def dedupe(
    records: Iterator[tuple[str, MatchRecord]],
    output: Path,
    *,
    threshold: float = 0.8,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> DedupeSummary:
    """Score and cluster the records; write pairs at or above `threshold` to `output` CSV.

    Columns: id_l, id_r (the records' references), match_probability, match_weight and
    cluster_id (clusters numbered from 1; a cluster is everyone linked through such pairs).
    """
    from splink import DuckDBAPI, Linker

    say = progress or (lambda message: None)
    if not 0 < threshold < 1:
        raise InputError(_("Ambang adalah peluang di antara 0 dan 1 (tidak termasuk)."))
    quiet_splink()
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    say(_("Membaca data…"))
    count = load_records(con, records, say, chunk_size)
    say(_("%(count)d data dibaca; menilai pasangan kandidat…") % {"count": count})
    settings = load_model()
    if count >= NAME_FREQUENCIES_FROM:
        settings = with_name_frequencies(settings)
    [(with_sex,)] = con.execute(f"SELECT count(sex) > 0 FROM {TABLE}").fetchall()  # noqa: S608
    if not with_sex:
        settings["blocking_rules_to_generate_predictions"] = [
            rule.create_blocking_rule_dict("duckdb") for rule in blocking_rules(sex=False)
        ]
    linker = Linker(db_api.register(TABLE, table_name="records"), settings, log_level=None)
    chunks = math.ceil(count / RECORDS_PER_CHUNK) or 1
    with _chunk_progress(say), _still_working(say, HEARTBEAT_SECONDS):
        predictions = linker.inference.predict(
            threshold_match_probability=threshold,
            num_chunks_left=chunks,
            num_chunks_right=chunks,
            warning_mode="never",
        )
    say(_("Mengelompokkan pasangan…"))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    query = f"""
        WITH members AS (
            SELECT cluster_id, min(unique_id) AS first_member
            FROM {clusters.physical_name} GROUP BY cluster_id HAVING count(*) > 1
        ),
        labels AS (
            SELECT cluster_id, row_number() OVER (ORDER BY first_member) AS label FROM members
        )
        SELECT l.record_ref, r.record_ref, p.match_probability, p.match_weight, labels.label
        FROM {predictions.physical_name} p
        JOIN {TABLE} l ON l.unique_id = p.unique_id_l
        JOIN {TABLE} r ON r.unique_id = p.unique_id_r
        JOIN {clusters.physical_name} c ON c.unique_id = p.unique_id_l
        JOIN labels ON labels.cluster_id = c.cluster_id
        WHERE p.match_probability >= ?
        ORDER BY labels.label, p.match_probability DESC, l.unique_id, r.unique_id
    """  # noqa: S608
    output.parent.mkdir(parents=True, exist_ok=True)
    pair_count = 0
    cluster_ids: set[int] = set()
    result = con.execute(query, [threshold])
    # Written beside, then put in place: a failed run leaves no half file, and no earlier one
    # is lost before the new one is whole.
    partial = output.with_name(f".{output.name}.partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_l", "id_r", "match_probability", "match_weight", "cluster_id"])
        while rows := result.fetchmany(10_000):
            for left, right, probability, weight, cluster in rows:
                writer.writerow(
                    # an id from someone's file is never a formula in a spreadsheet
                    [
                        csv_safe(left),
                        csv_safe(right),
                        f"{probability:.6f}",
                        f"{weight:.3f}",
                        cluster,
                    ]
                )
                cluster_ids.add(cluster)
            pair_count += len(rows)
    partial.replace(output)
    say(
        _("%(pairs)d pasangan dalam %(clusters)d kelompok ditulis ke %(output)s")
        % {"pairs": pair_count, "clusters": len(cluster_ids), "output": output}
    )
    return DedupeSummary(records=count, pairs=pair_count, clusters=len(cluster_ids), output=output)
