"""Reading an arrival manifest (CSV or XLSX) and parsing its rows into typed values.

A ship brings up to 300 deportees with a list typed in Excel by consulate or shelter staff, each
in their own way: CSV in UTF-8 (with or without BOM), UTF-16 ("Unicode text", tab-separated) or
Windows-1252, separated by commas, semicolons or tabs, or an XLSX workbook. This module is the
pure layer between those bytes and the registration code: no database, no models.

Two steps, so that a page can show the whole table before anything is saved:

* `manifest_read(data)` finds the format, the encoding, the delimiter, the header row and the
  columns, and returns every cell as text (`ManifestTable`). Problems with the whole file raise
  `ManifestError` with a message a social worker can act on.
* `manifest_parse_row(row, table.columns)` turns one row's text into typed values and lists what
  is wrong with it (`ParsedRow` with `CellIssue`s). An error means the row needs fixing before
  the person can be registered; a warning asks someone to look again but never blocks.

Messages are in Indonesian (source strings, see docs/architecture.md) and name the row as Excel
shows it (the header is row 1 in a plain file) and the column by the header written in the file.
"""

import codecs
import csv
import functools
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NamedTuple

import openpyxl
import phonenumbers
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pulang.regions.lookup import region_code

__all__ = [
    "MANIFEST_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "TEMPLATE_COLUMNS",
    "CellIssue",
    "ManifestColumn",
    "ManifestError",
    "ManifestRow",
    "ManifestTable",
    "ParsedRow",
    "age_read",
    "column_hint",
    "csv_text",
    "header_field",
    "header_key",
    "is_placeholder",
    "listed",
    "manifest_parse_row",
    "manifest_read",
    "manifest_template_csv",
    "manifest_template_xlsx",
    "plain_letters",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
# A ship brings a few hundred; a whole depot's clearance or a national re-import may list
# thousands. Issue 4 measures 10,000, so that is what a file may hold.
MAX_ROWS = 10_000
# Lines below the people that are read as rows until the footer is known (a total, a
# signature block): a list of exactly MAX_ROWS people with them is not refused.
FOOTER_ROWS = 50
# An XLSX is a zip; its sheets may unpack to far more than the upload. A real 10,000-row manifest
# unpacks to a few tens of megabytes; anything past this is refused before openpyxl reads it.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
# A title such as "DAFTAR WNI DEPORTASI KM KELUD" may stand above the header; we look this far.
HEADER_SEARCH_ROWS = 10
MAX_NAME_LENGTH = 200
MAX_AGE_YEARS = 100

Level = Literal["error", "warning"]


# --------------------------------------------------------------------------------------------
# The columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestColumn:
    """One column of the manifest: its field key, the template's header and accepted aliases.

    Headers are matched through `header_key`, so case, spaces, punctuation, accents, a
    parenthesised hint ("Tanggal Lahir (dd/mm/yyyy)") and the spelling of "nomor" do not matter.
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    # Columns that lists written elsewhere carry; read, but not offered in the template.
    in_template: bool = True


MANIFEST_COLUMNS: tuple[ManifestColumn, ...] = (
    ManifestColumn(
        "full_name",
        "Nama Lengkap",
        (
            "Nama",
            "Full name",
            "Name",
            "Nama PMI",
            "Nama WNI",
            "Nama Sesuai Paspor",
            "Nama Penuh",
            "Nama Bin/Binti",  # the whole name, father's included
        ),
        required=True,
    ),
    ManifestColumn("aliases", "Nama Alias", ("Aliases", "Alias", "Nama Lain", "Other names")),
    # The father's name in a column of its own, as lists from Malaysia write it: joined to
    # the name with bin or binti. The template asks for the whole name in one column.
    ManifestColumn(
        "father_name",
        "Nama Ayah",
        (
            "Bin/Binti",
            "Bin",
            "Binti",
            "Bin/Bt",
            "Nama Ayah Kandung",
            "Nama Bapak",
            "Nama Bapa",  # Malay
            "Ayah",
            "Father's name",
            "Father name",
            "Name of father",
        ),
        in_template=False,
    ),
    ManifestColumn(
        "sex",
        "Jenis Kelamin",
        ("Sex", "Gender", "L/P", "JK", "Kelamin", "Jantina"),  # Jantina: Malay
        required=True,
    ),
    ManifestColumn(
        "birth_date",
        "Tanggal Lahir",
        (
            "Date of birth",
            "DOB",
            "Birth date",
            "Birthdate",
            "Tgl Lahir",
            "Tahun Lahir",
            "Tarikh Lahir",  # Malay
        ),
    ),
    ManifestColumn("birth_place", "Tempat Lahir", ("Place of birth", "Birth place", "Tmp Lahir")),
    ManifestColumn(
        "nik",
        "NIK",
        (
            "National ID",
            "No KTP",
            "KTP",
            "NIK KTP",
            "NIK/KTP",
            "No NIK",
            "NIK No",
            "IC/NIK No",
            "Nomor Induk Kependudukan",
            "National ID no",
        ),
    ),
    ManifestColumn(
        "family_card",
        "No KK",
        ("Family card number", "Nomor KK", "KK", "No Kartu Keluarga", "Family card"),
    ),
    ManifestColumn(
        "document_kind",
        "Jenis Dokumen",
        ("Document type", "Document kind", "Dokumen", "Jenis Dokumen Perjalanan"),
    ),
    ManifestColumn(
        "document_number",
        "No Dokumen",
        (
            "Document number",
            "No Paspor",
            "Passport number",
            "No Passport",
            "No SPLP",
            "No Paspor/SPLP",
            "Paspor/SPLP",
            "No Paspor/SPLP/DTE",
            "Paspor",
            "Passport",
            "Passport No",
            "Passport/SPLP",
            "Passport/SPLP No",
            "No Pasport",  # as often written, and in Malay
            "Pasport",
            "Nombor Pasport",
            "No Pasport/SPLP",
            "No Dokumen Perjalanan",
            "Travel document number",
        ),
    ),
    ManifestColumn(
        "document_issuer",
        "Kantor Penerbit",
        ("Issuing post", "Issued by", "Penerbit", "Issuing office", "Tempat Dikeluarkan"),
    ),
    ManifestColumn("region_code", "Kode Wilayah", ("Region code", "Kode Wil", "Kode Kemendagri")),
    ManifestColumn("province", "Provinsi", ("Province", "Prov", "Provinsi Asal", "Prov Asal")),
    ManifestColumn(
        "regency",
        "Kabupaten/Kota",
        (
            "Regency",
            "City",
            "Kabupaten",
            "Kota",
            "Kab/Kota",
            "Regency/City",
            "Kab/Kota Asal",
            "Kabupaten/Kota Asal",
            "Kabupaten Asal",
            "Kota Asal",
        ),
    ),
    ManifestColumn("district", "Kecamatan", ("District", "Kec")),
    ManifestColumn(
        "village",
        "Desa/Kelurahan",
        ("Village", "Desa", "Kelurahan", "Kel/Desa", "Desa/Kel", "Kelurahan/Desa"),
    ),
    ManifestColumn(
        "address",
        "Alamat",
        (
            "Address",
            "Street",
            "Alamat Lengkap",
            "Alamat di Indonesia",
            "Address in Indonesia",
            "Home address",
            "Alamat Rumah",
        ),
    ),
    ManifestColumn(
        "phone_id",
        "No HP Indonesia",
        (
            "Indonesian phone",
            "Indonesian phone number",
            "HP",
            "No HP",
            "Telepon",
            "No Telepon",
            "Telp",
            "No Telp",
            "Phone",
            "Phone number",
            "HP Indonesia",
            "Phone Indonesia",
            "Telp Indonesia",
            "No Tel",  # Malay lists
            "No Telefon",
            "Telefon",
            "No HP/WA",
            "HP/WA",
            "No WA",
            "WA",
            "WhatsApp",
            "No WhatsApp",
        ),
    ),
    ManifestColumn(
        "phone_my",
        "No HP Malaysia",
        (
            "Malaysian phone",
            "Malaysian phone number",
            "HP Malaysia",
            "Telepon Malaysia",
            "Telp Malaysia",
            "Phone Malaysia",
            "HP Msia",
        ),
    ),
    ManifestColumn(
        "kin_name",
        "Nama Keluarga",
        ("Next of kin", "Next of kin name", "Nama Keluarga yang Bisa Dihubungi"),
    ),
    ManifestColumn(
        "kin_relation",
        "Hubungan Keluarga",
        ("Next of kin relation", "Relation", "Relationship", "Hubungan"),
    ),
    ManifestColumn(
        "kin_phone",
        "No HP Keluarga",
        (
            "Next of kin phone",
            "Next of kin phone number",
            "Family phone",
            "HP Keluarga",
            "Telepon Keluarga",
            "No Telepon Keluarga",
            "Telp Keluarga",
            "No Telp Keluarga",
            "Kontak Keluarga",
            "No Kontak Keluarga",
            "No HP/WA Keluarga",
            "HP/WA Keluarga",
            "No HP/Telp Keluarga",
            "HP Wali",
            "No HP Wali",
            "Telp Wali",
        ),
    ),
    ManifestColumn("languages", "Bahasa", ("Languages", "Language", "Bahasa yang Dikuasai")),
    ManifestColumn("pregnant", "Hamil", ("Pregnant", "Sedang Hamil")),
    ManifestColumn("disability", "Disabilitas", ("Disability", "Disabilities", "Difabel")),
    ManifestColumn("illness", "Sakit", ("Illness", "Sick", "Penyakit", "Kondisi Kesehatan")),
    ManifestColumn(
        "notes",
        "Catatan",
        ("Notes", "Remarks", "Keterangan", "Ket", "Note", "Ulasan", "Kenyataan"),  # Malay too
    ),
    ManifestColumn(
        "birth_place_date",
        "Tempat, Tanggal Lahir",
        (
            "TTL",
            "Tempat/Tgl Lahir",
            "Tempat Tgl Lahir",
            "Tempat/Tanggal Lahir",
            "Place and date of birth",
        ),
        in_template=False,
    ),
    ManifestColumn("age", "Umur", ("Usia", "Age", "Umur (th)", "Umur (tahun)"), in_template=False),
    # Why the person was held, and where: kept in the case's notes under the list's heading.
    ManifestColumn(
        "offence",
        "Kasus",
        (
            "Jenis Kasus",
            "Permasalahan",
            "Masalah",
            "Pelanggaran",
            "Jenis Pelanggaran",
            "Kesalahan",  # Malay
            "Offence",
            "Offense",
        ),
        in_template=False,
    ),
    ManifestColumn(
        "depot",
        "Depo",
        (
            "Depot",
            "Depoh",  # Malay
            "PTS",
            "Depo Imigrasi",
            "Depo Imigresen",
            "Depot Imigresen",
            "Depoh Imigresen",
            "Asal Depo",
        ),
        in_template=False,
    ),
    # A depot's list may hold other nationals deported with them: said, and kept in the notes.
    ManifestColumn(
        "nationality",
        "Kewarganegaraan",
        ("Warganegara", "Warga Negara", "Kewarganegaraan", "Nationality", "Citizenship", "WN"),
        in_template=False,
    ),
    ManifestColumn(
        "origin",
        "Daerah Asal",
        ("Asal", "Asal Daerah", "Alamat Asal", "Kampung Halaman", "Origin", "Home town"),
        in_template=False,
    ),
)
TEMPLATE_COLUMNS: tuple[ManifestColumn, ...] = tuple(c for c in MANIFEST_COLUMNS if c.in_template)

COLUMN_BY_FIELD: dict[str, ManifestColumn] = {column.field: column for column in MANIFEST_COLUMNS}
FIELDS: tuple[str, ...] = tuple(column.field for column in MANIFEST_COLUMNS)

# The words people use for "number" in a header all become "no": "Nomor KK" = "No. KK".
_NUMBER_WORDS = frozenset({"no", "nomor", "nomer", "nmr", "number", "num", "nr"})
# Headers of a leading row-number column ("No", "No.", "#", "No Urut").
_ROW_NUMBER_KEYS = frozenset({"no", "nourut", "urut", "sno", "bil", "nosiri"})  # "S/No", "Bil."


def plain_letters(text: str) -> str:
    """ "José Müller" as "Jose Muller": accents off, for keys that keep only a to z."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def header_key(text: str, *, keep_hint: bool = False) -> str:
    """The comparable form of a header: "No. Paspor" → "nopaspor", "NAMA LENGKAP" → "namalengkap".

    Accents go, case goes, every character that is not a letter or a digit goes, a hint in
    brackets goes ("Tanggal Lahir (dd/mm/yyyy)") unless `keep_hint`, and
    "nomor"/"number"/"no." become "no".
    """
    return "".join(_header_words(text, keep_hint=keep_hint))


def _header_words(text: str, *, keep_hint: bool = False) -> list[str]:
    """The words `header_key` joins: ["no", "paspor"] for "Nomor Paspor"."""

    def words(value: str) -> list[str]:
        return ["no" if w in _NUMBER_WORDS else w for w in re.findall(r"[a-z0-9]+", value)]

    text = plain_letters(text).casefold()
    without_hint = text if keep_hint else re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    return words(without_hint) or words(text)


# The columns a home address is written in, from the province down.
_ADDRESS_PARTS = frozenset({"province", "regency", "district", "village"})


_BIRTH_FIELDS = frozenset({"birth_date", "birth_place_date"})


def header_field(text: str) -> str | None:
    """The field a header names. The words in brackets count where they make a known header
    ("No HP (Malaysia)" is the Malaysian phone), and are a hint to ignore otherwise
    ("Tanggal Lahir (dd/mm/yyyy)"). A header in two languages ("Nama / Name", "Tarikh
    Lahir / Date of Birth") names the field its parts agree on; parts naming two fields
    ("No HP (Malaysia)/WA") name none, but a birth date and an age ("Tgl Lahir / Umur") name
    the birth date. A part of a home address in brackets after the word
    for it ("Asal (Provinsi)", "Alamat (Desa)") names that part: a list with "Asal
    (Provinsi)" and "Asal (Kabupaten)" means two columns, not one written twice."""
    found = HEADER_LOOKUP.get(header_key(text, keep_hint=True))
    if found:
        return found
    hint = re.search(r"\(([^)]*)\)|\[([^\]]*)\]", text)
    if hint and HEADER_LOOKUP.get(header_key(text)) in ("origin", "address"):
        part = HEADER_LOOKUP.get(header_key(hint.group(1) or hint.group(2) or ""))
        if part in _ADDRESS_PARTS:
            return part
    if "/" in re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text):
        parts = [header_field(part) for part in re.split(r"/(?![^(\[]*[)\]])", text)]
        named = set(parts) - {None}
        if None not in parts and len(named) == 2 and "age" in named and named & _BIRTH_FIELDS:
            # "Tgl Lahir / Umur": the birth date, or the age where it is not known.
            return (named & _BIRTH_FIELDS).pop()
        if len(named) > 1:
            return None
        if named and None not in parts:
            return named.pop()
    return HEADER_LOOKUP.get(header_key(text)) or _without_filler(text)


