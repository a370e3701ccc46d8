"""A synthetic Indonesia at national scale, written straight into PostgreSQL.

Batches of 30–300 deportees arrive at real entry points from real depots; 5–15% are
children; origins are weighted like the real ones (East Java, West Nusa Tenggara, Central
Java, Aceh, North Sumatra, East Nusa Tenggara lead). People stay days to weeks and eat three
times a day, join activities, are screened and assessed, and most go home in escorted trips
ending in a handover to the regional social office of their province, which then owns the
case and follows it up. Some are referred on, enrol in programmes and are followed up. Some
come back: half of those are recognised and linked (a new episode of the same person), the
other half are registered again with the identity noise real manifests carry (misspelt names,
day and month swapped, no NIK), for `match-persons` to find.

Identities and their noise come from `pulang.matching.synthetic`; the rows are written with
PostgreSQL COPY, and the daily rows (meals, activities, attendance) are derived from the
stays in SQL. Nothing here describes a real person.

Run: `bench/generate --persons 1000000` (see docs/performance.md).
"""

import argparse
import hashlib
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/pulang_bench"
START = datetime(2017, 1, 1, tzinfo=UTC)
LOCAL = timedelta(hours=7)  # Asia/Jakarta, no daylight saving
DAY = timedelta(days=1)

# entry point, transport, shelter, deporting country, depot, consulate, share of deportees
ROUTES = [
    (
        "tanjung_pinang",
        "ship",
        "rptc-tanjung-pinang",
        "MY",
        "Depot Imigresen Pekan Nenas",
        "KJRI Johor Bahru",
        0.26,
    ),
    ("batam", "ship", "rptc-tanjung-pinang", "SG", "Singapore ICA", "KBRI Singapura", 0.03),
    ("nunukan", "ship", "rptc-nunukan", "MY", "Depot Imigresen Tawau", "Konsulat RI Tawau", 0.22),
    ("entikong", "land", "pos-pontianak", "MY", "Depot Imigresen Semuja", "KJRI Kuching", 0.14),
    ("dumai", "ship", "rptc-dumai", "MY", "Depot Imigresen Machap Umboo", "KJRI Johor Bahru", 0.08),
    (
        "jakarta_air",
        "air",
        "rptc-bambu-apus",
        "MY",
        "Depot Imigresen Bukit Jalil",
        "KBRI Kuala Lumpur",
        0.13,
    ),
    ("jakarta_air", "air", "rptc-bambu-apus", "SA", "Tarhil Shumaisi", "KJRI Jeddah", 0.06),
    (
        "tanjung_priok",
        "ship",
        "balai-mulya-jaya",
        "MY",
        "Depot Imigresen Bukit Jalil",
        "KBRI Kuala Lumpur",
        0.08,
    ),
]
# Shelters the demo does not have: code, name, region, capacity men/women/children.
EXTRA_SHELTERS = [
    ("rptc-nunukan", "RPTC Nunukan", "65.03", 150, 120, 40),
    ("rptc-dumai", "RPTC Dumai", "14.72", 80, 60, 20),
]
# Where transferred people go: the national shelter in Jakarta, or the other Jakarta one.
TRANSFER_TO = {"rptc-bambu-apus": "balai-mulya-jaya"}
TRANSFER_DEFAULT = "rptc-bambu-apus"
# Provinces with a BP3MI office that takes referrals for empowerment.
BP3MI_PROVINCES = {"35": "Jawa Timur", "52": "Nusa Tenggara Barat", "33": "Jawa Tengah"}
BP3MI_PROVINCES |= {"11": "Aceh", "12": "Sumatera Utara", "53": "Nusa Tenggara Timur"}
FATES = (["returned", "transferred", "hospital", "absconded", "refused"], [88, 4, 3, 3, 2])
MEALS = ("breakfast", "lunch", "dinner")


@dataclass
class Episode:
    """One deportation of one person, from arrival to wherever it ended."""

    person: int  # row index into persons
    when: datetime
    route: int
    child: bool
    province: str
    returning: bool = False
    previous: int | None = None  # index of the person's earlier episode when linked
    batch: int = -1
    fate: str = "returned"
    stays: list[tuple[str, datetime, datetime | None, str]] = field(default_factory=list)
    status: str = "in_shelter"
    departed: datetime | None = None
    handed: datetime | None = None
    owner: str = ""


def local_day(moment: datetime) -> date:
    return (moment + LOCAL).date()


def _connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def database_recreate(url: str, *, force: bool) -> None:
    """Drop and create the bench database; refuses a name that does not say it is for benches."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name and not force:
        sys.exit(f"refusing to recreate database {name!r}: its name lacks 'bench' (use --force)")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with _connect(admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_scale(url: str) -> dict[str, Any] | None:
    """What `generate` wrote into this database (its comment), or None."""
    from urllib.parse import urlsplit

    name = urlsplit(url).path.lstrip("/")
    try:
        with _connect(url) as connection:
            row = connection.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            ).fetchone()
    except Exception:
        return None
    if not row or not row[0]:
        return None
    try:
        result: dict[str, Any] = json.loads(row[0])
    except ValueError:
        return None
    return result


class Writer:
    """COPY rows into tables with explicit ids, then move each id sequence past them."""

    def __init__(self, cursor: Any, progress: Callable[[str], None]) -> None:
        self.cursor = cursor
        self.progress = progress
        self.next_ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        if table not in self.next_ids:
            self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            self.next_ids[table] = int(self.cursor.fetchone()[0])
        return self.next_ids[table]

    def reserve(self, table: str, count: int) -> int:
        first = self.next_id(table)
        self.next_ids[table] = first + count
        return first

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Rows may be a generator, but it must not query: the connection is busy copying.
        Secondary indexes are dropped first and built again after, which is many times faster
        than keeping them up to date row by row (a trigram index above all)."""
        with_ids = columns[0] == "id"
        if with_ids:
            self.next_id(table)
        started = time.perf_counter()
        indexes = self.secondary_indexes(table)
        for name, _definition in indexes:
            self.cursor.execute(f'DROP INDEX "{name}"')
        count = highest = 0
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if with_ids:
                    highest = max(highest, row[0])
        if with_ids:  # the next free id follows from what was written
            self.next_ids[table] = max(self.next_ids[table], highest + 1)
        copied = time.perf_counter() - started
        for _name, definition in indexes:
            self.cursor.execute(definition)
        self.progress(
            f"{table}: {count:,} rows in {copied:.1f} s, "
            f"{len(indexes)} indexes in {time.perf_counter() - started - copied:.1f} s"
        )
        return count

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """Indexes that back no constraint (primary keys and unique constraints stay)."""
        self.cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return [(str(name), str(definition)) for name, definition in self.cursor.fetchall()]

    def sequences_reset(self) -> None:
        for table in self.next_ids:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _e164(number: str, country: str) -> str:
    if not number:
        return ""
    return ("+62" if country == "ID" else "+60") + number.lstrip("0")


