"""The matching index, derived from Person and kept in step with it on every save and after bulk
inserts (`match_index_rebuild`, `match_index_add`):

- block keys: the exact keys under which a person is looked up at intake (`stored_keys`), and
  under which a new record looks (`probe_keys`). Both are made from the same `match_row`, so a
  person and their new registration meet whenever they agree on two words of a name, on the
  only word of a one-word name or on the given name (before "bin"/"binti") with the birth
  year (within a year, or unknown on either side), or on the birth date with the regency,
  with the first letter of the given name, or (day and month either way round) with the
  province. These are the model's own blocking rules (`model.blocking_rules`), as
  exact keys on one index: a look-up costs the same at a thousand people and at a million,
  and common single words ("Siti", "Muhammad") no longer bring back crowds of strangers.
- match rows: each person's Splink input row, ready for scoring (`MatchRow`).
"""

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from django.db import connection, transaction

from pulang.core.bulk import bulk_insert_values
from pulang.core.sqlarrays import INT_ARRAY, TEXT_ARRAY, joined
from pulang.people.models import Person, name_key

from .models import BlockKey, MatchRow
from .records import (
    PERSON_FIELDS,
    match_row,
    match_row_json,
    name_skeleton_word,
    record_from_person_values,
)

# A key shared by more persons than this is a crowd, not a clue (`candidates_by_keys`); a
# one-word name's word and year is the weakest clue, so fewer.
PER_KEY = 30
PER_WORD_KEY = 10
MAX_NAMES = 6  # the name and up to five aliases
MAX_WORDS = 8  # words of one name paired with each other
MAX_WORD = 20  # characters of a word kept in a key (keys stay within their column)


def _name_words(row: Mapping[str, Any]) -> list[list[str]]:
    """The sound-folded words (skeletons) of each of the row's names."""
    names: list[list[str]] = []
    for key in (row.get("name_keys") or [])[:MAX_NAMES]:
        words = [name_skeleton_word(word)[:MAX_WORD] for word in key.split()]
        names.append(sorted({word for word in words if len(word) >= 2})[:MAX_WORDS])
    return names


def _date_keys(row: Mapping[str, Any]) -> list[str]:
    keys = []
    birth, regency, province = row.get("birth_date"), row.get("regency"), row.get("province")
    given = row.get("given_key") or ""
    if birth is not None:
        day = birth.isoformat() if hasattr(birth, "isoformat") else str(birth)
        if regency:
            keys.append(f"dr:{day}:{regency}")
        if given:
            keys.append(f"di:{day}:{given[0]}")
    if row.get("birth_day_month") and province:
        keys.append(f"dm:{row['birth_day_month']}:{province}")
    return keys


def _given(row: Mapping[str, Any]) -> str:
    """The given name's sound-folded words (before "bin"/"binti"), cut to fit a key."""
    return (row.get("given_skeleton") or "")[: 3 * MAX_WORD]


def stored_keys(row: Mapping[str, Any]) -> set[str]:
    """The keys a registered person (as a `match_row`) is found under."""
    year = row.get("birth_year") or ""
    keys: set[str] = set(_date_keys(row))
    if _given(row):  # "Sutrisno" registered, "Sutrisno bin Kasan" arriving
        keys.add(f"g:{_given(row)}:{year}")
    for words in _name_words(row):
        keys.update(f"p:{a} {b}" for a, b in combinations(words, 2))
        keys.update(f"w:{word}:{year}" for word in words)
        keys.update(f"k:{word}" for word in words)  # the word is known (`unknown_words`)
    return keys