# Words a header adds that name no field: who the list is of ("Nama TKI", "Nama PMI") and
# where ("No Telp Keluarga di Indonesia").
_FILLER_WORDS = frozenset({"pmi", "cpmi", "wni", "tki", "tkw", "bmi", "di", "indonesia"})


def _without_filler(text: str) -> str | None:
    """The field a header names once its filler words are left out, or with its two words
    the other way round ("Asal Provinsi" as "Provinsi Asal"); None if still none."""
    words = _header_words(text)
    kept = [word for word in words if word not in _FILLER_WORDS]
    candidates = [kept] if kept != words else []
    if len(kept) == 2:
        candidates.append(kept[::-1])
    for candidate in candidates:
        if candidate and (found := HEADER_LOOKUP.get(header_key(" ".join(candidate)))):
            return found
    return None


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in MANIFEST_COLUMNS:
        for name in (column.header, column.field, *column.aliases):
            key = header_key(name)
            if lookup.get(key, column.field) != column.field:
                raise ValueError(f"Header {name!r} matches both {lookup[key]} and {column.field}")
            lookup[key] = column.field
    return lookup


HEADER_LOOKUP: dict[str, str] = _header_lookup()


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


class ManifestError(Exception):
    """The whole file cannot be used; `str(error)` is a message for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ManifestRow:
    """One data row, every cell as trimmed text.

    `number` is the row number Excel shows. `values` has a key for each recognised column of the
    file (field key → text, "" when the cell is empty). `numeric` names the fields whose XLSX cell
    was stored as a number (Excel keeps only 15 significant digits of those). `extra` holds
    non-empty cells found to the right of the last header.
    """

    number: int
    values: dict[str, str]
    numeric: frozenset[str] = frozenset()
    extra: tuple[str, ...] = ()


@dataclass
class ManifestTable:
    """What `manifest_read` found.

    `columns` maps field key → header as written in the file. `unknown_headers` lists headers
    that matched no column (ignored). `warnings` are messages about the whole file for the
    person who uploaded it (unknown columns, skipped rows, another sheet that was not read...).
    `encoding` is "" and `delimiter` None for XLSX; `sheet` is the sheet read (XLSX only).
    `header_row` is the Excel row number of the header.
    """

    columns: dict[str, str]
    unknown_headers: list[str]
    rows: list[ManifestRow]
    encoding: str
    delimiter: str | None
    format: Literal["csv", "xlsx"]
    header_row: int = 1
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    other_sheets: list[str] = field(default_factory=list)  # more sheets with a list


@dataclass(frozen=True)
class CellIssue:
    """A problem in one cell. `column` is the header as written ("" for a row-wide issue)."""

    row: int
    field: str
    column: str
    level: Level
    message: str


@dataclass
class ParsedRow:
    """Typed values of one row and its issues.

    `values` always has every field key of `MANIFEST_COLUMNS` (None, "", [] or False when empty
    or unusable) plus `birth_year_only` and `pregnant_note`, `disability_note`, `illness_note`.
    """

    number: int
    values: dict[str, Any]
    issues: list[CellIssue]

    @property
    def errors(self) -> list[CellIssue]:
        return [issue for issue in self.issues if issue.level == "error"]

    @property
    def warnings(self) -> list[CellIssue]:
        return [issue for issue in self.issues if issue.level == "warning"]

    @property
    def has_errors(self) -> bool:
        return any(issue.level == "error" for issue in self.issues)


# --------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------


class _RawRow(NamedTuple):
    number: int
    cells: list[str]
    numeric: list[bool]
    hidden: frozenset[int] = frozenset()  # columns hidden in the spreadsheet


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OLE_STREAM = "EncryptedPackage".encode("utf-16-le")
_IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_ARCHIVE_SIGNATURES = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Characters that are whitespace for a person but not for str.strip().
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def manifest_read(
    data: bytes, *, filename: str = "", sheet: str = "", sheets_read: Iterable[str] = ()
) -> ManifestTable:
    """Read a manifest's bytes into text cells; raise ManifestError when the file is unusable.

    XLSX is recognised by its zip signature, whatever the file is called; everything else must
    be text. `filename` only helps to word the message about an unreadable file. `sheet`
    names the sheet of a workbook to read; without it, the sheet with the list is found.
    `sheets_read` are sheets imported before, not pointed out again as still to read.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ManifestError(
            _(
                "File terlalu besar (%(size)s MB). Batasnya %(limit)s MB; satu kapal biasanya "
                "jauh di bawah itu. Hapus lembar atau gambar yang tidak perlu, atau bagi daftar "
                "menjadi beberapa file."
            )
            % {"size": _megabytes(len(data)), "limit": _megabytes(MAX_FILE_BYTES)}
        )
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE):
        raise ManifestError(_("File ini kosong. Pilih file daftar (manifes) yang berisi data."))
    _refuse_known_binary(data, filename)
    if data.startswith(_ZIP_SIGNATURES):
        return _read_xlsx(data, filename, sheet, set(sheets_read))
    return _read_csv(data, filename)


