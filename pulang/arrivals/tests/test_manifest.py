"""The manifest reader and row parser, fed the files people actually send.

Fixtures are built here: CSV by encoding strings, XLSX with openpyxl. No database.
"""

import codecs
import io
import random
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from pulang.arrivals import manifest
from pulang.arrivals.manifest import (
    MANIFEST_COLUMNS,
    TEMPLATE_COLUMNS,
    ManifestError,
    ManifestRow,
    header_key,
    manifest_parse_row,
    manifest_read,
    manifest_template_csv,
    manifest_template_xlsx,
)

TODAY = date(2026, 6, 15)
HEADERS = {column.field: column.header for column in MANIFEST_COLUMNS}
BASIC_HEADER = ["No", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "NIK"]


# --- fixture builders ------------------------------------------------------------------------


def csv_bytes(
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> bytes:
    """Rows joined the way Excel writes them (cells containing the delimiter are quoted)."""

    def cell(text: str) -> str:
        if delimiter in text or '"' in text or "\n" in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    text = newline.join(delimiter.join(cell(c) for c in row) for row in rows) + newline
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16 little-endian with a BOM
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def xlsx_bytes(*sheets: tuple[str, list[list[object]]], active: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.active = active
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(name: str = "Siti Aminah", sex: str = "P", birth: str = "25/03/1990") -> list[str]:
    return ["1", name, sex, birth, "3301026503900001"]


def parse(number: int = 2, columns: dict[str, str] | None = None, **values: str):
    """Parse one row typed under the template's headers (or the given ones)."""
    values.setdefault("full_name", "Siti Aminah")
    values.setdefault("sex", "P")
    row = ManifestRow(number=number, values=values)
    return manifest_parse_row(row, columns or HEADERS, today=TODAY)


def messages(parsed, level: str | None = None) -> list[str]:
    return [i.message for i in parsed.issues if level is None or i.level == level]


def read_error(data: bytes, filename: str = "") -> str:
    with pytest.raises(ManifestError) as caught:
        manifest_read(data, filename=filename)
    return str(caught.value)


# --- encodings -------------------------------------------------------------------------------


def test_utf8_csv_keeps_accented_names():
    data = csv_bytes([BASIC_HEADER, person("Fadlí Rahmân")])
    table = manifest_read(data, filename="daftar.csv")
    assert table.format == "csv"
    assert table.encoding == "utf-8"
    assert table.rows[0].values["full_name"] == "Fadlí Rahmân"


def test_utf8_with_bom_does_not_spoil_the_first_header():
    data = codecs.BOM_UTF8 + csv_bytes([["Nama Lengkap", "Jenis Kelamin"], ["Fadlí", "L"]])
    table = manifest_read(data)
    assert table.encoding == "utf-8-sig"
    assert table.columns == {"full_name": "Nama Lengkap", "sex": "Jenis Kelamin"}
    assert table.rows[0].values == {"full_name": "Fadlí", "sex": "L"}


def test_excel_unicode_text_is_utf16_with_tabs():
    data = csv_bytes(
        [[*BASIC_HEADER, "Catatan"], [*person("Fadlí"), "tiba 3–4 Juni"]],
        delimiter="\t",
        encoding="utf-16",
    )
    table = manifest_read(data, filename="manifes.txt")
    assert table.encoding == "utf-16-le"
    assert table.delimiter == "\t"
    assert table.rows[0].values["full_name"] == "Fadlí"
    assert table.rows[0].values["notes"] == "tiba 3–4 Juni"


def test_utf16_big_endian_with_bom():
    text = "Nama Lengkap\tJenis Kelamin\r\nFadlí\tL\r\n"
    data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    table = manifest_read(data)
    assert table.encoding == "utf-16-be"
    assert table.rows[0].values["full_name"] == "Fadlí"


def test_windows_1252_name_and_en_dash():
    data = csv_bytes(
        [[*BASIC_HEADER, "Catatan"], [*person("Fadlí"), "sakit – perlu dokter"]],
        delimiter=";",
        encoding="cp1252",
    )
    table = manifest_read(data)
    assert table.encoding == "cp1252"
    assert table.rows[0].values["full_name"] == "Fadlí"
    assert table.rows[0].values["notes"] == "sakit – perlu dokter"


# --- delimiters ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_detected(delimiter):
    rows = [
        [*BASIC_HEADER, "Bahasa", "Alamat"],
        [*person("Siti Aminah"), "Jawa, Melayu; Inggris", "Jl. Mawar 5, RT 01; RW 02"],
        [*person("Budi Santoso", "L", "1985"), "Sunda", "Dusun Krajan"],
    ]
    table = manifest_read(csv_bytes(rows, delimiter=delimiter))
    assert table.delimiter == delimiter
    first = table.rows[0].values
    assert first["languages"] == "Jawa, Melayu; Inggris"
    assert first["address"] == "Jl. Mawar 5, RT 01; RW 02"
    assert table.rows[1].values["full_name"] == "Budi Santoso"


def test_semicolon_file_with_commas_in_every_address_is_not_read_as_commas():
    rows = [["Nama Lengkap", "Jenis Kelamin", "Alamat"]]
    rows += [[f"Orang {i}", "L", f"Jl. Mawar {i}, RT 01, RW 02, Cilacap"] for i in range(5)]
    text = "\n".join(";".join(row) for row in rows)  # unquoted, as typed in a text editor
    table = manifest_read(text.encode())
    assert table.delimiter == ";"
    assert table.rows[2].values["address"] == "Jl. Mawar 2, RT 01, RW 02, Cilacap"


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row():
    data = b"sep=;\r\nNama Lengkap;Jenis Kelamin\r\nSiti, Aminah;P\r\n"
    table = manifest_read(data)
    assert table.delimiter == ";"
    assert table.rows[0].number == 2
    assert table.rows[0].values["full_name"] == "Siti, Aminah"


# --- rows, cells and headers -----------------------------------------------------------------


def test_blank_lines_are_skipped_and_rows_keep_the_numbers_excel_shows():
    data = csv_bytes(
        [BASIC_HEADER, person("Siti"), ["", "", "", "", ""], [], person("Budi", "L")],
        newline="\n",
    )
    table = manifest_read(b"\n" + data)
    assert table.header_row == 2
    assert [row.number for row in table.rows] == [3, 6]
    assert [row.values["full_name"] for row in table.rows] == ["Siti", "Budi"]


def test_a_multiline_cell_is_one_row_so_numbering_matches_excel():
    rows = [
        ["Nama Lengkap", "Jenis Kelamin", "Alamat"],
        ["Siti", "P", "Jl. Mawar 5\nRT 01"],
        ["Budi", "L", "Dusun Krajan"],
    ]
    table = manifest_read(csv_bytes(rows))
    assert [row.number for row in table.rows] == [2, 3]
    assert table.rows[0].values["address"] == "Jl. Mawar 5\nRT 01"


def test_cells_are_trimmed_including_no_break_and_zero_width_spaces():
    data = csv_bytes([["Nama Lengkap ", " Jenis Kelamin"], ["\u00a0 Siti Aminah \u200b", " P "]])
    table = manifest_read(data)
    assert table.rows[0].values == {"full_name": "Siti Aminah", "sex": "P"}


def test_english_headers_are_accepted():
    header = ["Full name", "Sex", "Date of birth", "Passport number", "Next of kin phone"]
    data = csv_bytes([header, ["Siti Aminah", "F", "1990-03-25", "C1234567", "0812 3456 7890"]])
    table = manifest_read(data)
    assert table.columns == {
        "full_name": "Full name",
        "sex": "Sex",
        "birth_date": "Date of birth",
        "document_number": "Passport number",
        "kin_phone": "Next of kin phone",
    }
    parsed = manifest_parse_row(table.rows[0], table.columns, today=TODAY)
    assert parsed.values["birth_date"] == date(1990, 3, 25)
    assert parsed.values["document_kind"] == "passport"
    assert parsed.values["kin_phone"] == "+6281234567890"


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("NAMA LENGKAP", "full_name"),
        ("Nama", "full_name"),
        ("nama  lengkap*", "full_name"),
        ("L/P", "sex"),
        ("Jenis Kelamin (L/P)", "sex"),
        ("No. Paspor", "document_number"),
        ("Nomor Paspor", "document_number"),
        ("Tgl. Lahir", "birth_date"),
        ("Tanggal Lahir (dd/mm/yyyy)", "birth_date"),
        ("Nomor KK", "family_card"),
        ("No. KTP", "nik"),
        ("Kabupaten / Kota", "regency"),
        ("Kota", "regency"),
        ("Kelurahan", "village"),
        ("No. HP Indonesia", "phone_id"),
        ("KETERANGAN", "notes"),
        ("Catatán", "notes"),
    ],
)
def test_header_variants_are_recognised(written, field):
    assert manifest.HEADER_LOOKUP[header_key(written)] == field


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("Nama TKI", "full_name"),  # the older word for a migrant worker, on older lists
        ("NAMA TKW", "full_name"),
        ("NO TELP KELUARGA DI INDONESIA", "kin_phone"),
        ("Alamat TKI di Indonesia", "address"),
        ("ASAL PROVINSI", "province"),
        ("Asal Kabupaten", "regency"),
        ("NAMA MAJIKAN", None),  # the employer: no field, reported as unknown
        ("WNI", None),
    ],
)
def test_words_that_name_no_field_are_left_out_of_a_header(written, field):
    assert manifest.header_field(written) == field


