"""Shelter board with N residents: server time of the page, beside a bare Django view that
reads and renders the same rows with no scoping, flags, counts or audit.

Run: `uv run python -m bench.board --residents 1000`
(DATABASE_URL=postgres://... for PostgreSQL; a throw-away test database is used.)
Writes bench/results/board-<database>-<time>.json.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def populate(residents: int, seed: int) -> tuple[Any, Any]:
    """A shelter with `residents` present now, a history of as many already gone, three meals a
    day for everyone present, open tasks and screenings; returns (shelter, a worker)."""
    from django.utils import timezone

    from pulang.accounts.models import User
    from pulang.agencies.models import Agency, Shelter
    from pulang.cases.models import Case, Screening, Task
    from pulang.people.models import Person
    from pulang.shelters.models import Provision, Stay

    rng = random.Random(seed)
    agency = Agency.objects.create(code="bench-rptc", name="RPTC Bench", kind="shelter_operator")
    shelter = Shelter.objects.create(
        code="bench",
        name="RPTC Bench",
        kind="rptc",
        agency=agency,
        capacity_men=residents,
        capacity_women=residents,
        capacity_children=residents,
    )
    worker = User.objects.create(
        username="bench.worker", agency=agency, roles=["shelter_social_worker"]
    )
    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Penghuni {index:05d} Bench",
                name_key=f"bench penghuni {index:05d}",
                sex=rng.choice("MF"),
                birth_date=date(1960, 1, 1) + timedelta(days=rng.randint(0, 20000)),
                registered_by=agency,
            )
            for index in range(residents * 2)
        ],
        batch_size=2000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                person=person,
                owning_agency=agency,
                opened_at=now - timedelta(days=30),
                status="in_shelter",
                is_pregnant=rng.random() < 0.03,
            )
            for person in people
        ],
        batch_size=2000,
    )
    stays = Stay.objects.bulk_create(
        [
            Stay(
                case=case,
                shelter=shelter,
                admitted_at=now - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23)),
                discharged_at=None if index < residents else now - timedelta(hours=1),
                discharge_reason="" if index < residents else "absconded",
            )
            for index, case in enumerate(cases)
        ],
        batch_size=2000,
    )
    present = stays[:residents]
    Provision.objects.bulk_create(
        [
            Provision(
                stay=stay,
                shelter=shelter,
                kind=meal,
                provided_on=now.date() - timedelta(days=d),
                recorded_at=now,
            )
            for stay in present
            for d in range(7)
            for meal in ("breakfast", "lunch", "dinner")
        ],
        batch_size=5000,
    )
    Task.objects.bulk_create(
        [
            Task(
                case=stay.case,
                title="Hubungi keluarga",
                due_on=now.date(),
                created_at=now,
                created_by=worker,
            )
            for stay in present[::3]
        ]
    )
    Screening.objects.bulk_create(
        [
            Screening(
                case=stay.case,
                recruitment="unlicensed_agent",
                recruiter_relation="friend",
                sector="agriculture",
                determination="presumed",
                screened_at=now,
                screened_by=worker,
            )
            for stay in present[::2]
        ]
    )
    return shelter, worker


def bare_view(shelter_id: int) -> Any:
    """The baseline: the same residents, read and rendered by the plainest Django code."""
    from django.http import HttpResponse
    from django.template import Context, Template

    from pulang.shelters.models import Stay

    template = Template(
        "<table>{% for s in stays %}<tr><td>{{ s.case.person.full_name }}</td>"
        "<td>{{ s.case.person.sex }}</td><td>{{ s.admitted_at|date:'d/m/Y' }}</td></tr>"
        "{% endfor %}</table>"
    )
    stays = (
        Stay.objects.filter(shelter_id=shelter_id, discharged_at__isnull=True)
        .select_related("case__person")
        .order_by("case__person__full_name")
    )
    return HttpResponse(template.render(Context({"stays": stays})))


def timed(call: Any, rounds: int) -> list[float]:
    call()  # warm up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def p95(timings: list[float]) -> float:
    return timings[max(int(len(timings) * 0.95) - 1, 0)]


def run(residents: int, rounds: int, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import get_runner
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    runner = get_runner(settings)(verbosity=0, interactive=False)
    runner.setup_test_environment()  # the test client's host is allowed
    old_config = runner.setup_databases()
    try:
        shelter, worker = populate(residents, seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(worker)
        device = TOTPDevice.objects.create(user=worker, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        url = f"/shelter/{shelter.pk}/"

        def board() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            assert response.content.count(b'data-testid="resident"') == residents

        page = timed(board, rounds)
        bare = timed(lambda: bare_view(shelter.pk), rounds)
        return {
            "database": connection.vendor,
            "residents": residents,
            "rounds": rounds,
            "board_p50_ms": round(statistics.median(page), 1),
            "board_p95_ms": round(p95(page), 1),
            "bare_p50_ms": round(statistics.median(bare), 1),
            "bare_p95_ms": round(p95(bare), 1),
            "ratio_p50": round(statistics.median(page) / statistics.median(bare), 2),
        }
    finally:
        runner.teardown_databases(old_config)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    result = run(args.residents, args.rounds, args.seed)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"board-{result['database']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
