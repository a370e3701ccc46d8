"""The name-token index: which registered persons share a sound-folded name word and a birth
year with a new record. Kept in step with Person on every save and after bulk inserts."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction

from pulang.people.models import Person, name_key

from .models import NameToken
from .records import name_skeleton_word

# The rarest this many tokens of a new name are looked up (a misspelt one is often rarest).
TOKENS_PER_NAME = 2
PER_TOKEN = 60


def tokens_of(full_name: str, aliases: Iterable[str] = ()) -> set[str]:
    words = " ".join(name_key(name) for name in (full_name, *aliases)).split()
    return {s for s in (name_skeleton_word(word) for word in words) if len(s) >= 2}


def name_tokens_rebuild(*, person_ids: Sequence[int]) -> None:
    """Replace the tokens of these persons; merged-away records keep none."""
    with transaction.atomic():
        NameToken.objects.filter(person_id__in=person_ids).delete()
        rows = Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).values_list(
            "pk", "full_name", "aliases", "birth_date"
        )
        NameToken.objects.bulk_create(
            [
                NameToken(person_id=pk, token=token, birth_year=birth.year if birth else None)
                for pk, full_name, aliases, birth in rows
                for token in tokens_of(full_name, aliases or ())
            ],
            batch_size=5000,
        )


def candidates_by_tokens(rows: Sequence[Mapping[str, Any]]) -> list[set[int]]:
    """For each Splink input row: persons sharing one of its rarest name tokens and born within
    a year of it (or of unknown birth year)."""
    tokens = {token for row in rows for token in row.get("name_tokens") or ()}
    if not tokens:
        return [set() for _ in rows]
    frequency: dict[str, int] = dict.fromkeys(tokens, 0)
    token_list = sorted(tokens)
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
    table = NameToken._meta.db_table
    values = ", ".join("(CAST(%s AS INTEGER), %s, CAST(%s AS INTEGER))" for _ in wanted)
    params: list[Any] = [value for item in wanted for value in item]
    # Ranked within each (record, token): same birth year first, then the nearest.
    sql = f"""
        WITH q(i, token, birth_year) AS (VALUES {values})
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
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, PER_TOKEN])
        for index, person_id in cursor.fetchall():
            found[index].add(person_id)


def person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    name_tokens_rebuild(person_ids=[instance.pk])