def test_every_template_header_and_alias_names_its_own_column():
    for column in MANIFEST_COLUMNS:
        for name in (column.header, *column.aliases):
            assert manifest.HEADER_LOOKUP[header_key(name)] == column.field, name


@pytest.mark.parametrize("first", ["No", "No.", "#", "NO URUT"])
def test_leading_row_number_column_is_ignored(first):
    table = manifest_read(csv_bytes([[first, "Nama", "L/P"], ["1", "Siti", "P"]]))
    assert table.unknown_headers == []
    assert table.warnings == []
    assert "No" not in table.rows[0].values.values()


def test_unknown_headers_are_ignored_and_reported():
    rows = [
        ["Nama Lengkap", "Gaji", "Jenis Kelamin", "Majikan", ""],
        ["Siti", "900", "P", "X", "?"],
    ]
    table = manifest_read(csv_bytes(rows))
    assert table.unknown_headers == ["Gaji", "Majikan", "(tanpa judul, kolom E)"]
    assert table.rows[0].values == {"full_name": "Siti", "sex": "P"}
    [warning] = table.warnings
    assert "“Gaji”, “Majikan”" in warning
    assert "tidak dikenal" in warning


def test_a_title_above_the_header_is_skipped_and_reported():
    rows = [
        ["DAFTAR WNI DEPORTASI KM KELUD", "", ""],
        ["", "", ""],
        ["No", "Nama", "L/P"],
        ["1", "Siti", "P"],
    ]
    table = manifest_read(csv_bytes(rows))
    assert table.header_row == 3
    assert table.rows[0].number == 4
    assert "DAFTAR WNI DEPORTASI KM KELUD" in table.warnings[0]


def test_government_style_column_numbering_row_and_repeated_header_are_skipped():
    rows = [
        ["No", "Nama", "L/P", "Catatan"],
        ["(1)", "(2)", "(3)", "(4)"],
        ["1", "Siti", "P", ""],
        ["No", "Nama", "L/P", "Catatan"],
        ["2", "Budi", "L", ""],
    ]
    table = manifest_read(csv_bytes(rows))
    assert [row.values["full_name"] for row in table.rows] == ["Siti", "Budi"]
    assert any("Baris 2 hanya berisi nomor urut" in w for w in table.warnings)
    assert any("Baris 4 berisi judul kolom lagi" in w for w in table.warnings)


