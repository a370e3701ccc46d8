"""Long lists go to PostgreSQL as one text split there, and come back as the same values."""

import pytest
from django.db import connection

from pulang.core.sqlarrays import BIGINT_ARRAY, INT_ARRAY, TEXT_ARRAY, joined

pytestmark = pytest.mark.django_db


def test_a_joined_list_is_refused_when_a_value_could_split_or_vanish():
    assert joined(["p:amnh st", "dr:1990-03-12:3525"]) == "p:amnh st\ndr:1990-03-12:3525"
    assert joined([]) == ""
    with pytest.raises(ValueError):
        joined(["two\nlines"])
    with pytest.raises(ValueError):
        joined(["", "x"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's string_to_array")
def test_the_database_reads_back_what_was_joined():
    keys = ["p:amnh st", "w:st:1990", "g:amnh st:", "dm:1990-03-12:35", "k:o'neil"]
    ids = [3, 12, 9_000_000_000]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {TEXT_ARRAY}, {INT_ARRAY}, {BIGINT_ARRAY}, {TEXT_ARRAY}",
            [joined(keys), joined([1, 2]), joined(ids), joined([])],
        )
        assert cursor.fetchone() == (keys, [1, 2], ids, [])