def probe_keys(row: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The keys a new record (as a `match_row`) looks under, each with whether it is a name's
    key (a hit on a date alone does not make a name found)."""
    keys: list[tuple[str, bool]] = []
    year = row.get("birth_year")
    # Born within a year, or of unknown year on either side.
    years: list[int | str] = [year - 1, year, year + 1, ""] if year else [""]
    for words in _name_words(row):
        keys += [(f"p:{a} {b}", True) for a, b in combinations(words, 2)]
        if len(words) == 1:  # one word: that word and the birth year
            keys += [(f"w:{words[0]}:{y}", True) for y in years]
    if _given(row):  # the given name and the birth year
        keys += [(f"g:{_given(row)}:{y}", True) for y in years]
    keys += [(key, False) for key in _date_keys(row)]
    return list(dict.fromkeys(keys))


def match_index_rebuild(*, person_ids: Sequence[int]) -> None:
    """Replace the block keys and match rows of these persons; merged-away records keep none.
    Call it after updating persons in bulk (which sends no `post_save`)."""
    with transaction.atomic():
        BlockKey.objects.filter(person_id__in=person_ids).delete()
        MatchRow.objects.filter(person_id__in=person_ids).delete()
        _index(
            Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).values(
                *PERSON_FIELDS
            )
        )


def match_index_add(*, people: Iterable[Mapping[str, Any]]) -> None:
    """Index persons just inserted in bulk (which sends no `post_save`), from their field
    values in hand (by attname, with "id"; fields left out are empty) rather than reading
    them back."""
    _index(
        {name: values.get(name) for name in PERSON_FIELDS}
        for values in people
        if values.get("merged_into_id") is None
    )


def _index(people: Iterable[Mapping[str, Any]]) -> None:
    """Add the block keys and match rows of these persons (`PERSON_FIELDS` values)."""
    keys: list[tuple[int, str]] = []
    rows: list[tuple[int, str]] = []
    for values in people:
        row = match_row(record_from_person_values(values), 0)
        keys += [(values["id"], key) for key in sorted(stored_keys(row))]
        rows.append((values["id"], match_row_json(row)))
    keys.sort(key=lambda pair: pair[1])  # in index order: each index page read once
    bulk_insert_values(BlockKey, ("person_id", "key"), keys)
    bulk_insert_values(MatchRow, ("person_id", "row"), rows)


def candidates_by_keys(rows: Sequence[Mapping[str, Any]]) -> tuple[list[set[int]], list[bool]]:
    """For each new record (a `match_row`): the persons found under its probe keys, and
    whether any of its name keys is in the registry.

    A key shared by more than PER_KEY persons (PER_WORD_KEY for one word with a year) is a
    crowd, not a clue: it brings nobody. Cutting a crowd at its first
    few ids would bring strangers picked by age of registration, to be scored for nothing;
    the person sought, if registered, is found under a narrower key (two words of the name,
    the birth date with the region or the initial) or a document number. Each distinct key
    is looked up once however many rows of the manifest share it."""
    found: list[set[int]] = [set() for _ in rows]
    named = [False] * len(rows)
    asked: dict[str, list[int]] = {}  # key -> the rows that look under it
    name_keys: set[str] = set()
    for index, row in enumerate(rows):
        for key, is_name in probe_keys(row):
            asked.setdefault(key, []).append(index)
            if is_name:
                name_keys.add(key)
    for key, persons in _people_under(sorted(asked)).items():
        is_name = key in name_keys
        for index in asked[key]:
            named[index] = named[index] or is_name
            if persons:  # None: a crowd
                found[index].update(persons)
    return found, named


def _limit(key: str) -> int:
    return PER_WORD_KEY if key.startswith("w:") else PER_KEY


def _people_under(keys: Sequence[str]) -> dict[str, list[int] | None]:
    """The persons under each key that anyone is under; None for a crowd (more than the
    key's limit)."""
    people: dict[str, list[int] | None] = {}
    table = BlockKey._meta.db_table
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        limits = [_limit(key) + 1 for key in chunk]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Each key read in index order and cut past its limit: a crowd costs no more
                # than a clue. One row a key found, its persons as one text (none for a
                # crowd), by the key's place in the list: fewer and smaller rows to read.
                cursor.execute(
                    f"""
                    SELECT q.place, CASE WHEN b.n < q.most THEN b.ids END
                    FROM unnest({TEXT_ARRAY}, {INT_ARRAY}) WITH ORDINALITY AS q(key, most, place)
                    CROSS JOIN LATERAL (
                        SELECT count(*) AS n, string_agg(person_id::text, ' ') AS ids
                        FROM (
                            SELECT person_id FROM {table} b WHERE b.key = q.key
                            ORDER BY b.person_id LIMIT q.most
                        ) AS under
                    ) AS b
                    WHERE b.n > 0
                    """,  # noqa: S608 - table name from the model, values as parameters
                    [joined(chunk), joined(limits)],
                )
                for place, ids in cursor.fetchall():
                    people[chunk[place - 1]] = [int(i) for i in ids.split()] if ids else None
            else:
                values = ", ".join("(%s, CAST(%s AS INTEGER))" for _ in chunk)
                cursor.execute(
                    f"""
                    WITH q(key, most) AS (VALUES {values})
                    SELECT key, person_id, most FROM (
                        SELECT q.key, b.person_id, q.most, ROW_NUMBER() OVER (
                            PARTITION BY q.key ORDER BY b.person_id
                        ) AS rank
                        FROM q JOIN {table} b ON b.key = q.key
                    ) ranked
                    WHERE rank <= most
                    """,  # noqa: S608 - table name from the model, values as parameters
                    [value for pair in zip(chunk, limits, strict=True) for value in pair],
                )
                under: dict[str, list[int]] = {}
                for key, person_id, most in cursor.fetchall():
                    under.setdefault(key, []).append(person_id)
                    if len(under[key]) >= most:
                        people[key] = None
                for key, persons in under.items():
                    people.setdefault(key, persons)
    return people


def persons_sounding_like(query: str, *, most: int = 1000) -> list[int] | None:
    """Up to `most` persons whose names have a word sounding like each word of `query` (its
    skeleton: "Hutapia" and "Hutapea" fold alike), for a search that found no name spelt so;
    None when no word of it is long enough to have one. The word keys answer it alone."""
    from django.db.models import Count

    skeletons = {name_skeleton_word(word)[:MAX_WORD] for word in name_key(query).split()[:5]}
    keys = sorted(f"k:{skeleton}" for skeleton in skeletons if len(skeleton) >= 2)
    if not keys:
        return None
    under_all = (
        BlockKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(keys=Count("key"))
        .filter(keys=len(keys))
        .order_by()
        .values_list("person_id", flat=True)
    )
    return list(under_all[:most])


def unknown_words(rows: Sequence[Mapping[str, Any]]) -> list[bool]:
    """For each new record: whether a word of its names is in nobody's name in the registry,
    so may be misspelt (a name of known words not found under its keys is someone new).

    A word is known while some person's block keys hold it (`k:<word>`), so a corrected
    misspelling stops being known with the last person who had it."""
    words = sorted({word for row in rows for name in _name_words(row) for word in name})
    known: set[str] = set()
    table = BlockKey._meta.db_table
    for start in range(0, len(words), 5000):
        chunk = [f"k:{word}" for word in words[start : start + 5000]]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT q.key FROM unnest({TEXT_ARRAY}) AS q(key) WHERE EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM {table} b WHERE b.key = q.key)",
                    [joined(chunk)],
                )
            else:
                marks = ", ".join("%s" for _ in chunk)
                cursor.execute(
                    f"SELECT DISTINCT key FROM {table} WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                )
            known.update(key[2:] for (key,) in cursor.fetchall())
    return [any(word not in known for name in _name_words(row) for word in name) for row in rows]


def person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    match_index_rebuild(person_ids=[instance.pk])