def test_a_totals_row_without_known_data_is_skipped_and_reported():
    rows = [["No", "Nama", "L/P"], ["1", "Siti", "P"], ["Jumlah: 1 orang", "", ""]]
    table = manifest_read(csv_bytes(rows))
    assert len(table.rows) == 1
    assert any("Baris 3 dilewati" in w for w in table.warnings)


def test_cells_right_of_the_header_warn_that_columns_may_have_shifted():
    text = "Nama Lengkap,Jenis Kelamin,Alamat\nSiti,P,Jl. Mawar 5, RT 01\n"
    table = manifest_read(text.encode())
    assert table.rows[0].extra == ("RT 01",)
    parsed = manifest_parse_row(table.rows[0], table.columns, today=TODAY)
    [issue] = parsed.issues
    assert issue.level == "warning"
    assert "Baris 2" in issue.message
    assert "“RT 01”" in issue.message
    assert "bergeser" in issue.message


def test_two_columns_meaning_the_same_keep_the_first_and_say_so():
    rows = [["Nama", "L/P", "Kabupaten", "Kota"], ["Siti", "P", "Cilacap", "Cilacap"]]
    table = manifest_read(csv_bytes(rows))
    assert table.columns["regency"] == "Kabupaten"
    assert any("“Kota” berarti sama dengan kolom “Kabupaten”" in w for w in table.warnings)


def test_csv_named_xlsx_is_still_read_as_csv():
    table = manifest_read(csv_bytes([["Nama", "L/P"], ["Siti", "P"]]), filename="daftar.xlsx")
    assert table.format == "csv"


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_cells_become_the_text_the_user_typed():
    serial = (date(1990, 3, 25) - date(1899, 12, 30)).days
    data = xlsx_bytes(
        (
            "Manifes",
            [
                ["No", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "NIK", "No KK", "Hamil"],
                [1, "Siti Aminah", "P", datetime(1990, 3, 25), 3301026503900001, 3.30102e15, 0],
                [2, "Budi", "L", serial, "3301020101850002", None, 1.0],
            ],
        ),
    )
    table = manifest_read(data, filename="daftar.csv")  # the name does not decide the format
    assert table.format == "xlsx"
    assert table.encoding == ""
    assert table.delimiter is None
    assert table.sheet == "Manifes"
    first, second = table.rows
    assert first.number == 2
    assert first.values["birth_date"] == "1990-03-25"
    assert first.values["nik"] == "3301026503900001"
    assert first.values["family_card"] == "3301020000000000"
    assert first.values["pregnant"] == "0"
    assert second.values["birth_date"] == str(serial)
    assert second.values["pregnant"] == "1"
    parsed = manifest_parse_row(second, table.columns, today=TODAY)
    assert parsed.values["birth_date"] == date(1990, 3, 25)
    assert parsed.values["pregnant"] is False  # "1" under Hamil for Budi is questioned
    assert "laki-laki" in parsed.warnings[0].message
    assert parsed.values["notes"] == "Hamil: 1"
    assert parsed.values["birth_year_only"] is False


def test_xlsx_nik_stored_as_a_number_warns_that_excel_may_have_cut_the_last_digit():
    data = xlsx_bytes(("Sheet", [["Nama", "L/P", "NIK"], ["Siti", "P", 3301026503900010]]))
    table = manifest_read(data)
    assert table.rows[0].numeric == frozenset({"nik"})
    parsed = manifest_parse_row(table.rows[0], table.columns, today=TODAY)
    assert parsed.values["nik"] == "3301026503900010"
    [warning] = messages(parsed, "warning")
    assert "15 angka" in warning
    assert "Baris 2, kolom “NIK”" in warning


def test_xlsx_row_numbers_follow_excel_across_empty_rows():
    data = xlsx_bytes(
        ("Sheet", [[], ["Nama", "L/P"], ["Siti", "P"], [], [None, None], ["Budi", "L"]])
    )
    table = manifest_read(data)
    assert table.header_row == 2
    assert [row.number for row in table.rows] == [3, 6]


def test_xlsx_reads_the_sheet_with_the_list_and_mentions_another_one():
    data = xlsx_bytes(
        ("Petunjuk", [["Isi daftar di lembar berikut."]]),
        ("Laki-laki", [["Nama", "L/P"], ["Budi", "L"]]),
        ("Perempuan", [["Nama", "L/P"], ["Siti", "P"]]),
        active=0,
    )
    table = manifest_read(data)
    assert table.sheet == "Laki-laki"
    assert [row.values["full_name"] for row in table.rows] == ["Budi"]
    assert any("“Perempuan”" in w for w in table.warnings)


def test_xlsx_with_a_formula_cell_gives_what_excel_showed_not_the_formula():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nama", "L/P", "Catatan"])
    sheet.append(["Siti", "P", "=1+1"])  # written by a script, so no cached result
    sheet["C2"].data_type = "s"  # a text cell that starts with "=": what a paste produces
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = manifest_read(buffer.getvalue())
    parsed = manifest_parse_row(table.rows[0], table.columns, today=TODAY)
    assert parsed.values["notes"] == "=1+1"
    assert any("rumus" in m for m in messages(parsed, "warning"))


# --- whole-file problems ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file(data):
    assert "kosong" in read_error(data)


def test_oversized_file(monkeypatch):
    monkeypatch.setattr(manifest, "MAX_FILE_BYTES", 100)
    data = csv_bytes([["Nama", "L/P"]] + [["Siti Aminah", "P"]] * 20)
    message = read_error(data)
    assert "terlalu besar" in message


