"""How fast the machine a benchmark ran on was, so figures from different days compare.

Machines of one kind differ from day to day: the same `bench/generate --persons 1000000`
took 10.3 minutes on 2026-11-29 and 23.2 on 2026-11-30, and every figure moved with it.
Each benchmark records this reference beside its figures: `python_s`, a fixed piece of
interpreter work (best of three), and `postgresql_s`, a fixed query (best of three), with the
PostgreSQL settings that shape the figures.

Run alone: `uv run python -m bench.machine` (DATABASE_URL=postgres://... for the query).
"""

import json
import os
import time
from typing import Any

LOOP = 10_000_000
SERIES = 3_000_000


def _loop(size: int) -> int:
    total = 0
    for number in range(size):
        total += number
    return total


def _best(work: Any, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def machine_reference(connection: Any = None, *, loop: int = LOOP) -> dict[str, Any]:
    """The reference figures; with a PostgreSQL `connection` (Django's), also a fixed query
    and the server settings that matter here. A smaller `loop` is for tests only: its figure
    compares with no other."""
    reference: dict[str, Any] = {"cpus": os.cpu_count(), "python_s": _best(lambda: _loop(loop))}
    if connection is None or connection.vendor != "postgresql":
        return reference
    with connection.cursor() as cursor:

        def query() -> None:
            cursor.execute(
                f"SELECT count(*) FROM generate_series(1, {SERIES}) AS s(i) WHERE i % 7 = 0"
            )
            cursor.fetchall()

        reference["postgresql_s"] = _best(query)
        for setting in ("shared_buffers", "autovacuum", "max_parallel_workers_per_gather"):
            cursor.execute("SELECT current_setting(%s)", [setting])
            reference[setting] = cursor.fetchone()[0]
    return reference


def reference_line(reference: dict[str, Any] | None) -> str:
    """The reference in one sentence, for the tables in docs/performance.md."""
    if not reference:
        return "Machine reference not recorded."
    parts = [f"{reference['cpus']} cores", f"Python reference loop {reference['python_s']} s"]
    if "postgresql_s" in reference:
        parts.append(f"PostgreSQL reference query {reference['postgresql_s']} s")
        parts.append(
            f"shared_buffers {reference['shared_buffers']}, autovacuum {reference['autovacuum']}"
        )
    return "Machine: " + ", ".join(parts) + " (`python -m bench.machine`; lower is faster)."


def main() -> None:
    connection = None
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
        from django.db import connection as django_connection

        connection = django_connection
    reference = machine_reference(connection)
    print(json.dumps(reference, indent=2))
    print(reference_line(reference))


if __name__ == "__main__":
    main()
