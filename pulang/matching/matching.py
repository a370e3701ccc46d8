"""Registry candidates for new people: who, already registered, may this be?

`candidates_for_records` takes the people of a manifest (or one person from a form) and, for
each, returns the registered persons most likely to be the same person, ranked, with the
reasons in words a social worker reads at intake. Two steps:

1. Retrieval, in the database, through indexes: the same NIK, travel document, family card or
   phone number; the block keys (two words of a name together, birth date with regency, ...;
   `tokens.py`); and, for a name found under none of its keys, similar spellings (a trigram
   index on PostgreSQL; on SQLite a LIKE on parts of the name's words, narrowed by birth
   year). Each step is capped per record, so a manifest brings back a few dozen registry
   rows per person however large the registry.
2. Scoring, in an in-memory DuckDB: the trained Splink model's levels and weights
   (`model.py`, `scoring_sql`) score every new record against its own candidates in one
   query for the whole manifest. The candidates' input rows come precomputed from the
   matching index (`MatchRow`), so nothing is rebuilt per candidate in Python.

It looks at the whole registry; the caller decides what the user may see of the candidates.
"""

import difflib
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import chain, repeat
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from pulang.core.sqlarrays import BIGINT_ARRAY, TEXT_ARRAY, joined

from .model import (
    LevelWeight,
    level_weights,
    load_model,
    same_birth_date_levels,
    same_number_levels,
    scoring_sql,
)
from .records import (
    MATCH_ROW_STRUCT,
    PERSON_FIELDS,
    MatchRecord,
    match_row,
    match_row_json,
    phone_spellings,
    record_from_person_values,
)

__all__ = ["Candidate", "MatchRecord", "candidates_for_records", "match_record_from_values"]

# Caps on what retrieval brings back, per new record.
EXACT_PER_KEY = 20
NAME_PER_KEY = 30
SQLITE_SCAN_PER_KEY = 300
MAX_ALIASES = 5


@dataclass(frozen=True)
class Candidate:
    """A registered person who may be the new record, and why."""

    person_id: int
    match_probability: float
    match_weight: float
    reasons: list[str] = field(default_factory=list)
    # Holds the record's NIK or travel document number: shown whatever the score.
    shares_number: bool = False
    # Born on the record's birth date (day and month either way round).
    same_birth_date: bool = False


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def match_record_from_values(values: Mapping[str, Any]) -> MatchRecord:
    """A MatchRecord from a manifest row's values (or Person-like field names).

    Accepts dates as `date` or ISO text, and the manifest's keys (family_card, document_number,
    origin_region / region_code) as well as Person's.
    """
    aliases = values.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = aliases.replace("/", ";").split(";")
    region = next(
        (
            _text(values.get(key))
            for key in ("origin_region", "origin_region_code", "origin_region_id", "region_code")
            if values.get(key)
        ),
        "",
    )
    return MatchRecord(
        full_name=_text(values.get("full_name")),
        aliases=tuple(_text(a) for a in aliases if _text(a)),
        sex=_text(values.get("sex")),
        birth_date=_date(values.get("birth_date")),
        birth_year_only=bool(values.get("birth_year_only")),
        nik=_text(values.get("nik")),
        family_card_number=_text(values.get("family_card_number") or values.get("family_card")),
        travel_document_number=_text(
            values.get("travel_document_number") or values.get("document_number")
        ),
        phones=tuple(_text(values.get(key)) for key in ("phone_id", "phone_my") if values.get(key)),
        kin_phones=(_text(values["kin_phone"]),) if values.get("kin_phone") else (),
        origin_region_code=region,
    )


# -- retrieval ---------------------------------------------------------------------------------