def test_random_bytes_are_not_a_table():
    message = read_error(random.Random(7).randbytes(4096), filename="daftar.csv")
    assert "bukan CSV atau XLSX" in message
    assert "simpan ulang sebagai .xlsx atau CSV" in message


def test_pdf_says_it_is_a_pdf():
    message = read_error(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "kapal.pdf")
    assert message.startswith("File ini PDF")
    assert "simpan ulang sebagai .xlsx atau CSV" in message


def test_old_excel_xls_asks_to_save_again():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + random.Random(1).randbytes(1024)
    message = read_error(data, filename="manifes.xls")
    assert "(.xls)" in message
    assert "simpan ulang sebagai .xlsx atau CSV" in message


def test_password_protected_excel_says_so():
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "kata sandi" in read_error(data, filename="manifes.xlsx")


def test_html_saved_as_xls_says_it_is_a_web_page():
    data = b"<html><body><table><tr><td>Nama</td></tr></table></body></html>"
    message = read_error(data, filename="export.xls")
    assert "HTML" in message
    assert "simpan ulang sebagai .xlsx atau CSV" in message


def test_zip_that_is_not_a_workbook():
    def zipped(name: str, content: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, content)
        return buffer.getvalue()

    assert "dokumen Word" in read_error(zipped("word/document.xml", "<w:document/>"))
    ods = zipped("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert "OpenDocument (.ods" in read_error(ods, filename="daftar.ods")
    message = read_error(zipped("foto.jpg", "x"), filename="kiriman.zip")
    assert "simpan ulang sebagai .xlsx atau CSV" in message


def test_corrupt_xlsx():
    data = xlsx_bytes(("Sheet", [["Nama", "L/P"], ["Siti", "P"]]))
    message = read_error(data[: len(data) // 2])
    assert "rusak" in message


def test_no_header_row():
    message = read_error(csv_bytes([["Siti Aminah", "P", "25/03/1990"], ["Budi", "L", "1985"]]))
    assert "judul kolom tidak ditemukan" in message
    assert "“Siti Aminah”" in message


def test_missing_required_columns_are_named_in_indonesian_with_the_headers_found():
    message = read_error(csv_bytes([["Name", "Date of birth", "Passport no"], ["Siti", "", ""]]))
    assert "Kolom wajib tidak ada: “Jenis Kelamin”" in message
    assert "“Name”, “Date of birth”, “Passport no”" in message
    message = read_error(csv_bytes([["Tanggal Lahir", "NIK"], ["1990", "1"]]))
    assert "“Nama Lengkap”, “Jenis Kelamin”" in message


def test_header_without_data():
    assert "belum ada data" in read_error(csv_bytes([["Nama Lengkap", "Jenis Kelamin"]]))


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(manifest, "MAX_ROWS", 3)
    rows = [["Nama", "L/P"]] + [[f"Orang {i}", "L"] for i in range(3)]
    assert len(manifest_read(csv_bytes(rows)).rows) == 3
    message = read_error(csv_bytes([*rows, ["Orang 4", "P"]]))
    assert "lebih dari 3 baris" in message
    # The limit counts people: a total and a signature below three people are no more.
    footer = [["JUMLAH: 3 ORANG", ""], ["Dikeluarkan di Johor Bahru", ""]]
    assert len(manifest_read(csv_bytes([*rows, *footer])).rows) == 3


def test_unclosed_quote_is_reported():
    lines = ["Nama,L/P,Alamat,Catatan"]
    lines += ['Siti,P,"Jl. Mawar 5,x']  # the quote never closes
    lines += [f"Orang {i},L,Dusun {i},-" for i in range(5)]
    table = manifest_read("\n".join(lines).encode())
    assert len(table.rows) == 1
    assert any("tanda kutip" in w for w in table.warnings)


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("SITI AMINAH BINTI AHMAD", "Siti Aminah binti Ahmad"),
        ("muhammad   rizki bin  abdul", "Muhammad Rizki bin Abdul"),
        ("NUR'AINI SITI-HAJAR", "Nur'aini Siti-Hajar"),
        ("Siti aminah binti Ahmad", "Siti aminah binti Ahmad"),  # mixed case: as typed
        ("Dewi  Binti  SUKARNI", "Dewi Binti SUKARNI"),
    ],
)
def test_names_are_tidied_only_when_typed_all_in_one_case(typed, stored):
    parsed = parse(full_name=typed)
    assert parsed.values["full_name"] == stored
    assert parsed.issues == []


def test_missing_name_is_an_error_naming_row_and_column():
    parsed = parse(number=7, full_name="  ")
    [error] = parsed.errors
    assert error.field == "full_name"
    assert error.row == 7
    assert error.message == "Baris 7, kolom “Nama Lengkap”: nama wajib diisi."


def test_overlong_name_is_an_error():
    parsed = parse(full_name="Siti " * 50)
    assert parsed.has_errors
    assert "terlalu panjang" in parsed.errors[0].message


# --- sex -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("L", "M"), ("lk", "M"), ("Laki-laki", "M"), ("LAKI LAKI", "M"), ("Pria", "M"),
        ("M", "M"), ("male", "M"), ("P", "F"), ("PR", "F"), ("Perempuan", "F"),
        ("wanita", "F"), ("W", "F"), ("F", "F"), ("Female", "F"),
    ],
)  # fmt: skip
def test_sex_spellings(typed, stored):
    assert parse(sex=typed).values["sex"] == stored


def test_bad_sex_value_is_an_error_under_the_header_as_written():
    parsed = parse(number=4, sex="X", columns={"full_name": "Nama", "sex": "L/P"})
    [error] = parsed.errors
    assert error.column == "L/P"
    assert error.message.startswith("Baris 4, kolom “L/P”: “X” tidak dikenali")
    assert parsed.values["sex"] is None


def test_empty_sex_is_an_error():
    assert "wajib diisi" in parse(sex="").errors[0].message


# --- birth date ------------------------------------------------------------------------------