def _megabytes(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return text.replace(".", ",")


def _refuse_known_binary(data: bytes, filename: str) -> None:
    head = data[:16]
    if head.startswith(b"%PDF"):
        raise ManifestError(
            _(
                "File ini PDF, bukan tabel, sehingga isinya tidak bisa dibaca. Minta daftarnya "
                "dalam bentuk Excel, atau salin datanya ke templat, lalu simpan ulang sebagai "
                ".xlsx atau CSV."
            )
        )
    if head.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_OLE_STREAM in data:
            raise ManifestError(
                _(
                    "File Excel ini dilindungi kata sandi, sehingga tidak bisa dibaca. Buka di "
                    "Excel, hapus kata sandinya, lalu simpan ulang sebagai .xlsx atau CSV."
                )
            )
        raise ManifestError(
            _(
                "File ini berformat Excel lama (.xls) yang tidak bisa dibaca di sini. Buka di "
                "Excel, pilih File → Save As, lalu simpan ulang sebagai .xlsx atau CSV."
            )
        )
    if head.startswith(_IMAGE_SIGNATURES):
        raise ManifestError(
            _(
                "File ini gambar (foto atau hasil pindai), bukan tabel. Ketik datanya ke "
                "templat, lalu simpan ulang sebagai .xlsx atau CSV."
            )
        )
    if head.startswith(_ARCHIVE_SIGNATURES):
        raise ManifestError(
            _(
                "File ini arsip terkompresi (RAR, 7z atau gz). Keluarkan file daftarnya dari "
                "arsip, lalu unggah file .xlsx atau CSV-nya."
            )
        )
    if head.startswith(b"{\\rtf"):
        raise ManifestError(_word_document_message())


def _word_document_message() -> str:
    return _(
        "File ini dokumen Word, bukan tabel. Salin tabelnya ke Excel atau ke templat, lalu "
        "simpan sebagai .xlsx atau CSV."
    )


def _not_a_table_message(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension and extension not in {"csv", "txt", "tsv", "xlsx", "xlsm"}:
        return _(
            "File .%(extension)s ini bukan CSV atau XLSX, sehingga tidak bisa dibaca. Buka "
            "daftarnya di Excel, lalu simpan ulang sebagai .xlsx atau CSV."
        ) % {"extension": extension}
    return _(
        "File ini bukan CSV atau XLSX (isinya bukan teks maupun lembar kerja Excel), sehingga "
        "tidak bisa dibaca. Buka daftarnya di Excel, lalu simpan ulang sebagai .xlsx atau CSV."
    )


def _broken_xlsx_message() -> str:
    return _(
        "File XLSX ini rusak atau tidak bisa dibuka. Buka di Excel, lalu simpan ulang sebagai "
        ".xlsx atau CSV."
    )


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> tuple[str, str, bool]:
    """Text, encoding name and whether some bytes had to be replaced."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8", "utf-8-sig")
    if data.startswith(codecs.BOM_UTF16_LE):
        return _decode_as(data[2:], "utf-16-le", "utf-16-le")
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode_as(data[2:], "utf-16-be", "utf-16-be")
    if b"\x00" in data:
        # UTF-16 without a BOM shows a zero byte in every other position.
        even, odd = data[0::2], data[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return _decode_as(data, "utf-16-le", "utf-16-le")
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return _decode_as(data, "utf-16-be", "utf-16-be")
        raise ManifestError(_not_a_table_message(filename))
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", False
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined do not occur in typed text.
        raise ManifestError(_not_a_table_message(filename)) from None


def _decode_as(data: bytes, codec: str, name: str) -> tuple[str, str, bool]:
    try:
        return data.decode(codec), name, False
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace"), name, True


def _refuse_non_csv_text(text: str, filename: str) -> None:
    start = text.lstrip(" \t\r\n" + _INVISIBLE)[:400].casefold()
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")):
        raise ManifestError(
            _(
                "File ini sebenarnya halaman web (HTML), walaupun namanya mungkin .xls; sistem "
                "lain sering mengekspor daftar seperti ini. Buka di Excel, lalu simpan ulang "
                "sebagai .xlsx atau CSV."
            )
        )
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:4000]:
            raise ManifestError(
                _(
                    "File ini berformat XML Spreadsheet 2003. Buka di Excel, lalu simpan ulang "
                    "sebagai .xlsx atau CSV."
                )
            )
        raise ManifestError(_not_a_table_message(filename))
    sample = text[:20000]
    controls = sum(
        1 for ch in sample if ch not in "\t\r\n\x0c\x1a" and unicodedata.category(ch) == "Cc"
    )
    if controls > max(2, len(sample) // 200):
        raise ManifestError(_not_a_table_message(filename))


_SEP_LINE = re.compile(r"sep=(.)[ ]*", re.IGNORECASE)
_DELIMITERS = ",;\t"


def _detect_delimiter(lines: list[str]) -> str:
    """Sniff among comma, semicolon and tab; trust the header line when the sniffer disagrees."""
    sample = "\n".join(lines[:50])[:65536]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    candidates = [
        line for line in lines[:HEADER_SEARCH_ROWS] if any(d in line for d in _DELIMITERS)
    ]
    header_line = candidates[0] if candidates else (lines[0] if lines else "")
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    if sniffed in counts and counts[sniffed] > 0:
        return sniffed
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def csv_text(data: bytes, filename: str = "") -> tuple[str, str]:
    """The text of a CSV file as spreadsheets and people write it (UTF-8 with or without a
    BOM, UTF-16, Windows-1252; an Excel "sep=" line) and its delimiter, for readers other
    than the manifest's (`pulang match-persons --input`). ManifestError when it is no text."""
    text, _encoding, _replaced = _decode(data, filename)
    body, lines, delimiter = _without_sep_line(text)
    return body, delimiter or _detect_delimiter(lines)


def _without_sep_line(text: str) -> tuple[str, list[str], str | None]:
    """The text without Excel's "sep=;" first line (hidden when Excel opens the file), its
    lines that hold anything, and the delimiter that line names (None without one)."""
    lines = [line for line in text.splitlines() if line.strip(" \t" + _INVISIBLE)]
    if lines and (match := _SEP_LINE.fullmatch(lines[0].strip(_INVISIBLE))):
        return text.split(lines[0], 1)[1].lstrip("\r\n"), lines[1:], match.group(1)
    return text, lines, None


def _read_csv(data: bytes, filename: str) -> ManifestTable:
    text, encoding, replaced = _decode(data, filename)
    _refuse_non_csv_text(text, filename)
    notes: list[str] = []
    if replaced:
        notes.append(
            _(
                "Sebagian huruf di file ini tidak bisa dibaca dan tampil sebagai “�”. Periksa "
                "nama yang berhuruf khusus, atau simpan ulang file sebagai CSV UTF-8."
            )
        )

    body, lines, named = _without_sep_line(text)
    if not lines:
        raise ManifestError(_("File ini kosong. Pilih file daftar (manifes) yang berisi data."))
    delimiter = named or _detect_delimiter(lines)

    def records() -> Iterator[_RawRow]:
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                cleaned = [_clean_cell(cell) for cell in cells]
                yield _RawRow(number, cleaned, [False] * len(cleaned))
        except csv.Error as error:
            raise ManifestError(
                _(
                    "File CSV ini tidak bisa dibaca setelah baris %(row)d; mungkin ada tanda kutip "
                    '(") yang tidak ditutup. Buka di Excel, lalu simpan ulang sebagai .xlsx atau '
                    "CSV."
                )
                % {"row": number}
            ) from error

    table = _build_table(records(), fmt="csv", encoding=encoding, delimiter=delimiter, sheet=None)
    table.warnings[:0] = notes
    _warn_unclosed_quotes(table, delimiter)
    return table


def _warn_unclosed_quotes(table: ManifestTable, delimiter: str) -> None:
    """A quote opened and never closed swallows the following lines into one cell."""
    width = len(table.columns)
    for row in table.rows:
        for text in row.values.values():
            if text.count("\n") >= 2 and text.count(delimiter) >= max(2, width // 2):
                table.warnings.append(
                    _(
                        "Baris %(row)d berisi satu isian yang sangat panjang dan memuat "
                        'beberapa baris; mungkin ada tanda kutip (") yang tidak ditutup sehingga '
                        "baris-baris berikutnya ikut tergabung. Periksa baris itu di file."
                    )
                    % {"row": row.number}
                )
                return


def _clean_cell(text: str) -> str:
    return text.strip().strip(_INVISIBLE).strip()


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(
    data: bytes, filename: str, sheet: str = "", sheets_read: Collection[str] = ()
) -> ManifestTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ManifestError(_broken_xlsx_message()) from error
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise ManifestError(
                _(
                    "File ini berformat Excel Binary (.xlsb). Buka di Excel, lalu simpan ulang "
                    "sebagai .xlsx atau CSV."
                )
            )
        if b"opendocument" in mimetype:
            raise ManifestError(
                _(
                    "File ini berformat OpenDocument (.ods, dari LibreOffice atau WPS). Buka "
                    "file itu, lalu simpan ulang sebagai .xlsx atau CSV."
                )
            )
        if any(name.startswith("word/") for name in names):
            raise ManifestError(_word_document_message())
        raise ManifestError(_not_a_table_message(filename))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ManifestError(
            _(
                "Isi file XLSX ini terlalu besar untuk dibaca. Hapus lembar, gambar atau "
                "format yang tidak perlu, atau salin daftarnya ke templat."
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ManifestError(_broken_xlsx_message()) from error
    try:
        return _read_workbook(workbook, sheet, sheets_read)
    except ManifestError:
        raise
    except Exception as error:
        raise ManifestError(_broken_xlsx_message()) from error
    finally:
        workbook.close()


def _read_workbook(
    workbook: Any, wanted: str = "", sheets_read: Collection[str] = ()
) -> ManifestTable:
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    active = workbook.active if workbook.active in sheets else None
    ordered = sorted(
        sheets,
        key=lambda ws: (ws is not active, getattr(ws, "sheet_state", "visible") != "visible"),
    )
    if wanted:
        ordered = [ws for ws in sheets if ws.title == wanted]
        if not ordered:
            raise ManifestError(_("Lembar “%(sheet)s” tidak ada di file ini.") % {"sheet": wanted})
    first_with_data: Any = None
    chosen: Any = None
    for ws in ordered:
        buffer = _first_rows(_xlsx_rows(ws))
        if not buffer:
            continue
        if first_with_data is None:
            first_with_data = ws
        header = _find_header(buffer, ws.title)
        if header is not None and not _missing_required(header):
            chosen = ws
            break
    sheet = chosen or first_with_data
    if sheet is None:
        raise ManifestError(_("File ini kosong. Pilih file daftar (manifes) yang berisi data."))
    facts = _sheet_facts(sheet)
    table = _build_table(
        _xlsx_rows(sheet, facts), fmt="xlsx", encoding="", delimiter=None, sheet=sheet
    )
    if facts.formulas_without_value:
        table.warnings.append(
            _(
                "Sel %(cells)s berisi rumus Excel yang disimpan tanpa hasilnya, jadi dibaca "
                "kosong. Buka file di Excel, simpan ulang, lalu unggah lagi."
            )
            % {"cells": _quoted_list(facts.formulas_without_value, limit=15)}
        )
    others = []
    for ws in sheets:
        if ws is sheet or ws.title in sheets_read:
            continue
        header = _find_header(_first_rows(_xlsx_rows(ws)), ws.title)
        if header is not None and not _missing_required(header):
            others.append(ws.title)
    table.other_sheets = others
    if others:
        table.warnings.append(
            _(
                "Hanya lembar “%(sheet)s” yang dibaca. Lembar %(others)s juga tampak berisi "
                "daftar; setelah menyimpan yang ini, unggah file yang sama sekali lagi untuk "
                "membaca lembar berikutnya."
            )
            % {"sheet": sheet.title, "others": _quoted_list(others)}
        )
    return table


@dataclass
class _SheetFacts:
    """What the read-only reader does not tell of a sheet, read from its XML: cells merged
    down several rows (a remark written once for a family), hidden columns, and formulas
    saved without their value (made by a program that does not calculate)."""

    # Each row's cells merged down from a cell above: (column, (top row, top column)).
    merged_down: dict[int, list[tuple[int, tuple[int, int]]]]
    hidden: frozenset[int]  # column indexes, from 0
    formulas_without_value: list[str]  # "B7", ...


MAX_MERGED_ROWS = 100  # one value for a family or a group, not for a whole list
MAX_MERGED_COLUMNS = 10
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_HIDDEN_COLUMNS = re.compile(rb"<col\b[^>]*>")
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}\d+)"[^>]*>((?:(?!</c>).)*?<f[ >/](?:(?!</c>).)*?)</c>', re.S
)
_STORED_VALUE = re.compile(rb"<v>[^<]|<is>")


def _sheet_facts(ws: Any) -> _SheetFacts:
    facts = _SheetFacts({}, frozenset(), [])
    try:
        with ws._get_source() as source:  # openpyxl's read-only sheet: its XML part
            xml = source.read()
    except Exception:  # a sheet read otherwise: nothing more to learn
        return facts
    for first_col, first_row, last_col, last_row in _MERGE.findall(xml):
        left, right = (
            column_index_from_string(first_col.decode()),
            column_index_from_string(last_col.decode()),
        )
        top, bottom = int(first_row), int(last_row)
        if bottom - top > MAX_MERGED_ROWS or right - left > MAX_MERGED_COLUMNS:
            continue  # a whole block merged is no value repeated down a list
        for row in range(top + 1, bottom + 1):
            for column in range(left, right + 1):
                facts.merged_down.setdefault(row, []).append((column - 1, (top, left - 1)))
    hidden: set[int] = set()
    for tag in _HIDDEN_COLUMNS.findall(xml):
        attributes = dict(re.findall(rb'(\w+)="([^"]*)"', tag))
        if attributes.get(b"hidden") in (b"1", b"true"):
            low, high = int(attributes.get(b"min", b"0")), int(attributes.get(b"max", b"0"))
            hidden.update(range(low - 1, min(high, low + 200)))
    facts.hidden = frozenset(hidden)
    if b"<f" in xml:
        facts.formulas_without_value = [
            ref.decode()
            for ref, body in _FORMULA_CELL.findall(xml)
            if not _STORED_VALUE.search(body)
        ]
    return facts


def _xlsx_rows(ws: Any, facts: _SheetFacts | None = None) -> Iterator[_RawRow]:
    ws.reset_dimensions()  # a wrong <dimension> in the file would otherwise cut rows off
    facts = facts or _SheetFacts({}, frozenset(), [])
    merged_tops: dict[int, set[int]] = {}  # row -> columns whose value is merged down
    for merged in facts.merged_down.values():
        for _column, (top_row, top_column) in merged:
            merged_tops.setdefault(top_row, set()).add(top_column)
    tops: dict[tuple[int, int], tuple[str, bool]] = {}  # merged ranges' top cells, as read
    for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        cells: list[str] = []
        numeric: list[bool] = []
        for value in values:
            text, is_number = _xlsx_cell_text(value)
            cells.append(text)
            numeric.append(is_number)
        for column, top in facts.merged_down.get(number, ()):  # merged down from above
            if column >= len(cells):  # a merged cell below its top may not be in the file
                cells += [""] * (column + 1 - len(cells))
                numeric += [False] * (column + 1 - len(numeric))
            if not cells[column]:
                cells[column], numeric[column] = tops.get(top, ("", False))
        for column in merged_tops.get(number, ()):
            if column < len(cells):
                tops[(number, column)] = (cells[column], numeric[column])
        yield _RawRow(number, cells, numeric, facts.hidden)


def _xlsx_cell_text(value: object) -> tuple[str, bool]:
    """The text of one XLSX cell and whether it was stored as a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, datetime):
        return value.date().isoformat(), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, time | timedelta):
        return str(value), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return _float_text(value), True
    return _clean_cell(str(value)), False


def _float_text(value: float) -> str:
    """1234.0 → "1234"; a 16-digit number keeps the digits written in the file, not 3.17E+15."""
    try:
        number = Decimal(repr(value))
    except InvalidOperation:
        return repr(value)
    if not number.is_finite():
        return repr(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


# --- The table -------------------------------------------------------------------------------


@dataclass
class _Header:
    number: int
    cells: list[str]
    indexes: dict[str, int]  # field → cell index
    columns: dict[str, str]  # field → header as written
    unknown: list[tuple[int, str]]
    blank: list[int]
    duplicates: list[tuple[str, str]]  # (ignored header, header kept)
    row_number_index: int | None
    top: int | None = None  # the first row of a header of two rows
    # Sex as two tick columns, "L" and "P": indexes["sex"] is the first, this the second.
    female_index: int | None = None
    # No sex column, and the sheet's name or the title above says whose list it is
    # ("PEREMPUAN"): ("L" or "P", the word as written, whether it was the sheet's name).
    whole_list_sex: tuple[str, str, bool] | None = None

    @property
    def columns_read(self) -> int:
        """How many columns are read."""
        return len(self.indexes) + (self.female_index is not None)


def _first_rows(rows: Iterator[_RawRow]) -> list[_RawRow]:
    """The first non-empty rows, enough to find the header. Consumes that much of `rows`."""
    buffer: list[_RawRow] = []
    for row in rows:
        if any(row.cells):
            buffer.append(row)
            if len(buffer) >= HEADER_SEARCH_ROWS:
                break
    return buffer


def _map_header(row: _RawRow) -> _Header:
    header = _Header(row.number, row.cells, {}, {}, [], [], [], None)
    ticks: dict[str, list[tuple[int, str]]] = {"L": [], "P": []}
    first_filled = next((i for i, text in enumerate(row.cells) if text), None)
    for index, cell in enumerate(row.cells):
        if not cell:
            header.blank.append(index)
            continue
        text = " ".join(cell.split())  # "NO.⏎PASPOR", wrapped in its cell, named on one line
        if index == first_filled and (text == "#" or header_key(text) in _ROW_NUMBER_KEYS):
            header.row_number_index = index
            continue
        field_key = header_field(text)
        if field_key is None and (sex := _tick_header(text)):
            ticks[sex].append((index, text))
        elif field_key is None:
            header.unknown.append((index, text))
        elif (
            field_key in header.indexes
            and header.indexes[field_key] in row.hidden
            and index not in row.hidden
        ):
            # Two columns for one field, the first hidden (an old version kept aside): the
            # visible one is read.
            header.duplicates.append((header.columns[field_key], text))
            header.indexes[field_key] = index
            header.columns[field_key] = text
        elif field_key in header.indexes:
            header.duplicates.append((text, header.columns[field_key]))
        else:
            header.indexes[field_key] = index
            header.columns[field_key] = text
    if "sex" not in header.indexes and len(ticks["L"]) == len(ticks["P"]) == 1:
        [(male, male_text)], [(female, female_text)] = ticks["L"], ticks["P"]
        header.indexes["sex"], header.female_index = male, female
        header.columns["sex"] = f"{male_text}/{female_text}"
        order = sorted(header.indexes, key=header.indexes.__getitem__)  # as the file has them
        header.indexes = {key: header.indexes[key] for key in order}
        header.columns = {key: header.columns[key] for key in order}
    else:
        header.unknown = sorted(header.unknown + ticks["L"] + ticks["P"])
    return header


# Sex as two columns, a mark in one of them: "L" and "P", "LK" and "PR", "Laki-laki" and
# "Perempuan".
_TICK_HEADERS = {
    **dict.fromkeys(("l", "lk", "lakilaki", "laki", "pria"), "L"),
    **dict.fromkeys(("p", "pr", "perempuan", "wanita"), "P"),
}


def _tick_header(text: str) -> str | None:
    return _TICK_HEADERS.get(header_key(text))


def _sex_from_ticks(male: str, female: str) -> str:
    """The sex a row's two tick columns say: "L", "P", "L/P" when both are marked (an
    error for the row), "" when neither is."""
    return "/".join(sex for sex, text in (("L", male), ("P", female)) if _is_tick(text))


def _is_tick(text: str) -> bool:
    """✓, √, v, x, 1, the column's letter: anything but an empty cell, a dash or a "no"."""
    word = "".join(text.casefold().split())
    return bool(word) and not is_placeholder(text) and word not in _FALSE_WORDS


def _find_header(buffer: list[_RawRow], sheet_name: str = "") -> _Header | None:
    """The first row naming two known columns (titles may stand above it), else a row naming one.
    The row below it is part of the header when it names what the first row groups
    (`_with_row_below`). Without a sex column, the sheet's name or the titles above may say
    the list's sex (`_whole_list_sex`)."""
    mapped = [_map_header(row) for row in buffer]
    found: _Header | None = None
    for position, header in enumerate(mapped):
        if len(header.indexes) >= 2:
            if position + 1 < len(buffer):
                found = _with_row_below(header, buffer[position], buffer[position + 1]) or header
            else:
                found = header
            if found is header and position > 0 and _groups(buffer[position - 1]):
                # "DOKUMEN" merged over "JENIS" and "NOMOR": the groups are the row above.
                found = _with_row_below(
                    mapped[position - 1], buffer[position - 1], buffer[position]
                )
                if found is None or found.columns_read <= header.columns_read:
                    found = header
            break
    else:
        found = mapped[0] if mapped and mapped[0].indexes else None
    if found is not None and "sex" not in found.indexes:
        above = [row for row in buffer if row.number < found.number]
        titles = [" ".join(text for text in row.cells if text) for row in above]
        found.whole_list_sex = _whole_list_sex(sheet_name, titles)
    return found


# Words that say a list holds one sex: a sheet per sex ("LAKI-LAKI", "PEREMPUAN") or a title
# ("DAFTAR WNI DEPORTASI PEREMPUAN"); and words that say it holds children, of either sex.
_WHOLE_LIST_SEX = {
    **dict.fromkeys(("lakilaki", "laki", "pria", "lelaki", "male", "men"), "L"),
    **dict.fromkeys(("perempuan", "wanita", "female", "women"), "P"),
}
_CHILD_WORDS = frozenset({"anak", "anakanak", "bayi", "balita", "keluarga", "children", "child"})


def _whole_list_sex(sheet_name: str, titles: list[str]) -> tuple[str, str, bool] | None:
    """("P", "PEREMPUAN", True) when the sheet's name (True) or the titles above the header
    (False) name one sex and no children; None when they name none, both, or children."""
    found: list[tuple[str, str, bool]] = []
    children = False
    for text, is_sheet in ((sheet_name, True), *((title, False) for title in titles)):
        whole = _TICK_HEADERS.get(header_key(text)) if is_sheet else None  # a sheet "P"
        words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)
        for word in words:
            key = plain_letters(word).casefold().replace("-", "")
            children = children or key in _CHILD_WORDS
            if sex := _WHOLE_LIST_SEX.get(key):
                found.append((sex, word, is_sheet))
        if whole and not any(is_sheet for _sex, _word, is_sheet in found):
            found.append((whole, text.strip(), True))
    if children or len({sex for sex, _word, _is_sheet in found}) != 1:
        return None
    return found[0]


def _groups(row: _RawRow) -> bool:
    """Whether a row above the header may be the titles of groups of its columns, not the
    list's title: two short cells or more."""
    cells = [text for text in row.cells if text.strip()]
    return len(cells) >= 2 and all(len(text) <= 40 for text in cells)


def _with_row_below(header: _Header, top: _RawRow, below: _RawRow) -> _Header | None:
    """A header of two rows: "TEMPAT / TGL LAHIR" over "TEMPAT" and "TANGGAL", "ALAMAT" over
    "DESA", "KECAMATAN" and "KABUPATEN", "JENIS KELAMIN" over "L" and "P". The row below
    belongs to the header when every cell of it is a header word (with the last word of the
    group above it, as "TANGGAL" under "... LAHIR", or alone) and together they name more
    columns than the top row."""
    width = max(len(top.cells), len(below.cells))
    above = top.cells + [""] * (width - len(top.cells))
    group = ""
    combined: list[str] = []
    for index, text in enumerate(below.cells + [""] * (width - len(below.cells))):
        group = above[index] or group  # a group's cell is merged across its columns
        if not text or text == above[index]:
            combined.append(above[index])
            continue
        words = re.findall(r"\w+", group)
        named = next(
            (
                written
                # "NAMA" under "KELUARGA" is the next of kin's name, not the person's.
                for written in (f"{text} {words[-1]}" if words else text, text)
                if header_field(written)
                or header_key(written) in _ROW_NUMBER_KEYS
                or (_tick_header(written) and header_field(group) == "sex")
            ),
            None,
        )
        if named is None:
            return None  # a word no header has: the first row of data
        combined.append(named)
    joined = _map_header(_RawRow(below.number, combined, [False] * width, top.hidden))
    if joined.columns_read <= header.columns_read:
        return None
    joined.top = top.number
    return joined


