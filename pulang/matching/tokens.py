"""The matching index, derived from Person and kept in step with it on every save and after bulk
inserts (`match_index_rebuild`):

- name tokens: which registered persons share a sound-folded name word and a birth year with a
  new record (retrieval);
- match rows: each person's Splink input row, ready for scoring (`MatchRow`).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction

from pulang.core.bulk import bulk_insert
from pulang.people.models import Person, name_key

from .models import MatchRow, NameToken
from .records import (
    PERSON_FIELDS,
    match_row,
    match_row_json,
    name_skeleton_word,
    record_from_person_values,
)

# The rarest this many tokens of a new name are looked up (a misspelt one is often rarest).
TOKENS_PER_NAME = 2
PER_TOKEN = 60


def tokens_of(full_name: str, aliases: Iterable[str] = ()) -> set[str]:
    words = " ".join(name_key(name) for name in (full_name, *aliases)).split()
    return {s for s in (name_skeleton_word(word) for word in words) if len(s) >= 2}


def match_index_rebuild(*, person_ids: Sequence[int]) -> None:
    """Replace the name tokens and match rows of these persons; merged-away records keep none.
    Call it after updating persons in bulk (which sends no `post_save`)."""
    with transaction.atomic():
        NameToken.objects.filter(person_id__in=person_ids).delete()
        MatchRow.objects.filter(person_id__in=person_ids).delete()
        _index(
            Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).values(
                *PERSON_FIELDS
            )
        )


def match_index_add(*, people: Sequence[Person]) -> None:
    """Index persons just inserted in bulk (`bulk_create` sends no `post_save`), from the
    instances in hand rather than reading them back."""
    _index(
        {name: person.pk if name == "id" else getattr(person, name) for name in PERSON_FIELDS}
        for person in people
        if person.merged_into_id is None
    )


def _index(people: Iterable[Mapping[str, Any]]) -> None:
    """Add the tokens and match rows of these persons (`PERSON_FIELDS` values)."""
    tokens: list[NameToken] = []
    rows: list[MatchRow] = []
    for values in people:
        birth = values["birth_date"]
        tokens += [
            NameToken(person_id=values["id"], token=token, birth_year=birth.year if birth else None)
            for token in tokens_of(values["full_name"], values["aliases"] or ())
        ]
        record = record_from_person_values(values)
        rows.append(MatchRow(person_id=values["id"], row=match_row_json(match_row(record, 0))))
    bulk_insert(tokens, batch_size=5000)
    bulk_insert(rows, batch_size=2000)


def candidates_by_tokens(rows: Sequence[Mapping[str, Any]]) -> list[set[int]]:
    """For each Splink input row: persons sharing one of its rarest name tokens and born within
    a year of it (or of unknown birth year)."""
    tokens = {token for row in rows for token in row.get("name_tokens") or ()}
    if not tokens:
        return [set() for _ in rows]
    frequency: dict[str, int] = dict.fromkeys(tokens, 0)
    token_list = sorted(tokens)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT token, count(*) FROM {NameToken._meta.db_table} "  # noqa: S608
                "WHERE token = ANY(%s) GROUP BY token",
                [token_list],
            )
            frequency.update(cursor.fetchall())
    else:
        for start in range(0, len(token_list), 500):
            chunk = token_list[start : start + 500]
            for token, count in (
                NameToken.objects.filter(token__in=chunk).values_list("token").annotate(n=_count())
            ):
                frequency[token] = count
    found: list[set[int]] = [set() for _ in rows]
    wanted: list[tuple[int, str, int | None]] = []
    for index, row in enumerate(rows):
        mine = sorted(row.get("name_tokens") or (), key=lambda t: (frequency[t], t))
        wanted += [(index, token, row.get("birth_year")) for token in mine[:TOKENS_PER_NAME]]
    for start in range(0, len(wanted), 300):
        _lookup(wanted[start : start + 300], found)
    return found


def _count() -> Any:
    from django.db.models import Count

    return Count("id")


def _lookup(wanted: list[tuple[int, str, int | None]], found: list[set[int]]) -> None:
    """Up to PER_TOKEN persons per (record, token): same birth year first, then within a year
    (or of unknown year), each group by person id."""
    table = NameToken._meta.db_table
    # A VALUES list, not arrays: PostgreSQL then knows how few names it looks up, and probes
    # the index instead of scanning the whole table.
    values = "VALUES " + ", ".join("(CAST(%s AS INTEGER), %s, CAST(%s AS INTEGER))" for _ in wanted)
    params: list[Any] = [value for item in wanted for value in item]
    if connection.vendor == "postgresql":
        # Each group read in index order (token, birth_year, person_id) and cut at the limit,
        # rather than every holder of a common token ("siti") sorted to keep sixty.
        groups = " UNION ALL ".join(
            f"(SELECT t.person_id, {rank} AS k FROM {table} t "  # noqa: S608
            f"WHERE t.token = q.token AND {condition} ORDER BY t.person_id LIMIT {PER_TOKEN})"
            for rank, condition in (
                (0, "t.birth_year = q.birth_year"),
                (1, "t.birth_year = q.birth_year - 1"),
                (1, "t.birth_year = q.birth_year + 1"),
                (1, "t.birth_year IS NULL AND q.birth_year IS NOT NULL"),
                (1, "q.birth_year IS NULL"),
            )
        )
        sql = f"""
            WITH q(i, token, birth_year) AS ({values})
            SELECT q.i, p.person_id FROM q CROSS JOIN LATERAL (
                SELECT person_id FROM ({groups}) AS c ORDER BY k, person_id LIMIT {PER_TOKEN}
            ) AS p
        """  # noqa: S608 - table name and limit from the code, values as parameters
    else:
        sql = f"""
            WITH q(i, token, birth_year) AS ({values})
            SELECT i, person_id FROM (
                SELECT q.i, t.person_id, ROW_NUMBER() OVER (
                    PARTITION BY q.i, q.token
                    ORDER BY CASE WHEN t.birth_year = q.birth_year THEN 0 ELSE 1 END, t.person_id
                ) AS rank
                FROM q JOIN {table} t ON t.token = q.token
                WHERE q.birth_year IS NULL OR t.birth_year IS NULL
                   OR t.birth_year BETWEEN q.birth_year - 1 AND q.birth_year + 1
            ) ranked
            WHERE rank <= %s
        """  # noqa: S608 - table name from the model, values as parameters
        params.append(PER_TOKEN)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, person_id in cursor.fetchall():
            found[index].add(person_id)


def person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    match_index_rebuild(person_ids=[instance.pk])
