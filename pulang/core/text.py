"""Cleaning free text that arrives in a query string or a form."""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search_query(value: str | None, *, limit: int = 100) -> str:
    """What the user typed to search for, trimmed, without control characters (PostgreSQL
    refuses NUL, and no name contains one)."""
    return _CONTROL.sub("", value or "").strip()[:limit]
