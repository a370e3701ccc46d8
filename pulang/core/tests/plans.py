"""Reading a query's plan in tests, on either database: a test table is small, so
PostgreSQL is told not to scan it whole (and, where asked, not by bitmap) to show which
index it would use at scale."""

from typing import Any

from django.db import connection


def query_plan(sql: str, params: Any = None, *, bitmap_scans: bool = True) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            if not bitmap_scans:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(value) for row in cursor.fetchall() for value in row)