class Population:
    """Plans and writes the population; see the module docstring."""

    def __init__(self, *, persons: int, seed: int, now: datetime, say: Callable[[str], None]):
        self.target = persons
        self.seed = seed
        self.now = now
        self.say = say
        self.rng = random.Random(seed)
        self.person_rows: list[dict[str, Any]] = []
        self.episodes: list[Episode] = []
        self.first_person = 0  # person ids are reserved in row order when written

    # -- planning --------------------------------------------------------------------------

    def plan_people(self) -> None:
        """Identities until there are `target` person records, with their deportations."""
        from pulang.matching.synthetic import Generator

        generator = Generator(self.seed)
        rng = self.rng
        span = (self.now - START).total_seconds()
        route_weights = list(itertools.accumulate(r[6] for r in ROUTES))
        while len(self.person_rows) < self.target:
            family_head = generator.identity()
            family = [family_head]
            if rng.random() < 0.08:  # a family deported together: children travel with them
                family += [
                    generator.identity(child=rng.random() < 0.6, family=family_head)
                    for _ in range(rng.choice([1, 1, 2, 3]))
                ]
            for identity in family:
                count = 1
                if rng.random() < 0.3:
                    count += rng.choices((1, 2, 3), cum_weights=(0.7, 0.9, 1.0))[0]
                born = datetime(identity.birth_date.year, identity.birth_date.month, 1, tzinfo=UTC)
                earliest = max(START, born + timedelta(days=400))
                window = max(1.0, (self.now - earliest).total_seconds())
                times = sorted(
                    earliest + timedelta(seconds=rng.random() * min(window, span))
                    for _ in range(count)
                )
                route = rng.choices(range(len(ROUTES)), cum_weights=route_weights)[0]
                previous_episode: int | None = None
                person_index = -1
                for index, values in enumerate(generator.records(identity, count)):
                    linked = index > 0 and rng.random() < 0.5
                    if not linked:
                        person_index = len(self.person_rows)
                        self.person_rows.append(values)
                    when = times[index]
                    age_days = (when.date() - identity.birth_date).days
                    region = str(values.get("origin_region_code") or "")
                    self.episodes.append(
                        Episode(
                            person=person_index,
                            when=when,
                            route=route if rng.random() < 0.8 else rng.randrange(len(ROUTES)),
                            child=age_days < 18 * 365,
                            province=region[:2] or identity.district[:2],
                            returning=linked,
                            previous=previous_episode if linked else None,
                        )
                    )
                    previous_episode = len(self.episodes) - 1
                    if len(self.person_rows) >= self.target:
                        break
                if len(self.person_rows) >= self.target:
                    break
        self.say(f"planned {len(self.person_rows):,} persons, {len(self.episodes):,} episodes")

    def plan_batches(self) -> list[tuple[int, datetime, int]]:
        """Per route, consecutive arrivals cut into batches of 30–300; (route, arrived, size)."""
        rng = self.rng
        by_route: dict[int, list[int]] = {}
        for index, episode in enumerate(self.episodes):
            by_route.setdefault(episode.route, []).append(index)
        batches: list[tuple[int, datetime, int]] = []
        for route, indexes in sorted(by_route.items()):
            indexes.sort(key=lambda i: self.episodes[i].when)
            position = 0
            while position < len(indexes):
                left = len(indexes) - position
                size = int(rng.triangular(30, 300, 80))
                if left - size < 30:  # no batch of a handful at the end: take them along
                    size = left if left <= 300 else left // 2
                group = indexes[position : position + size]
                middle = self.episodes[group[len(group) // 2]].when
                arrived = middle.replace(minute=0, second=0, microsecond=0)
                arrived = min(arrived, self.now - timedelta(hours=3))
                for i in group:
                    self.episodes[i].batch = len(batches)
                    self.episodes[i].when = arrived
                batches.append((route, arrived, len(group)))
                position += size
        # A batch's time is its members' time now, so a person's episodes may have changed
        # order: the links follow the calendar.
        chains: dict[int, list[int]] = {}
        for episode in self.episodes:
            if episode.returning or episode.previous is not None:
                chains.setdefault(episode.person, [])
        for index, episode in enumerate(self.episodes):
            if episode.person in chains:
                chains[episode.person].append(index)
        for chain in chains.values():
            chain.sort(key=lambda i: (self.episodes[i].when, i))
            for position, index in enumerate(chain):
                self.episodes[index].returning = position > 0
                self.episodes[index].previous = chain[position - 1] if position else None
        self.say(f"planned {len(batches):,} batches")
        return batches

    def plan_journeys(self, offices: dict[str, str]) -> None:
        """Stays, fates, departures and handovers; the owner of each case at the end."""
        rng = self.rng
        now = self.now
        fate_weights = list(itertools.accumulate(FATES[1]))
        for episode in self.episodes:
            shelter = ROUTES[episode.route][2]
            admitted = episode.when + timedelta(hours=2)
            days = max(0.3, rng.lognormvariate(0.95, 0.75))
            leaves = admitted + timedelta(days=days)
            fate = rng.choices(FATES[0], cum_weights=fate_weights)[0]
            episode.fate = fate
            episode.owner = shelter
            if leaves > now:
                episode.stays = [(shelter, admitted, None, "")]
                episode.status = "in_shelter"
                continue
            if fate == "transferred":
                middle = admitted + (leaves - admitted) / 3
                episode.stays.append((shelter, admitted, middle, "transferred"))
                shelter = TRANSFER_TO.get(shelter, TRANSFER_DEFAULT)
                admitted = middle
                episode.owner = shelter
            reason = {
                "hospital": "referred_hospital",
                "absconded": "absconded",
                "refused": "refused_services",
            }.get(fate, "returned_home")
            episode.stays.append((shelter, admitted, leaves, reason))
            if reason == "returned_home":
                episode.departed = leaves
                handed = leaves + timedelta(hours=rng.randint(6, 40))
                if handed <= now:
                    episode.handed = handed
                    episode.status = "returned"
                    episode.owner = offices.get(episode.province, episode.owner)
                else:
                    episode.status = "in_transit"
            else:
                episode.status = "referred" if fate == "hospital" else "left"

    # -- writing ---------------------------------------------------------------------------

    def write(self, writer: Writer, context: dict[str, Any]) -> dict[str, int]:
        from pulang.matching.records import match_row, match_row_json, record_from_person_values
        from pulang.matching.tokens import stored_keys
        from pulang.people.models import person_name_key
        from pulang.returns.services import verification_code_for

        rng = self.rng
        now = self.now
        agencies: dict[str, int] = context["agencies"]
        shelters: dict[str, tuple[int, int]] = context["shelters"]  # code -> (id, agency id)
        users: dict[int, int] = context["users"]  # agency id -> user id
        counts: dict[str, int] = {}

        batches = self.plan_batches()
        self.plan_journeys(context["offices"])

        # Persons: registered by the agency that received their first episode.
        registered_by = [0] * len(self.person_rows)
        for episode in reversed(self.episodes):
            registered_by[episode.person] = shelters[ROUTES[episode.route][2]][1]
        first_person = self.first_person = writer.reserve("people_person", len(self.person_rows))
        person_columns = [
            "id",
            "full_name",
            "aliases",
            "name_key",
            "sex",
            "birth_date",
            "birth_year_only",
            "birth_place",
            "origin_region_id",
            "origin_address",
            "nik",
            "family_card_number",
            "travel_document",
            "travel_document_number",
            "travel_document_issuer",
            "phone_id",
            "phone_my",
            "kin_name",
            "kin_relation",
            "kin_phone",
            "languages",
            "health_notes",
            "trafficking_account",
            "registered_by_id",
            "created_at",
            "merged_into_id",
        ]
        first_seen = [now] * len(self.person_rows)
        for episode in self.episodes:
            first_seen[episode.person] = min(first_seen[episode.person], episode.when)

        def person_rows() -> Iterable[tuple[Any, ...]]:
            for index, p in enumerate(self.person_rows):
                yield (
                    first_person + index,
                    p["full_name"],
                    _json(list(p["aliases"])),
                    person_name_key(p["full_name"], p["aliases"]),
                    p["sex"],
                    p["birth_date"],
                    p["birth_year_only"],
                    "",
                    p["origin_region_code"] or None,
                    "",
                    p["nik"],
                    p["family_card_number"],
                    p["travel_document"],
                    p["travel_document_number"],
                    "",
                    _e164(p["phone_id"], "ID"),
                    _e164(p["phone_my"], "MY"),
                    "",
                    "",
                    _e164(p["kin_phone"], "ID"),
                    "[]",
                    "",
                    "",
                    registered_by[index],
                    first_seen[index] + timedelta(hours=1),
                    None,
                )

        counts["persons"] = writer.copy("people_person", person_columns, person_rows())

        def person_match_rows() -> Iterable[tuple[int, dict[str, Any]]]:
            for index, p in enumerate(self.person_rows):
                values = {
                    "id": first_person + index,
                    "full_name": p["full_name"],
                    "aliases": list(p["aliases"]),
                    "sex": p["sex"],
                    "birth_date": p["birth_date"],
                    "birth_year_only": p["birth_year_only"],
                    "nik": p["nik"],
                    "family_card_number": p["family_card_number"],
                    "travel_document_number": p["travel_document_number"],
                    "phone_id": _e164(p["phone_id"], "ID"),
                    "phone_my": _e164(p["phone_my"], "MY"),
                    "kin_phone": _e164(p["kin_phone"], "ID"),
                    "origin_region_id": p["origin_region_code"] or None,
                }
                yield first_person + index, match_row(record_from_person_values(values), 0)

        first_key = writer.next_id("matching_blockkey")

        def key_rows() -> Iterable[tuple[Any, ...]]:
            key_id = first_key
            for person_id, row in person_match_rows():
                for key in sorted(stored_keys(row)):
                    yield (key_id, person_id, key)
                    key_id += 1

        writer.copy("matching_blockkey", ("id", "person_id", "key"), key_rows())

        def match_rows() -> Iterable[tuple[Any, ...]]:
            for person_id, row in person_match_rows():
                yield (person_id, match_row_json(row))

        writer.copy("matching_matchrow", ("person_id", "row"), match_rows())

        # Batches.
        first_batch = writer.reserve("arrivals_arrivalbatch", len(batches))
        batch_columns = [
            "id",
            "reference",
            "deporting_country",
            "detention_depot",
            "consulate",
            "consulate_letter_number",
            "entry_point",
            "transport",
            "arrived_at",
            "escort",
            "expected_count",
            "receiving_agency_id",
            "created_by_id",
            "created_at",
        ]

        def batch_rows() -> Iterable[tuple[Any, ...]]:
            for index, (route, arrived, size) in enumerate(batches):
                entry, transport, shelter, country, depot, consulate, _w = ROUTES[route]
                agency = shelters[shelter][1]
                yield (
                    first_batch + index,
                    f"N-{entry[:3].upper()}-{local_day(arrived):%Y%m%d}-{index:06d}",
                    country,
                    depot,
                    consulate,
                    f"{index:05d}/SRT/{local_day(arrived):%m/%Y}",
                    entry,
                    transport,
                    arrived,
                    "Satgas Pemulangan",
                    size,
                    agency,
                    users[agency],
                    arrived,
                )

        counts["batches"] = writer.copy("arrivals_arrivalbatch", batch_columns, batch_rows())

        # Cases, in the order of the episodes.
        first_case = writer.reserve("cases_case", len(self.episodes))
        case_columns = [
            "id",
            "person_id",
            "owning_agency_id",
            "batch_id",
            "status",
            "opened_at",
            "previous_case_id",
            "is_returning",
            "is_child",
            "is_pregnant",
            "has_disability",
            "disability_note",
            "is_ill",
            "illness_note",
            "notes",
            "outcome",
            "outcome_evidence",
            "closed_at",
            "returned_at",
            "manifest_import_id",
            "manifest_row",
            "created_by_id",
        ]
        outcome_of: dict[int, tuple[str, str]] = {}
        for _index, episode in enumerate(self.episodes):
            if episode.previous is not None:
                reference = f"N-{batches[episode.batch][1]:%Y%m%d}-{episode.batch:06d}"
                outcome_of[episode.previous] = (
                    "abroad_irregular",
                    f"Dideportasi lagi: {reference}",
                )

        def case_rows() -> Iterable[tuple[Any, ...]]:
            for index, e in enumerate(self.episodes):
                owner = agencies.get(e.owner) or shelters[e.owner][1]
                outcome, evidence = outcome_of.get(index, ("", ""))
                yield (
                    first_case + index,
                    first_person + e.person,
                    owner,
                    first_batch + e.batch,
                    e.status,
                    e.when,
                    None if e.previous is None else first_case + e.previous,
                    e.returning,
                    e.child,
                    rng.random() < 0.02 and self.person_rows[e.person]["sex"] == "F",
                    rng.random() < 0.01,
                    "",
                    rng.random() < 0.04,
                    "",
                    "",
                    outcome,
                    evidence,
                    None,
                    e.handed,
                    None,
                    None,
                    users[shelters[ROUTES[e.route][2]][1]],
                )

        counts["cases"] = writer.copy("cases_case", case_columns, case_rows())

        # Stays and status changes.
        stay_columns = [
            "id",
            "case_id",
            "shelter_id",
            "admitted_at",
            "admitted_by_id",
            "over_capacity_reason",
            "discharged_at",
            "discharged_by_id",
            "discharge_reason",
            "discharge_note",
        ]
        stay_id = writer.next_id("shelters_stay")
        final_stay: list[int] = [0] * len(self.episodes)

        def stay_rows() -> Iterable[tuple[Any, ...]]:
            nonlocal stay_id
            for index, e in enumerate(self.episodes):
                for code, admitted, discharged, reason in e.stays:
                    shelter_id, agency = shelters[code]
                    user = users[agency]
                    yield (
                        stay_id,
                        first_case + index,
                        shelter_id,
                        admitted,
                        user,
                        "",
                        discharged,
                        user if discharged else None,
                        reason,
                        "",
                    )
                    final_stay[index] = stay_id
                    stay_id += 1

        counts["stays"] = writer.copy("shelters_stay", stay_columns, stay_rows())

        first_change = writer.next_id("cases_statuschange")

        def change_rows() -> Iterable[tuple[Any, ...]]:
            change_id = first_change
            for index, e in enumerate(self.episodes):
                case = first_case + index
                first_shelter = e.stays[0][0]
                user = users[shelters[first_shelter][1]]
                steps = [("registered", "in_shelter", "Diterima di shelter", e.stays[0][1])]
                if e.departed is not None:
                    steps.append(("in_shelter", "in_transit", "Berangkat pulang", e.departed))
                if e.handed is not None:
                    steps.append(("in_transit", "returned", "Diserahterimakan", e.handed))
                if e.status in ("referred", "left"):
                    steps.append(("in_shelter", e.status, e.stays[-1][3], e.stays[-1][2] or now))
                for old, new, why, at in steps:
                    yield (change_id, case, old, new, why, at, user)
                    change_id += 1

        counts["status changes"] = writer.copy(
            "cases_statuschange",
            ("id", "case_id", "from_status", "to_status", "reason", "changed_at", "changed_by_id"),
            change_rows(),
        )

        self._write_care(writer, first_case, users, shelters, counts)
        self._write_returns(
            writer, first_case, users, shelters, agencies, context, counts, verification_code_for
        )
        return counts

    def _write_care(
        self,
        writer: Writer,
        first_case: int,
        users: dict[int, int],
        shelters: dict[str, tuple[int, int]],
        counts: dict[str, int],
    ) -> None:
        """Screenings, needs assessments, notes and case-plan tasks."""
        rng = self.rng
        screenings: list[tuple[Any, ...]] = []
        needs: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        tasks: list[tuple[Any, ...]] = []
        ids = {
            t: writer.next_id(t)
            for t in ("cases_screening", "cases_needsassessment", "cases_casenote", "cases_task")
        }
        for index, e in enumerate(self.episodes):
            case = first_case + index
            user = users[shelters[e.stays[0][0]][1]]
            admitted = e.stays[0][1]
            if rng.random() < 0.4:
                determination = rng.choices(
                    ["confirmed", "presumed", "not_victim", "undetermined"], [8, 17, 65, 10]
                )[0]
                at = admitted + timedelta(hours=rng.randint(3, 30))
                if at < self.now:
                    reviewed = at + timedelta(hours=20)
                    done = reviewed < self.now
                    screenings.append(
                        (
                            ids["cases_screening"] + len(screenings),
                            case,
                            rng.choice(["unlicensed_agent", "family_or_friend", "self", "online"]),
                            rng.choice(["friend", "family", "other", "unknown"]),
                            "[]",
                            _json(["forced_labour"] if determination != "not_victim" else []),
                            rng.choice(["domestic_work", "agriculture", "construction", "fishing"]),
                            "MY",
                            determination,
                            "",
                            at,
                            user,
                            reviewed if done else None,
                            user if done else None,
                            determination if done else "",
                            "",
                        )
                    )
            if rng.random() < 0.5 and admitted + DAY < self.now:
                needs.append(
                    (
                        ids["cases_needsassessment"] + len(needs),
                        case,
                        _json(rng.sample(["health", "psychosocial", "documents", "legal"], 2)),
                        "",
                        admitted + DAY,
                        user,
                    )
                )
            if rng.random() < 0.3 and admitted + DAY < self.now:
                notes.append(
                    (
                        ids["cases_casenote"] + len(notes),
                        case,
                        "Sudah menghubungi keluarga.",
                        admitted + DAY,
                        user,
                    )
                )
            if e.status == "in_shelter" or rng.random() < 0.2:
                open_case = e.status == "in_shelter"
                done_at = None if open_case else (e.stays[-1][2] or self.now)
                tasks.append(
                    (
                        ids["cases_task"] + len(tasks),
                        case,
                        "",
                        "Hubungi keluarga",
                        local_day(admitted + 2 * DAY),
                        None,
                        admitted,
                        user,
                        done_at,
                        None if open_case else user,
                    )
                )
        counts["screenings"] = writer.copy(
            "cases_screening",
            [
                "id",
                "case_id",
                "recruitment",
                "recruiter_relation",
                "means_of_control",
                "exploitation_types",
                "sector",
                "country_of_exploitation",
                "determination",
                "account",
                "screened_at",
                "screened_by_id",
                "reviewed_at",
                "reviewed_by_id",
                "reviewed_determination",
                "review_note",
            ],
            screenings,
        )
        counts["needs assessments"] = writer.copy(
            "cases_needsassessment",
            ("id", "case_id", "needs", "notes", "assessed_at", "assessed_by_id"),
            needs,
        )
        counts["notes"] = writer.copy(
            "cases_casenote", ("id", "case_id", "text", "written_at", "written_by_id"), notes
        )
        counts["tasks"] = writer.copy(
            "cases_task",
            [
                "id",
                "case_id",
                "goal",
                "title",
                "due_on",
                "assigned_to_id",
                "created_at",
                "created_by_id",
                "done_at",
                "done_by_id",
            ],
            tasks,
        )

    def _write_returns(
        self,
        writer: Writer,
        first_case: int,
        users: dict[int, int],
        shelters: dict[str, tuple[int, int]],
        agencies: dict[str, int],
        context: dict[str, Any],
        counts: dict[str, int],
        verification_code_for: Callable[..., str],
    ) -> None:
        """Trips and handovers in groups, grants, follow-ups, referrals and programmes."""
        rng = self.rng
        now = self.now
        groups: dict[tuple[str, date, str], list[int]] = {}
        for index, e in enumerate(self.episodes):
            if e.departed is not None:
                key = (e.stays[-1][0], local_day(e.departed), e.province)
                groups.setdefault(key, []).append(index)
        trips: list[tuple[Any, ...]] = []
        legs: list[tuple[Any, ...]] = []
        trip_members: list[tuple[Any, ...]] = []
        handovers: list[tuple[Any, ...]] = []
        handover_members: list[tuple[Any, ...]] = []
        grants: list[tuple[Any, ...]] = []
        followups: list[tuple[Any, ...]] = []
        numbers: dict[tuple[str, int], int] = {}
        ids = {
            t: writer.next_id(t)
            for t in (
                "returns_trip",
                "returns_tripleg",
                "returns_tripmember",
                "returns_handover",
                "returns_handovermember",
                "access_accessgrant",
                "empowerment_followup",
            )
        }
        offices: dict[str, str] = context["offices"]
        months = context["followup_months"]
        retention = timedelta(days=context["retention_days"])
        province_names: dict[str, str] = context["province_names"]
        for (code, day, province), members in sorted(groups.items()):
            shelter_id, shelter_agency = shelters[code]
            user = users[shelter_agency]
            departed = min(self.episodes[i].departed or now for i in members)
            trip_id = ids["returns_trip"] + len(trips)
            numbers[(code, day.year)] = sequence = numbers.get((code, day.year), 0) + 1
            destination = province_names.get(province, province)
            trips.append(
                (
                    trip_id,
                    f"TRP/{code.upper()}/{day.year}/{sequence:05d}",
                    shelter_id,
                    destination,
                    "bus" if province in ("31", "32", "33", "36") else "ship",
                    "Pendamping shelter",
                    day,
                    departed,
                    user,
                    departed - DAY,
                    user,
                )
            )
            legs.append(
                (ids["returns_tripleg"] + len(legs), trip_id, 1, code, destination, "bus", departed)
            )
            for i in members:
                trip_members.append(
                    (ids["returns_tripmember"] + len(trip_members), trip_id, first_case + i)
                )
            handed_members = [i for i in members if self.episodes[i].handed is not None]
            if not handed_members:
                continue
            handed = max(self.episodes[i].handed for i in handed_members)  # type: ignore[type-var]
            number = f"BAST/{code.upper()}/{day.year}/{sequence:05d}"
            content = hashlib.sha256(f"{number}|{handed_members}".encode()).hexdigest()
            office_code = offices.get(province)
            office = agencies.get(office_code) if office_code else None
            handover_id = ids["returns_handover"] + len(handovers)
            handovers.append(
                (
                    handover_id,
                    number,
                    shelter_id,
                    trip_id,
                    f"Kantor Dinas Sosial {destination}",
                    handed,
                    "regional_social_office" if office else "family",
                    "Petugas Dinas Sosial" if office else "Keluarga",
                    "Kepala Seksi" if office else "Keluarga",
                    "",
                    office,
                    "Pendamping",
                    "",
                    user,
                    content,
                    verification_code_for(number=number, content_sha256=content),
                    "",
                    "",
                )
            )
            for i in handed_members:
                case = first_case + i
                e = self.episodes[i]
                handover_members.append(
                    (ids["returns_handovermember"] + len(handover_members), handover_id, case)
                )
                if e.handed and e.handed + retention > now:
                    grants.append(
                        (
                            ids["access_accessgrant"] + len(grants),
                            self.first_person + self.episodes[i].person,
                            shelter_agency,
                            "shelter_retention",
                            e.handed,
                            e.handed + retention,
                            None,
                            None,
                            "",
                            user,
                            e.handed,
                        )
                    )
                if office is None:
                    continue
                for after in months:
                    due = _add_months(local_day(e.handed), after)  # type: ignore[arg-type]
                    done = due < now.date() and rng.random() < 0.7
                    followups.append(
                        _followup_row(
                            ids["empowerment_followup"] + len(followups),
                            case,
                            office,
                            None,
                            after,
                            due,
                            done,
                            users.get(office),
                            rng,
                        )
                    )
        counts["trips"] = writer.copy(
            "returns_trip",
            [
                "id",
                "reference",
                "shelter_id",
                "destination",
                "transport",
                "escort",
                "planned_departure",
                "departed_at",
                "departed_by_id",
                "created_at",
                "created_by_id",
            ],
            trips,
        )
        writer.copy(
            "returns_tripleg",
            ("id", "trip_id", "sequence", "origin", "destination", "transport", "departs_at"),
            legs,
        )
        writer.copy("returns_tripmember", ("id", "trip_id", "case_id"), trip_members)
        counts["handovers"] = writer.copy(
            "returns_handover",
            [
                "id",
                "number",
                "shelter_id",
                "trip_id",
                "place",
                "handed_at",
                "receiver_kind",
                "receiver_name",
                "receiver_relation",
                "receiver_document",
                "receiving_agency_id",
                "witness_name",
                "witness_role",
                "handed_by_id",
                "content_sha256",
                "verification_code",
                "document",
                "document_sha256",
            ],
            handovers,
        )
        counts["handover members"] = writer.copy(
            "returns_handovermember", ("id", "handover_id", "case_id"), handover_members
        )
        referrals = self._referrals(writer, first_case, users, agencies, context, grants, followups)
        counts["referrals"] = referrals
        counts["access grants"] = writer.copy(
            "access_accessgrant",
            [
                "id",
                "person_id",
                "agency_id",
                "basis",
                "starts_at",
                "ends_at",
                "revoked_at",
                "agreement_id",
                "purpose",
                "created_by_id",
                "created_at",
            ],
            grants,
        )
        counts["follow-ups"] = writer.copy(
            "empowerment_followup",
            [
                "id",
                "case_id",
                "agency_id",
                "enrolment_id",
                "months_after",
                "due_on",
                "assigned_to_id",
                "cancelled_at",
                "done_at",
                "done_by_id",
                "reached",
                "monthly_income",
                "business_running",
                "wants_abroad",
                "abroad_channel",
                "safe_migration_knowledge",
                "needs",
            ],
            followups,
        )

    def _referrals(
        self,
        writer: Writer,
        first_case: int,
        users: dict[int, int],
        agencies: dict[str, int],
        context: dict[str, Any],
        grants: list[tuple[Any, ...]],
        followups: list[tuple[Any, ...]],
    ) -> int:
        """A tenth of those home a week are referred for empowerment; most enrol."""
        rng = self.rng
        now = self.now
        agreement = context["agreement"]
        programmes: dict[int, tuple[int, list[int]]] = context["programmes"]  # agency -> prog
        consents: list[tuple[Any, ...]] = []
        referrals: list[tuple[Any, ...]] = []
        enrolments: list[tuple[Any, ...]] = []
        ids = {
            t: writer.next_id(t)
            for t in ("sharing_consent", "sharing_referral", "empowerment_enrolment")
        }
        grant_id = ids_next(writer, "access_accessgrant", len(grants))
        followup_id = ids_next(writer, "empowerment_followup", len(followups))
        for index, e in enumerate(self.episodes):
            if e.handed is None or e.handed + 7 * DAY > now or rng.random() >= 0.1:
                continue
            target = agencies.get(f"bench-bp3mi-{e.province}") or agencies["kp2mi"]
            sender = agencies.get(e.owner, 0)
            if not sender:
                continue
            case = first_case + index
            person = self.first_person + self.episodes[index].person
            sent = e.handed + 2 * DAY
            answered = sent + DAY
            consents.append(
                (
                    ids["sharing_consent"] + len(consents),
                    person,
                    "empowerment",
                    "consent",
                    "the person",
                    "",
                    sent,
                    None,
                    users.get(sender),
                )
            )
            enrol = rng.random() < 0.6
            referral_id = ids["sharing_referral"] + len(referrals)
            referrals.append(
                (
                    referral_id,
                    case,
                    sender,
                    target,
                    "empowerment",
                    agreement,
                    "",
                    "completed" if enrol else "accepted",
                    sent,
                    users.get(sender),
                    answered,
                    users.get(target),
                    "",
                    answered if enrol else None,
                )
            )
            grants.append(
                (
                    grant_id,
                    person,
                    target,
                    "referral",
                    answered,
                    None,
                    None,
                    agreement,
                    "empowerment",
                    users.get(sender),
                    answered,
                )
            )
            grant_id += 1
            if not enrol or target not in programmes:
                continue
            programme, months = programmes[target]
            enrolment_id = ids["empowerment_enrolment"] + len(enrolments)
            enrolled = local_day(answered)
            enrolments.append(
                (enrolment_id, programme, case, referral_id, enrolled, 5_000_000, "", users[target])
            )
            for after in months:
                due = _add_months(enrolled, after)
                done = due < now.date() and rng.random() < 0.8
                followups.append(
                    _followup_row(
                        followup_id,
                        case,
                        target,
                        enrolment_id,
                        after,
                        due,
                        done,
                        users[target],
                        rng,
                    )
                )
                followup_id += 1
        writer.copy(
            "sharing_consent",
            [
                "id",
                "person_id",
                "purpose",
                "basis",
                "given_by",
                "given_by_relation",
                "given_at",
                "withdrawn_at",
                "recorded_by_id",
            ],
            consents,
        )
        count = writer.copy(
            "sharing_referral",
            [
                "id",
                "case_id",
                "from_agency_id",
                "to_agency_id",
                "purpose",
                "agreement_id",
                "note",
                "status",
                "sent_at",
                "sent_by_id",
                "responded_at",
                "responded_by_id",
                "response_note",
                "completed_at",
            ],
            referrals,
        )
        writer.copy(
            "empowerment_enrolment",
            [
                "id",
                "programme_id",
                "case_id",
                "referral_id",
                "enrolled_on",
                "amount",
                "note",
                "enrolled_by_id",
            ],
            enrolments,
        )
        return count


def ids_next(writer: Writer, table: str, used: int) -> int:
    return writer.next_id(table) + used


def _add_months(day: date, months: int) -> date:
    from pulang.empowerment.services import add_months

    return add_months(day, months)


def _followup_row(
    row_id: int,
    case: int,
    agency: int,
    enrolment: int | None,
    after: int,
    due: date,
    done: bool,
    user: int | None,
    rng: random.Random,
) -> tuple[Any, ...]:
    return (
        row_id,
        case,
        agency,
        enrolment,
        after,
        due,
        None,
        None,
        datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=10) if done else None,
        user if done else None,
        rng.random() < 0.85 if done else None,
        rng.choice([0, 1_500_000, 2_500_000, 4_000_000]) if done else None,
        rng.random() < 0.5 if done else None,
        rng.random() < 0.3 if done else None,
        rng.choice(["legal", "irregular", "undecided"]) if done else "",
        rng.choice(["good", "some", "none"]) if done else "",
        "[]",
    )


DAILY_SQL = [
    (
        "meals and hygiene kits",
        """
        INSERT INTO shelters_provision
            (stay_id, shelter_id, kind, quantity, description, provided_on, recorded_at,
             recorded_by_id)
        SELECT s.id, s.shelter_id, m.kind, 1, '', d::date, d + interval '12 hours',
               s.admitted_by_id
        FROM shelters_stay s
        CROSS JOIN LATERAL generate_series(
            (s.admitted_at AT TIME ZONE 'Asia/Jakarta')::date,
            (COALESCE(s.discharged_at, %(now)s) AT TIME ZONE 'Asia/Jakarta')::date,
            interval '1 day') AS d
        CROSS JOIN (VALUES ('breakfast'), ('lunch'), ('dinner')) AS m(kind)
        WHERE s.id >= %(first_stay)s
        UNION ALL
        SELECT s.id, s.shelter_id, 'hygiene_kit', 1, '',
               (s.admitted_at AT TIME ZONE 'Asia/Jakarta')::date, s.admitted_at, s.admitted_by_id
        FROM shelters_stay s
        WHERE s.id >= %(first_stay)s
        """,
    ),
    (
        "activity sessions",
        """
        INSERT INTO shelters_activitysession
            (shelter_id, kind_id, starts_at, facilitator, note, created_by_id)
        SELECT b.shelter_id, k.id, b.day + k.hour, 'Pekerja sosial', '', b.user_id
        FROM (
            SELECT s.shelter_id, MIN(s.admitted_by_id) AS user_id,
                   generate_series(MIN(s.admitted_at)::date, %(now)s::date, interval '1 day')
                       AS day
            FROM shelters_stay s WHERE s.id >= %(first_stay)s GROUP BY s.shelter_id
        ) b
        CROSS JOIN (
            SELECT id, CASE WHEN "group" = 'sport' THEN interval '8 hours'
                            ELSE interval '3 hours' END AS hour
            FROM shelters_activitykind
            WHERE code IN (
                SELECT MIN(code) FROM shelters_activitykind
                WHERE "group" IN ('sport', 'socialization') GROUP BY "group")
        ) k
        """,
    ),
    (
        "attendance",
        """
        INSERT INTO shelters_attendance (session_id, stay_id, recorded_by_id)
        SELECT a.id, s.id, a.created_by_id
        FROM shelters_stay s
        CROSS JOIN LATERAL generate_series(
            date_trunc('day', s.admitted_at),
            date_trunc('day', COALESCE(s.discharged_at, %(now)s)),
            interval '1 day') AS d
        JOIN shelters_activitysession a ON a.shelter_id = s.shelter_id
             AND a.starts_at >= d AND a.starts_at < d + interval '1 day'
             AND a.starts_at >= s.admitted_at
             AND (s.discharged_at IS NULL OR a.starts_at < s.discharged_at)
        WHERE (s.id + a.id) %% 3 <> 0 AND s.id >= %(first_stay)s
          AND a.id >= %(first_session)s
        """,
    ),
]


def world_prepare(say: Callable[[str], None]) -> dict[str, Any]:
    """The demo world plus what a national run needs: more shelters, a regional social office
    per province, BP3MI offices taking referrals, their programmes and a worker in each."""
    from django.conf import settings
    from django.core.management import call_command

    from pulang.accounts.models import User
    from pulang.agencies.models import Agency, Shelter
    from pulang.empowerment.models import Programme
    from pulang.regions.models import Region
    from pulang.sharing.models import Agreement

    call_command("migrate", verbosity=0)
    say("migrated")
    call_command("load_regions", verbosity=0)
    say("regions loaded")
    call_command("demo", "--without-2020", verbosity=0)
    say("demo world loaded")
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    for code, name, region, men, women, children in EXTRA_SHELTERS:
        agency, _ = Agency.objects.get_or_create(
            code=code,
            defaults={"name": f"UPT {name}", "kind": Agency.Kind.SHELTER_OPERATOR},
        )
        agency.region_id = region
        agency.save()
        Shelter.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": Shelter.Kind.RPTC,
                "agency": agency,
                "region_id": region,
                "capacity_men": men,
                "capacity_women": women,
                "capacity_children": children,
            },
        )
    offices: dict[str, str] = {}
    for code, name in provinces.items():
        office, _ = Agency.objects.get_or_create(
            code=f"bench-dinsos-{code}",
            defaults={
                "name": f"Dinas Sosial Provinsi {name}",
                "kind": Agency.Kind.REGIONAL_SOCIAL_OFFICE,
                "region_id": code,
            },
        )
        offices[code] = office.code
    agreement = Agreement.objects.order_by("pk").first()
    programmes: dict[int, tuple[int, list[int]]] = {}
    for code, name in BP3MI_PROVINCES.items():
        office, _ = Agency.objects.get_or_create(
            code=f"bench-bp3mi-{code}",
            defaults={
                "name": f"BP3MI {name}",
                "kind": Agency.Kind.MIGRANT_PROTECTION_REGIONAL,
                "region_id": code,
            },
        )
        programme, _ = Programme.objects.get_or_create(
            code=f"bench-modal-{code}",
            defaults={
                "name": f"Bantuan modal usaha {name}",
                "kind": Programme.Kind.BUSINESS_CAPITAL,
                "agency": office,
            },
        )
        programmes[office.pk] = (programme.pk, list(programme.followup_months or [3, 6, 12]))
    users: dict[int, int] = {}
    for agency in Agency.objects.all():
        user = User.objects.filter(agency=agency).order_by("pk").first()
        if user is None:
            user = User.objects.create(
                username=f"bench.{agency.code}"[:150],
                agency=agency,
                roles=["regional_social_officer"]
                if agency.kind == Agency.Kind.REGIONAL_SOCIAL_OFFICE
                else ["shelter_social_worker"],
            )
        users[agency.pk] = user.pk
    return {
        "agencies": dict(Agency.objects.values_list("code", "pk")),
        "shelters": {s.code: (s.pk, s.agency_id) for s in Shelter.objects.all()},
        "users": users,
        "offices": offices,
        "province_names": provinces,
        "agreement": agreement.pk if agreement else None,
        "programmes": programmes,
        "followup_months": list(getattr(settings, "PULANG_FOLLOWUP_MONTHS", [1, 3, 6, 12])),
        "retention_days": int(getattr(settings, "PULANG_SHELTER_RETENTION_DAYS", 90)),
    }


