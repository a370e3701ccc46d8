"""Every benchmark the issues ask for, at one scale, each beside a baseline from the same run.

`bench/run --persons 1000000` makes sure the bench database holds a synthetic Indonesia of
that size (`bench/generate`, reused when it already does), then times, in this process and
through Django's test client (server time: middleware, scoping, audit, template):

- case page, person list, person search, shelter board, dashboard for a year, `pulang stats`
  for a year, the aggregate export, the API list and detail, duplicate candidates for one new
  person, and a manifest import (preview with candidates, then commit),

each beside the plainest way to get the same rows or numbers: a bare Django view with no
scope, flags or audit, one hand-written SQL query, or a raw COPY. It writes
`bench/results/national-<date>.json` and the table between the `bench/run` markers in
docs/performance.md. What it writes to the bench database (audit events, a manifest import)
stays there; the database is scratch.
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.machine import reference_line
from bench.population import DEFAULT_DATABASE, database_scale, generate

RESULTS = Path(__file__).resolve().parent / "results"
PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench/run: begin -->", "<!-- bench/run: end -->"

# Targets in ms (p95, server time) from issues 4, 8 and 9; None: reported, no target.
TARGETS: dict[str, float | None] = {
    "case page": 100,
    "person list": 300,
    "case list": 300,
    "person search": 300,
    "shelter board": 300,
    "dashboard, a year": 500,
    "dashboard, a year, 5 days changed": None,  # reported beside the target, not one
    "pulang stats, a year": 2000,
    "aggregate export, a year": None,
    "API person list": 300,
    "API case detail": 100,
    "duplicate candidates": 200,
}


@dataclass
class Figure:
    name: str
    p50: float
    p95: float
    baseline: str
    base_p50: float
    base_p95: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.p50 / self.base_p50 if self.base_p50 else 0.0

    def as_dict(self) -> dict[str, Any]:
        target = TARGETS.get(self.name)
        return {
            "name": self.name,
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "baseline": self.baseline,
            "baseline_p50_ms": round(self.base_p50, 1),
            "baseline_p95_ms": round(self.base_p95, 1),
            "ratio_p50": round(self.ratio, 2),
            "target_p95_ms": target,
            "met": None if target is None else self.p95 <= target,
            "note": self.note,
        }


def timed(call: Callable[[int], Any], rounds: int) -> tuple[float, float]:
    """p50 and p95 in ms of `call(round)` after one warm-up call."""
    call(-1)
    timings = []
    for index in range(rounds):
        start = time.perf_counter()
        call(index)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)]


def _sql(query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return list(cursor.fetchall())


def _user(username: str, agency: Any, role: str) -> Any:
    from pulang.accounts.models import User

    user, _ = User.objects.get_or_create(
        username=username, defaults={"agency": agency, "roles": [role]}
    )
    return user


def _client(user: Any) -> Any:
    """A test client logged in as `user` with a verified second factor."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _ok(response: Any) -> Any:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def _bare(template_text: str, rows: Any) -> Any:
    from django.http import HttpResponse
    from django.template import Context, Template

    return HttpResponse(Template(template_text).render(Context({"rows": rows})))


