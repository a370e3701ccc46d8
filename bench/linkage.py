"""Record-linkage quality and intake latency of pulang.matching on a labelled synthetic set.

Quality: a synthetic population (pulang/matching/synthetic.py) is written as a manifest-like
CSV, `match-persons` deduplicates it (its CSV path, with a column mapping), and the pairs it
finds are compared with the truth: pairwise precision and recall, for the scored pairs and for
all pairs within its clusters, beside an exact-match baseline (same NIK, or same full name and
birth date). Prints a table and writes bench/results/linkage-<timestamp>.json.

Latency: `--intake` loads a synthetic registry into a fresh test database (DATABASE_URL, or
SQLite) and times `candidates_for_records` for one new person at a time (p50/p95).

Run:
    uv run python -m bench.linkage [--persons 20000] [--threshold 0.8 ...]
    uv run python -m bench.linkage --intake [--registry 50000] [--queries 200]
"""

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

CSV_COLUMNS = {
    "id": "No",
    "full_name": "Nama",
    "aliases": "Nama Lain",
    "sex": "L/P",
    "birth_date": "Tgl Lahir",
    "nik": "NIK",
    "family_card_number": "No KK",
    "travel_document_number": "No Paspor/SPLP",
    "phone_id": "HP Indonesia",
    "phone_my": "HP Malaysia",
    "kin_phone": "HP Keluarga",
    "origin_region_code": "Kode Wilayah",
}
MAPPING = ",".join(f"{field}={column}" for field, column in CSV_COLUMNS.items())