def _exact_lookup(
    field_names: Sequence[str],
    wanted: Mapping[str, set[int]],
    found: list[set[int]],
    exclude: Collection[int],
) -> None:
    """Add to found[i] the persons whose field equals one of record i's values."""
    values = [value for value in wanted if value and "\n" not in value]  # one line each
    if not values:
        return
    from pulang.people.models import Person

    rows: Iterable[Sequence[Any]]
    # Unordered and uncapped in SQL (an ORDER BY with a LIMIT lets PostgreSQL walk a whole
    # index in that order instead of probing the number's own); capped per record below, in
    # id order.
    if connection.vendor == "postgresql":  # arrays as parameters: no statement of thousands
        meta = Person._meta
        columns = [str(getattr(meta.get_field(name), "column", name)) for name in field_names]
        # The number indexes leave out the empty ones: each arm says it wants none.
        arms = [f"({column} = ANY({TEXT_ARRAY}) AND NOT ({column} = ''))" for column in columns]
        sql = f"""
            SELECT id, {", ".join(columns)} FROM {meta.db_table}
            WHERE ({" OR ".join(arms)})
              AND merged_into_id IS NULL AND NOT id = ANY({BIGINT_ARRAY})
        """  # noqa: S608 - names from the model, values as parameters
        with connection.cursor() as cursor:
            text = joined(values)
            cursor.execute(sql, [*(text for _ in columns), joined(exclude)])
            rows = sorted(cursor.fetchall())
    else:
        query = Q()
        for name in field_names:
            query |= Q(**{f"{name}__in": values}) & ~Q(**{name: ""})
        rows = (
            Person.objects.filter(query, merged_into__isnull=True)
            .exclude(id__in=list(exclude))
            .values_list("id", *field_names)
            .order_by("id")
        )
    per_record: dict[int, int] = {}
    for person_id, *stored in rows:
        for value in stored:
            for index in wanted.get(value, ()):
                if per_record.get(index, 0) < EXACT_PER_KEY and person_id not in found[index]:
                    found[index].add(person_id)
                    per_record[index] = per_record.get(index, 0) + 1


def _name_keys(row: Mapping[str, Any]) -> list[str]:
    return list(row["name_keys"] or [])[: 1 + MAX_ALIASES]


def _name_lookup_postgresql(
    rows: Sequence[Mapping[str, Any]], found: list[set[int]], exclude: Collection[int]
) -> None:
    """Similar names by the trigram index: similar as a whole, or the new name's words inside
    the registered one; those born within a year first, then the most similar."""
    indexes: list[int] = []
    keys: list[str] = []
    years: list[int | None] = []
    for index, row in enumerate(rows):
        for key in _name_keys(row):
            indexes.append(index)
            keys.append(key)
            years.append(row["birth_year"])
    if not keys:
        return
    sql = """
        SELECT q.i, p.id
        FROM unnest(%s::int[], %s::text[], %s::int[]) AS q(i, name_key, birth_year)
        CROSS JOIN LATERAL (
            SELECT person.id
            FROM people_person person
            WHERE (person.name_key %% q.name_key OR q.name_key <%% person.name_key)
              AND NOT person.id = ANY(%s::bigint[])
            ORDER BY
              (q.birth_year IS NOT NULL AND person.birth_date IS NOT NULL
               AND abs(extract(year FROM person.birth_date) - q.birth_year) <= 1) DESC,
              greatest(similarity(person.name_key, q.name_key),
                       word_similarity(q.name_key, person.name_key)) DESC,
              person.id
            LIMIT %s
        ) AS p
    """
    # For each name the planner cannot see how selective the trigram match is, and on a
    # registry of tens of thousands it may scan the table once per name; the index lookup is
    # several times faster at any size. Turned off for this statement only, then restored.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        [(seqscan,)] = cursor.fetchall()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        try:
            cursor.execute(sql, [indexes, keys, years, list(exclude), NAME_PER_KEY])
            rows_found = cursor.fetchall()
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [seqscan])
    for index, person_id in rows_found:
        found[index].add(person_id)


def _name_lookup_portable(
    rows: Sequence[Mapping[str, Any]], found: list[set[int]], exclude: Collection[int]
) -> None:
    """Similar names without trigrams: the name key contains the start or the end of one of
    the new name's words, born within a year (or of unknown birth); ranked in Python."""
    from pulang.people.models import Person

    for index, row in enumerate(rows):
        for key in _name_keys(row):
            parts: set[str] = set()
            for word in key.split():
                if len(word) >= 3:
                    parts.update((word[:3], word[-3:]))
            if not parts:
                continue
            query = Q()
            for part in sorted(parts):
                query |= Q(name_key__contains=part)
            people = Person.objects.filter(query)
            year = row["birth_year"]
            if year:
                people = people.filter(
                    Q(birth_date__isnull=True)
                    | Q(
                        birth_date__gte=date(max(year - 1, 1), 1, 1),
                        birth_date__lte=date(min(year + 1, 9999), 12, 31),
                    )
                )
            if exclude:
                people = people.exclude(id__in=list(exclude))
            scanned = list(people.values_list("id", "name_key")[:SQLITE_SCAN_PER_KEY])
            scanned.sort(key=lambda item: -difflib.SequenceMatcher(None, key, item[1]).ratio())
            found[index].update(person_id for person_id, _ in scanned[:NAME_PER_KEY])