class Benches:
    """The benchmarks, sharing one world: the busiest shelter, its worker, an analyst."""

    def __init__(self, rounds: int, seed: int) -> None:
        from django.db.models import Count

        from pulang.agencies.models import Agency, Shelter
        from pulang.shelters.models import Stay

        self.rounds = rounds
        self.rng = random.Random(seed)
        busiest = (
            Stay.objects.filter(discharged_at__isnull=True)
            .values("shelter_id")
            .order_by()
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert busiest, "no one is in a shelter: generate the bench database first"
        self.shelter = Shelter.objects.select_related("agency").get(pk=busiest["shelter_id"])
        self.residents = busiest["n"]
        agency = self.shelter.agency
        self.worker = _user(f"bench.run.{agency.code}", agency, "shelter_head")
        self.client = _client(self.worker)
        ministry = Agency.objects.get(code="kemensos-rehsos")
        self.analyst = _client(_user("bench.run.analyst", ministry, "hq_analyst"))
        self.case_ids = [
            row[0]
            for row in _sql(
                "SELECT id FROM cases_case WHERE owning_agency_id = %s ORDER BY id DESC LIMIT 500",
                [agency.pk],
            )
        ]
        self.names = [
            row[0].split()[0]
            for row in _sql(
                "SELECT p.full_name FROM people_person p JOIN cases_case c ON c.person_id = p.id "
                "WHERE c.owning_agency_id = %s ORDER BY c.id DESC LIMIT 200",
                [agency.pk],
            )
        ]
        today = date.today()
        self.year = (today - timedelta(days=365), today)

    def pick(self, items: list[Any], index: int) -> Any:
        return items[(index * 7919) % len(items)]

    def case_page(self) -> Figure:
        from pulang.cases.models import Case

        def page(i: int) -> None:
            _ok(self.client.get(f"/kasus/{self.pick(self.case_ids, i)}/"))

        def bare(i: int) -> None:
            case = Case.objects.select_related("person", "batch").get(
                pk=self.pick(self.case_ids, i)
            )
            changes = case.status_changes.order_by("changed_at")
            _bare(
                "{{ rows.0.person.full_name }} {{ rows.0.status }}"
                "{% for c in rows.1 %}{{ c.changed_at }} {{ c.to_status }}{% endfor %}",
                [case, changes],
            )

        return Figure(
            "case page",
            *timed(page, self.rounds),
            "bare view: case, person, changes",
            *timed(bare, self.rounds),
        )

    def person_list(self) -> Figure:
        from pulang.people.models import Person

        def page(i: int) -> None:
            _ok(self.client.get("/orang/", {"page": 1 + i % 5}))

        def bare(i: int) -> None:
            start = (i % 5) * 50
            rows = Person.objects.filter(registered_by=self.shelter.agency).order_by(
                "full_name", "id"
            )[start : start + 50]
            _bare("{% for p in rows %}{{ p.full_name }} {{ p.birth_date }}{% endfor %}", rows)

        return Figure(
            "person list",
            *timed(page, self.rounds),
            "bare view: 50 of the agency's people",
            *timed(bare, self.rounds),
        )

    def case_list(self) -> Figure:
        from pulang.cases.models import Case

        def page(i: int) -> None:
            _ok(self.client.get("/kasus/", {"page": 1 + i % 5}))

        def bare(i: int) -> None:
            start = (i % 5) * 50
            rows = (
                Case.objects.filter(owning_agency=self.shelter.agency)
                .select_related("person")
                .order_by("-opened_at", "id")[start : start + 50]
            )
            _bare(
                "{% for c in rows %}{{ c.person.full_name }} {{ c.status }} {{ c.opened_at }}"
                "{% endfor %}",
                rows,
            )

        return Figure(
            "case list",
            *timed(page, self.rounds),
            "bare view: 50 of the agency's cases",
            *timed(bare, self.rounds),
        )

    def person_search(self) -> Figure:
        from pulang.people.models import Person

        def page(i: int) -> None:
            _ok(self.client.get("/orang/", {"q": self.pick(self.names, i)}))

        def bare(i: int) -> None:
            rows = Person.objects.filter(
                registered_by=self.shelter.agency,
                full_name__icontains=self.pick(self.names, i),
            ).order_by("full_name", "id")[:50]
            _bare("{% for p in rows %}{{ p.full_name }} {{ p.birth_date }}{% endfor %}", rows)

        return Figure(
            "person search",
            *timed(page, self.rounds),
            "bare view: name contains, the agency's people",
            *timed(bare, self.rounds),
        )

    def shelter_board(self) -> Figure:
        from bench.board import bare_view

        def page(i: int) -> None:
            _ok(self.client.get(f"/shelter/{self.shelter.pk}/"))

        return Figure(
            "shelter board",
            *timed(page, self.rounds),
            "bare view: residents' names",
            *timed(lambda i: bare_view(self.shelter.pk), self.rounds),
            note=f"{self.shelter.code}, {self.residents} residents",
        )

    def _year_sql(self) -> Callable[[int], Any]:
        start, end = self.year

        def aggregate(i: int) -> Any:
            return _sql(
                """
                SELECT
                  (SELECT COUNT(*) FROM cases_case c JOIN arrivals_arrivalbatch b
                     ON b.id = c.batch_id
                   WHERE (b.arrived_at AT TIME ZONE 'Asia/Jakarta')::date BETWEEN %s AND %s),
                  (SELECT COUNT(*) FROM returns_handovermember m JOIN returns_handover h
                     ON h.id = m.handover_id
                   WHERE (h.handed_at AT TIME ZONE 'Asia/Jakarta')::date BETWEEN %s AND %s),
                  (SELECT COUNT(*) FROM shelters_stay s
                   WHERE s.admitted_at < %s AND (s.discharged_at IS NULL OR s.discharged_at >= %s)),
                  (SELECT percentile_cont(0.5) WITHIN GROUP (
                     ORDER BY EXTRACT(EPOCH FROM s.discharged_at - s.admitted_at))
                   FROM shelters_stay s
                   WHERE (s.discharged_at AT TIME ZONE 'Asia/Jakarta')::date BETWEEN %s AND %s)
                """,
                [start, end, start, end, end, end, start, end],
            )

        return aggregate

    def dashboard(self) -> Figure:
        start, end = self.year

        def page(i: int) -> None:
            _ok(self.analyst.get("/laporan/", {"dari": start, "sampai": end}))

        return Figure(
            "dashboard, a year",
            *timed(page, max(5, self.rounds // 3)),
            "hand-written SQL: received, returned, present, median stay",
            *timed(self._year_sql(), max(5, self.rounds // 3)),
            note="national, headquarters analyst",
        )

    def dashboard_after_changes(self) -> Figure:
        """The same page when, since the last look, something changed on five days of the
        year (a back-dated handover, a corrected birth date): those days are counted again."""
        from pulang.reports.models import RolledDay

        start, end = self.year
        span = (end - start).days

        def page(i: int) -> None:
            days = [start + timedelta(days=(i * 37 + k * 71) % span) for k in range(5)]
            RolledDay.objects.filter(day__in=days).delete()
            _ok(self.analyst.get("/laporan/", {"dari": start, "sampai": end}))

        return Figure(
            "dashboard, a year, 5 days changed",
            *timed(page, max(5, self.rounds // 3)),
            "hand-written SQL: received, returned, present, median stay",
            *timed(self._year_sql(), max(5, self.rounds // 3)),
            note="each round forgets 5 rolled days first",
        )

    def stats(self) -> Figure:
        from django.core.management import call_command

        start, end = self.year

        def command(i: int) -> None:
            call_command(
                "stats",
                "--from",
                str(start),
                "--to",
                str(end),
                "--format",
                "json",
                stdout=io.StringIO(),
            )

        return Figure(
            "pulang stats, a year",
            *timed(command, max(3, self.rounds // 5)),
            "hand-written SQL: received, returned, present, median stay",
            *timed(self._year_sql(), max(3, self.rounds // 5)),
        )

    def aggregate_export(self) -> Figure:
        start, end = self.year

        def export(i: int) -> None:
            response = _ok(
                self.analyst.get(
                    "/laporan/ekspor/", {"dari": start, "sampai": end, "format": "csv"}
                )
            )
            b"".join(response.streaming_content) if response.streaming else response.content

        return Figure(
            "aggregate export, a year",
            *timed(export, max(3, self.rounds // 5)),
            "hand-written SQL: received, returned, present, median stay",
            *timed(self._year_sql(), max(3, self.rounds // 5)),
            note="CSV, small cells suppressed",
        )

    def api(self) -> list[Figure]:
        from pulang.accounts.models import User
        from pulang.api.services import api_token_create
        from pulang.cases.models import Case
        from pulang.people.models import Person

        service, _ = User.objects.update_or_create(
            username=f"bench.run.api.{self.shelter.agency.code}",
            defaults={
                "agency": self.shelter.agency,
                "roles": ["shelter_head"],
                "is_service_account": True,
            },
        )
        token = api_token_create(actor=None, user=service, name="bench")
        from django.test import Client

        client = Client(headers={"Authorization": f"Bearer {token}"})

        def listing(i: int) -> None:
            _ok(client.get("/api/v1/persons/", {"page": 1 + i % 5}))

        def detail(i: int) -> None:
            _ok(client.get(f"/api/v1/cases/{self.pick(self.case_ids, i)}/"))

        def bare_list(i: int) -> None:
            from django.http import JsonResponse

            start = (i % 5) * 50
            rows = list(
                Person.objects.filter(registered_by=self.shelter.agency)
                .order_by("full_name", "id")
                .values("id", "full_name", "sex", "birth_date")[start : start + 50]
            )
            JsonResponse({"results": rows}).content  # noqa: B018 - render it

        def bare_detail(i: int) -> None:
            from django.http import JsonResponse

            row = Case.objects.filter(pk=self.pick(self.case_ids, i)).values(
                "id", "status", "opened_at", "person__full_name", "person__birth_date"
            )[0]
            JsonResponse(row).content  # noqa: B018 - render it

        return [
            Figure(
                "API person list",
                *timed(listing, self.rounds),
                "bare JSON view: 50 persons",
                *timed(bare_list, self.rounds),
            ),
            Figure(
                "API case detail",
                *timed(detail, self.rounds),
                "bare JSON view: one case",
                *timed(bare_detail, self.rounds),
            ),
        ]

    def candidates(self) -> Figure:
        from pulang.matching.matching import candidates_for_records
        from pulang.matching.records import PERSON_FIELDS, record_from_person_values
        from pulang.people.models import Person

        ids = [row[0] for row in _sql("SELECT id FROM people_person ORDER BY random() LIMIT 200")]
        people = {
            values["id"]: values
            for values in Person.objects.filter(pk__in=ids).values(*PERSON_FIELDS)
        }
        queries = []
        for person_id in ids:
            values = dict(people[person_id])
            values["nik"] = ""  # a returning person without a card: names and birth decide
            birth = values.get("birth_date")
            if birth and birth.day <= 12 and self.rng.random() < 0.5:
                values["birth_date"] = birth.replace(month=birth.day, day=birth.month)
            queries.append((person_id, record_from_person_values(values)))
        first = 0

        def one(i: int) -> None:
            nonlocal first
            person_id, record = queries[i % len(queries)]
            found = candidates_for_records([record])[0]
            if i >= 0 and found and found[0].person_id == person_id:
                first += 1

        def exact(i: int) -> None:
            record = queries[i % len(queries)][1]
            _sql(
                "SELECT id FROM people_person WHERE full_name = %s AND birth_date = %s LIMIT 5",
                [record.full_name, record.birth_date],
            )

        p50, p95 = timed(one, self.rounds)
        return Figure(
            "duplicate candidates",
            p50,
            p95,
            "hand-written SQL: same name and birth date",
            *timed(exact, self.rounds),
            note=f"true person ranked first {first}/{self.rounds} (NIK removed, half with "
            "day and month swapped)",
        )

    def manifest(self, rows: int) -> Figure:
        """One manifest of `rows` returning and new people: preview with candidates, commit."""
        from django.utils import timezone

        from bench.manifest import manifest_bytes, raw_load_seconds
        from pulang.arrivals.models import ArrivalBatch, ManifestImport
        from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload
        from pulang.matching.synthetic import generate as synthetic_people

        # Another file on every run: the same file again would be recognised as imported.
        earlier = ManifestImport.objects.count()
        records = synthetic_people(rows, seed=self.rng.randrange(10**6) + earlier)[:rows]
        data = manifest_bytes(records)
        batch = ArrivalBatch.objects.create(
            reference=f"BENCH-RUN-{timezone.now():%Y%m%d%H%M%S}",
            entry_point="tanjung_pinang",
            transport="ship",
            arrived_at=timezone.now(),
            receiving_agency=self.shelter.agency,
        )
        start = time.perf_counter()
        record, _ = manifest_upload(actor=self.worker, batch=batch, data=data, filename="b.csv")
        manifest_preview(manifest_import=record)
        record.refresh_from_db()
        preview = time.perf_counter() - start
        start = time.perf_counter()
        manifest_commit(actor=self.worker, manifest_import=record)
        commit = time.perf_counter() - start
        raw = raw_load_seconds(data)
        total = preview + commit
        return Figure(
            "manifest import",
            total * 1000,
            total * 1000,
            "raw COPY of the same rows",
            raw * 1000,
            raw * 1000,
            note=f"{rows} rows: preview {preview:.1f} s, commit {commit:.1f} s, "
            f"{rows / total:.0f} rows/s (target 2,000)",
        )


def run(
    *, persons: int, rounds: int, manifest_rows: int, seed: int, only: set[str]
) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed; mail stays in memory
    from bench.machine import machine_reference

    machine = machine_reference(connection)  # before the work: how fast this machine is today
    benches = Benches(rounds, seed)
    plan: list[tuple[str, Callable[[], Figure | list[Figure]]]] = [
        ("case", benches.case_page),
        ("list", benches.person_list),
        ("cases", benches.case_list),
        ("search", benches.person_search),
        ("board", benches.shelter_board),
        ("dashboard", benches.dashboard),
        ("dashboard", benches.dashboard_after_changes),
        ("stats", benches.stats),
        ("export", benches.aggregate_export),
        ("api", benches.api),
        ("candidates", benches.candidates),
        ("manifest", lambda: benches.manifest(manifest_rows)),
    ]
    figures: list[Figure] = []
    for key, bench in plan:
        if only and key not in only:
            continue
        started = time.perf_counter()
        result = bench()
        for figure in result if isinstance(result, list) else [result]:
            figures.append(figure)
            print(
                f"{figure.name:28} p50 {figure.p50:8.1f} ms  p95 {figure.p95:8.1f} ms  "
                f"baseline p50 {figure.base_p50:7.1f} ms  ×{figure.ratio:.1f}  "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": _database_label(connection),
        "persons": persons,
        "scale": database_scale(os.environ["DATABASE_URL"]),
        "rounds": rounds,
        "machine": machine,
        "figures": [figure.as_dict() for figure in figures],
    }


def _database_label(connection: Any) -> str:
    if connection.vendor != "postgresql":
        return str(connection.vendor)
    version = int(connection.pg_version)
    return f"PostgreSQL {version // 10000}"


def table(result: dict[str, Any]) -> str:
    counts = (result.get("scale") or {}).get("counts", {})
    provisions = counts.get("meals and hygiene kits") or (
        counts.get("meals", 0) + counts.get("hygiene kits", 0)
    )
    lines = [
        f"Measured {result['date'][:10]} on {result['database']}: {result['persons']:,} persons, "
        f"{counts.get('cases', 0):,} cases, {provisions:,} provisions; "
        f"{result['rounds']} rounds per figure, server time in ms.",
        reference_line(result.get("machine")),
        "",
        "| what | p50 | p95 | target (p95) | baseline | baseline p50 | × baseline (p50) | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in result["figures"]:
        target = f["target_p95_ms"]
        verdict = (
            ""
            if target is None
            else (f"≤ {target:,.0f} ✓" if f["met"] else f"≤ {target:,.0f} ✗ missed")
        )
        lines.append(
            f"| {f['name']} | {f['p50_ms']:,.1f} | {f['p95_ms']:,.1f} | {verdict} "
            f"| {f['baseline']} "
            f"| {f['baseline_p50_ms']:,.1f} | {f['ratio_p50']:.1f} | {f['note']} |"
        )
    return "\n".join(lines)


def docs_update(result: dict[str, Any]) -> None:
    text = PERFORMANCE.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table(result)}\n{END}"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    PERFORMANCE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--manifest-rows", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: case,list,search,board,dashboard,stats,"
        "export,api,candidates,manifest",
    )
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    args = parser.parse_args(argv)
    scale = database_scale(args.database)
    if not scale or scale.get("persons") != args.persons or scale.get("seed") != args.seed:
        generate(url=args.database, persons=args.persons, seed=args.seed)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    result = run(
        persons=args.persons,
        rounds=args.rounds,
        manifest_rows=args.manifest_rows,
        seed=args.seed,
        only=only,
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"national-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(result))
    print(f"written to {path}", file=sys.stderr)
    if not args.no_docs and not only:
        docs_update(result)


if __name__ == "__main__":
    main()
