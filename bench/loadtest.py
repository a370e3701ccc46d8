"""Load test (issue 9): staff users replaying a shelter's working day against Pulang served by
gunicorn on PostgreSQL, with Locust (bench/locustfile.py) as the load generator.

Run: `uv run python -m bench.loadtest` (defaults: 50 users, 10 started per second, 2 minutes)
     `uv run python -m bench.loadtest --users 20 --run-time 30s`
     `DATABASE_URL=postgres://postgres@127.0.0.1:5432/pulang_big uv run python -m bench.loadtest
      --no-prepare`    (an already populated database, e.g. from the national generator)

What it does, in order:
1. The database of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pulang_load) is
   created if missing and migrated. Unless --no-prepare: the demo world (`pulang setup --demo`)
   when the database has no shelter yet, then residents topped up (by default 200 in the
   largest shelter, 50 in each other) with the meals of the two days before.
2. One load-test account per simulated user (`uji.beban.NN`), social workers and shelter heads
   spread over the shelters that have residents, in proportion to them. Each run gives them a
   fresh random password and a fresh authenticator key, written only to a private temporary
   file that Locust reads to log in through the real login and second-factor pages; the
   accounts are deactivated when the run ends (--keep-users leaves them active). Nothing in
   Pulang's own authentication is changed for the test.
3. Production settings (bench/loadsettings.py: DEBUG off, a random secret key, static files
   collected and served by whitenoise) served over plain HTTP on 127.0.0.1 by gunicorn with
   gthread workers, background tasks in a Redis queue with one `pulang worker` (a private
   redis-server on a free port; --tasks immediate runs them inside the web request instead).
4. Locust headless; then bench/results/load-<time>.json with p50, p95, max, count and failures
   per request kind, over the whole run and after the last user has logged in (50 Argon2
   password checks at 10 logins a second load the first seconds), the machine's load during the
   run and what the test itself used of it, and a markdown table on stdout.
Exits non-zero when any request failed. Logs (gunicorn with each request's server time, the
worker, Locust and its request log) stay in /tmp/pulang-load-*.
"""

import argparse
import csv
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pulang_load"
USERNAME_PREFIX = "uji.beban."
OTP_DEVICE = "uji-beban"
# The target of issue 9: no error, and every page's p95 within this.
TARGET_P95_MS = 500
# Request types the locustfile reports that are not a page a user waits on.
NOT_A_PAGE = {"WAIT"}
# What the locustfile asks for only while a user logs in (once per user, at the start).
LOGIN_KINDS = frozenset(
    {
        "login page",
        "login (password)",
        "home (before the second factor)",
        "second factor page",
        "login (second factor)",
        "home",
        "static file",
    }
)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Request:
    """One request as the locustfile logged it: when it started (epoch seconds), its kind,
    how long it took and whether it failed."""

    started: float
    method: str
    name: str
    ms: float
    failed: bool


@dataclass
class KindResult:
    """One request kind's figures: over the whole run, and over the working day after the
    last user has logged in (the login storm of the first seconds left out)."""

    name: str
    method: str
    count: int
    failures: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    day_count: int
    day_p95_ms: float
    is_page: bool