SERIAL_1990_03_25 = str((date(1990, 3, 25) - date(1899, 12, 30)).days)


@pytest.mark.parametrize(
    "typed",
    [
        "25/03/1990",
        "25-03-1990",
        "25.03.1990",
        "1990-03-25",
        "1990-03-25 00:00:00",
        "25 Maret 1990",
        "25-Mar-1990",
        SERIAL_1990_03_25,
        SERIAL_1990_03_25 + ".0",
        "25031990",
    ],
)
def test_birth_date_forms(typed):
    parsed = parse(birth_date=typed)
    assert parsed.values["birth_date"] == date(1990, 3, 25)
    assert parsed.values["birth_year_only"] is False
    assert parsed.issues == []


def test_single_digit_day_and_month():
    assert parse(birth_date="5/3/1990").values["birth_date"] == date(1990, 3, 5)


def test_ambiguous_day_and_month_is_read_day_first():
    assert parse(birth_date="03/04/1990").values["birth_date"] == date(1990, 4, 3)


def test_year_alone():
    parsed = parse(birth_date="1985")
    assert parsed.values["birth_date"] == date(1985, 1, 1)
    assert parsed.values["birth_year_only"] is True
    assert parsed.issues == []


def test_month_before_day_is_swapped_with_a_warning():
    parsed = parse(birth_date="03/25/1990")
    assert parsed.values["birth_date"] == date(1990, 3, 25)
    [warning] = parsed.warnings
    assert "25 Maret 1990" in warning.message
    assert "bulan tampaknya ditulis sebelum hari" in warning.message


def test_excel_serials_around_the_1900_leap_year_bug():
    def serial(text: str):
        row = ManifestRow(2, {"full_name": "A", "sex": "L", "birth_date": text})
        return manifest_parse_row(row, HEADERS, today=date(1950, 1, 1))

    assert serial("59").values["birth_date"] is None  # an age, not a date
    assert serial("1000.0").values["birth_date"] == date(1902, 9, 26)
    assert serial("61.0").values["birth_date"] == date(1900, 3, 1)
    assert "tidak ada di kalender" in serial("60.0").errors[0].message
    assert serial("59.5").values["birth_date"] == date(1900, 2, 28)


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("25/03/26", "empat angka"),  # 1926 or 2026: both could be alive
        ("31/02/1990", "tidak ada di kalender"),
        ("25/13/1990", "tidak ada di kalender"),
        ("01/01/2027", "masa depan"),
        ("2030", "masa depan"),
        ("01/01/1920", "lebih dari 100 tahun"),
        ("1900", "lebih dari 100 tahun"),
        ("2999", "masa depan"),
        ("35", "tampaknya umur"),
        ("kemarin", "tidak bisa dibaca sebagai tanggal"),
        ("25/03/19900", "tidak bisa dibaca sebagai tanggal"),
    ],
)
def test_bad_birth_dates_are_errors(typed, complaint):
    parsed = parse(number=9, birth_date=typed)
    [error] = parsed.errors
    assert complaint in error.message
    assert error.message.startswith("Baris 9, kolom “Tanggal Lahir”")
    assert parsed.values["birth_date"] is None


@pytest.mark.parametrize(
    ("typed", "born", "year_only", "warning"),
    [
        ("17/8/85", date(1985, 8, 17), False, "tahun “85” pada “17/8/85” dibaca 1985"),
        ("12 Juni 90", date(1990, 6, 12), False, "dibaca 1990"),
        ("03/02/05", date(2005, 2, 3), False, "dibaca 2005"),
        ("12 Agust 1990", date(1990, 8, 12), False, ""),
        ("March 12, 1990", date(1990, 3, 12), False, ""),
        ("12-03-1990 (34 th)", date(1990, 3, 12), False, ""),
        ("34 tahun", date(TODAY.year - 34, 1, 1), True, "adalah umur"),
        ("Umur 34", date(TODAY.year - 34, 1, 1), True, "diperkirakan"),
        ("± 34 thn", date(TODAY.year - 34, 1, 1), True, "adalah umur"),
    ],
)
def test_birth_dates_as_lists_write_them_are_read(typed, born, year_only, warning):
    """Two-digit years where only one century can be meant, English and shortened month
    names, and an age written where the date goes (an estimated year, said so)."""
    parsed = parse(birth_date=typed)
    assert parsed.errors == []
    assert (parsed.values["birth_date"], parsed.values["birth_year_only"]) == (born, year_only)
    if warning:
        assert any(warning in message for message in messages(parsed, "warning"))
    else:
        assert parsed.warnings == []


def test_an_age_column_may_say_umur():
    parsed = parse(birth_date="", age="Umur 29")
    assert parsed.values["birth_date"] == date(TODAY.year - 29, 1, 1) and not parsed.errors


def test_empty_or_dash_birth_date_is_simply_unknown():
    for typed in ("", "-", "tidak tahu", "Tdk Tahu"):
        parsed = parse(birth_date=typed)
        assert parsed.values["birth_date"] is None
        assert parsed.issues == []


# --- NIK and family card ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["3301026503900001", "'3301026503900001", "3301 0265 0390 0001", "33.01.02-650390-0001"],
)
def test_nik_separators_and_apostrophe_are_dropped(typed):
    parsed = parse(nik=typed, family_card=typed)
    assert parsed.values["nik"] == "3301026503900001"
    assert parsed.values["family_card"] == "3301026503900001"
    assert parsed.issues == []


def test_nik_in_scientific_notation_explains_that_excel_cut_it():
    parsed = parse(nik="3.30103E+15")
    [error] = parsed.errors
    assert "Excel telah memotong" in error.message
    assert "Teks" in error.message
    assert parsed.values["nik"] is None


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("330102650390001", "15 angka"),
        ("33010265039000012", "17 angka"),
        ("33010A6503900001", "angka"),
    ],
)
def test_nik_must_be_sixteen_digits(typed, complaint):
    [error] = parse(nik=typed).errors
    assert complaint in error.message
    assert "16 angka" in error.message or "hanya boleh" in error.message


