"""Manifest import throughput: upload, preview (checks and candidates) and commit of a
manifest against a synthetic registry, beside a raw bulk load of the same rows.

Run: `uv run python -m bench.manifest --registry 50000 --rows 1000`
(DATABASE_URL=postgres://... for PostgreSQL; a throw-away test database is used.)
Writes bench/results/manifest-<database>-<time>.json.
"""

import argparse
import csv
import io
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
HEADER = [
    "Nama Lengkap",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "NIK",
    "No Paspor",
    "Provinsi",
    "Kabupaten/Kota",
    "Alamat",
    "Kode Wilayah",
    "No HP Malaysia",
]


def manifest_bytes(records: list[Any]) -> bytes:
    """The records as a consulate's list: the home province and regency by name with an
    address, as lists write them (a code only where the database has no name for it)."""
    from pulang.regions.models import Region

    names = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for number, r in enumerate(records):
        birth = (
            ""
            if r.birth_date is None
            else (
                str(r.birth_date.year) if r.birth_year_only else r.birth_date.strftime("%d/%m/%Y")
            )
        )
        code = r.origin_region_code or ""
        province, regency = names.get(code[:2], ""), names.get(code[:5], "")
        writer.writerow(
            [
                r.full_name,
                "L" if r.sex == "M" else "P",
                birth,
                r.nik,
                r.travel_document_number,
                province.title(),
                regency.title(),
                f"Dusun {number % 7 + 1} RT {number % 9 + 1:02d}/03, {regency.title()}"
                if regency
                else "",
                "" if regency else code,
                r.phone_my,
            ]
        )
    return out.getvalue().encode("utf-8")


def raw_load_seconds(data: bytes) -> float:
    """The floor: the same rows bulk-loaded into a bare table, no checks at all."""
    from django.db import connection

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE raw_manifest ("
            + ", ".join(f"c{i} text" for i in range(len(HEADER)))
            + ")"
        )
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            with cursor.copy("COPY raw_manifest FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
        else:
            cursor.executemany(
                "INSERT INTO raw_manifest VALUES (" + ", ".join("%s" for _ in HEADER) + ")", rows
            )
    return time.perf_counter() - start


def run(registry: int, rows: int, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner
    from django.utils import timezone

    from bench.linkage import load_registry
    from pulang.agencies.models import Agency
    from pulang.arrivals.models import ArrivalBatch
    from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        later, _ = load_registry(registry, seed)
        data = manifest_bytes(later[:rows])
        agency = Agency.objects.get(code="bench")
        batch = ArrivalBatch.objects.create(
            reference="BENCH-1",
            entry_point="tanjung_pinang",
            transport="ship",
            arrived_at=timezone.now(),
            receiving_agency=agency,
        )
        start = time.perf_counter()
        record, _ = manifest_upload(actor=None, batch=batch, data=data, filename="bench.csv")
        manifest_preview(manifest_import=record)
        record.refresh_from_db()
        preview_s = time.perf_counter() - start
        start = time.perf_counter()
        summary = manifest_commit(actor=None, manifest_import=record)
        commit_s = time.perf_counter() - start
        raw_s = raw_load_seconds(data)
        total = preview_s + commit_s
        from bench.machine import machine_reference

        return {
            "database": connection.vendor,
            "registry_persons": registry,
            "rows": rows,
            "preview_s": round(preview_s, 2),
            "commit_s": round(commit_s, 2),
            "rows_per_s": round(rows / total, 1),
            "raw_load_s": round(raw_s, 3),
            "ratio_to_raw_load": round(total / raw_s, 1) if raw_s else None,
            "created": summary.created,
            "rows_with_candidates": sum(1 for r in record.preview["rows"] if r["candidates"]),
            "machine": machine_reference(connection),
        }
    finally:
        runner.teardown_databases(old_config)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--registry", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    result = run(args.registry, args.rows, args.seed)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"manifest-{result['database']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