def requests_read(path: Path) -> list[Request]:
    """The locustfile's request log (CSV: started, method, name, ms, failed)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Request(float(started), method, name, float(ms), failed == "1")
            for started, method, name, ms, failed in csv.reader(handle)
        ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at or below which `fraction` of the values lie."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def working_day_start(requests: list[Request]) -> float:
    """When the last user had finished logging in (and fetching the stylesheet and script)."""
    ends = [r.started + r.ms / 1000 for r in requests if r.name in LOGIN_KINDS]
    return max(ends, default=min((r.started for r in requests), default=0.0))


def summarise(requests: list[Request]) -> list[KindResult]:
    """Figures per request kind (name and method), pages first, then in name order."""
    day_from = working_day_start(requests)
    kinds: dict[tuple[str, str], list[Request]] = {}
    for request in requests:
        kinds.setdefault((request.name, request.method), []).append(request)
    rows = []
    for (name, method), group in kinds.items():
        times = [r.ms for r in group]
        day = [r.ms for r in group if r.started >= day_from]
        rows.append(
            KindResult(
                name=name,
                method=method,
                count=len(group),
                failures=sum(r.failed for r in group),
                p50_ms=round(percentile(times, 0.50), 1),
                p95_ms=round(percentile(times, 0.95), 1),
                max_ms=round(max(times), 1),
                day_count=len(day),
                day_p95_ms=round(percentile(day, 0.95), 1),
                is_page=method not in NOT_A_PAGE,
            )
        )
    return sorted(rows, key=lambda row: (not row.is_page, row.name, row.method))


def verdict(rows: list[KindResult], target_ms: float = TARGET_P95_MS) -> dict[str, Any]:
    """Whether the run met issue 9's target: no failure, and every page's p95 within target
    (over the whole run, and over the working day after the logins)."""
    return {
        "target_p95_ms": target_ms,
        "failures": sum(row.failures for row in rows),
        "pages_over_target": [r.name for r in rows if r.is_page and r.p95_ms > target_ms],
        "pages_over_target_after_logins": [
            r.name for r in rows if r.is_page and r.day_p95_ms > target_ms
        ],
        "met": not any(row.failures for row in rows)
        and all(row.p95_ms <= target_ms for row in rows if row.is_page),
    }


def markdown_table(rows: list[KindResult]) -> str:
    def ms(value: float) -> str:
        return f"{value:,.0f} ms"

    lines = [
        "| request kind | method | count | failures | p50 | p95 | max | p95 after logins |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = row.name if row.is_page else f"{row.name} (not a page)"
        day = ms(row.day_p95_ms) if row.day_count else "—"
        lines.append(
            f"| {name} | {row.method} | {row.count:,} | {row.failures} | {ms(row.p50_ms)} "
            f"| {ms(row.p95_ms)} | {ms(row.max_ms)} | {day} |"
        )
    pages = [row for row in rows if row.is_page]
    lines.append(
        f"| all pages | | {sum(r.count for r in pages):,} | {sum(r.failures for r in pages)} "
        "| | | | |"
    )
    return "\n".join(lines)


def failure_messages(path: Path) -> list[dict[str, Any]]:
    """Locust's failures CSV (method, name, error, occurrences) as a list."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "method": row.get("Method", ""),
                "name": row.get("Name", ""),
                "error": row.get("Error", ""),
                "occurrences": int(row.get("Occurrences") or 0),
            }
            for row in csv.DictReader(handle)
        ]


# ---------------------------------------------------------------------------------------------
# Database: created if missing, prepared, load-test accounts