def candidates_by_number(
    rows: Sequence[Mapping[str, Any]], found: list[set[int]], exclude: Collection[int] = ()
) -> None:
    """Add to found[i] the persons holding record i's NIK, document or family-card number,
    or one of its phone numbers (any way it was stored)."""

    def wanted(column: str) -> dict[str, set[int]]:
        values: dict[str, set[int]] = {}
        for index, row in enumerate(rows):
            value = row[column]
            if value and len(set(value)) > 1:  # "0000000000000000" is no number
                values.setdefault(value, set()).add(index)
        return values

    _exact_lookup(["nik"], wanted("nik"), found, exclude)
    _exact_lookup(["travel_document_number"], wanted("travel_document_number"), found, exclude)
    _exact_lookup(["family_card_number"], wanted("family_card_number"), found, exclude)
    phones: dict[str, set[int]] = {}
    for index, row in enumerate(rows):
        for phone in row["all_phones"] or ():
            for spelling in phone_spellings(phone):
                phones.setdefault(spelling, set()).add(index)
    _exact_lookup(["phone_id", "phone_my", "kin_phone"], phones, found, exclude)


def retrieve_candidates(
    rows: Sequence[Mapping[str, Any]], exclude: Collection[int] = ()
) -> list[set[int]]:
    """For each new record (as a `match_row`), the ids of registered persons worth scoring."""
    found: list[set[int]] = [set() for _ in rows]
    candidates_by_number(rows, found, exclude)
    from .tokens import candidates_by_keys, unknown_words

    by_keys, named = candidates_by_keys(rows)
    for index, ids in enumerate(by_keys):
        found[index] |= ids - set(exclude)
    # A name found under none of its keys with a word nobody in the registry has (a misspelt
    # word, say): look it up by similar spelling. A name of known words found under none of
    # its keys is someone new; looking for similar spellings would only bring strangers.
    unnamed = [index for index, hit in enumerate(named) if not hit]
    unknown = unknown_words([rows[index] for index in unnamed])
    unfound = [index for index, odd in zip(unnamed, unknown, strict=True) if odd]
    if unfound:
        subset = [rows[index] for index in unfound]
        sub_found: list[set[int]] = [set() for _ in subset]
        if connection.vendor == "postgresql":
            _name_lookup_postgresql(subset, sub_found, exclude)
        else:
            _name_lookup_portable(subset, sub_found, exclude)
        for index, ids in zip(unfound, sub_found, strict=True):
            found[index] |= ids
    return found


# -- scoring -----------------------------------------------------------------------------------


def _reasons(
    scored: Mapping[str, Any], weights: Mapping[tuple[str, int], LevelWeight]
) -> list[str]:
    """What agreed (strongest evidence first), then what disagrees (the worst first)."""
    agree: list[tuple[float, str]] = []
    disagree: list[tuple[float, str]] = []
    for (comparison, gamma), level in weights.items():
        if scored.get(f"gamma_{comparison}") != gamma or not level.reason:
            continue
        if level.match_weight > 0.5:
            agree.append((-level.match_weight, level.reason))
        elif level.match_weight < -2:
            disagree.append((level.match_weight, level.reason))
    return [reason for _, reason in sorted(agree)] + [reason for _, reason in sorted(disagree)]


class _Scorer(threading.local):
    """One in-memory DuckDB connection per thread, with the trained model's scoring SQL for
    each threshold asked, made on first use."""

    def __init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        # One thread: scoring runs beside the preview's own work, and on two cores a second
        # DuckDB thread only competes with it (measured: more CPU for the same scores).
        self.con.execute("SET threads = 1")
        self.model = load_model()
        self.weights = level_weights(self.model)
        self.same_number = same_number_levels(self.model)
        self.same_birth_date = same_birth_date_levels(self.model)
        self.sql: dict[float, str] = {}

    def scoring_sql(self, threshold: float) -> str:
        if threshold not in self.sql:
            self.sql[threshold] = scoring_sql(
                self.model, "__pulang_new", "__pulang_candidates", threshold
            )
        return self.sql[threshold]


