"""Helpers shared by every export, and the one way a list becomes a CSV or XLSX file.

A list page and its export share a `Table`: which objects, in which order, with which
headers, and how one chunk of objects becomes cells as the user may see them. `table_write`
writes it to a stream, chunk by chunk, whether a request answers at once or a background job
fills a file (pulang/exports).
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet

from pulang.access.fields import Shown

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
# Characters an XLSX file cannot hold (XML 1.0 forbids them); a CSV keeps them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_safe(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    on_page: bool = True  # the list page shows it; an export always writes every column


@dataclass(frozen=True)
class Table:
    """What a list page shows and its export writes.

    `cells` turns one chunk of objects (in list order) into rows of cells as this user may see
    them (a `Shown` where a field is masked or outside an agreement); it is called per chunk
    so that per-row permissions are read in bulk. `person_of` names the person behind each
    object, for the audit record of the export.
    """

    name: str
    columns: Sequence[Column]
    queryset: QuerySet[Any]
    cells: Callable[[list[Any]], list[list[Any]]]
    person_of: Callable[[Any], int]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def page_headers(self) -> list[str]:
        return [column.header for column in self.columns if column.on_page]

    def page_rows(self, objects: Iterable[Any]) -> list[tuple[Any, list[Any]]]:
        """(object, the cells the page shows) for one page of the list."""
        objects = list(objects)
        keep = [i for i, column in enumerate(self.columns) if column.on_page]
        return [
            (obj, [row[i] for i in keep])
            for obj, row in zip(objects, self.cells(objects), strict=True)
        ]


class _CsvWriter:
    def __init__(self, out: IO[bytes]) -> None:
        # The byte-order mark tells Excel the file is UTF-8; without it names lose their accents.
        self.text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        self.writer = csv.writer(self.text)

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        self.writer.writerows([_text_safe(cell) for cell in row] for row in rows)

    def close(self) -> None:
        self.text.flush()
        self.text.detach()  # leave `out` open for the caller


class _XlsxWriter:
    def __init__(self, out: IO[bytes]) -> None:
        from openpyxl import Workbook

        self.out = out
        # Write-only: rows go to a temporary file as they come, so memory stays flat.
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet()

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell

        for row in rows:
            cells = []
            for value in row:
                if not isinstance(value, int | float) or isinstance(value, bool):
                    text = _XML_ILLEGAL.sub("", _text_safe(value))
                    cell = WriteOnlyCell(self.sheet, value=text)
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
                    cells.append(cell)
                else:
                    cells.append(WriteOnlyCell(self.sheet, value=value))
            self.sheet.append(cells)

    def close(self) -> None:
        self.book.save(self.out)


def _text_safe(value: Any) -> Any:
    if isinstance(value, Shown):
        value = value.text
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return value if isinstance(value, int | float) else csv_safe(str(value))


def table_pks(table: Table) -> list[int]:
    """The rows of the table, in order, as primary keys: the export's fixed list."""
    return list(table.queryset.values_list("pk", flat=True))


def table_write(
    *,
    table: Table,
    fmt: str,
    out: IO[bytes],
    pks: list[int] | None = None,
    chunk_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Write the table's header and every row to `out` as CSV or XLSX, chunk by chunk,
    calling `progress(done, total)` after each; return the ids of the people written."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    pks = table_pks(table) if pks is None else pks
    writer = _CsvWriter(out) if fmt == "csv" else _XlsxWriter(out)
    writer.rows([list(table.headers)])
    people: list[int] = []
    total = len(pks)
    for start in range(0, total, chunk_size):
        chunk = pks[start : start + chunk_size]
        found = table.queryset.order_by().in_bulk(chunk)
        objects = [found[pk] for pk in chunk if pk in found]
        writer.rows(table.cells(objects))
        people += [table.person_of(obj) for obj in objects]
        if progress is not None:
            progress(min(start + chunk_size, total), total)
    writer.close()
    return people