def rollup_build(say: Callable[[str], None]) -> float:
    """Count every closed day into the daily figures, as the first look at the dashboard
    would (pulang/reports/rollup.py); returns the seconds it took."""
    from pulang.reports.rollup import rebuild_all

    step = time.perf_counter()
    last_said = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last_said[0] > 10 or done == total:
            last_said[0] = time.perf_counter()
            say(f"daily figures: {done:,} of {total:,} days")

    days = rebuild_all(progress=progress)
    seconds = time.perf_counter() - step
    say(f"daily figures: {days:,} days rolled in {seconds:.1f} s")
    return seconds


def generate(*, url: str, persons: int, seed: int, force: bool = False) -> dict[str, Any]:
    """Recreate the bench database and fill it; returns what was made and how long it took."""
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    database_recreate(url, force=force)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.db import connection, transaction

    from pulang.audit.models import AuditEvent
    from pulang.audit.services import audit_record

    context = world_prepare(say)
    now = datetime.now(UTC).replace(microsecond=0)
    population = Population(persons=persons, seed=seed, now=now, say=say)
    population.plan_people()
    with transaction.atomic(), connection.cursor() as cursor:
        # Loading, not living: foreign keys are ours to keep, so skip their per-row triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        writer = Writer(cursor, say)
        first_stay = writer.next_id("shelters_stay")
        first_session = writer.next_id("shelters_activitysession")
        counts = population.write(writer, context)
        cursor.execute("SET LOCAL jit = off")
        for label, sql in DAILY_SQL:
            step = time.perf_counter()
            # The planner must know how big the tables just loaded are, or it loops over them.
            cursor.execute("ANALYZE shelters_stay, shelters_activitysession")
            target = sql.split("INSERT INTO", 1)[1].split()[0]
            indexes = writer.secondary_indexes(target)
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            parameters: dict[str, Any] = {
                "now": now,
                "first_stay": first_stay,
                "first_session": first_session,
            }
            cursor.execute(sql, parameters)
            counts[label] = rows = cursor.rowcount
            for _name, definition in indexes:
                cursor.execute(definition)
            say(f"{label}: {rows:,} rows in {time.perf_counter() - step:.1f} s")
        writer.sequences_reset()
        cursor.execute("SET LOCAL session_replication_role = origin")
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="people.person",
            summary=f"bench data: synthetic Indonesia, {counts['persons']} persons, seed {seed}",
        )
    with connection.cursor() as cursor:
        step = time.perf_counter()
        # As autovacuum leaves tables filled over the years (PostgreSQL 13 and later vacuum
        # after inserts too): the visibility map set, so index-only scans (the block keys
        # looked up at intake) read no table pages. A PostgreSQL run with autovacuum off, as
        # on some benchmark machines, would otherwise be measured in a state no live
        # database is in.
        cursor.execute("VACUUM (ANALYZE)")
        say(f"vacuumed and analyzed in {time.perf_counter() - step:.1f} s")
    rollup_seconds = rollup_build(say)
    with connection.cursor() as cursor:  # index-only sums need the visibility map
        cursor.execute("VACUUM ANALYZE reports_dailyfigure")
    seconds = time.perf_counter() - started
    from bench.machine import machine_reference

    scale = {
        "persons": persons,
        "seed": seed,
        "generated_at": now.isoformat(),
        "seconds": round(seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "counts": counts,
        "machine": machine_reference(connection),
    }
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [json.dumps(scale)])
    say(f"done: {json.dumps(counts)}")
    return scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/generate", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=20_000, help="person records (20,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help=f"PostgreSQL URL, recreated (default {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--force", action="store_true", help="recreate a database not named *bench*"
    )
    args = parser.parse_args(argv)
    if not args.database.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/generate writes PostgreSQL only (COPY); give a postgres:// URL")
    scale = generate(url=args.database, persons=args.persons, seed=args.seed, force=args.force)
    from bench.machine import reference_line

    print(f"{scale['counts']['persons']:,} persons in {scale['seconds'] / 60:.1f} min")
    print(reference_line(scale["machine"]))


if __name__ == "__main__":
    main()
