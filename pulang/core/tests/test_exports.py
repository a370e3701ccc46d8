"""The one writer behind every list export: formula-safe in CSV and XLSX, chunked, ordered."""

import csv
import io

import openpyxl
import pytest

from pulang.access.fields import Shown
from pulang.agencies.tests.factories import AgencyFactory
from pulang.core.exports import Column, Table, csv_safe, table_write
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NASTY = ['=HYPERLINK("http://x","klik")', "+62 812", "-1+1", "@SUM(A1)", "Siti\x07 Aminah"]


def names_table() -> Table:
    return Table(
        name="uji",
        columns=[Column("ID"), Column("Nama"), Column("Catatan")],
        queryset=Person.objects.order_by("full_name", "id"),
        cells=lambda people: [[p.pk, p.full_name, Shown("Catatan", "", "outside")] for p in people],
        person_of=lambda p: p.pk,
    )


@pytest.fixture
def people():
    agency = AgencyFactory()
    return [PersonFactory(full_name=name, registered_by=agency) for name in NASTY]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(people):
    out = io.BytesIO()
    written = table_write(table=names_table(), fmt="csv", out=out)
    text = out.getvalue().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["ID", "Nama", "Catatan"]
    names = [row[1] for row in rows[1:]]
    assert all(not name.startswith(("=", "+", "-", "@")) for name in names)
    assert '\'=HYPERLINK("http://x","klik")' in names
    assert {row[2] for row in rows[1:]} == {"di luar perjanjian"}
    assert sorted(written) == sorted(p.pk for p in people)


def test_xlsx_cells_are_text_never_formulas(people):
    out = io.BytesIO()
    table_write(table=names_table(), fmt="xlsx", out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert all(not str(cell.value).startswith(("=", "+", "-", "@")) for cell in cells)
    assert "Siti Aminah" in [cell.value for cell in cells], "characters XLSX cannot hold go"
    assert isinstance(sheet.cell(2, 1).value, int), "numbers stay numbers"


def test_rows_are_written_in_list_order_chunk_by_chunk_with_progress():
    agency = AgencyFactory()
    for index in range(7):
        PersonFactory(full_name=f"Orang {6 - index}", registered_by=agency)
    seen = []
    out = io.BytesIO()
    table_write(
        table=names_table(),
        fmt="csv",
        out=out,
        chunk_size=3,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(3, 7), (6, 7), (7, 7)]
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"Orang {i}" for i in range(7)]


def test_numbers_pass_and_text_that_looks_like_a_formula_does_not():
    assert csv_safe(-5) == -5
    assert csv_safe("-5") == "'-5"
