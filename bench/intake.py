"""Does intake find a returning person among a national registry, and what would finding
fewer candidates cost?

Synthetic people (pulang/matching/synthetic.py, with their realistic misspellings, date typos
and missing documents) are registered in the bench database under their first record; each
later record of theirs is then looked up as a new arrival is (`retrieve_candidates`, then
scoring). It reports how many candidates a record brings, how often the true person is among
them, and how often they are among the five shown at a probability of 0.5 or more. Then, from
the same look-ups, what each narrower rule for a candidate would have kept and lost: the
registered people a key brings are the ones a slower manifest preview must read and score,
so these are the figures behind any change to the block keys (docs/performance.md).

One synthetic person in five is never registered, and their first records are looked up
too: strangers to the registry. For each rule by which the preview may start a row as
linked to its most likely candidate, it counts the returning people started as linked to
themselves and to someone else, and the strangers started as linked to someone registered
(decision 0020).

Everything is written in one transaction and rolled back, then the tables are vacuumed: the
bench database is unchanged.

Run: `uv run python -m bench.intake [--people 6000] [--probes 3000] [--database URL]`
(the database made by `bench/generate`). Writes bench/results/intake-recall-<time>.json.
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.population import DEFAULT_DATABASE

RESULTS = Path(__file__).resolve().parent / "results"

# A candidate's hits: the (key kind, persons under the key) of every block key it was found
# under, "p" for two words of a name, "g" the given name with a birth year, "w" a one-word
# name with a year, "di"/"dr"/"dm" the birth date with the initial/regency/province.
Hits = list[tuple[str, int]]

# Narrower rules for a candidate found under block keys only (one found by a document or
# phone number is always kept), each compared with the rule in use (keep all).
RULES: dict[str, Callable[[Hits], bool]] = {
    "under two keys or more": lambda hits: len(hits) >= 2,
    "two keys, or one of at most 10 persons": lambda hits: (
        len(hits) >= 2 or min(n for _kind, n in hits) <= 10
    ),
    "given name and year: at most 10 persons": lambda hits: any(
        n <= (10 if kind == "g" else 30) for kind, n in hits
    ),
    "given name and year, and date and province: at most 10": lambda hits: any(
        n <= (10 if kind in ("g", "dm") else 30) for kind, n in hits
    ),
}


@dataclass
class Looked:
    """One later record looked up: its true person, the candidates found (with the block
    keys that brought each, and whether a number did), and the scored ones."""

    truth: int | None  # None: someone never registered (a stranger to the registry)
    candidates: set[int]
    by_number: set[int]
    hits: dict[int, Hits]
    scored: list[tuple[int, float]] = field(default_factory=list)
    # The most likely candidate as the preview sees it: person, probability, holds the
    # record's NIK or document number, born on the same date.
    best: tuple[int, float, bool, bool] | None = None


def _register(records: list[Any]) -> dict[int, int]:
    """The first record of each synthetic person as a registered Person (with its match index);
    returns person id by synthetic person id."""
    from pulang.agencies.models import Agency
    from pulang.core.bulk import bulk_insert_rows
    from pulang.matching.tokens import match_index_add
    from pulang.people.models import Person, person_name_key
    from pulang.regions.models import Region

    agency = Agency.objects.order_by("pk").first()
    assert agency is not None, "no agency: generate the bench database first"
    regions = set(Region.objects.values_list("code", flat=True))
    people = [
        {
            "full_name": r.full_name,
            "aliases": list(r.aliases),
            "sex": r.sex,
            "birth_date": r.birth_date,
            "birth_year_only": r.birth_year_only,
            "nik": r.nik,
            "family_card_number": r.family_card_number,
            "travel_document_number": r.travel_document_number,
            "phone_id": r.phone_id,
            "phone_my": r.phone_my,
            "kin_phone": r.kin_phone,
            "origin_region_id": r.origin_region_code if r.origin_region_code in regions else None,
            "registered_by_id": agency.pk,
            "name_key": person_name_key(r.full_name, list(r.aliases)),
        }
        for r in records
    ]
    ids = bulk_insert_rows(Person, people)
    match_index_add(people=[{**values, "id": pk} for values, pk in zip(people, ids, strict=True)])
    return {r.person_id: pk for r, pk in zip(records, ids, strict=True)}


def _look_up(rows: list[dict[str, Any]], truths: list[int | None]) -> list[Looked]:
    from pulang.matching import matching, tokens
    from pulang.matching.records import match_row_json

    found = matching.retrieve_candidates(rows)
    # The same look-ups again, kept apart: by number, and by block key (with the key's size).
    by_number: list[set[int]] = [set() for _ in rows]
    matching.candidates_by_number(rows, by_number)
    asked: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        for key, _is_name in tokens.probe_keys(row):
            asked.setdefault(key, []).append(index)
    hits: list[dict[int, Hits]] = [{} for _ in rows]
    for key, persons in tokens._people_under(sorted(asked)).items():
        for index in asked[key]:
            for person in persons or ():
                hits[index].setdefault(person, []).append((key.split(":")[0], len(persons or ())))
    stored = matching.stored_match_rows(set().union(*found))
    candidates = [sorted(filter(stored.__contains__, ids)) for ids in found]
    scored = matching.score_against_candidates(
        [match_row_json(row) for row in rows], candidates, stored, threshold=0.5
    )
    return [
        Looked(
            truth=truth,
            candidates=set(ids),
            by_number=numbers,
            hits=hit,
            scored=[(c.person_id, c.match_probability) for c in found_for_row],
            best=max(
                (
                    (c.person_id, c.match_probability, c.shares_number, c.same_birth_date)
                    for c in found_for_row
                ),
                key=lambda best: best[1],
                default=None,
            ),
        )
        for truth, ids, numbers, hit, found_for_row in zip(
            truths, candidates, by_number, hits, scored, strict=True
        )
    ]


# When the preview starts a row as linked to its most likely candidate (decision 0020):
# (probability, holds the number, same birth date) -> chosen.
CHOICES: dict[str, Callable[[float, bool, bool], bool]] = {
    "90% or more (before 0020)": lambda p, _number, _date: p >= 0.9,
    "a number, or 99%": lambda p, number, _date: p >= 0.9 and (number or p >= 0.99),
    "a number, or 99% and the birth date (in use)": lambda p, number, date: (
        p >= 0.9 and (number or (p >= 0.99 and date))
    ),
}


def choices(returning: list[Looked], strangers: list[Looked]) -> dict[str, dict[str, int]]:
    """For each rule: returning people started as linked to themselves, or to someone else,
    and strangers started as linked to someone registered."""
    result = {}
    for name, chosen in CHOICES.items():
        right = wrong = stranger = 0
        for one in returning:
            if one.best and chosen(*one.best[1:]):
                right += one.best[0] == one.truth
                wrong += one.best[0] != one.truth
        for one in strangers:
            stranger += bool(one.best and chosen(*one.best[1:]))
        result[name] = {
            "returning_chosen_right": right,
            "returning_chosen_wrong": wrong,
            "strangers_chosen": stranger,
        }
    return result


def figures(looked: list[Looked], keep: Callable[[Hits], bool] | None = None) -> dict[str, Any]:
    """Candidates a record, and the share of records whose true person is among them and among
    the five shown (probability 0.5 or more), under `keep` (None: every candidate)."""
    count = len(looked) or 1
    kept_total = found = shown = 0
    for one in looked:
        kept = {
            person
            for person in one.candidates
            if keep is None
            or person in one.by_number
            or person not in one.hits
            or keep(one.hits[person])
        }
        kept_total += len(kept)
        found += one.truth in kept
        top = sorted((-p, person) for person, p in one.scored if person in kept)[:5]
        shown += any(person == one.truth for _p, person in top)
    return {
        "candidates_per_record": round(kept_total / count, 1),
        "true_person_found": round(found / count, 4),
        "true_person_shown": round(shown / count, 4),
    }


def run(people: int, probes: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, transaction

    from pulang.matching.records import match_row
    from pulang.matching.synthetic import generate

    records = sorted(generate(people, seed=seed), key=lambda r: r.record_id)
    # One person in five is never registered: their records are strangers to the registry.
    first: dict[int, Any] = {}
    later: list[Any] = []
    strangers: dict[int, Any] = {}
    for record in records:
        if record.person_id % 5 == 0:
            strangers.setdefault(record.person_id, record)
        elif record.person_id in first:
            later.append(record)
        else:
            first[record.person_id] = record
    later = later[:probes]
    unknown = list(strangers.values())[:probes]
    result: dict[str, Any] = {}

    class Done(Exception):
        pass

    try:
        with transaction.atomic():
            registered = _register(list(first.values()))
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM people_person")
                (result["registry"],) = cursor.fetchone()
            rows = [match_row(r.match_record(), i + 1) for i, r in enumerate(later)]
            started = time.perf_counter()
            looked = _look_up(rows, [registered[r.person_id] for r in later])
            result["seconds"] = round(time.perf_counter() - started, 2)
            rows = [match_row(r.match_record(), i + 1) for i, r in enumerate(unknown)]
            looked_unknown = _look_up(rows, [None for _ in unknown])
            raise Done
    except Done:
        pass
    # The rolled-back rows stay behind as dead ones until a vacuum, and this machine's
    # PostgreSQL runs no autovacuum: left there, they slowed the next manifest benchmark's
    # save threefold.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) people_person, matching_blockkey, matching_matchrow")
    result.update(
        {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "records_looked_up": len(looked),
            "in_use": figures(looked),
            "narrower": {name: figures(looked, keep) for name, keep in RULES.items()},
            "strangers_looked_up": len(looked_unknown),
            "chosen": choices(looked, looked_unknown),
        }
    )
    return result


def table(result: Mapping[str, Any]) -> str:
    lines = [
        f"{result['records_looked_up']:,} later records of synthetic people looked up among "
        f"{result['registry']:,} registered persons ({result['date'][:10]}).",
        "",
        "| candidates kept | per record | true person among them | true person shown |",
        "|---|---|---|---|",
    ]
    for name, row in [("all (in use)", result["in_use"]), *result["narrower"].items()]:
        lines.append(
            f"| {name} | {row['candidates_per_record']} | {row['true_person_found']:.4f} "
            f"| {row['true_person_shown']:.4f} |"
        )
    lines += [
        "",
        f"Rows started as linked: of the {result['records_looked_up']:,} returning people, and "
        f"of {result['strangers_looked_up']:,} people never registered.",
        "",
        "| a row starts linked when its most likely candidate is | returning, to themselves "
        "| returning, to someone else | never registered, to someone |",
        "|---|---|---|---|",
    ]
    for name, row in result["chosen"].items():
        lines.append(
            f"| {name} | {row['returning_chosen_right']:,} | {row['returning_chosen_wrong']:,} "
            f"| {row['strangers_chosen']:,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.intake", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=6000, help="synthetic people registered")
    parser.add_argument("--probes", type=int, default=3000, help="later records looked up")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    result = run(args.people, args.probes, args.seed)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"intake-recall-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
