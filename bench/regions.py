"""Region finder latency over the full region table.

Run: `uv run python -m bench.regions` (uses DATABASE_URL, or the SQLite file under var/;
the regions must be loaded: `uv run pulang load-regions`).
"""

import os
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.db import connection

    from pulang.regions.models import Region
    from pulang.regions.selectors import region_path, region_search

    queries = [
        "domp",
        "bestari",
        "sukamaju",
        "tanjung",
        "kampung baru",
        "lombok timur",
        "ab",
        "pringgabaya",
        "sumber",
        "zzzz",
    ]
    timings: list[float] = []
    for _ in range(5):
        for query in queries:
            start = time.perf_counter()
            for region in region_search(query=query):
                region_path(region)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{connection.vendor}: {Region.objects.count()} regions, {len(timings)} searches, "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