def test_family_card_errors_say_kk():
    [error] = parse(family_card="123").errors
    assert error.message.startswith("Baris 2, kolom “No KK”: Nomor KK harus 16 angka")


# --- travel document -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("Paspor", "C1234567", "passport"),
        ("PASSPORT", "", "passport"),
        ("PP", "", "passport"),
        ("SPLP", "KUL 123/2026", "splp"),
        ("Surat Perjalanan Laksana Paspor", "", "splp"),
        ("", "", None),  # nothing said: not known, rather than none
        ("Tidak ada", "", "none"),
        ("-", "", "none"),
        ("None", "", "none"),
    ],
)
def test_document_kinds(kind, number, stored):
    parsed = parse(document_kind=kind, document_number=number)
    assert parsed.values["document_kind"] == stored
    assert parsed.issues == []


def test_document_kind_is_inferred_from_the_number_with_a_warning():
    passport = parse(document_number="e 1234567")
    assert passport.values["document_kind"] == "passport"
    assert passport.values["document_number"] == "E1234567"
    assert "dianggap paspor" in passport.warnings[0].message
    splp = parse(document_number="SPLP/KL/0042")
    assert splp.values["document_kind"] == "splp"
    assert "dianggap SPLP" in splp.warnings[0].message


def test_unknown_document_kind_is_an_error():
    [error] = parse(document_kind="KTP").errors
    assert "Paspor, SPLP, atau Tidak ada" in error.message


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "kept_in", "stored"),
    [
        ("phone_id", "0812-3456-7890", "phone_id", "+6281234567890"),
        ("phone_id", "+62 812 3456 7890", "phone_id", "+6281234567890"),
        ("phone_id", "6281234567890", "phone_id", "+6281234567890"),
        ("phone_id", "81234567890", "phone_id", "+6281234567890"),  # Excel dropped the 0
        ("phone_id", "'081234567890", "phone_id", "+6281234567890"),
        # A number goes with its country when the list has one phone column for both.
        ("phone_id", "+60 12-345 6789", "phone_my", "+60123456789"),
        ("phone_id", "60123456789", "phone_my", "+60123456789"),
        ("phone_my", "012-345 6789", "phone_my", "+60123456789"),
        ("phone_my", "123456789", "phone_my", "+60123456789"),
        ("phone_my", "0812-3456-7890", "phone_id", "+6281234567890"),
        ("phone_my", "62 812 3456 7890", "phone_id", "+6281234567890"),
        ("kin_phone", "(0813) 1234-5678", "kin_phone", "+6281312345678"),
    ],
)
def test_phones_become_international_numbers(field, typed, kept_in, stored):
    parsed = parse(**{field: typed})
    assert parsed.values[kept_in] == stored
    assert {key: parsed.values[key] for key in ("phone_id", "phone_my", "kin_phone")} == {
        key: stored if key == kept_in else None for key in ("phone_id", "phone_my", "kin_phone")
    }
    assert parsed.issues == []


def test_a_number_stays_in_its_column_when_the_other_is_filled():
    parsed = parse(phone_id="+60 12-345 6789", phone_my="+60 13-345 6789")
    assert parsed.values["phone_id"] == "+60123456789"
    assert parsed.values["phone_my"] == "+60133456789"


def test_invalid_phone_is_a_warning_and_not_kept():
    parsed = parse(phone_id="12345", phone_my="nanti")
    assert parsed.values["phone_id"] is None
    assert parsed.values["phone_my"] is None
    assert not parsed.has_errors
    assert [i.field for i in parsed.warnings] == ["phone_id", "phone_my"]
    assert "“12345” tidak dikenali sebagai nomor telepon" in parsed.warnings[0].message


def test_malaysian_mobile_in_the_indonesian_column_is_recognised_with_a_warning():
    parsed = parse(phone_id="012-345 6789")
    assert parsed.values["phone_my"] == "+60123456789" and parsed.values["phone_id"] is None
    assert "nomor Malaysia" in parsed.warnings[0].message


def test_two_numbers_in_one_cell_keep_the_first():
    parsed = parse(phone_id="0812-3456-7890 / 0813-1234-5678")
    assert parsed.values["phone_id"] == "+6281234567890"
    assert "lebih dari satu nomor; +6281312345678 tidak dicatat" in parsed.warnings[0].message


def test_a_second_number_of_the_other_country_goes_to_its_own_column():
    """ "+6012-987 6543 / 0812 9999 0000" under the Malaysian phone: both are kept, the
    Indonesian one where Indonesian numbers go, and the worker is told."""
    parsed = parse(phone_my="+6012-987 6543 / 0812 9999 0000")
    assert parsed.values["phone_my"] == "+60129876543"
    assert parsed.values["phone_id"] == "+6281299990000"
    assert messages(parsed, "warning") == [
        "Baris 2, kolom “No HP Malaysia”: nomor kedua +6281299990000 dicatat sebagai nomor HP "
        "Indonesia."
    ]
    # A second number marked as a relative's is the kin's, never the person's own.
    husband = parse(phone_id="0812 3456 7890 / 6012 345 6789 (suami)")
    assert husband.values["phone_id"] == "+6281234567890" and not husband.values["phone_my"]
    assert husband.values["kin_phone"] == "+60123456789"
    assert husband.values["kin_relation"] == "suami"
    # One "No HP" column, a Malaysian number first: each goes with its country.
    mixed = parse(phone_id="+60 12-345 6789 / 0812 3456 7890")
    assert (mixed.values["phone_my"], mixed.values["phone_id"]) == (
        "+60123456789",
        "+6281234567890",
    )
    # The Indonesian column already has one: the second is named, not recorded.
    both = parse(phone_id="0813 1111 2222", phone_my="+6012-987 6543 / 0812 9999 0000")
    assert both.values["phone_id"] == "+6281311112222"
    assert "+6281299990000 tidak dicatat" in messages(both, "warning")[0]


