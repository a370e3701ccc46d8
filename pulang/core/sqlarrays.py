"""Long lists as query parameters on PostgreSQL.

Django's psycopg cursors bind parameters on the client: a Python list becomes an ARRAY
literal built element by element in Python, which for the tens of thousands of keys and ids
of one manifest cost more than the queries did. `joined` makes one text of the values, which
is quoted once; the SQL fragments below split it back into an array in the database.
"""

from collections.abc import Iterable

TEXT_ARRAY = "string_to_array(%s, chr(10))"
INT_ARRAY = "string_to_array(%s, chr(10))::int[]"
BIGINT_ARRAY = "string_to_array(%s, chr(10))::bigint[]"


def joined(values: Iterable[object]) -> str:
    """The values as one parameter for TEXT_ARRAY, INT_ARRAY or BIGINT_ARRAY: one per line.
    Values must be neither empty nor hold a line break (keys, numbers and ids do not)."""
    items = [str(value) for value in values]
    text = "\n".join(items)
    if text.count("\n") != max(len(items) - 1, 0) or (items and not all(items)):
        raise ValueError("values for an array parameter must be non-empty single lines")
    return text