_scorers: _Scorer | None = None


def _scorer() -> _Scorer:
    global _scorers
    if _scorers is None:
        _scorers = _Scorer()
    return _scorers


def _load_rows(
    con: Any, name: str, unique_ids: list[int], query_ids: list[int], rows: list[str]
) -> None:
    """A DuckDB table of Splink input rows (with query_id) from `match_row_json` texts, spread
    into their columns by DuckDB's JSON reader rather than in Python."""
    import pyarrow as pa

    source = pa.table(
        {
            "unique_id": pa.array(unique_ids, pa.int64()),
            "query_id": pa.array(query_ids, pa.int64()),
            "row": pa.array(rows, pa.string()),
        }
    )
    con.register("__pulang_source", source)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unique_id, query_id, "  # noqa: S608
            f"unnest(json_transform(row, '{MATCH_ROW_STRUCT}')) FROM __pulang_source"
        )
    finally:
        con.unregister("__pulang_source")


def score_against_candidates(
    rows: Sequence[str],
    candidates: Sequence[Sequence[int]],
    people: Mapping[int, str],
    *,
    threshold: float,
) -> list[list[Candidate]]:
    """Score each new row against its own candidates, all in one DuckDB query. Rows are
    `match_row_json` texts; each row's candidates are person ids, whose rows `people` holds.
    The pairs are laid out in whole lists, not pair by pair: a manifest brings hundreds of
    thousands."""
    import pyarrow as pa

    owner = list(chain.from_iterable(candidates))  # each pair's person, row by row
    right_queries = list(
        chain.from_iterable(repeat(index, len(ids)) for index, ids in enumerate(candidates))
    )
    first_right = len(rows) + 1
    right_ids = range(first_right, first_right + len(owner))
    results: list[list[Candidate]] = [[] for _ in rows]
    if not owner:
        return results
    scorer = _scorer()
    con = scorer.con
    indexes = list(range(len(rows)))
    _load_rows(con, "__pulang_new", [i + 1 for i in indexes], indexes, list(rows))
    ids = list(dict.fromkeys(owner))  # each candidate's row once, however many it may be
    _load_rows(con, "__pulang_people", ids, [0] * len(ids), [people[i] for i in ids])
    pairs = pa.table(
        {
            "unique_id": pa.array(right_ids, pa.int64()),
            "query_id": pa.array(right_queries, pa.int64()),
            "person_id": pa.array(owner, pa.int64()),
        }
    )
    con.register("__pulang_pairs", pairs)
    try:
        # Each pair takes its candidate's columns, parsed once per candidate.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __pulang_candidates AS "
            "SELECT pairs.unique_id, pairs.query_id, people.* EXCLUDE (unique_id, query_id) "
            "FROM __pulang_pairs pairs JOIN __pulang_people people "
            "ON people.unique_id = pairs.person_id"
        )
        cursor = con.execute(scorer.scoring_sql(threshold))
        names = [column[0] for column in cursor.description]
        scored_rows = cursor.fetchall()
    finally:
        con.unregister("__pulang_pairs")
        for table in ("__pulang_new", "__pulang_people", "__pulang_candidates"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    weights, same_number = scorer.weights, scorer.same_number.items()
    same_birth_date = scorer.same_birth_date.items()
    for values in scored_rows:
        scored = dict(zip(names, values, strict=True))
        results[scored["unique_id_l"] - 1].append(
            Candidate(
                person_id=owner[scored["unique_id_r"] - first_right],
                match_probability=float(scored["match_probability"]),
                match_weight=float(scored["match_weight"]),
                reasons=_reasons(scored, weights),
                shares_number=any(scored.get(column) == gamma for column, gamma in same_number),
                same_birth_date=any(
                    scored.get(column) in gammas for column, gammas in same_birth_date
                ),
            )
        )
    return results


def stored_match_rows(person_ids: Collection[int]) -> dict[int, str]:
    """The match rows (`match_row_json`) of these persons, from the matching index; a person
    the index lacks (updated in bulk without a rebuild) is read from Person. Merged-away
    records have none: they are never candidates."""
    from pulang.people.models import Person

    from .models import MatchRow

    wanted = sorted(person_ids)
    rows: dict[int, str] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        if connection.vendor == "postgresql":  # one array parameter, not thousands
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT person_id, row FROM {MatchRow._meta.db_table} "  # noqa: S608
                    f"WHERE person_id = ANY({BIGINT_ARRAY})",
                    [joined(chunk)],
                )
                rows.update(cursor.fetchall())
        else:
            rows.update(
                MatchRow.objects.filter(person_id__in=chunk).values_list("person_id", "row")
            )
    missing = [person_id for person_id in wanted if person_id not in rows]
    for start in range(0, len(missing), 2000):
        for values in Person.objects.filter(
            id__in=missing[start : start + 2000], merged_into__isnull=True
        ).values(*PERSON_FIELDS):
            rows[values["id"]] = match_row_json(match_row(record_from_person_values(values), 0))
    return rows