def test_phone_in_scientific_notation():
    parsed = parse(phone_id="6.28123E+12")
    assert parsed.values["phone_id"] is None
    assert "Excel telah memotong" in parsed.warnings[0].message


# --- yes/no and free text --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Ya", "y", "YES", "1", "✓", "x", "TRUE"])
def test_flag_yes(typed):
    parsed = parse(pregnant=typed, disability=typed, illness=typed)
    assert (parsed.values["pregnant"], parsed.values["disability"], parsed.values["illness"]) == (
        True,
        True,
        True,
    )
    assert parsed.issues == []


@pytest.mark.parametrize("typed", ["Tidak", "t", "No", "N", "0", "", "-", "tidak ada"])
def test_flag_no(typed):
    parsed = parse(pregnant=typed, disability=typed, illness=typed)
    assert not (
        parsed.values["pregnant"] or parsed.values["disability"] or parsed.values["illness"]
    )
    assert parsed.issues == []


def test_free_text_illness_and_disability_mean_yes_and_are_kept():
    parsed = parse(illness="asma, batuk 2 minggu", disability="kaki kiri diamputasi")
    assert parsed.values["illness"] is True
    assert parsed.values["illness_note"] == "asma, batuk 2 minggu"
    assert parsed.values["disability"] is True
    assert parsed.values["disability_note"] == "kaki kiri diamputasi"
    assert parsed.issues == []


def test_pregnancy_months_mean_yes():
    parsed = parse(pregnant="5 bulan")
    assert parsed.values["pregnant"] is True
    assert parsed.values["pregnant_note"] == "5 bulan"


def test_unclear_pregnancy_is_a_warning_and_no():
    parsed = parse(pregnant="mungkin")
    assert parsed.values["pregnant"] is False
    [warning] = parsed.warnings
    assert "tulis Ya atau Tidak" in warning.message
    assert warning.column == "Hamil"


def test_pregnant_man_is_questioned_and_not_recorded_pregnant():
    parsed = parse(sex="L", pregnant="7 minggu")
    [warning] = parsed.warnings
    assert warning.column == "Hamil"
    assert "padahal jenis kelaminnya laki-laki, jadi tidak dicatat hamil" in warning.message
    assert parsed.values["pregnant"] is False and parsed.values["pregnant_note"] == ""
    assert parsed.values["notes"] == "Hamil: 7 minggu"


@pytest.mark.parametrize(
    ("remark", "flag", "note"),
    [
        ("HAMIL 5 BULAN", "pregnant", "HAMIL 5 BULAN"),
        ("Overstay, sedang hamil", "pregnant", "sedang hamil"),
        ("SAKIT TBC; dirujuk puskesmas", "illness", "SAKIT TBC"),
        ("Tuna rungu", "disability", "Tuna rungu"),
        ("pakai kursi roda", "disability", "pakai kursi roda"),
    ],
)
def test_a_remark_that_says_pregnant_ill_or_disabled_sets_the_flag_and_says_so(remark, flag, note):
    """Depot lists rarely have the flag columns; what their remarks say is read, and the
    worker is told, so a pregnancy is not missed before the trip home."""
    parsed = parse(notes=remark)
    assert parsed.values[flag] is True
    assert parsed.values[f"{flag}_note"] == ("" if flag == "pregnant" else note)
    [warning] = parsed.warnings
    assert warning.column == "Catatan" and f"“{note}” dibaca sebagai" in warning.message
    assert parsed.values["notes"] == remark, "the remark itself stays in the notes"


@pytest.mark.parametrize(
    "remark",
    [
        "Tidak hamil",
        "tdk sakit",
        "Dirujuk ke rumah sakit",
        "Sehat",
        "bukan penyandang disabilitas",
        "TB 160 cm",  # tinggi badan, the height
    ],
)
def test_a_remark_that_denies_or_only_names_a_hospital_sets_nothing(remark):
    parsed = parse(notes=remark)
    assert not any(parsed.values[flag] for flag in ("pregnant", "illness", "disability"))
    assert parsed.issues == []


def test_the_flag_column_says_before_the_remark_and_a_man_is_not_read_pregnant():
    parsed = parse(pregnant="Tidak", notes="hamil?")
    assert parsed.values["pregnant"] is False and parsed.issues == []
    parsed = parse(sex="L", notes="istri hamil, ikut dideportasi")
    assert parsed.values["pregnant"] is False and parsed.issues == []


@pytest.mark.parametrize(
    ("written", "name", "sex"),
    [
        ("NY. SITI AMINAH", "Siti Aminah", "F"),
        ("Tn Ahmad Fauzi", "Ahmad Fauzi", "M"),
        ("SDRI. NUR HAYATI", "Nur Hayati", "F"),
        ("Encik Rosli bin Hamid", "Rosli bin Hamid", "M"),
        ("BP. SUPARMAN", "Suparman", "M"),
    ],
)
def test_a_form_of_address_before_the_name_is_not_kept_and_gives_a_missing_sex(written, name, sex):
    parsed = parse(full_name=written, sex="")
    assert (parsed.values["full_name"], parsed.values["sex"]) == (name, sex)
    assert parsed.issues == []


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("By. Ny. Siti", "By. Ny. Siti"),  # a baby named after its mother, not the mother
        ("Nyoman Sukarta", "Nyoman Sukarta"),
        ("Bp Sarimin", "Bp Sarimin"),  # a short form without its dot may begin a name
        ("IBU", "Ibu"),  # nothing after it
    ],
)
def test_names_that_only_look_like_a_form_of_address_are_kept(written, kept):
    assert parse(full_name=written).values["full_name"] == kept