def _too_many_rows() -> ManifestError:
    return ManifestError(
        _(
            "File ini berisi lebih dari %(limit)s baris data. Bagi daftar menjadi beberapa "
            "file, masing-masing paling banyak %(limit)s orang."
        )
        % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _missing_required(header: _Header) -> list[str]:
    said = {"sex"} if header.whole_list_sex else set()
    return [
        c.header
        for c in MANIFEST_COLUMNS
        if c.required and c.field not in header.indexes and c.field not in said
    ]


def listed(items: Sequence[str], limit: int) -> str:
    """The first `limit` items, and how many more ("2, 3, 5 dan 12 lainnya")."""
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += _(" dan %(count)d lainnya") % {"count": len(items) - limit}
    return shown


def _quoted_list(items: Iterable[str], limit: int = 30) -> str:
    return listed([f"“{item}”" for item in items], limit)


def _row_list(numbers: list[int], limit: int = 15) -> str:
    return listed([str(n) for n in numbers], limit)


def _is_numbering_row(cells: list[str]) -> bool:
    """The "(1) (2) (3) …" row that government forms put under the header."""
    filled = [text.strip("()") for text in cells if text]
    if len(filled) < 3 or not all(text.isdigit() for text in filled):
        return False
    numbers = [int(text) for text in filled]
    return numbers[0] in (0, 1) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _build_table(
    rows: Iterator[_RawRow],
    *,
    fmt: Literal["csv", "xlsx"],
    encoding: str,
    delimiter: str | None,
    sheet: Any,
) -> ManifestTable:
    buffer = _first_rows(rows)
    if not buffer:
        raise ManifestError(_("File ini kosong. Pilih file daftar (manifes) yang berisi data."))
    header = _find_header(buffer, sheet.title if sheet is not None else "")
    if header is None:
        first = [text for text in buffer[0].cells if text]
        raise ManifestError(
            _(
                "Baris judul kolom tidak ditemukan. Baris pertama harus berisi judul kolom seperti "
                "“Nama Lengkap” dan “Jenis Kelamin”; pakai templat bila ragu. Baris pertama file "
                "ini berisi: %(found)s."
            )
            % {"found": _quoted_list(first, limit=10)}
        )
    missing = _missing_required(header)
    if missing:
        found = [" ".join(text.split()) for text in header.cells if text]
        raise ManifestError(
            _(
                "Kolom wajib tidak ada: %(missing)s. Judul kolom yang ada di file: %(found)s. "
                "Tambahkan kolom itu atau ubah judulnya agar sama dengan templat."
            )
            % {"missing": _quoted_list(missing), "found": _quoted_list(found)}
        )

    header_position = next(i for i, row in enumerate(buffer) if row.number == header.number)
    header_top = header.top or header.number  # a header may take two rows
    above = [row for row in buffer[:header_position] if row.number < header_top]
    data_rows = _chain(buffer[header_position + 1 :], rows)
    header_keys = [header_key(text) for text in header.cells]
    name_index = header.indexes["full_name"]
    name_header = header.cells[name_index].casefold()
    width = len(header.cells)
    filled_blank_columns: set[int] = set()
    skipped_unknown: list[int] = []
    repeated_headers: list[int] = []
    example_rows: list[int] = []
    numbering_row: int | None = None
    result: list[ManifestRow] = []
    closing: dict[int, str] = {}  # rows that total or sign the list → their text
    birth_columns = {header.indexes.get(key) for key in ("birth_date", "birth_place_date")}
    example_name = _TEMPLATE_EXAMPLE["full_name"].casefold()

    first_data_row = True
    for raw in data_rows:
        if not any(raw.cells):
            continue
        if first_data_row:
            first_data_row = False
            if _is_numbering_row(raw.cells):
                numbering_row = raw.number
                continue
        if _repeats_header(raw.cells[:width], header_keys) or (
            # a second header row that is not read as one ("NAMA" merged down into it)
            name_index < len(raw.cells) and raw.cells[name_index].casefold() == name_header
        ):
            repeated_headers.append(raw.number)
            continue
        values = {
            key: raw.cells[index] if index < len(raw.cells) else ""
            for key, index in header.indexes.items()
        }
        if header.female_index is not None:
            female = raw.cells[header.female_index] if header.female_index < len(raw.cells) else ""
            values["sex"] = _sex_from_ticks(values["sex"], female)
        for index in header.blank:
            if index < len(raw.cells) and raw.cells[index]:
                filled_blank_columns.add(index)
        if not any(values.values()):
            skipped_unknown.append(raw.number)
            continue
        if values["full_name"].casefold() == example_name:
            example_rows.append(raw.number)
            continue
        numeric = frozenset(
            key
            for key, index in header.indexes.items()
            if index < len(raw.numeric) and raw.numeric[index]
        )
        extra = tuple(text for text in raw.cells[width:] if text)
        result.append(ManifestRow(raw.number, values, numeric, extra))
        if _closes_list(raw.cells, values["full_name"], birth_columns):
            closing[raw.number] = " ".join(text for text in raw.cells if text)
        if len(result) > MAX_ROWS + FOOTER_ROWS:  # stop reading a file far too long
            raise _too_many_rows()

    footer = _footer(result, closing, header.columns)
    result = [row for row in result if row.number not in footer]
    if len(result) > MAX_ROWS:  # the limit counts people, not a total or signature below
        raise _too_many_rows()
    if header.whole_list_sex and result:
        # Filled in once the rows that are no people are known: a total is not a woman.
        sex, word, from_sheet = header.whole_list_sex
        header.columns = {**header.columns, "sex": word}
        for row in result:
            row.values["sex"] = sex

    if not result:
        if example_rows:
            raise ManifestError(
                _(
                    "File ini hanya berisi judul kolom dan baris contoh dari templat. Hapus baris "
                    "contoh, isi data orang di bawah judul kolom, lalu unggah lagi."
                )
            )
        raise ManifestError(
            _(
                "File ini hanya berisi judul kolom; belum ada data orang di bawahnya. Isi satu "
                "baris untuk setiap orang, lalu unggah lagi."
            )
        )

    unknown = [text for _index, text in header.unknown]
    unknown += [
        _("(tanpa judul, kolom %(letter)s)") % {"letter": get_column_letter(index + 1)}
        for index in sorted(filled_blank_columns)
    ]
    messages: list[str] = []
    if above:
        messages.append(
            _("Baris di atas judul kolom dilewati: %(rows)s.")
            % {"rows": _quoted_list(" ".join(t for t in row.cells if t)[:80] for row in above)}
        )
    if unknown:
        messages.append(
            _(
                "Kolom berikut tidak dikenal dan isinya tidak dibaca: %(columns)s. Jika isinya "
                "penting, pindahkan ke kolom “Catatan” atau ubah judulnya agar sama dengan templat."
            )
            % {"columns": _quoted_list(unknown)}
        )
    for ignored, kept in header.duplicates:
        messages.append(
            _(
                "Kolom “%(ignored)s” berarti sama dengan kolom “%(kept)s”; hanya “%(kept)s” yang "
                "dibaca."
            )
            % {"ignored": ignored, "kept": kept}
        )
    if header.whole_list_sex:
        sex, word, from_sheet = header.whole_list_sex
        messages.append(
            _(
                "Daftar ini tidak punya kolom jenis kelamin. Semua orang di dalamnya "
                "(%(count)d) dicatat %(sex)s, karena %(source)s menyebut “%(word)s”. Bila ada "
                "yang bukan %(sex)s, perbaiki jenis kelaminnya di baris orang itu sebelum "
                "menyimpan."
            )
            % {
                "count": len(result),
                "sex": _("laki-laki") if sex == "L" else _("perempuan"),
                "source": _("nama lembarnya") if from_sheet else _("judul daftarnya"),
                "word": word,
            }
        )
    if numbering_row is not None:
        messages.append(
            _("Baris %(row)d hanya berisi nomor urut kolom dan dilewati.") % {"row": numbering_row}
        )
    if repeated_headers:
        messages.append(
            _("Baris %(rows)s berisi judul kolom lagi dan dilewati.")
            % {"rows": _row_list(repeated_headers)}
        )
    if example_rows:
        messages.append(
            _("Baris %(rows)s adalah contoh dari templat dan dilewati.")
            % {"rows": _row_list(example_rows)}
        )
    if skipped_unknown:
        messages.append(
            _(
                "Baris %(rows)s dilewati karena tidak berisi apa pun di kolom yang dikenal "
                "(misalnya baris jumlah atau tanda tangan)."
            )
            % {"rows": _row_list(skipped_unknown)}
        )
    if footer:
        messages.append(
            _(
                "Baris %(rows)s di akhir daftar dilewati karena tidak berisi data orang "
                "(misalnya baris jumlah, tempat dan tanggal, atau tanda tangan): %(texts)s."
            )
            % {
                "rows": _row_list(list(footer)),
                "texts": _quoted_list((_shorten(text) for text in footer.values()), limit=10),
            }
        )
    return ManifestTable(
        columns=header.columns,
        unknown_headers=unknown,
        rows=result,
        encoding=encoding,
        delimiter=delimiter,
        format=fmt,
        header_row=header.number,
        sheet=sheet.title if sheet is not None else None,
        warnings=messages,
    )


# What opens a total or a signature block under a list ("Jumlah: 9 orang", "Konsul Jenderal,",
# "(ttd)", "NIP. 1970…", "a.n. Kepala…", "Dikeluarkan di", "Demikian daftar ini…"), in
# Indonesian or Malay ("Disediakan oleh", "Pegawai Imigresen", "Tarikh:"). No name begins
# with one of them.
_FOOTER_WORDS = re.compile(
    r"^(?:(?:jumlah|jml|total|sub\s*total|ttd|tertanda|mengetahui|menyetujui|nip|nrp|konsul|"
    r"kepala|petugas|pejabat|pegawai|dibuat|diketahui|disetujui|diserahkan|diterima|"
    r"dikeluarkan|ditetapkan|pada\s+tanggal|demikian|hormat\s+kami|disediakan|disahkan|"
    r"disemak|tandatangan|tanda\s+tangan|cop|tarikh|"
    r"yang\s+(?:menyerahkan|menerima|membuat))\b|t\.\s?t\.\s?d|a\.\s?n\b|an\.|u\.\s?b\.)",
    re.IGNORECASE,
)
# A note under a list, in the name column: "Keterangan: L = laki-laki, P = perempuan",
# "Catatan: 2 orang sakit", "NB: …".
_NOTE_LINE = re.compile(r"^(?:keterangan|ket|catatan|nota|note|n\.?\s?b)\s*\.?\s*:", re.I)
# A count where a name goes, on a total's row whose "JUMLAH" stands in the number column:
# "45", "45 ORANG", "= 45 orang WNI".
_COUNT = re.compile(
    r"[:=]?\s*\d+\s*(?:orang|org|jiwa|pax|wni|pmi|people|persons?)?\s*(?:wni|pmi)?\.?",
    re.IGNORECASE,
)
# "Kuching, 27 November 2026", "Tawau, 27-11-2026": where and when the list was signed.
_PLACE_AND_DATE = re.compile(r"[^\W\d_][^\d,]*,\s*(?P<date>\S.*\d{4})\.?")


def _footer_word(text: str) -> bool:
    return bool(_FOOTER_WORDS.match(text.strip(" ([-:")))


def _place_and_date(text: str) -> bool:
    found = _PLACE_AND_DATE.fullmatch(text.strip(" ()"))
    if found is None:
        return False
    when = _DAY_MARK.sub(r"\1", _WEEKDAY.sub("", found["date"]))
    if match := _DATE_NAMED.fullmatch(when):
        return match[2].casefold() in _MONTHS
    if match := _MONTH_YEAR.fullmatch(when):
        return match[1].casefold() in _MONTHS
    return _DATE_DMY.fullmatch(when) is not None


def _closing_text(text: str) -> bool:
    """Whether a cell totals, signs or annotates a list: a word that opens a total or a
    signature, the place and date of the signature, or a note."""
    return _footer_word(text) or _place_and_date(text) or bool(_NOTE_LINE.match(text.strip()))


def _closes_list(cells: list[str], name: str, birth_columns: set[int | None]) -> bool:
    """A row that names no one and totals or signs the list, in whichever column its text
    fell (a place and a date in a birth column is where and when someone was born), or
    whose name column holds a note. A count is no name: "JUMLAH" may stand in the number
    column, and "45 ORANG" where the names are."""
    if name and _NOTE_LINE.match(name.strip()):
        return True
    if name and not _closing_text(name) and not _COUNT.fullmatch(name):
        return False
    return any(
        _footer_word(text) or (index not in birth_columns and _place_and_date(text))
        for index, text in enumerate(cells)
        if text
    )


def _footer(
    rows: list[ManifestRow], closing: dict[int, str], columns: dict[str, str]
) -> dict[int, str]:
    """The rows under a list that are no people (row number → text), read from the first
    total, place and date or signature line down to the next row that looks like a person
    (a list may go on after a subtotal); and, as always, the rows that end the list without
    a name or anything that identifies someone."""
    footer: dict[int, str] = {}
    within = False
    for row in rows:
        if row.number in closing:
            within = True
        elif within and _looks_like_person(row, columns):
            within = False
        if within:
            footer[row.number] = closing.get(row.number) or _row_text(row)
    for row in reversed(rows):
        if row.number in footer:
            continue
        name = row.values.get("full_name", "")
        if (name and not _COUNT.fullmatch(name)) or any(
            row.values.get(key) for key in ("sex", "nik", "document_number", "birth_date")
        ):
            break
        footer[row.number] = _row_text(row)
    return dict(sorted(footer.items()))


def _row_text(row: ManifestRow) -> str:
    return " ".join(text for text in (*row.values.values(), *row.extra) if text)


def _looks_like_person(row: ManifestRow, columns: dict[str, str]) -> bool:
    """A real name, with a sex or a birth date that can be read."""
    name = row.values.get("full_name", "")
    if not re.search(r"[^\W\d_]{2}", name) or _closing_text(name):
        return False
    if _letters_key(row.values.get("sex", "")) in _MALE | _FEMALE:
        return True
    scratch = _RowContext(row, columns)  # its complaints are not wanted here
    raw = {key: row.values.get(key, "") for key in FIELDS}
    _from_combined_birth_column(raw, scratch)
    return _parse_birth_date(raw["birth_date"], scratch, _today())[0] is not None


def _repeats_header(cells: list[str], header_keys: list[str]) -> bool:
    """Whether a row is the header again (a list pasted twice); stops at the first cell that
    differs, so an ordinary row costs one comparison."""
    return len(cells) == len(header_keys) and all(
        header_key(text) == key for text, key in zip(cells, header_keys, strict=True)
    )


def _chain(first: list[_RawRow], rest: Iterator[_RawRow]) -> Iterator[_RawRow]:
    yield from first
    yield from rest


# --------------------------------------------------------------------------------------------
# Parsing one row
# --------------------------------------------------------------------------------------------

# Typed instead of a value when there is none; treated as an empty cell.
_PLACEHOLDERS = frozenset(
    {"-", "--", "---", "–", "—", ".", "?", "n/a", "na", "nil", "nihil", "tidak ada", "tdk ada"}
    | {"tidak tahu", "tdk tahu", "tidak diketahui", "tdk diketahui", "belum diketahui"}
    | {"unknown", "tt", "t.t.", "t.t", "tiada", "tidak ada dokumen"}
)
_TEXT_FIELDS = (
    "offence",
    "depot",
    "nationality",
    "origin",
    "birth_place",
    "document_issuer",
    "province",
    "regency",
    "district",
    "village",
    "address",
    "kin_name",
    "kin_relation",
    "notes",
)
_MULTILINE_FIELDS = frozenset({"address", "notes"})
_NAME_PARTICLES = frozenset({"bin", "binti", "bt", "bte", "bt.", "b.", "a/l", "a/p"})

_MALE = frozenset({"l", "lk", "lakilaki", "laki", "laki2", "lelaki", "pria", "m", "male", "man"})
_FEMALE = frozenset({"p", "pr", "prp", "perempuan", "wanita", "w", "f", "female", "woman"})

# Indonesian, English, and Malay as depots write it (Mac, Julai, Ogos, Disember).
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "peb": 2,
    "mar": 3, "mrt": 3, "maret": 3, "march": 3, "mac": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7, "julai": 7,
    "agu": 8, "agt": 8, "ags": 8, "agst": 8, "agus": 8, "agust": 8, "agustus": 8, "aug": 8,
    "august": 8, "ogos": 8, "ogo": 8, "ogs": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11, "nop": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12, "dis": 12, "disember": 12,
}  # fmt: skip
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_DATE_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d+)")
_DATE_YMD = re.compile(r"(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})")
_DATE_NAMED = re.compile(r"(\d{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d+)")
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.?[\s\-/.,]*(\d{4})")
_DATE_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")  # "March 12, 1990"
# An age beside the date ("12-03-1990 (34 th)", "12-03-1990 / 34 th"), dropped: the date
# says more.
_AGE_BESIDE = re.compile(
    r"\s*(?:\(\s*\d{1,3}\s*(?:th|thn|tahun|years?|yrs?|y)?\.?\s*\)"
    r"|/\s*\d{1,3}\s*(?:th|thn|tahun|years?|yrs?|y)\.?)$",
    re.I,
)
# Under a header naming the age too ("Tgl Lahir / Umur"), the age needs no unit.
_BARE_AGE_BESIDE = re.compile(r"\s+/\s*\d{1,3}$")
# Malay dates mark the day, "12hb Januari 1990" (hari bulan), and English ones "12th".
_DAY_MARK = re.compile(r"^(\d{1,2})\s*(?:hb\b\.?|(?:st|nd|rd|th)\b)", re.IGNORECASE)
# "12-01-1990.": a full stop typed after the year.
_STOP_AFTER_YEAR = re.compile(r"(\d{4})\s*[.,;]$")
# What lists write before a date: a weekday ("Sabtu, 12 Maret 1990"), or "about" before a
# year ("± 1990", "sekitar 1990").
_WEEKDAY = re.compile(
    r"^(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b[\s,]*",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"^(?:±|\+/-|\+-|kira-kira|kira2|kurang lebih|kl\.?|sekitar|sekitar tahun|ca\.?|circa)\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_NUMBER_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_LEADING_APOSTROPHES = "'\u2018\u2019`"

_KIND_PASSPORT = frozenset({"paspor", "passport", "pp", "pasport", "pasporri", "paspordinas"})
_KIND_SPLP = frozenset({"splp", "suratperjalananlaksanapaspor"})
_KIND_NONE = frozenset(
    {"", "tidakada", "tdkada", "tidak", "none", "no", "nil", "nihil", "na", "tanpadokumen"}
    | {"tiada", "tidakadadokumen", "tiadadokumen", "tanpapaspor", "takberdokumen"}
)
_PASSPORT_NUMBER = re.compile(r"[A-Z]\d{7}")

_TRUE_WORDS = frozenset({"ya", "y", "yes", "iya", "1", "✓", "✔", "☑", "x", "v", "true", "benar"})
_FALSE_WORDS = frozenset(
    {
        "", "tidak", "t", "tdk", "no", "n", "0", "false", "salah", "tidakada", "tdkada",
        "none", "nihil", "nil", "bukan", "sehat", "normal", "tidaksakit", "tidakhamil",
    }
)  # fmt: skip
_PREGNANCY_TEXT = re.compile(r"hamil|bulan|bln|minggu|mgg|month|week|trimester", re.IGNORECASE)


_FUNCTION_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\s*\(")
_CELL_REFERENCE = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+\b")
_OPERATION = re.compile(r"[\w)\"']\s*[-+*/^&<>=]\s*[\w(\"'$]")
_PHONE_LIKE = re.compile(r"\+[\d\s().\-/]+")
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?")
_PHONE_SPLIT = re.compile(r"\s*(?:[/,;\n]|\batau\b|\bdan\b|\bor\b)\s*", re.IGNORECASE)


def looks_like_formula(text: str) -> bool:
    """Whether a cell would be taken for a formula by a spreadsheet ("=1+1", "@SUM(A1)", "-2+3").

    A phone number ("+62 812-3456-7890"), a signed number ("-5") and a dash used as a placeholder
    ("-", "- tidak ada") are not formulas.
    """
    if not text or text[0] not in "=+-@":
        return False
    body = text[1:]
    if text[0] == "=":
        return bool(body.strip())
    if not body or body[0].isspace() or set(text) <= set("-+ "):
        return False
    if text[0] == "+" and _PHONE_LIKE.fullmatch(text):
        return False
    if _SIGNED_NUMBER.fullmatch(text):
        return False
    return bool(
        body[0] in "=(@"
        or _FUNCTION_CALL.search(body)
        or _CELL_REFERENCE.match(body)
        or _OPERATION.search(body)
    )


def cell_message(row: int, column: str, problem: str) -> str:
    """ "Baris 7, kolom “NIK”: …" for a file; row 0 is a form typed by hand, which has no rows."""
    if row == 0:
        return _("Kolom “%(column)s”: %(problem)s") % {"column": column, "problem": problem}
    return _("Baris %(row)d, kolom “%(column)s”: %(problem)s") % {
        "row": row,
        "column": column,
        "problem": problem,
    }


class _RowContext:
    """Collects issues for one row, worded with the row number and the header as written."""

    def __init__(self, row: ManifestRow, columns: dict[str, str]) -> None:
        self.row = row
        self.columns = columns
        self.issues: list[CellIssue] = []

    def column(self, field_key: str) -> str:
        return self.columns.get(field_key) or COLUMN_BY_FIELD[field_key].header

    def add(self, field_key: str, level: Level, problem: str) -> None:
        column = self.column(field_key)
        message = cell_message(self.row.number, column, problem)
        self.issues.append(CellIssue(self.row.number, field_key, column, level, message))

    def error(self, field_key: str, problem: str) -> None:
        self.add(field_key, "error", problem)

    def warning(self, field_key: str, problem: str) -> None:
        self.add(field_key, "warning", problem)


def manifest_parse_row(
    row: ManifestRow, columns: dict[str, str], *, today: date | None = None
) -> ParsedRow:
    """Typed values and issues for one row; `columns` is `ManifestTable.columns`."""
    today = today or _today()
    ctx = _RowContext(row, columns)
    cells = row.values
    raw = {key: _clean_cell(cells[key]) if cells.get(key) else "" for key in FIELDS}
    values: dict[str, Any] = {}

    for key in FIELDS:
        if raw[key] and looks_like_formula(raw[key]):
            ctx.warning(
                key,
                _(
                    "isian “%(value)s” tampak seperti rumus Excel; disimpan apa adanya sebagai "
                    "teks dan tidak dihitung."
                )
                % {"value": _shorten(raw[key])},
            )

    name_text, also_known_as = _aliases_in_name(raw["full_name"])
    # "(ANAK)", "(istri)" after a name says who the person is to the row above, not a name.
    relations = [other for other in also_known_as if _letters_key(other) in _RELATION_WORDS]
    also_known_as = [other for other in also_known_as if other not in relations]
    name_text, title_sex = _without_title(name_text)
    if title_sex and not raw["sex"].strip():
        values["sex"] = title_sex  # "NY. SITI AMINAH" with the sex left empty
    else:
        values["sex"] = _parse_sex(raw["sex"], ctx)
    values["father_name"], name_text = _with_father(
        name_text, raw["father_name"], values["sex"], ctx
    )
    values["full_name"] = _parse_full_name(name_text, ctx)
    values["aliases"] = _parse_aliases(
        "; ".join(item for item in (*also_known_as, raw["aliases"]) if item), values["full_name"]
    )
    _from_combined_birth_column(raw, ctx)
    values["birth_place_date"] = _clean_text(raw["birth_place_date"], multiline=False)
    values["birth_date"], values["birth_year_only"] = _parse_birth_date(
        raw["birth_date"], ctx, today
    )
    _from_age(raw, values, ctx, today)
    for key in ("nik", "family_card"):
        values[key] = _parse_id_number(raw[key], key, ctx, numeric=key in row.numeric)
    values["document_number"], said, remark = _parse_document_number(raw["document_number"])
    # What a cell said that is no value of its field: (column, text), for the case's notes.
    remarks = [(ctx.column("document_number"), remark)] if remark else []
    if remark:
        ctx.warning(
            "document_number",
            _(
                "“%(value)s” bukan nomor dokumen, jadi disimpan di catatan kasus, bukan "
                "sebagai nomor."
            )
            % {"value": _shorten(remark)},
        )
    if said and not raw["document_kind"].strip():  # "SPLP No. …" says the kind itself
        values["document_kind"] = said
    else:
        values["document_kind"] = _parse_document_kind(
            raw["document_kind"], values["document_number"], ctx
        )
    values["region_code"] = _parse_region_code(
        raw["region_code"], ctx, numeric="region_code" in row.numeric
    )
    kin_relation = _parse_phones(raw, values, ctx)
    values["languages"] = _split_list(raw["languages"], r"[,;/\n]|\s+dan\s+")
    for key in ("pregnant", "disability", "illness"):
        values[key], values[f"{key}_note"] = _parse_flag(raw[key], key, ctx)
    if values["pregnant"] and values["sex"] == "M":
        # One of the two cells is wrong, and which one only the person can say. A man is
        # not recorded pregnant; what the cell said goes to the case's notes, so that a
        # woman entered as a man is still seen to be pregnant once her sex is corrected.
        ctx.warning(
            "pregnant",
            _(
                "tertulis hamil (“%(value)s”), padahal jenis kelaminnya laki-laki, jadi tidak "
                "dicatat hamil; isian ini disimpan di catatan kasus. Bila orang ini perempuan, "
                "perbaiki jenis kelaminnya."
            )
            % {"value": _shorten(raw["pregnant"])},
        )
        values["pregnant"], values["pregnant_note"] = False, ""
        remarks.append((ctx.column("pregnant"), _clean_text(raw["pregnant"])))
    for key in _TEXT_FIELDS:
        values[key] = _clean_text(raw[key], multiline=key in _MULTILINE_FIELDS)
    _flags_from_notes(raw, values, ctx)
    if kin_relation and not values.get("kin_relation"):
        values["kin_relation"] = kin_relation
    # What a list says of the person beyond the registry's fields, under its own heading.
    foreign = _foreign(values.pop("nationality"), ctx)
    labelled = [
        f"{ctx.column(key)}: {text}"
        for key, text in (("offence", values["offence"]), ("depot", values["depot"]))
        if text
    ] + [f"{column}: {text}" for column, text in (*remarks, *foreign)]
    labelled += [f"{ctx.column('full_name')}: ({text})" for text in relations]
    values["notes"] = "\n".join(note for note in (values["notes"], *labelled) if note)
    place = values["birth_place"]
    if place and (place.isupper() or place.islower()):  # "SAMPANG" as lists type it
        values["birth_place"] = place.title()

    if row.extra:
        message = _(
            "Baris %(row)d berisi isian di sebelah kanan kolom terakhir yang berjudul "
            "(%(values)s); isian itu tidak dibaca. Jika file ini CSV, mungkin ada koma atau titik "
            "koma di dalam isian yang tidak diberi tanda kutip sehingga isian lain ikut bergeser "
            "kolom; periksa baris ini."
        ) % {"row": row.number, "values": _quoted_list(_shorten(v) for v in row.extra)}
        ctx.issues.append(CellIssue(row.number, "", "", "warning", message))

    order = {key: index for index, key in enumerate(FIELDS)}
    ctx.issues.sort(key=lambda issue: order.get(issue.field, len(order)))
    return ParsedRow(row.number, {key: values[key] for key in _value_order(values)}, ctx.issues)


def _value_order(values: dict[str, Any]) -> list[str]:
    ordered = [key for key in FIELDS if key in values]
    return ordered + [key for key in values if key not in ordered]


def _today() -> date:
    return timezone.localdate() if settings.USE_TZ else date.today()


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_placeholder(text: str) -> bool:
    return bool(text) and " ".join(text.casefold().split()) in _PLACEHOLDERS


def _clean_text(text: str, *, multiline: bool = False) -> str:
    if not text:
        return ""
    if is_placeholder(text):
        return ""
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def _letters_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", plain_letters(text.casefold()))


# --- names -----------------------------------------------------------------------------------


def _normalize_name(text: str) -> str:
    """Collapse spaces; title-case a name typed all in capitals or all in small letters."""
    name = " ".join(text.split())
    if name.upper() == name.lower() or looks_like_formula(name):
        return name  # no letters with case (digits, Arabic script…), or kept as typed
    if name in (name.upper(), name.lower()):
        name = " ".join(_title_word(word) for word in name.split(" "))
    return name


def _title_word(word: str) -> str:
    if word.casefold() in _NAME_PARTICLES:
        return word.lower()
    return "-".join(_capitalize(part) for part in word.split("-"))


def _capitalize(part: str) -> str:
    for index, char in enumerate(part):
        if char.isalpha():
            return part[:index] + char.upper() + part[index + 1 :].lower()
    return part


# A form of address before a name ("NY. SITI AMINAH", "Tn Ahmad", "Encik Rosli"): not part of
# the name, which the next list writes without it; it says the sex. Short forms that could
# begin a name are taken only with their dot. "By." (bayi, a baby named after its mother,
# "By. Ny. Siti") is not among them: without it the row would name the mother.
_TITLES = {
    **dict.fromkeys(("ny", "nyonya", "nn", "nona", "sdri", "saudari", "ibu", "puan"), "F"),
    **dict.fromkeys(("tn", "tuan", "sdr", "saudara", "bpk", "bapak", "encik"), "M"),
}
_DOTTED_TITLES = {"ib": "F", "pn": "F", "bp": "M", "en": "M"}
_TITLE = re.compile(
    r"(?P<title>[a-z]+)(?:(?P<dot>\.)\s*|\s+)(?P<rest>\S.*)", re.IGNORECASE | re.DOTALL
)


def _without_title(name: str) -> tuple[str, str | None]:
    """The name without a form of address before it, and the sex that form says."""
    found = _TITLE.fullmatch(name.strip())
    if not found or not any(ch.isalpha() for ch in found["rest"]):
        return name, None
    title = found["title"].casefold()
    sex = _TITLES.get(title) or (_DOTTED_TITLES.get(title) if found["dot"] else None)
    return (found["rest"], sex) if sex else (name, None)


def _parse_full_name(text: str, ctx: _RowContext) -> str:
    if is_placeholder(text) or not text:
        ctx.error("full_name", _("nama wajib diisi."))
        return ""
    name = _normalize_name(text)
    if len(name) > MAX_NAME_LENGTH:
        ctx.error(
            "full_name",
            _(
                "nama terlalu panjang (%(length)d huruf, paling banyak %(limit)d). Periksa apakah "
                "isian kolom lain ikut tertempel di sini."
            )
            % {"length": len(name), "limit": MAX_NAME_LENGTH},
        )
    elif sum(ch.isdigit() for ch in name) >= 5:
        ctx.warning(
            "full_name",
            _(
                "nama “%(value)s” berisi angka. Periksa apakah isian kolom lain (misalnya NIK) "
                "tertulis di kolom nama."
            )
            % {"value": _shorten(name)},
        )
    return name


# The word that joins a father's name, as a father's column may write it before the name
# ("BIN AHMAD", "BT. AHMAD"), and the sex it says.
_FATHER_WORDS = {"bin": "M", "b": "M", "binti": "F", "binte": "F", "bte": "F", "bt": "F"}
_FATHER_WORD = re.compile(
    r"(?P<word>bin\s*/\s*binti|bin\s*/\s*bt|binti|binte|bin|bte|bt|b)(?:\.\s*|\s+)(?P<father>\S.*)",
    re.IGNORECASE,
)
_FATHER_WORD_ALONE = frozenset({*_FATHER_WORDS, "binbinti", "binbt"})
# A father's name already in the name: "Siti Aminah binti Ahmad", "Andi B. Baso".
_FATHER_IN_NAME = re.compile(
    r"\s(?:bin|binti|binte|bte|bt|b|a/l|a/p)(?:\.\s*|\s+)(?P<father>\S.*)$", re.IGNORECASE
)
# "(Alm)", "Almarhum": the father has died; no part of his name.
_DECEASED = re.compile(
    r"^\(?(?:alm|almh|almarhum|almarhumah)\b\.?\)?\s*|\s*\(?\b(?:alm|almh|almarhum|almarhumah)\b\.?\)?$",
    re.IGNORECASE,
)


def _with_father(name: str, text: str, sex: str | None, ctx: _RowContext) -> tuple[str, str]:
    """The father's name from a column of its own, and the name with it: "Siti Aminah"
    and "AHMAD" give "Siti Aminah binti Ahmad", bin for a man and binti for a woman. A
    name that has a father's name already keeps it, as written. Without a sex, the word
    the cell writes is used ("BIN/BINTI AHMAD"); with none, the name waits for the sex to
    be corrected."""
    father = _DECEASED.sub("", " ".join(text.split())) if text else ""
    said = ""
    if match := _FATHER_WORD.fullmatch(father):
        said, father = match["word"], match["father"]
    father = father.strip(" ,;-")
    if not father or is_placeholder(father) or _letters_key(father) in _FATHER_WORD_ALONE:
        return "", name  # nothing, or only the word ("BIN")
    father = _normalize_name(father)
    if not name.strip() or is_placeholder(name):
        return father, name
    if written := _FATHER_IN_NAME.search(name):
        if _letters_key(written["father"]) != _letters_key(father):
            ctx.warning(
                "father_name",
                _(
                    "nama ayah “%(father)s” tidak sama dengan yang tertulis di nama "
                    "(“%(name)s”); nama dicatat seperti tertulis di kolom nama. Periksa "
                    "keduanya."
                )
                % {"father": _shorten(father), "name": _shorten(_normalize_name(name))},
            )
        return father, name
    word = {"M": "bin", "F": "binti"}.get(sex or "")
    said_sex = _FATHER_WORDS.get(_letters_key(said))
    if word is None:
        if not said:
            return father, name
        word = re.sub(r"\s+", "", said.lower())
    elif said_sex is not None and said_sex != sex:
        ctx.warning(
            "father_name",
            _(
                "tertulis “%(said)s”, padahal jenis kelaminnya %(sex)s; dicatat “%(word)s”. "
                "Periksa kedua kolom itu."
            )
            % {
                "said": said,
                "sex": _("laki-laki") if sex == "M" else _("perempuan"),
                "word": word,
            },
        )
    return father, f"{_normalize_name(name)} {word} {father}"


_ALIAS_MARK = re.compile(r"\s+(?:als\.?|alias|a\.k\.a\.?|aka|@)\s+", re.IGNORECASE)
_ALIAS_BRACKETS = re.compile(r"\s*\(([^()]*[A-Za-z]{2}[^()]*)\)\s*$")


# What marks a child or a relative listed under someone: "- ANDI", "• Sari", "a) Nur".
_LIST_MARK = re.compile(r"^(?:[-–—•·*>]+|[a-z]\))\s*")
_RELATION_WORDS = frozenset(
    {"anak", "bayi", "istri", "isteri", "suami", "ibu", "ayah", "bapak", "adik", "kakak"}
    | {"anakkandung", "anaktiri", "cucu", "keponakan", "child", "baby", "wife", "husband"}
)


def _aliases_in_name(text: str) -> tuple[str, list[str]]:
    """ "Andi Saputra als. Andik" and "Dewi Anjani (Dewi)": the name, and the other names
    written with it. A mark that lists a child under a parent ("- ANDI") is no part of it."""
    name, *others = _ALIAS_MARK.split(_LIST_MARK.sub("", text.strip()))
    match = _ALIAS_BRACKETS.search(name)
    if match:
        others.insert(0, match[1])
        name = name[: match.start()]
    others = [" ".join(other.split()) for other in others if other.strip()]
    # "SITI @ CICI BINTI HASAN": the father's name written once, after the last alias, is
    # hers under both names.
    father = _FATHER_IN_NAME.search(f" {others[-1]}") if others else None
    if father and name.strip() and not _FATHER_IN_NAME.search(f" {name.strip()}"):
        name = f"{name.strip()} {father[0].strip()}"
    return name, others


def _split_list(text: str, separators: str) -> list[str]:
    if is_placeholder(text):
        return []
    result: list[str] = []
    seen: set[str] = set()
    for part in re.split(separators, text):
        item = " ".join(part.split())
        if item and not is_placeholder(item) and item.casefold() not in seen:
            seen.add(item.casefold())
            result.append(item)
    return result


def _parse_aliases(text: str, full_name: str) -> list[str]:
    names = [_normalize_name(item) for item in _split_list(text, r"[;/\n]")]
    return [name for name in names if name.casefold() != full_name.casefold()]


# --- sex -------------------------------------------------------------------------------------


def _parse_sex(text: str, ctx: _RowContext) -> str | None:
    key = _letters_key(text)
    if key in _MALE:
        return "M"
    if key in _FEMALE:
        return "F"
    words = {_letters_key(word) for word in re.split(r"[\s/,;&+]+", text)} - {"", "dan", "and"}
    if not key:
        ctx.error(
            "sex",
            _("jenis kelamin wajib diisi: tulis L untuk laki-laki atau P untuk perempuan."),
        )
    elif words & _MALE and words & _FEMALE and words <= _MALE | _FEMALE:
        ctx.error(  # "L/P": both tick columns marked, or both letters written
            "sex",
            _(
                "laki-laki dan perempuan sama-sama ditandai (“%(value)s”). Pilih satu: L untuk "
                "laki-laki atau P untuk perempuan."
            )
            % {"value": _shorten(text)},
        )
    else:
        ctx.error(
            "sex",
            _(
                "“%(value)s” tidak dikenali sebagai jenis kelamin. Tulis L untuk laki-laki atau P "
                "untuk perempuan."
            )
            % {"value": _shorten(text)},
        )
    return None


# --- birth date ------------------------------------------------------------------------------


def _excel_serial_date(serial: int) -> date | None:
    """Excel's 1900 date system, which counts the 29 February 1900 that never was (serial 60)."""
    if serial == 60:
        return None
    if serial < 60:
        return date(1899, 12, 31) + timedelta(days=serial)
    return date(1899, 12, 30) + timedelta(days=serial)


_TTL = re.compile(r"^(?P<place>[^\d]*?)[\s,/;:-]*(?P<date>\d.*)?$")


def _from_combined_birth_column(raw: dict[str, str], ctx: _RowContext) -> None:
    """ "Sampang, 12-05-1990" in a TTL column becomes a birth place and a birth date, read as
    if they had their own columns; a problem with the date names the TTL column."""
    combined = raw.get("birth_place_date", "")
    if not combined or is_placeholder(combined):
        return
    left, comma, right = combined.strip().rpartition(",")
    if comma and any(ch.isdigit() for ch in right):  # "Indramayu, Mei 1995"
        place, when = left.strip(" ,/;:-"), right.strip()
    else:  # "Sampang 12-05-1990"
        match = _TTL.match(combined.strip())
        place = (match.group("place") if match else combined).strip(" ,/;:-")
        when = (match.group("date") or "") if match else ""
    if place and not raw["birth_place"]:
        raw["birth_place"] = place
    if when and not raw["birth_date"]:
        raw["birth_date"] = when.strip()
        ctx.columns = {**ctx.columns, "birth_date": ctx.column("birth_place_date")}


_MONTHS_UNIT = r"(?:bln|bulan|bl|months?|mths?)\.?"
# Years, and the months a child's age may add to them: "5 th 3 bln", "35 tahun 2 bulan".
_AGE_UNIT = rf"(?:th|thn|tahun|tahunan|years?|yrs?|y)\.?(?:\s*,?\s*\d{{1,2}}\s*{_MONTHS_UNIT})?"
_AGE_WORD = r"(?:umur|usia|u\.|age)\s*:?\s*"
# An age as lists write it: "34", "34 thn", "35-TH", "(35)", "Umur 34", "± 34 tahun".
_AGE = re.compile(
    rf"^\(?(?:{_AGE_WORD})?(?:±\s*)?(\d{{1,3}})(?:\s*-?\s*{_AGE_UNIT})?\)?$", re.IGNORECASE
)
# A baby's age in months: "8 bln", "6 BULAN", "Umur 3 bulan".
_AGE_MONTHS = re.compile(
    rf"^(?:{_AGE_WORD})?(?:±\s*)?([1-9]|1\d|2[0-3])\s*{_MONTHS_UNIT}$", re.IGNORECASE
)
# In a birth-date column an age needs its word or its unit: a bare "34" may be a slip.
_AGE_IN_DATE = re.compile(
    rf"^(?:{_AGE_WORD}(?:±\s*)?(\d{{1,3}})(?:\s*{_AGE_UNIT})?|(?:±\s*)?(\d{{1,3}})\s*{_AGE_UNIT})$",
    re.IGNORECASE,
)


def birth_date_read(text: str, today: date) -> tuple[date | None, bool]:
    """A birth date as a manifest's cell is read (dd/mm/yyyy and its variants, month names in
    Indonesian, English and Malay, "12hb", Excel's numbers, a year alone, "± 1990"), for
    readers of other files: (date, year only), (None, False) for an empty cell. ValueError
    where a manifest row would have an error."""
    ctx = _RowContext(ManifestRow(0, {}), {})
    found = _parse_birth_date(text, ctx, today)
    if any(issue.level == "error" for issue in ctx.issues):
        raise ValueError(text)
    return found


def age_read(text: str, today: date) -> tuple[int, int] | None:
    """An age as lists write it ("34", "34 thn", "Umur 34", "± 34 tahun", a baby's "8 bln")
    as (whole years, the estimated birth year); None when it is no age someone has."""
    if months := _AGE_MONTHS.match(text.strip()):
        return 0, (today - timedelta(days=round(int(months[1]) * 30.44))).year
    match = _AGE.match(text.strip())
    if not match or not 0 < int(match.group(1)) <= MAX_AGE_YEARS:
        return None
    return int(match.group(1)), today.year - int(match.group(1))


def _from_age(raw: dict[str, str], values: dict[str, Any], ctx: _RowContext, today: date) -> None:
    """An age instead of a birth date (common on consulate lists): an estimated birth year."""
    text = raw.get("age", "").strip()
    values["age"] = None
    if not text or is_placeholder(text):
        return
    reading = age_read(text, today)
    if reading is None:
        ctx.warning("age", _("umur “%(value)s” tidak dapat dibaca.") % {"value": _shorten(text)})
        return
    age, year = reading
    values["age"] = age
    birth: date | None = values.get("birth_date")
    if age == 0:  # a baby: "8 bln", "6 BULAN"
        if birth is None:
            values["birth_date"], values["birth_year_only"] = date(year, 1, 1), True
            ctx.warning(
                "age",
                _("tahun lahir diperkirakan dari umur “%(value)s” (sekitar %(year)d).")
                % {"value": _shorten(text), "year": year},
            )
        return
    if birth is None:
        values["birth_date"] = date(year, 1, 1)
        values["birth_year_only"] = True
        ctx.warning(
            "age",
            _("tahun lahir diperkirakan dari umur %(age)d (sekitar %(year)d).")
            % {"age": age, "year": year},
        )
    elif abs((today.year - birth.year) - age) > 1:
        ctx.warning(
            "age",
            _("umur %(age)d tidak cocok dengan tanggal lahir; periksa keduanya.") % {"age": age},
        )


def _parse_birth_date(text: str, ctx: _RowContext, today: date) -> tuple[date | None, bool]:
    if not text or is_placeholder(text):
        return None, False
    value = _TIME_SUFFIX.sub("", text.strip())
    value = unicodedata.normalize("NFKC", value).strip()
    value = _AGE_BESIDE.sub("", _WEEKDAY.sub("", value))
    value = _STOP_AFTER_YEAR.sub(r"\1", _DAY_MARK.sub(r"\1", value))
    age_too = _names_an_age(ctx.column("birth_date"))  # "Tgl Lahir / Umur"
    if age_too:
        value = _BARE_AGE_BESIDE.sub("", value)
    if age_match := _AGE_IN_DATE.fullmatch(value):  # "34 tahun", "Umur 34": an age, not a date
        return _from_age_in_date(int(age_match[1] or age_match[2]), text, ctx, today)
    about = _ABOUT.match(value)
    if about:  # "± 1990": a year, known roughly
        value = value[about.end() :].strip()

    def unreadable() -> tuple[None, bool]:
        ctx.error(
            "birth_date",
            _(
                "“%(value)s” tidak bisa dibaca sebagai tanggal. Tulis hari/bulan/tahun seperti "
                "25/03/1990, atau tahunnya saja jika tanggalnya tidak diketahui."
            )
            % {"value": _shorten(text)},
        )
        return None, False

    def two_digit_year(short: str, month: int, day: int) -> tuple[date | None, bool]:
        # "17/8/85": of 1985 and 2085 only one is a birth date someone alive has.
        years = [
            year
            for year in (1900 + int(short), 2000 + int(short))
            if year <= today.year and today.year - year <= MAX_AGE_YEARS
        ]
        if len(years) != 1:
            ctx.error(
                "birth_date",
                _(
                    "tahun pada “%(value)s” hanya dua angka, jadi tidak jelas abad berapa. Tulis "
                    "tahun lengkap empat angka, misalnya 25/03/1990."
                )
                % {"value": _shorten(text)},
            )
            return None, False
        result = _from_parts(years[0], month=month, day=day, text=text, ctx=ctx, today=today)
        if result[0] is not None:
            ctx.warning(
                "birth_date",
                _("tahun “%(short)s” pada “%(value)s” dibaca %(year)d; periksa.")
                % {"short": short, "value": _shorten(text), "year": years[0]},
            )
        return result

    if _NUMBER.fullmatch(value):
        if "." not in value and len(value) == 4 and int(value) < 3000:
            # A year alone; Excel serials 1000–2999 are dates in 1902–1908, never a birth date.
            year = int(value)
            return _check_birth_date(date(year, 1, 1), text, ctx, today, year_only=True)
        if "." not in value and len(value) == 8:
            return _from_eight_digits(value, text, ctx, today) or unreadable()
        number = Decimal(value)
        if "." not in value and 1 <= number <= MAX_AGE_YEARS + 20 and age_too:
            return _from_age_in_date(int(number), text, ctx, today)
        if "." not in value and 1 <= number <= MAX_AGE_YEARS + 20:
            ctx.error(
                "birth_date",
                _(
                    "“%(value)s” tampaknya umur, bukan tanggal lahir. Tulis tanggal lahirnya, atau "
                    "tahun lahirnya saja."
                )
                % {"value": text},
            )
            return None, False
        if 1 <= number <= 60000:
            serial_date = _excel_serial_date(int(number))
            if serial_date is None:
                return _impossible_date(text, ctx)
            return _check_birth_date(serial_date, text, ctx, today)
        return unreadable()

    if match := _DATE_YMD.fullmatch(value):
        year, first, second = int(match[1]), int(match[3]), int(match[4])
        return _from_parts(year, month=first, day=second, text=text, ctx=ctx, today=today)
    if match := _DATE_DMY.fullmatch(value):
        year_text = match[4]
        if len(year_text) == 2:
            return two_digit_year(year_text, month=int(match[3]), day=int(match[1]))
        if len(year_text) != 4:
            return unreadable()
        return _from_parts(
            int(year_text), month=int(match[3]), day=int(match[1]), text=text, ctx=ctx, today=today
        )
    if match := _DATE_NAMED.fullmatch(value):
        month = _MONTHS.get(match[2].casefold())
        if month is None:
            return unreadable()
        if len(match[3]) == 2:
            return two_digit_year(match[3], month=month, day=int(match[1]))
        if len(match[3]) != 4:
            return unreadable()
        try:
            parsed = date(int(match[3]), month, int(match[1]))
        except ValueError:
            return _impossible_date(text, ctx)
        return _check_birth_date(parsed, text, ctx, today)
    if (match := _DATE_MONTH_FIRST.fullmatch(value)) and match[1].casefold() in _MONTHS:
        try:
            parsed = date(int(match[3]), _MONTHS[match[1].casefold()], int(match[2]))
        except ValueError:
            return _impossible_date(text, ctx)
        return _check_birth_date(parsed, text, ctx, today)
    if (match := _MONTH_YEAR.fullmatch(value)) and match[1].casefold() in _MONTHS:
        # "Mei 1995": no day; kept as the year alone, which is what the registry can hold.
        year = int(match[2])
        result = _check_birth_date(date(year, 1, 1), text, ctx, today, year_only=True)
        if result[0] is not None:
            ctx.warning(
                "birth_date",
                _("“%(value)s” tidak menyebut hari; disimpan tahunnya saja (%(year)s).")
                % {"value": _shorten(text), "year": year},
            )
        return result
    return unreadable()


@functools.cache
def _names_an_age(header: str) -> bool:
    """Whether a birth-date column's header names the age too ("Tgl Lahir / Umur")."""
    return "/" in header and any(header_field(part) == "age" for part in header.split("/"))


def _from_age_in_date(
    age: int, text: str, ctx: _RowContext, today: date
) -> tuple[date | None, bool]:
    """An age written where the birth date goes: an estimated birth year, as from an age
    column (`_from_age`)."""
    if not 0 < age <= MAX_AGE_YEARS:
        ctx.error(
            "birth_date",
            _("umur “%(value)s” tidak mungkin. Tulis tanggal lahirnya, atau tahunnya saja.")
            % {"value": _shorten(text)},
        )
        return None, False
    ctx.warning(
        "birth_date",
        _("“%(value)s” adalah umur; tahun lahir diperkirakan %(year)d.")
        % {"value": _shorten(text), "year": today.year - age},
    )
    return date(today.year - age, 1, 1), True


def _from_eight_digits(
    value: str, text: str, ctx: _RowContext, today: date
) -> tuple[date | None, bool] | None:
    """25031990 (ddmmyyyy) or 19900325 (yyyymmdd), typed without separators."""
    if 1900 <= int(value[:4]) <= today.year:
        try:
            return _check_birth_date(
                date(int(value[:4]), int(value[4:6]), int(value[6:])), text, ctx, today
            )
        except ValueError:
            pass
    try:
        parsed = date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None
    return _check_birth_date(parsed, text, ctx, today)


def _from_parts(
    year: int, *, month: int, day: int, text: str, ctx: _RowContext, today: date
) -> tuple[date | None, bool]:
    swapped = False
    if month > 12:
        if day > 12:
            return _impossible_date(text, ctx)
        day, month, swapped = month, day, True
    try:
        parsed = date(year, month, day)
    except ValueError:
        return _impossible_date(text, ctx)
    result = _check_birth_date(parsed, text, ctx, today)
    if swapped and result[0] is not None:
        ctx.warning(
            "birth_date",
            _(
                "“%(value)s” dibaca sebagai %(date)s, karena bulan tampaknya ditulis sebelum hari. "
                "Periksa apakah benar."
            )
            % {"value": text, "date": date_format(parsed, "j F Y")},
        )
    return result


def _impossible_date(text: str, ctx: _RowContext) -> tuple[None, bool]:
    ctx.error(
        "birth_date",
        _(
            "tanggal “%(value)s” tidak ada di kalender. Periksa hari dan bulannya (hari/bulan/"
            "tahun)."
        )
        % {"value": _shorten(text)},
    )
    return None, False


def _check_birth_date(
    value: date, text: str, ctx: _RowContext, today: date, *, year_only: bool = False
) -> tuple[date | None, bool]:
    if value > today:
        ctx.error(
            "birth_date",
            _("tanggal lahir “%(value)s” ada di masa depan. Periksa tahunnya.")
            % {"value": _shorten(text)},
        )
        return None, False
    if year_only:
        age = today.year - value.year
    else:
        age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age > MAX_AGE_YEARS:
        ctx.error(
            "birth_date",
            _(
                "tanggal lahir “%(value)s” berarti umurnya lebih dari %(limit)d tahun. Periksa "
                "tahunnya."
            )
            % {"value": _shorten(text), "limit": MAX_AGE_YEARS},
        )
        return None, False
    return value, year_only


# --- NIK and family card ---------------------------------------------------------------------


def _parse_id_number(text: str, key: str, ctx: _RowContext, *, numeric: bool) -> str | None:
    if not text or is_placeholder(text):
        return None
    label = _("NIK") if key == "nik" else _("Nomor KK")
    value = unicodedata.normalize("NFKC", text).strip().lstrip(_LEADING_APOSTROPHES).strip()
    if _SCIENTIFIC.fullmatch(value.replace(" ", "")):
        ctx.error(
            key,
            _(
                "Excel telah memotong nomor ini menjadi “%(value)s” karena kolomnya berformat "
                "angka, sehingga angka aslinya hilang. Format kolom ini sebagai Teks (klik kanan "
                "kolom → Format Cells → Text), lalu ketik ulang %(label)s dari dokumennya. "
                "Bila dokumennya tidak ada, kosongkan isian ini: orangnya tetap bisa disimpan."
            )
            % {"value": text, "label": label},
        )
        return None
    digits = _NUMBER_SEPARATORS.sub("", value)
    if not (digits.isascii() and digits.isdigit()):
        ctx.error(
            key,
            _("%(label)s hanya boleh berisi angka, tetapi tertulis “%(value)s”.")
            % {"label": label, "value": _shorten(text)},
        )
        return None
    if len(digits) != 16:
        ctx.error(
            key,
            _("%(label)s harus 16 angka, tetapi “%(value)s” berisi %(count)d angka.")
            % {"label": label, "value": _shorten(text), "count": len(digits)},
        )
        return None
    if numeric and digits.endswith("0000"):  # no serial is 0000: Excel rounded it away
        ctx.error(
            key,
            _(
                "%(label)s “%(value)s” disimpan sebagai angka di Excel dan empat angka "
                "terakhirnya menjadi 0000, jadi angka aslinya hilang. Format kolom ini sebagai "
                "Teks, lalu ketik ulang %(label)s dari dokumennya. Bila dokumennya tidak ada, "
                "kosongkan isian ini: orangnya tetap bisa disimpan."
            )
            % {"label": label, "value": digits},
        )
        return None
    if numeric and digits.endswith("0"):
        ctx.warning(
            key,
            _(
                "%(label)s ini disimpan sebagai angka di Excel. Excel hanya menyimpan 15 angka "
                "pertama, jadi angka terakhirnya mungkin berubah menjadi 0. Cocokkan dengan "
                "dokumennya, dan format kolom ini sebagai Teks."
            )
            % {"label": label},
        )
    return digits


# --- travel document -------------------------------------------------------------------------


# "SPLP No. JHR0123456", "Paspor: C1234567": the kind written before the number, apart from
# it ("SPLP/KL/0042" is a number of its own).
_KIND_BEFORE_NUMBER = re.compile(
    r"(?P<kind>SPLP|PASPOR|PASPORT|PASSPORT)[\s.:]+(?:(?:NO|NOMOR|NOMBOR|NUMBER)\b[\s.:]*)?"
    r"(?P<number>\S.*)"
)


def _parse_document_number(text: str) -> tuple[str, str | None, str]:
    """The number, the kind written before it, if any ("SPLP No. JHR0123456"), and what
    the cell says instead of a number ("Paspor ditahan majikan", "HILANG"), as written.
    A cell saying there is no document ("Tanpa dokumen") gives the kind "none"."""
    if not text.strip() or is_placeholder(text):
        return "", None, ""
    written = " ".join(unicodedata.normalize("NFKC", text).split())
    upper = written.upper()
    if not re.search(r"\d", upper):  # no document number has no digit
        if _letters_key(text) in _KIND_NONE:
            return "", "none", ""
        said = _KIND_BEFORE_NUMBER.fullmatch(upper)
        if said is not None and is_placeholder(said["number"]):  # "Paspor: -"
            return "", None, ""
        return "", None, written
    said = _KIND_BEFORE_NUMBER.fullmatch(upper)
    kind = _kind_of_key(_letters_key(said["kind"])) if said is not None else None
    if said is not None and kind is not None:
        return re.sub(r"\s+", "", said["number"]), kind, ""
    return re.sub(r"\s+", "", upper), None, ""


def _kind_of_key(key: str) -> str | None:
    if key in _KIND_PASSPORT:
        return "passport"
    return "splp" if key in _KIND_SPLP else None


def _parse_document_kind(text: str, number: str, ctx: _RowContext) -> str | None:
    if "document_kind" not in ctx.columns:  # the list says only the number: read it quietly
        if not number:
            return None
        return "passport" if _PASSPORT_NUMBER.fullmatch(number) else "splp"
    key = _letters_key(text)
    named = _kind_of_key(key)
    if named is not None:
        return named
    if key in _KIND_NONE or is_placeholder(text):
        if not number:
            return "none" if text.strip() else None  # an empty cell says nothing
        kind = "passport" if _PASSPORT_NUMBER.fullmatch(number) else "splp"
        ctx.warning(
            "document_kind",
            _(
                "jenis dokumen tidak diisi, tetapi ada nomor dokumen “%(number)s”; dari nomornya "
                "dianggap %(kind)s. Periksa apakah benar."
            )
            % {"number": number, "kind": _("paspor") if kind == "passport" else _("SPLP")},
        )
        return kind
    ctx.error(
        "document_kind",
        _("“%(value)s” bukan jenis dokumen yang dikenal. Tulis Paspor, SPLP, atau Tidak ada.")
        % {"value": _shorten(text)},
    )
    return None


# --- region code -----------------------------------------------------------------------------


def _parse_region_code(text: str, ctx: _RowContext, *, numeric: bool) -> str | None:
    if not text or is_placeholder(text):
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    if numeric and re.fullmatch(r"\d{2}\.\d", value):
        # Stored as a number, 31.70 became 31.7.
        value += "0"
    if code := region_code(value):
        return code
    ctx.error(
        "region_code",
        _(
            "“%(value)s” bukan kode wilayah yang benar. Tulis kode Kemendagri seperti "
            "31.71.01.1001 (atau 31.71 untuk kabupaten/kota saja), atau kosongkan."
        )
        % {"value": _shorten(text)},
    )
    return None


# --- phones ----------------------------------------------------------------------------------

_OTHER_REGION = {"ID": "MY", "MY": "ID"}
_COUNTRY_NAMES = {"ID": "Indonesia", "MY": "Malaysia"}


def _phone_region_and_text(text: str, default_region: str) -> tuple[str, str]:
    """Which country's rules to read a number by: +60/601… is Malaysian, +62/62/08 Indonesian."""
    stripped = text.strip()
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("00") and digits.startswith(("0060", "0062")):
        return default_region, "+" + digits[2:]
    if stripped.startswith("+"):
        return default_region, stripped
    if digits.startswith("601"):
        return "MY", "+" + digits
    if digits.startswith("62"):
        return "ID", "+" + digits
    if digits.startswith("08"):
        return "ID", digits
    return default_region, stripped


def _valid_number(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# A relative named beside a number: "0812 3456 7890 (istri)", "HP suami: …".
_KIN_MARK = re.compile(
    r"\b(?P<who>istri|isteri|suami|ibu|bapak|ayah|orang\s*tua|ortu|keluarga|kakak|adik|anak|"
    r"saudara|wali|wife|husband|mother|father|family)\b",
    re.IGNORECASE,
)


_PHONE_FIELDS = (("phone_id", "ID"), ("phone_my", "MY"), ("kin_phone", "ID"))
_OWN_PHONE_BY_CODE = {"+62": "phone_id", "+60": "phone_my"}


def _parse_phones(raw: dict[str, str], values: dict[str, Any], ctx: _RowContext) -> str:
    """The person's and the kin's phones; returns the relation a number was marked with.

    A number marked as a relative's ("0812… (istri)") is the kin's, never the person's own.
    Each own number goes with its country (one "No HP" column holds Malaysian numbers too).
    A cell with two numbers ("+6012… / 0812…") keeps the first in its column, and puts a
    second of the other country in that country's field when it is empty; a number with
    nowhere to go is named as not recorded."""
    found = {key: _parse_phone(raw[key], key, region, ctx) for key, region in _PHONE_FIELDS}
    for key, numbers in found.items():
        values[key] = numbers[0][0] if numbers else None
    kin_relation = ""
    for key in ("phone_id", "phone_my"):  # "0812… (istri)": the wife's number, in her column
        marked = _KIN_MARK.search(raw[key])
        on_behalf = re.search(r"\ba\s*/\s*n\b|\batas\s+nama\b", raw[key], re.IGNORECASE)
        if (
            marked
            and len(found[key]) == 1
            and not on_behalf
            and values[key]
            and not values["kin_phone"]
        ):
            values["kin_phone"], values[key] = values[key], None
            kin_relation = marked["who"].lower()
            ctx.warning(
                key,
                _("nomor ini bertanda “%(mark)s”, jadi dicatat sebagai nomor keluarga.")
                % {"mark": marked["who"]},
            )
    if (values["phone_id"] or "").startswith("+60") and not values["phone_my"]:
        values["phone_my"], values["phone_id"] = values["phone_id"], None
    elif (values["phone_my"] or "").startswith("+62") and not values["phone_id"]:
        values["phone_id"], values["phone_my"] = values["phone_my"], None
    for key, numbers in found.items():
        for number, part in numbers[1:]:
            marked = _KIN_MARK.search(part)
            home = None if key == "kin_phone" else _OWN_PHONE_BY_CODE.get(number[:3])
            if marked and not values["kin_phone"]:
                values["kin_phone"] = number
                kin_relation = kin_relation or marked["who"].lower()
                ctx.warning(
                    key,
                    _("nomor %(number)s bertanda “%(mark)s”, jadi dicatat sebagai nomor keluarga.")
                    % {"number": number, "mark": marked["who"]},
                )
            elif home and not marked and not values[home]:
                values[home] = number
                ctx.warning(
                    key,
                    _("nomor kedua %(number)s dicatat sebagai %(field)s.")
                    % {"number": number, "field": _own_phone_names()[home]},
                )
            else:
                ctx.warning(
                    key,
                    _(
                        "ada lebih dari satu nomor; %(number)s tidak dicatat. Tulis di kolom "
                        "Catatan bila perlu."
                    )
                    % {"number": number},
                )
    return kin_relation


def _own_phone_names() -> dict[str, str]:
    return {"phone_id": _("nomor HP Indonesia"), "phone_my": _("nomor HP Malaysia")}


def _parse_phone(
    text: str, key: str, default_region: str, ctx: _RowContext
) -> list[tuple[str, str]]:
    """Every number the cell holds (one, or several written apart), in E.164, each with the
    part of the cell it was read from."""
    if not text or is_placeholder(text):
        return []
    value = unicodedata.normalize("NFKC", text).strip().lstrip(_LEADING_APOSTROPHES).strip()
    if _SCIENTIFIC.fullmatch(value.replace(" ", "")):
        ctx.warning(
            key,
            _(
                "Excel telah memotong nomor ini menjadi “%(value)s”, jadi nomornya tidak "
                "dicatat. Format kolom ini sebagai Teks, lalu ketik ulang nomornya."
            )
            % {"value": text},
        )
        return []
    parts = [part for part in _PHONE_SPLIT.split(value) if part]
    several = len(parts) > 1 and all(len(re.sub(r"\D", "", part)) >= 8 for part in parts)
    read = [
        (_one_phone(part, key, default_region, ctx), part)
        for part in (parts if several else [value])
    ]
    return [(number, part) for number, part in read if number]


def _one_phone(candidate: str, key: str, default_region: str, ctx: _RowContext) -> str | None:
    region, prepared = _phone_region_and_text(candidate, default_region)
    number = _valid_number(prepared, region)
    if number is None and not prepared.startswith("+"):
        other = _OTHER_REGION[region]
        number = _valid_number(prepared, other)
        if number is not None:
            ctx.warning(
                key,
                _("“%(value)s” tampaknya nomor %(country)s; dicatat sebagai %(number)s.")
                % {
                    "value": _shorten(candidate),
                    "country": _COUNTRY_NAMES[other],
                    "number": _e164(number),
                },
            )
    if number is None:
        ctx.warning(
            key,
            _(
                "“%(value)s” tidak dikenali sebagai nomor telepon, jadi tidak dicatat. Orangnya "
                "tetap bisa didaftarkan; lengkapi nomornya nanti."
            )
            % {"value": _shorten(candidate)},
        )
        return None
    return _e164(number)


# --- yes/no flags ----------------------------------------------------------------------------


def _parse_flag(text: str, key: str, ctx: _RowContext) -> tuple[bool, str]:
    word = "".join(text.casefold().split())
    if word in _TRUE_WORDS:
        return True, ""
    if word in _FALSE_WORDS or is_placeholder(text):
        return False, ""
    note = _clean_text(text, multiline=True)
    if key in ("illness", "disability") or (key == "pregnant" and _PREGNANCY_TEXT.search(text)):
        # "asma", "kaki kiri diamputasi", "5 bulan": the text says yes and says more.
        return True, note
    ctx.warning(
        key,
        _(
            "“%(value)s” tidak dimengerti; tulis Ya atau Tidak. Untuk sementara dicatat Tidak, "
            "jadi periksa orangnya."
        )
        % {"value": _shorten(text)},
    )
    return False, ""


# Words in a remarks column that say what a flag column would: "HAMIL 5 BULAN", "SAKIT TBC",
# "TUNA RUNGU". Lists from depots and consulates rarely have the flag columns, and a pregnancy
# left unread means a trip home without a fit-to-travel check.
_NOTE_FLAGS = {
    "pregnant": re.compile(r"\b(?:hamil|mengandung|pregnan(?:t|cy)|bunting)\b", re.IGNORECASE),
    "illness": re.compile(
        r"\b(?:sakit|dirawat|opname|tbc|hiv|malaria|demam|sick|ill|illness)\b", re.IGNORECASE
    ),
    "disability": re.compile(
        r"\b(?:disabilitas|difabel|cacat|lumpuh|tuna\s*(?:netra|rungu|wicara|daksa|grahita)|"
        r"kursi\s+roda|disabled|disability|amputasi|diamputasi)\b",
        re.IGNORECASE,
    ),
}
# "tidak hamil", "bukan sakit", "not sick", and "rumah sakit" (a place, not an illness).
_NOTE_FLAG_DENIED = re.compile(
    r"\b(?:tidak|tdk|tak|bukan|belum|not|no|non|rumah)\s+(?:\w+\s+)?$", re.IGNORECASE
)
_NOTE_CLAUSES = re.compile(r"\s*(?:[,;/\n]|\.(?:\s|$))\s*")


def _flags_from_notes(raw: dict[str, str], values: dict[str, Any], ctx: _RowContext) -> None:
    """A flag whose own column is empty is set from a remark that says it, with a warning
    that names the remark, so the worker checks the person: marking someone pregnant or ill
    for nothing costs a question, missing it can cost a life. The remark is the illness's or
    disability's note; a pregnancy's stays in the case's notes only."""
    notes = raw["notes"]
    if not notes:
        return
    clauses = [clause for clause in _NOTE_CLAUSES.split(notes) if clause.strip()]
    labels = {"pregnant": _("hamil"), "illness": _("sakit"), "disability": _("disabilitas")}
    for key, pattern in _NOTE_FLAGS.items():
        if raw[key].strip() or values[key]:
            continue  # the list's own column says
        if key == "pregnant" and values["sex"] == "M":
            continue  # the remark stays in the notes for the worker to read
        said = next(
            (
                clause.strip()
                for clause in clauses
                for found in pattern.finditer(clause)
                if not _NOTE_FLAG_DENIED.search(clause[: found.start()])
            ),
            None,
        )
        if said is None:
            continue
        values[key] = True
        if key != "pregnant":  # the case keeps the remark in its notes; no second copy
            values[f"{key}_note"] = _shorten(said, 200)
        ctx.warning(
            "notes",
            _(
                "“%(value)s” dibaca sebagai %(flag)s; periksa orangnya (tanda ini dapat diubah "
                "di penilaian kebutuhan kasusnya)."
            )
            % {"value": _shorten(said), "flag": labels[key]},
        )


# What lists write for an Indonesian citizen; anything else is said on the row.
_INDONESIAN = frozenset(
    {"indonesia", "indonesian", "wni", "idn", "ina", "id", "ri", "indon", "warganegaraindonesia"}
)


def _foreign(text: str, ctx: _RowContext) -> list[tuple[str, str]]:
    """A nationality other than Indonesian, as a warning and a line for the case's notes
    (column, text); nothing for an Indonesian or an empty cell. A child born abroad may have
    none ("TIADA"): that is said too, and the worker decides."""
    if (
        not text
        or is_placeholder(text)
        or plain_letters(text).casefold().replace(" ", "") in _INDONESIAN
    ):
        return []
    ctx.warning(
        "nationality",
        _(
            "kewarganegaraan tertulis “%(value)s”, bukan Indonesia. Pastikan orang ini memang "
            "dipulangkan ke Indonesia; bila tidak, lewati barisnya."
        )
        % {"value": _shorten(text)},
    )
    return [(ctx.column("nationality"), text)]


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------

# An invented person: the NIK and KK serials 0000 are never issued, and the numbers are the
# phone-number library's examples. manifest_read skips a row with this name.
_TEMPLATE_EXAMPLE: dict[str, str] = {
    "full_name": "Siti Contoh binti Ahmad",
    "aliases": "Siti; Ciciek",
    "sex": "P",
    "birth_date": "25/03/1990",
    "birth_place": "Cilacap",
    "nik": "3301026503900000",
    "family_card": "3301021501150000",
    "document_kind": "SPLP",
    "document_number": "KUL0000001",
    "document_issuer": "KBRI Kuala Lumpur",
    "region_code": "33.01.02.2001",
    "province": "Jawa Tengah",
    "regency": "Kabupaten Cilacap",
    "district": "Kesugihan",
    "village": "Menganti",
    "address": "RT 01 RW 02",
    "phone_id": "0812-3456-7890",
    "phone_my": "+60 12-345 6789",
    "kin_name": "Ahmad Contoh",
    "kin_relation": "Ayah",
    "kin_phone": "0813-1234-5678",
    "languages": "Indonesia, Jawa, Melayu",
    "pregnant": "Tidak",
    "disability": "Tidak",
    "illness": "asma",
    "notes": "CONTOH — hapus baris ini sebelum mengunggah",
}
_TEXT_FORMAT_FIELDS = frozenset(
    {"birth_date", "nik", "family_card", "region_code", "phone_id", "phone_my", "kin_phone"}
)


def manifest_template_csv() -> bytes:
    """The template as CSV: UTF-8 with BOM (so Excel shows accents), commas, one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in TEMPLATE_COLUMNS])
    writer.writerow([_TEMPLATE_EXAMPLE[column.field] for column in TEMPLATE_COLUMNS])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def column_hint(column: ManifestColumn) -> str:
    """How to fill a column in: on the template's guide sheet and under the one-by-one form's
    fields."""
    hints = {
        "full_name": _("Sesuai dokumen. Boleh huruf besar semua."),
        "aliases": _("Nama lain, dipisah ; atau /"),
        "sex": _("L atau P"),
        "birth_date": _("hari/bulan/tahun, misalnya 25/03/1990; atau tahunnya saja"),
        "nik": _("16 angka"),
        "family_card": _("16 angka"),
        "document_kind": _("Paspor, SPLP, atau Tidak ada"),
        "region_code": _("Kode Kemendagri, misalnya 33.01.02.2001"),
        "phone_id": _("Misalnya 0812-3456-7890"),
        "phone_my": _("Misalnya +60 12-345 6789"),
        "languages": _("Dipisah koma"),
        "pregnant": _("Ya atau Tidak"),
        "disability": _("Tidak, atau tulis disabilitasnya"),
        "illness": _("Tidak, atau tulis sakitnya"),
    }
    return hints.get(column.field, "")


def manifest_template_xlsx() -> bytes:
    """The template as XLSX: bold header, text-formatted number columns, one example row, a
    "Petunjuk" sheet explaining each column."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Manifes"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = bold
        header.fill = fill
        header.alignment = Alignment(wrap_text=True, vertical="top")
        example = sheet.cell(row=2, column=index, value=_TEMPLATE_EXAMPLE[column.field])
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, min(30, len(column.header) + 4))
        if column.field in _TEXT_FORMAT_FIELDS:
            # Text, so that Excel keeps all 16 digits of a NIK, the 0 of 0812… and 03/05/1990
            # exactly as typed instead of turning them into numbers or local-format dates.
            dimension.number_format = "@"
            example.number_format = "@"
    sheet.freeze_panes = "A2"

    def suggest(field_key: str, options: str) -> None:
        index = TEMPLATE_COLUMNS.index(COLUMN_BY_FIELD[field_key]) + 1
        letter = get_column_letter(index)
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.showErrorMessage = False  # a suggestion list; other spellings are read too
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    suggest("sex", "L,P")
    suggest("document_kind", "Paspor,SPLP,Tidak ada")
    suggest("pregnant", "Ya,Tidak")

    guide = workbook.create_sheet("Petunjuk")
    guide.append([_("Kolom"), _("Wajib"), _("Keterangan")])
    for cell in guide[1]:
        cell.font = bold
    for column in TEMPLATE_COLUMNS:
        guide.append([column.header, _("Ya") if column.required else "", column_hint(column)])
    guide.append([])
    guide.append(
        [
            _(
                "Satu baris untuk setiap orang. Baris contoh (Siti Contoh) boleh dihapus; bila "
                "tertinggal, baris itu dilewati."
            )
        ]
    )
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 60
    workbook.active = 0

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