def candidates_for_records(
    records: Sequence[MatchRecord],
    *,
    limit: int = 5,
    threshold: float = 0.5,
    exclude_person_ids: Collection[int] = (),
) -> list[list[Candidate]]:
    """For each record, up to `limit` registered persons with a match probability of at least
    `threshold`, most likely first; persons in `exclude_person_ids` are never proposed."""
    chunks = [records[start : start + SCORE_CHUNK] for start in range(0, len(records), SCORE_CHUNK)]
    return [
        candidates
        for chunk in candidates_in_chunks(
            chunks, limit=limit, threshold=threshold, exclude_person_ids=exclude_person_ids
        )
        for candidates in chunk
    ]


def candidates_in_chunks(
    chunks: Iterable[Sequence[MatchRecord]],
    *,
    limit: int = 5,
    threshold: float = 0.5,
    exclude_person_ids: Collection[int] = (),
) -> list[list[list[Candidate]]]:
    """`candidates_for_records` for each chunk of records, in order. The chunks may be made
    as they are asked for (a manifest's rows read and checked a part at a time): DuckDB
    scores one chunk in a second thread (it needs no database connection and leaves Python
    free meanwhile) while this thread makes the next chunk and finds its candidates in the
    database."""
    exclude = set(exclude_person_ids)
    score = partial(score_against_candidates, threshold=threshold)
    futures: list[Future[list[list[Candidate]]]] = []
    waiting: tuple[list[str], list[list[int]], dict[int, str]] | None = None
    for chunk in chunks:
        if waiting is not None:  # a next chunk: the one before goes to the scoring thread
            futures.append(_scoring_pool().submit(score, *waiting))
        rows = [match_row(record, index + 1) for index, record in enumerate(chunk)]
        waiting = _found(rows, exclude)
    last = [score(*waiting)] if waiting is not None else []  # the last (or only) one, here
    scored = [future.result() for future in futures] + last
    return [[_best(found_for_record, limit) for found_for_record in chunk] for chunk in scored]


def _best(found: list[Candidate], limit: int) -> list[Candidate]:
    """The `limit` most likely, most likely first, and after them anyone holding the
    record's number: a namesake crowd does not hide the number's holder."""
    ranked = sorted(found, key=lambda c: (-c.match_weight, c.person_id))
    return ranked[:limit] + [c for c in ranked[limit:] if c.shares_number]


SCORE_CHUNK = 1000
_pool: ThreadPoolExecutor | None = None


def _scoring_pool() -> ThreadPoolExecutor:
    """One scoring thread for the process, kept: its DuckDB connection and model stay warm
    from one manifest to the next."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulang-scoring")
    return _pool


def _found(
    rows: Sequence[Mapping[str, Any]], exclude: Collection[int]
) -> tuple[list[str], list[list[int]], dict[int, str]]:
    """The rows as match-row JSON, each one's candidates (person ids), and the candidates'
    match rows."""
    found = retrieve_candidates(rows, exclude)
    stored = stored_match_rows(set().union(*found))
    candidates = [sorted(filter(stored.__contains__, ids)) for ids in found]
    return [match_row_json(row) for row in rows], candidates, stored