def test_the_sex_column_is_believed_over_the_form_of_address():
    parsed = parse(full_name="Ny. Siti", sex="L")
    assert (parsed.values["full_name"], parsed.values["sex"]) == ("Siti", "M")


# --- lists, region, text ---------------------------------------------------------------------


def test_aliases_and_languages_become_lists():
    parsed = parse(aliases="SITI / Ciciek; ;ciciek", languages="Jawa, Melayu;Inggris , Jawa")
    assert parsed.values["aliases"] == ["Siti", "Ciciek"]
    assert parsed.values["languages"] == ["Jawa", "Melayu", "Inggris"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("31.71.01.1001", "31.71.01.1001"),
        ("3171011001", "31.71.01.1001"),
        ("31.71", "31.71"),
        ("3171", "31.71"),
        ("317101", "31.71.01"),
        ("31 71 01", "31.71.01"),
    ],
)
def test_region_codes_are_dotted(typed, stored):
    parsed = parse(region_code=typed)
    assert parsed.values["region_code"] == stored
    assert parsed.issues == []


@pytest.mark.parametrize("typed", ["Jakarta", "31.7.1", "317", "31.71.01.1001.5"])
def test_garbage_region_code_is_an_error(typed):
    [error] = parse(region_code=typed).errors
    assert "kode wilayah" in error.message


def test_region_code_stored_as_a_number_gets_its_trailing_zero_back():
    row = ManifestRow(
        2, {"full_name": "A", "sex": "L", "region_code": "11.1"}, frozenset({"region_code"})
    )
    assert manifest_parse_row(row, HEADERS, today=TODAY).values["region_code"] == "11.10"


def test_text_fields_are_trimmed_and_placeholders_emptied():
    parsed = parse(province="  Jawa   Tengah ", address=" Jl. Mawar 5 \n\n RT 01 ", kin_name="-")
    assert parsed.values["province"] == "Jawa Tengah"
    assert parsed.values["address"] == "Jl. Mawar 5\nRT 01"
    assert parsed.values["kin_name"] == ""


# --- formula-like cells ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://contoh.test","klik")',
        "=1+1",
        "@SUM(A1)",
        "-2+3",
        "+A1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_formula_like_cells_are_kept_as_text_with_a_warning(typed):
    parsed = parse(notes=typed)
    assert parsed.values["notes"] == typed
    [warning] = parsed.warnings
    assert warning.field == "notes"
    assert "rumus" in warning.message
    assert "teks" in warning.message


def test_formula_in_the_name_column_is_kept_and_flagged():
    parsed = parse(full_name="=HYPERLINK(A1)")
    assert parsed.values["full_name"] == "=HYPERLINK(A1)"
    assert parsed.warnings[0].column == "Nama Lengkap"


@pytest.mark.parametrize("typed", ["+62 812-3456-7890", "-", "- tidak ada", "-5", "@budi"])
def test_phone_numbers_dashes_and_handles_are_not_formulas(typed):
    assert not manifest.looks_like_formula(typed)


def test_phone_with_plus_gets_no_formula_warning():
    assert parse(phone_id="+62 812-3456-7890").issues == []


# --- templates -------------------------------------------------------------------------------


def test_csv_template_is_utf8_with_bom_comma_separated_in_indonesian():
    data = manifest_template_csv()
    assert data.startswith(codecs.BOM_UTF8)
    header, example, *rest = data[3:].decode("utf-8").split("\r\n")
    assert header.split(",")[:3] == ["Nama Lengkap", "Nama Alias", "Jenis Kelamin"]
    assert "Kode Wilayah" in header
    assert "Contoh" in example
    assert rest == [""]


def test_template_example_row_parses_cleanly():
    example = manifest._TEMPLATE_EXAMPLE
    row = ManifestRow(2, dict(example))
    parsed = manifest_parse_row(row, HEADERS, today=TODAY)
    assert parsed.issues == []
    assert parsed.values["phone_my"] == "+60123456789"
    assert parsed.values["region_code"] == "33.01.02.2001"


def test_untouched_templates_are_refused_as_having_no_people():
    for data in (manifest_template_csv(), manifest_template_xlsx()):
        assert "baris contoh" in read_error(data)


def test_filled_in_xlsx_template_reads_back_and_skips_the_example():
    workbook = openpyxl.load_workbook(io.BytesIO(manifest_template_xlsx()))
    sheet = workbook["Manifes"]
    sheet.append(["Budi Santoso", "", "L", "01/02/1985", "3301020102850001"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = manifest_read(buffer.getvalue())
    assert [row.number for row in table.rows] == [3]
    assert any("contoh dari templat" in w for w in table.warnings)
    assert set(table.columns) == {column.field for column in TEMPLATE_COLUMNS}


def test_xlsx_template_has_bold_header_and_text_number_columns():
    workbook = openpyxl.load_workbook(io.BytesIO(manifest_template_xlsx()))
    sheet = workbook.active
    assert sheet.title == "Manifes"
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in TEMPLATE_COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    for field in ("nik", "family_card", "phone_id", "phone_my", "kin_phone"):
        letter = openpyxl.utils.get_column_letter(headers.index(HEADERS[field]) + 1)
        assert sheet.column_dimensions[letter].number_format == "@"
        assert sheet[f"{letter}2"].number_format == "@"
        assert isinstance(sheet[f"{letter}2"].value, str)
    assert sheet["A2"].value == "Siti Contoh binti Ahmad"
    assert "Petunjuk" in workbook.sheetnames


def test_birth_date_serial_helper_matches_python_dates():
    # Excel's serial 45000 is 15 March 2023; Python counts from 30 December 1899.
    assert date(1899, 12, 30) + timedelta(days=45000) == date(2023, 3, 15)
    assert parse(birth_date="45000").values["birth_date"] == date(2023, 3, 15)