def database_create_if_missing(url: str) -> bool:
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist; True if created."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("The load test runs on PostgreSQL: set DATABASE_URL=postgres://…")
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        host=str(config.get("HOST") or "127.0.0.1"),
        port=int(config.get("PORT") or 5432),
        user=str(config.get("USER") or "postgres"),
        password=str(config.get("PASSWORD") or "") or None,
        autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def prepare_world(*, residents: int, seed: int) -> list[str]:
    """The demo world if the database has no shelter yet, then residents topped up; returns
    what was done, for the log."""
    from django.core.management import call_command

    from pulang.agencies.models import Shelter

    done = []
    if not Shelter.objects.exists():
        call_command("setup", demo=True)
        done.append("demo world loaded (pulang setup --demo)")
    shelters = sorted(
        Shelter.objects.select_related("agency"),
        key=lambda s: (-(s.capacity_men + s.capacity_women + s.capacity_children), s.pk),
    )
    rng = random.Random(seed)
    for index, shelter in enumerate(shelters):
        target = residents if index == 0 else max(residents // 4, 1)
        added = residents_top_up(shelter=shelter, target=target, rng=rng)
        if added:
            done.append(f"{added} residents admitted to {shelter.code}")
    return done


def residents_top_up(*, shelter: Any, target: int, rng: random.Random) -> int:
    """Admit new arrivals until the shelter has `target` residents, through the services
    (audited), with three meals on each of the two days before; returns how many came."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from faker import Faker

    from pulang.arrivals.models import ArrivalBatch
    from pulang.cases.models import Case
    from pulang.matching.tokens import match_index_rebuild
    from pulang.people.models import Person, name_key
    from pulang.regions.models import Region
    from pulang.shelters.models import Provision, Stay
    from pulang.shelters.services import meal_roll_call, stay_admit

    present = Stay.objects.filter(shelter=shelter, discharged_at__isnull=True).count()
    need = target - present
    if need <= 0:
        return 0
    fake = Faker("id_ID")
    fake.seed_instance(rng.randint(0, 2**31))
    regencies = list(
        Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True)[:600]
    )
    now = timezone.now()
    arrived = now - timedelta(days=3)
    people = []
    for _ in range(need):
        sex = rng.choice([Person.Sex.MALE, Person.Sex.MALE, Person.Sex.FEMALE])
        first = fake.first_name_male() if sex == Person.Sex.MALE else fake.first_name_female()
        name = f"{first} {fake.last_name()}" if rng.random() < 0.75 else str(first)
        people.append(
            Person(
                full_name=name,
                name_key=name_key(name),
                sex=sex,
                birth_date=arrived.date() - timedelta(days=rng.randint(17 * 365, 55 * 365)),
                origin_region_id=rng.choice(regencies) if regencies else None,
                registered_by=shelter.agency,
            )
        )
    Person.objects.bulk_create(people)
    match_index_rebuild(person_ids=[person.pk for person in people])
    taken = ArrivalBatch.objects.filter(reference__startswith=f"UJI-{shelter.code}").count()
    batch = ArrivalBatch.objects.create(
        reference=f"UJI-{shelter.code}-{taken + 1}"[:40],
        entry_point=ArrivalBatch.EntryPoint.OTHER,
        transport=ArrivalBatch.Transport.SHIP,
        arrived_at=arrived,
        receiving_agency=shelter.agency,
        expected_count=need,
    )
    cases = Case.objects.bulk_create(
        [
            Case(person=person, owning_agency=shelter.agency, batch=batch, opened_at=arrived)
            for person in people
        ]
    )
    worker = (
        get_user_model()
        .objects.filter(agency=shelter.agency, roles__contains=["shelter_social_worker"])
        .first()
    )
    stays = stay_admit(
        actor=worker,
        shelter=shelter,
        cases=cases,
        at=arrived + timedelta(hours=2),
        over_capacity_reason="uji beban (data sintetis)",
    )
    for days_ago in (2, 1):
        day = timezone.localdate() - timedelta(days=days_ago)
        for meal in Provision.MEALS:
            absent = {stay.pk for stay in stays if rng.random() < 0.05}
            meal_roll_call(actor=worker, shelter=shelter, day=day, meal=meal, absent=absent)
    return len(stays)


def load_users_ensure(*, count: int) -> list[dict[str, Any]]:
    """`count` load-test accounts over the shelters with residents (in proportion to them),
    each with a new random password and authenticator key; returns their logins."""
    from axes.utils import reset as axes_reset
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pulang.access.roles import Role
    from pulang.agencies.models import Shelter

    shelters = list(
        Shelter.objects.select_related("agency")
        .annotate(present=Count("stays", filter=Q(stays__discharged_at__isnull=True)))
        .filter(present__gt=0)
        .order_by("-present", "pk")[:8]
    )
    if not shelters:
        raise SystemExit("No shelter has residents: prepare the data first (without --no-prepare).")
    user_model = get_user_model()
    logins = []
    for index, which in enumerate(spread(count, [s.present for s in shelters])):
        shelter = shelters[which]
        username = f"{USERNAME_PREFIX}{index + 1:02d}"
        role = Role.SHELTER_HEAD if index % 10 == 9 else Role.SHELTER_SOCIAL_WORKER
        password = secrets.token_urlsafe(18)
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = "Uji", f"Beban {index + 1:02d}"
        user.agency = shelter.agency
        user.roles = [role.value]
        user.is_active = True
        user.is_staff = user.is_superuser = False
        user.set_password(password)
        user.save()
        key = secrets.token_hex(20)
        TOTPDevice.objects.filter(user=user).exclude(name=OTP_DEVICE).delete()
        TOTPDevice.objects.update_or_create(
            user=user,
            name=OTP_DEVICE,
            defaults={"key": key, "confirmed": True, "last_t": -1, "drift": 0},
        )
        axes_reset(username=username)
        logins.append(
            {
                "username": username,
                "password": password,
                "otp_key": key,
                "role": role.value,
                "shelter_id": shelter.pk,
                "agency_id": shelter.agency_id,
            }
        )
    return logins


def load_users_deactivate() -> int:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(username__startswith=USERNAME_PREFIX)
        .update(is_active=False)
    )


def spread(count: int, weights: list[int]) -> list[int]:
    """`count` indexes into `weights`, each index as often as its share of the total (largest
    remainder), every index at least once when count allows; in round-robin order."""
    total = sum(weights)
    if count <= 0 or not weights or total <= 0:
        return []
    quotas = [count * weight / total for weight in weights]
    counts = [int(quota) for quota in quotas]
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), -weights[i], i)
    )
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    for i in range(len(weights)):
        if counts[i] == 0 and count >= len(weights):
            counts[counts.index(max(counts))] -= 1
            counts[i] = 1
    order: list[int] = []
    while len(order) < count:
        for i in range(len(weights)):
            if counts[i]:
                order.append(i)
                counts[i] -= 1
    return order


def plan_build(*, logins: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    """What the simulated users need beyond their logins, per agency: names to search for
    (first words of people it holds), case ids it owns, village codes and an entry point for
    the manifests it receives."""
    from pulang.arrivals.models import ArrivalBatch
    from pulang.cases.models import Case
    from pulang.people.models import Person
    from pulang.regions.models import Region

    rng = random.Random(seed)
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)[::997][:60]
    )
    agencies: dict[str, Any] = {}
    for agency_id in sorted({login["agency_id"] for login in logins}):
        names = list(
            Person.objects.filter(registered_by_id=agency_id, merged_into__isnull=True)
            .order_by("?")
            .values_list("full_name", flat=True)[:400]
        )
        terms = sorted({name.split()[0] for name in names if len(name.split()[0]) >= 3})
        case_ids = list(
            Case.objects.filter(owning_agency_id=agency_id)
            .order_by("?")
            .values_list("pk", flat=True)[:400]
        )
        entry_point = (
            ArrivalBatch.objects.filter(receiving_agency_id=agency_id)
            .exclude(entry_point=ArrivalBatch.EntryPoint.OTHER)
            .values_list("entry_point", flat=True)
            .first()
        ) or ArrivalBatch.EntryPoint.OTHER
        agencies[str(agency_id)] = {
            "terms": terms or ["a"],
            "case_ids": case_ids,
            "entry_point": entry_point,
        }
    return {
        "seed": rng.randint(0, 2**31),
        "users": logins,
        "agencies": agencies,
        "villages": villages or ["33.01.02.2001"],
    }


# ---------------------------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped while starting (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def wait_for_redis(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"redis-server on port {port} did not answer")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """End one process we started (its own process group: gunicorn's workers go with it)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own command lines
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def cpu_seconds(pids: Iterable[int]) -> float:
    """CPU time used so far by these processes and their children (those still running, and
    those that ended, such as the work-horse process rq forks for each job)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            family = [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
        for member in family:
            try:
                times = member.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.Error:
                continue
    return total


def database_backends_cpu(url: str) -> float:
    """CPU used so far by the PostgreSQL backends connected to the test's database (the web
    and worker processes' connections, opened when the run began)."""
    import dj_database_url
    import psutil
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname=str(config["NAME"]),
        host=str(config.get("HOST") or "127.0.0.1"),
        port=int(config.get("PORT") or 5432),
        user=str(config.get("USER") or "postgres"),
        password=str(config.get("PASSWORD") or "") or None,
    ) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        ]
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def machine_load(
    start_cpu: Any, end_cpu: Any, seconds: float, ours: dict[str, float], load_before: float
) -> dict[str, Any]:
    """How busy the machine was during the run, and how much of it was this test."""

    def busy_of(times: Any) -> float:
        return float(sum(times)) - times.idle - getattr(times, "iowait", 0.0)

    busy = busy_of(end_cpu) - busy_of(start_cpu)
    cores = os.cpu_count() or 1
    return {
        "cores": cores,
        "seconds": round(seconds, 1),
        "cpu_busy_percent": round(100 * busy / (seconds * cores), 1) if seconds else None,
        "cpu_seconds": {
            **{name: round(value, 1) for name, value in ours.items()},
            "everything else on the machine": round(busy - sum(ours.values()), 1),
        },
        "load_average_1m_before": round(load_before, 2),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }


# ---------------------------------------------------------------------------------------------
# The run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="2m", help="Locust's form: 30s, 2m, 1h…")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--tasks",
        choices=["redis", "immediate"],
        default="redis" if shutil.which("redis-server") else "immediate",
        help="background tasks through a private Redis and one `pulang worker` (production's "
        "shape; the default when redis-server is installed) or inside the web request",
    )
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="use the database as it is: only the load-test accounts are created or updated",
    )
    parser.add_argument(
        "--residents", type=int, default=200, help="residents in the largest shelter"
    )
    parser.add_argument("--keep-users", action="store_true", help="leave the accounts active")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    var_dir = ROOT / "var" / "loadtest"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.loadsettings",
        "PULANG_SECRET_KEY": secrets.token_urlsafe(64),
        "PULANG_ALLOWED_HOSTS": "127.0.0.1",
        "PULANG_VAR_DIR": str(var_dir),
        "PULANG_LOG_LEVEL": os.environ.get("PULANG_LOG_LEVEL", "WARNING"),
    }
    env.pop("PULANG_REDIS_URL", None)
    os.environ.update(env)
    os.environ.pop("PULANG_REDIS_URL", None)
    if database_create_if_missing(url):
        print(f"created database {url.rsplit('/', 1)[-1]}", file=sys.stderr)

    import django
    from django.core.management import call_command
    from django.db import connection, connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if not args.no_prepare:
        for line in prepare_world(residents=args.residents, seed=args.seed):
            print(line, file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)
    logins = load_users_ensure(count=args.users)
    plan = plan_build(logins=logins, seed=args.seed)
    connection.close()

    run_dir = Path(tempfile.mkdtemp(prefix="pulang-load-"))
    plan_path = run_dir / "plan.json"
    plan_path.touch(mode=0o600)
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    redis = worker = server = None
    try:
        if args.tasks == "redis":
            redis_port = free_port()
            redis = spawn(
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(run_dir),
                ],
                env,
                run_dir / "redis.log",
            )
            wait_for_redis(redis_port, 15)
            env["PULANG_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            worker = spawn([str(bin_dir / "pulang"), "worker"], env, run_dir / "worker.log")
        port = free_port()
        server = spawn(
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--timeout",
                "120",
                "--access-logfile",
                str(run_dir / "access.log"),
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
            ],
            env,
            run_dir / "gunicorn.log",
        )
        wait_for_http(f"http://127.0.0.1:{port}/health", 60, server)
        print(
            f"gunicorn on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads), "
            f"tasks: {args.tasks}; Locust: {args.users} users, {args.spawn_rate}/s, "
            f"{args.run_time}",
            file=sys.stderr,
        )
        import psutil

        log_path = run_dir / "requests.csv"
        locust_env = {**env, "PULANG_LOAD_PLAN": str(plan_path), "PULANG_LOAD_LOG": str(log_path)}
        locust_env.pop("DJANGO_SETTINGS_MODULE")
        started = time.monotonic()
        locust_before = children_cpu_seconds()
        cpu_before = psutil.cpu_times()
        load_before = os.getloadavg()[0]
        ours_before = {
            "web": cpu_seconds([server.pid]),
            "worker": cpu_seconds([worker.pid]) if worker else 0.0,
        }
        with (run_dir / "locust.log").open("wb") as locust_log:
            locust = subprocess.run(  # noqa: S603 - our own command line
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    args.run_time,
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--only-summary",
                    "--stop-timeout",
                    "60",
                    "--csv",
                    str(run_dir / "locust"),
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=locust_env,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        seconds = time.monotonic() - started
        cpu_after = psutil.cpu_times()
        ours = {
            "web": cpu_seconds([server.pid]) - ours_before["web"],
            "worker": (cpu_seconds([worker.pid]) - ours_before["worker"]) if worker else 0.0,
        }
        ours["locust"] = children_cpu_seconds() - locust_before
        ours["postgresql"] = database_backends_cpu(url)
    finally:
        stop(server)
        stop(worker)
        stop(redis)
        if not args.keep_users:
            connections.close_all()
            load_users_deactivate()
        plan_path.unlink(missing_ok=True)

    if not log_path.exists():
        print(f"Locust logged no request (exit {locust.returncode}): see {run_dir}/locust.log")
        return 2
    rows = summarise(requests_read(log_path))
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "postgresql",
        "database_name": url.rsplit("/", 1)[-1],
        "settings": "bench.loadsettings (production over plain HTTP)",
        "server": f"gunicorn gthread, {args.workers} workers × {args.threads} threads",
        "tasks": args.tasks,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time": args.run_time,
        "data": data_sizes(),
        "machine": machine_load(cpu_before, cpu_after, seconds, ours, load_before),
        "demand": demand(rows, ours, seconds),
        "verdict": verdict(rows),
        "kinds": [asdict(row) for row in rows],
        "failures": failure_messages(run_dir / "locust_failures.csv"),
        "logs": str(run_dir),
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"load-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown_table(rows))
    print()
    print(
        json.dumps(
            {key: result[key] for key in ("verdict", "machine", "demand")}, ensure_ascii=False
        )
    )
    for failure in result["failures"]:
        print(f"FAILED {failure['occurrences']}× {failure['name']}: {failure['error']}")
    print(f"written to {path}; server, worker and Locust logs in {run_dir}", file=sys.stderr)
    return 0 if result["verdict"]["failures"] == 0 else 1


def demand(rows: list[KindResult], ours: dict[str, float], seconds: float) -> dict[str, Any]:
    """What the test asked of the machine, whatever else ran on it: requests per second, the
    web processes' CPU per request, and the cores the server side (web, worker, database)
    kept busy on average; on a shared machine the percentiles depend on the rest too."""
    pages = sum(row.count for row in rows if row.is_page)
    server = ours.get("web", 0.0) + ours.get("worker", 0.0) + ours.get("postgresql", 0.0)
    return {
        "requests_per_second": round(pages / seconds, 1) if seconds else None,
        "web_cpu_ms_per_request": round(1000 * ours.get("web", 0.0) / pages, 1) if pages else None,
        "server_cores_busy": round(server / seconds, 2) if seconds else None,
    }


def children_cpu_seconds() -> float:
    """CPU used by this process's finished children (Locust, once it has ended)."""
    usage = os.times()
    return usage.children_user + usage.children_system


def data_sizes() -> dict[str, int]:
    from django.db import connection

    from pulang.agencies.models import Shelter
    from pulang.audit.models import AuditEvent
    from pulang.cases.models import Case
    from pulang.people.models import Person
    from pulang.shelters.models import Provision, Stay

    connection.close()
    return {
        "persons": Person.objects.count(),
        "cases": Case.objects.count(),
        "shelters": Shelter.objects.count(),
        "residents_now": Stay.objects.filter(discharged_at__isnull=True).count(),
        "provisions": Provision.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


if __name__ == "__main__":
    sys.exit(main())