Pair = tuple[int, int]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def write_csv(records: Iterable[Any], path: Path) -> None:
    """The records as a manifest would carry them: L/P, dd/mm/yyyy or a year alone."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS.values())
        for r in records:
            if r.birth_date is None:
                birth = ""
            elif r.birth_year_only:
                birth = str(r.birth_date.year)
            elif r.record_id % 2:
                birth = r.birth_date.strftime("%d/%m/%Y")
            else:
                birth = r.birth_date.isoformat()
            writer.writerow(
                [
                    r.record_id,
                    r.full_name,
                    "; ".join(r.aliases),
                    {"M": "L", "F": "P"}[r.sex],
                    birth,
                    r.nik,
                    r.family_card_number,
                    r.travel_document_number,
                    r.phone_id,
                    r.phone_my,
                    r.kin_phone,
                    r.origin_region_code,
                ]
            )


def read_pairs(path: Path) -> tuple[set[Pair], set[Pair]]:
    """(scored pairs, all pairs within clusters) from a match-persons output file."""
    pairs: set[Pair] = set()
    clusters: dict[str, set[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            left, right = int(row["id_l"]), int(row["id_r"])
            pairs.add((min(left, right), max(left, right)))
            clusters.setdefault(row["cluster_id"], set()).update((left, right))
    within: set[Pair] = set()
    for members in clusters.values():
        ordered = sorted(members)
        for i, left in enumerate(ordered):
            within.update((left, right) for right in ordered[i + 1 :])
    return pairs, within


def baseline_pairs(records: Iterable[Any]) -> set[Pair]:
    """Same NIK, or the same full name (case and spaces ignored) and full birth date."""
    groups: dict[tuple[str, str], list[int]] = {}
    for r in records:
        if r.nik:
            groups.setdefault(("nik", r.nik), []).append(r.record_id)
        if r.full_name and r.birth_date and not r.birth_year_only:
            name = " ".join(r.full_name.lower().split())
            groups.setdefault(("name", f"{name}|{r.birth_date}"), []).append(r.record_id)
    pairs: set[Pair] = set()
    for ids in groups.values():
        ids.sort()
        for i, left in enumerate(ids):
            pairs.update((left, right) for right in ids[i + 1 :])
    return pairs


def scores(found: set[Pair], truth: set[Pair]) -> dict[str, float | int]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(found),
        "true_positives": hits,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def quality(persons: int, seed: int, thresholds: list[float]) -> dict[str, Any]:
    from pulang.matching.dedupe import csv_records, dedupe, parse_mapping
    from pulang.matching.synthetic import generate, true_pairs

    started = time.perf_counter()
    records = generate(persons, seed=seed)
    truth = true_pairs(records)
    print(f"{len(records)} records of {persons} people, {len(truth)} true pairs", file=sys.stderr)
    rows: dict[str, Any] = {
        "baseline (same NIK, or same name + birth date)": scores(baseline_pairs(records), truth)
    }
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "people.csv"
        write_csv(records, source)
        mapping = parse_mapping(MAPPING)
        for threshold in thresholds:
            output = Path(tmp) / f"pairs-{threshold}.csv"
            start = time.perf_counter()
            dedupe(csv_records(source, mapping), output, threshold=threshold)
            timings[str(threshold)] = round(time.perf_counter() - start, 2)
            pairs, within = read_pairs(output)
            rows[f"match-persons p>={threshold} pairs"] = scores(pairs, truth)
            rows[f"match-persons p>={threshold} clusters"] = scores(within, truth)
    return {
        "persons": persons,
        "records": len(records),
        "true_pairs": len(truth),
        "seed": seed,
        "results": rows,
        "match_persons_seconds": timings,
        "total_seconds": round(time.perf_counter() - started, 2),
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\n{result['records']} records, {result['persons']} people, "
        f"{result['true_pairs']} true pairs (seed {result['seed']})\n"
    )
    header = f"{'method':<52} {'pairs':>7} {'precision':>9} {'recall':>7} {'F1':>7}"
    print(header)
    print("-" * len(header))
    for name, row in result["results"].items():
        print(
            f"{name:<52} {row['pairs']:>7} {row['precision']:>9.4f} {row['recall']:>7.4f} "
            f"{row['f1']:>7.4f}"
        )
    for threshold, seconds in result["match_persons_seconds"].items():
        print(f"match-persons at {threshold}: {seconds} s")


def load_registry(registry: int, seed: int) -> tuple[list[Any], dict[int, int]]:
    """Insert the first record of each of `registry` synthetic people into the (test)
    database; return the later records of the same people and {true person: database id}."""
    from django.db import connection

    from pulang.agencies.models import Agency
    from pulang.matching.synthetic import generate
    from pulang.people.models import Person, person_name_key
    from pulang.regions.loader import regions_load

    regions_load(include_villages=False)
    agency, _ = Agency.objects.get_or_create(
        code="bench", defaults={"name": "Bench", "kind": Agency.Kind.SHELTER_OPERATOR}
    )
    records = generate(registry, seed=seed, repeat_share=0.35)
    first: dict[int, Any] = {}
    later: list[Any] = []
    for record in sorted(records, key=lambda r: r.record_id):
        if record.person_id in first:
            later.append(record)
        else:
            first[record.person_id] = record
    start = time.perf_counter()
    batch: list[Person] = []
    db_ids: dict[int, int] = {}
    truth: list[int] = []
    for r in first.values():
        truth.append(r.person_id)
        batch.append(
            Person(
                full_name=r.full_name,
                name_key=person_name_key(r.full_name, r.aliases),
                aliases=list(r.aliases),
                sex=r.sex,
                birth_date=r.birth_date,
                birth_year_only=r.birth_year_only,
                nik=r.nik,
                family_card_number=r.family_card_number,
                travel_document=r.travel_document,
                travel_document_number=r.travel_document_number,
                phone_id=r.phone_id,
                phone_my=r.phone_my,
                kin_phone=r.kin_phone,
                origin_region_id=r.origin_region_code or None,
                registered_by=agency,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            db_ids.update((t, p.pk) for t, p in zip(truth, batch, strict=True))
            batch, truth = [], []
    Person.objects.bulk_create(batch)
    db_ids.update((t, p.pk) for t, p in zip(truth, batch, strict=True))
    from pulang.matching.tokens import match_index_rebuild

    ids = sorted(db_ids.values())
    for offset in range(0, len(ids), 20_000):  # not `start`: the timer below reads it
        match_index_rebuild(person_ids=ids[offset : offset + 20_000])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
            cursor.execute("ANALYZE matching_blockkey")
            cursor.execute("ANALYZE matching_matchrow")
    print(
        f"{connection.vendor}: {len(first)} persons loaded in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return later, db_ids


def intake_latency(registry: int, queries: int, seed: int) -> dict[str, Any]:
    """p50/p95 of candidates_for_records for one new person against a loaded registry."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    from pulang.matching.matching import candidates_for_records

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        later, db_ids = load_registry(registry, seed)
        candidates_for_records([later[0].match_record()])  # warm up: model, DuckDB
        timings: list[float] = []
        first_hits = top_hits = 0
        for r in later[:queries]:
            start = time.perf_counter()
            result = candidates_for_records([r.match_record()])
            timings.append((time.perf_counter() - start) * 1000)
            ranked = [c.person_id for c in result[0]]
            first_hits += ranked[:1] == [db_ids[r.person_id]]
            top_hits += db_ids[r.person_id] in ranked
        timings.sort()
        manifest = [r.match_record() for r in later[queries : queries + 300]]
        start = time.perf_counter()
        candidates_for_records(manifest)
        manifest_ms = (time.perf_counter() - start) * 1000
        return {
            "database": connection.vendor,
            "registry_persons": len(db_ids),
            "queries": len(timings),
            "true_person_first": first_hits,
            "true_person_in_top_5": top_hits,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(int(len(timings) * 0.95) - 1, 0)], 1),
            "max_ms": round(timings[-1], 1),
            "manifest_300_ms": round(manifest_ms, 1),
            "manifest_size": len(manifest),
        }
    finally:
        runner.teardown_databases(old_config)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threshold", type=float, action="append")
    parser.add_argument("--intake", action="store_true", help="Time intake candidates instead")
    parser.add_argument("--registry", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    _setup()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if args.intake:
        result = intake_latency(args.registry, args.queries, args.seed)
        print(
            f"\n{result['database']}: candidates for one new person against "
            f"{result['registry_persons']} persons, {result['queries']} queries: "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms; "
            f"true earlier record ranked first {result['true_person_first']}, in the top 5 "
            f"{result['true_person_in_top_5']}. A manifest of "
            f"{result['manifest_size']}: {result['manifest_300_ms']} ms."
        )
        path = RESULTS / f"intake-{result['database']}-{stamp}.json"
    else:
        result = quality(args.persons, args.seed, args.threshold or [0.5, 0.8, 0.9])
        print_table(result)
        path = RESULTS / f"linkage-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")


if __name__ == "__main__":
    main()
