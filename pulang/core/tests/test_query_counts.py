"""Query hygiene: no list page or API list asks the database once more for every row it shows.

Every GET route is declared here, once: either a list (`LISTS`, with a recipe that adds rows the
page shows) or a page about one record, a form or a fixed document (`ONE_RECORD`, with why). A
new GET route that is neither fails `test_every_get_route_is_declared_a_list_or_one_record`.

For each list, the permission matrix's world (pulang/access/tests/world.py) is grown by two rows
and the page requested as a caller who may see them; then by six more, and requested again. The
page must show the new rows, and the number of queries must not have grown; if it did, the
failure names the route and the statements that were repeated.
"""

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pulang.access.roles import Role
from pulang.access.tests.matrix import Route, api_capabilities, routes
from pulang.access.tests.world import World, matrix_world
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.models import Agency
from pulang.agencies.tests.factories import ShelterFactory
from pulang.api.services import api_token_create
from pulang.arrivals.tests.factories import BatchFactory, ManifestImportFactory
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.services import (
    needs_assess,
    note_add,
    screening_record,
    screening_review,
    task_add,
    task_done,
)
from pulang.cases.tests.factories import CaseFactory
from pulang.empowerment.models import Programme
from pulang.empowerment.services import enrol
from pulang.matching.models import DuplicateCandidate
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory
from pulang.regions.models import Region
from pulang.regions.tests.factories import region
from pulang.returns.services import (
    handover_record,
    return_plan_save,
    trip_depart,
    trip_leg_add,
    trip_plan,
)
from pulang.sharing.services import (
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_send,
)
from pulang.shelters.models import ActivityKind, Provision
from pulang.shelters.services import (
    attendance_mark,
    meal_roll_call,
    provision_issue,
    session_create,
    stay_admit,
)

FIRST, MORE = 2, 6  # rows added before the first request, and before the second

# --- the world, grown ---------------------------------------------------------------------


@dataclass
class Scene:
    """The matrix world seen from its in-scope agency, with ways to add rows of every kind."""

    world: World
    serial: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        records = self.world.records or {}
        self.own: Agency = self.world.inside.registered_by
        self.partner = Agency.objects.get(code=f"partner-of-{self.own.code}")
        self.shelter = records["shelter_id"][0]
        self.case = records["case_id"][0]
        self.session = records["session_id"][0]
        self.referral = records["referral_id"][0]
        self.head = self.world.users[Role.SHELTER_HEAD]
        self.worker = self.world.users[Role.SHELTER_SOCIAL_WORKER]
        self.village = self.region("52.03.01.2001", "Desa Ujicoba Asal")
        self.programme: Programme | None = None
        self.partner_users: dict[bool, Any] = {}

    def next(self) -> int:
        return int(next(self.serial))

    def region(self, code: str, name: str) -> Region:
        """A region and its missing parents (the world has 52 and 52.03 already)."""
        found = Region.objects.filter(code=code).first()
        if found is not None:
            return found
        if "." in code:
            self.region(code.rsplit(".", 1)[0], f"Induk {code.rsplit('.', 1)[0]}")
        return region(code, name)

    def regency(self) -> Region:
        """A regency of its own, with its regional social office: every destination a group."""
        number = self.next()
        regency = self.region(f"52.{50 + number}", f"Kab. Ujicoba {number}")
        Agency.objects.create(
            code=f"dinsos-uji-{number}",
            name=f"Dinas Sosial Ujicoba {number}",
            kind=Agency.Kind.REGIONAL_SOCIAL_OFFICE,
            region=regency,
        )
        return regency

    def person(self) -> Person:
        """Someone of the agency with every optional relation filled, so a lazy read shows."""
        number = self.next()
        return PersonFactory(
            full_name=f"Uji Baris {number:03d}",
            registered_by=self.own,
            origin_region=self.village,
            birth_date=timezone.localdate() - timedelta(days=365 * 30 + number),
        )

    def new_case(self, batch: Any = None) -> Any:
        batch = batch or BatchFactory(receiving_agency=self.own)
        return CaseFactory(owning_agency=self.own, person=self.person(), batch=batch)

    def residents(self, n: int, *, going_home: bool = False) -> list[Any]:
        """People admitted to the shelter today, screened, with a task due, a meal and an item
        given, at the world's session; going home, each to a regency of their own."""
        cases = [self.new_case() for _ in range(n)]
        stays = stay_admit(
            actor=self.head, shelter=self.shelter, cases=cases, over_capacity_reason="Uji"
        )
        today = timezone.localdate()
        for case, stay in zip(cases, stays, strict=True):
            screening = screening_record(
                actor=self.head,
                case=case,
                recruitment="unlicensed_agent",
                recruiter_relation="friend",
                sector="agriculture",
                determination="presumed",
            )
            screening_review(actor=self.worker, screening=screening, determination="presumed")
            task_add(actor=self.head, case=case, title="Tugas", due_on=today - timedelta(days=1))
            provision_issue(actor=self.head, stay=stay, kind=Provision.Kind.CLOTHING)
            if going_home:
                return_plan_save(
                    actor=self.head,
                    case=case,
                    destination=self.regency(),
                    transport="bus",
                    planned_date=today,
                )
        meal_roll_call(actor=self.head, shelter=self.shelter, day=today, meal="breakfast")
        attendance_mark(actor=self.head, session=self.session, stay_ids=[s.pk for s in stays])
        return cases

    def partner_officer(self, *, api: bool) -> Any:
        """An officer of the agency the world's referral went to, who sees only through it."""
        if api not in self.partner_users:
            self.partner_users[api] = UserFactory(
                username=f"mitra-{'api' if api else 'web'}",
                agency=self.partner,
                roles=[Role.MIGRANT_PROTECTION_OFFICER],
                is_service_account=api,
            )
        return self.partner_users[api]

    def caller(self, who: str, *, api: bool) -> Any:
        if who == "partner":
            return self.partner_officer(api=api)
        return (self.world.systems if api else self.world.users)[who]


def more_people(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        s.person()
    return {}


def more_episodes(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        CaseFactory(
            owning_agency=s.own,
            person=s.world.inside,
            batch=BatchFactory(receiving_agency=s.own),
        )
    return {"person_id": s.world.inside.pk}


def more_batches(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        s.new_case()
    return {}


def more_in_batch(s: Scene, n: int) -> dict[str, Any]:
    batch = s.world.batches[0]
    for _ in range(n):
        s.new_case(batch)
        ManifestImportFactory(batch=batch)
    return {"batch_id": batch.pk}


def more_cases(s: Scene, n: int) -> dict[str, Any]:
    """Cases of the agency in a batch, for the case list (which takes no URL argument)."""
    more_in_batch(s, n)
    return {}


def more_export_jobs(s: Scene, n: int) -> dict[str, Any]:
    """Finished exports of the shelter head, who asks for the list of them."""
    from django.core.files.base import ContentFile

    from pulang.exports.models import ExportJob

    for _ in range(n):
        job = ExportJob.objects.create(
            owner=s.head, kind="cases", format="csv", status="done", done=1, total=1
        )
        job.file.save("kasus.csv", ContentFile(b"ID\r\n1\r\n"))
    return {}


def more_manifest_rows(s: Scene, n: int) -> dict[str, Any]:
    """Rows of the checked manifest, each with someone registered before as a candidate."""
    record = s.world.imports[0]
    rows = record.preview["rows"]
    for _ in range(n):
        person = s.person()
        number = len(rows) + 2
        rows.append(
            {
                "number": number,
                "raw": {"full_name": person.full_name, "sex": "P"},
                "values": {"full_name": person.full_name, "sex": "F"},
                "issues": [],
                "status": "ok",
                "candidates": [
                    {"person_id": person.pk, "probability": 0.97, "reasons": ["nama sama"]}
                ],
                "action": "create",
            }
        )
    record.total_rows = len(rows)
    record.save(update_fields=["preview", "total_rows"])
    return {"import_id": record.pk}


def more_shelters(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        shelter = ShelterFactory(agency=s.own)
        stay_admit(actor=s.head, shelter=shelter, cases=[s.new_case()])
    return {}


def more_residents(s: Scene, n: int) -> dict[str, Any]:
    s.residents(n)
    return {"shelter_id": s.shelter.pk}


def more_going_home(s: Scene, n: int) -> dict[str, Any]:
    s.residents(n, going_home=True)
    return {"shelter_id": s.shelter.pk}


def more_waiting(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        s.new_case()
    return {"shelter_id": s.shelter.pk}


def more_sessions(s: Scene, n: int) -> dict[str, Any]:
    stay = (s.world.records or {})["stay_id"][0]
    for _ in range(n):
        session = session_create(
            actor=s.head,
            shelter=s.shelter,
            kind=ActivityKind.objects.get(code="sport-futsal"),
            starts_at=timezone.now(),
            facilitator="Fasilitator Uji",
        )
        attendance_mark(actor=s.head, session=session, stay_ids=[stay.pk])
    return {"shelter_id": s.shelter.pk}


def more_attendees(s: Scene, n: int) -> dict[str, Any]:
    s.residents(n)
    return {"session_id": s.session.pk}


def more_history(s: Scene, n: int) -> dict[str, Any]:
    """More of everything on one case's timeline."""
    case, stay = s.case, (s.world.records or {})["stay_id"][0]
    for _ in range(n):
        note_add(actor=s.head, case=case, text="Catatan uji")
        task = task_add(actor=s.head, case=case, title="Tugas uji", due_on=timezone.localdate())
        task_done(actor=s.worker, task=task)
        task_add(actor=s.head, case=case, title="Tugas terbuka", due_on=timezone.localdate())
        screening = screening_record(
            actor=s.head,
            case=case,
            recruitment="unlicensed_agent",
            recruiter_relation="friend",
            sector="agriculture",
            determination="presumed",
        )
        screening_review(actor=s.worker, screening=screening, determination="presumed")
        needs_assess(actor=s.worker, case=case, needs=["documents"])
        provision_issue(actor=s.head, stay=stay, kind=Provision.Kind.HYGIENE_KIT)
        session = session_create(
            actor=s.head,
            shelter=s.shelter,
            kind=ActivityKind.objects.get(code="sport-futsal"),
            starts_at=timezone.now(),
            facilitator="Fasilitator Uji",
        )
        attendance_mark(actor=s.head, session=session, stay_ids=[stay.pk])
    return {"case_id": case.pk}


def more_trips(s: Scene, n: int) -> dict[str, Any]:
    for case in s.residents(n, going_home=True):
        trip_plan(
            actor=s.head,
            shelter=s.shelter,
            cases=[case],
            destination="NTB",
            transport="bus",
            escort="Pendamping Uji",
            planned_departure=timezone.now(),
        )
    return {}


def a_departed_trip(s: Scene, n: int) -> dict[str, Any]:
    """A trip of its own with n people to n regencies and n legs, on its way."""
    trip = trip_plan(
        actor=s.head,
        shelter=s.shelter,
        cases=s.residents(n, going_home=True),
        destination="NTB",
        transport="bus",
        escort="Pendamping Uji",
        planned_departure=timezone.now(),
    )
    for number in range(n):
        trip_leg_add(
            actor=s.head, trip=trip, origin=f"Kota {number}", destination="Mataram", transport="bus"
        )
    trip_depart(actor=s.head, trip=trip)
    return {"trip_id": trip.pk}


def a_handover(s: Scene, n: int) -> dict[str, Any]:
    """A handover of its own, of n people."""
    handover = handover_record(
        actor=s.head,
        shelter=s.shelter,
        cases=s.residents(n, going_home=True),
        place="Selong",
        receiver_kind="family",
        receiver_name="Keluarga Uji",
        receiver_relation="Ibu",
        witness_name="Saksi Uji",
    )
    return {"handover_id": handover.pk}


def more_referrals(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        case = s.new_case()
        consent_record(
            actor=s.head,
            person=case.person,
            purpose="empowerment",
            basis="consent",
            given_by="Diri",
        )
        referral_send(actor=s.head, case=case, to_agency=s.partner, purpose="empowerment")
    return {}


def more_enrolments(s: Scene, n: int) -> dict[str, Any]:
    """The world's referral, accepted, and its person enrolled in n programmes of the partner."""
    referral = s.referral
    officer = s.partner_officer(api=False)
    if referral.status == referral.Status.SENT:
        referral = s.referral = referral_accept(actor=officer, referral=referral)
    for _ in range(n):
        number = s.next()
        programme = Programme.objects.create(
            code=f"program-uji-{number}",
            name=f"Program Uji {number}",
            kind=Programme.Kind.BUSINESS_CAPITAL,
            agency=s.partner,
            followup_months=[1],
        )
        enrol(actor=officer, programme=programme, case=referral.case, referral=referral)
    return {"referral_id": referral.pk}


def more_consents(s: Scene, n: int) -> dict[str, Any]:
    """Consent to follow-up given and withdrawn n times: the page lists the whole history
    (only one consent for a purpose is live at a time)."""
    for _ in range(n):
        consent = consent_record(
            actor=s.head,
            person=s.case.person,
            purpose="follow_up",
            basis="consent",
            given_by="Diri",
        )
        consent_withdraw(actor=s.head, consent=consent)
    return {"case_id": s.case.pk}


def more_followups(s: Scene, n: int) -> dict[str, Any]:
    """People enrolled twenty days ago in the agency's own programme: due within two weeks."""
    if s.programme is None:
        s.programme = Programme.objects.create(
            code="program-sendiri",
            name="Program Sendiri",
            kind=Programme.Kind.SKILLS_TRAINING,
            agency=s.own,
            followup_months=[1],
        )
    for _ in range(n):
        enrol(
            actor=s.head,
            programme=s.programme,
            case=s.new_case(),
            enrolled_on=timezone.localdate() - timedelta(days=20),
        )
    return {}


def more_screened(s: Scene, n: int) -> dict[str, Any]:
    s.residents(n)
    return {}


def more_pairs(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        DuplicateCandidate.objects.create(
            person_a=s.person(), person_b=s.person(), match_probability=0.9
        )
    return {}


def more_events(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        audit_record(
            actor=s.head, action=AuditEvent.Action.VIEW, object_type="uji.baris", summary="uji"
        )
    return {}


def more_regions(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        number = s.next()
        s.region(f"52.03.01.{3000 + number}", f"Desa Ujicoba {number}")
    return {}


def more_activity_kinds(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        number = s.next()
        ActivityKind.objects.create(
            code=f"uji-{number}", name=f"Kegiatan Uji {number}", group="sport"
        )
    return {}


def more_programmes(s: Scene, n: int) -> dict[str, Any]:
    for _ in range(n):
        number = s.next()
        Programme.objects.create(
            code=f"program-uji-{number}",
            name=f"Program Uji {number}",
            kind=Programme.Kind.OTHER,
            agency=s.own,
        )
    return {}


# --- what a response shows ------------------------------------------------------------------


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def found(pattern: str) -> Callable[[Any], int]:
    """How many times the page shows a pattern (a row's link, a row's marker)."""
    return lambda response: len(re.findall(pattern, body_of(response)))


def figure(testid: str) -> Callable[[Any], int]:
    def read(response: Any) -> int:
        match = re.search(rf'data-testid="{testid}">(\d+)<', body_of(response))
        return int(match.group(1)) if match else 0

    return read


def csv_rows(response: Any) -> int:
    return len(list(csv.reader(io.StringIO(body_of(response).lstrip("\ufeff"))))) - 1


def csv_value(name: str) -> Callable[[Any], int]:
    def read(response: Any) -> int:
        rows = csv.reader(io.StringIO(body_of(response)))
        return next(int(value) for key, _group, value in rows if key == name)

    return read


def pdf_shows(text: str) -> Callable[[Any], int]:
    def read(response: Any) -> int:
        from pypdf import PdfReader

        content = response.content if hasattr(response, "content") else b""
        if getattr(response, "streaming", False):
            content = b"".join(response.streaming_content)
        pages = PdfReader(io.BytesIO(content)).pages
        return sum(page.extract_text().count(text) for page in pages)

    return read


def listed(*keys: str) -> Callable[[Any], int]:
    """Items in a JSON answer: the array itself, or the arrays under these keys."""

    def read(response: Any) -> int:
        data = response.json()
        return sum(len(data[key]) for key in keys) if keys else len(data)

    return read


# --- the declarations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    grow: Callable[[Scene, int], dict[str, Any]]  # adds n rows it shows; returns URL arguments
    shows: Callable[[Any], int]  # how many rows the response shows
    caller: str = Role.SHELTER_HEAD  # a role in the world's agency, or "partner"
    query: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    first_download: bool = False  # a document made on its first download: measure that one


LISTS: dict[str, Recipe] = {
    # pages
    "regions:picker": Recipe(more_regions, found(r"<li><code>"), query="?q=ujicoba"),
    "people:list": Recipe(more_people, found(r'<tr><td><a href="/orang/\d+/"')),
    "people:export": Recipe(more_people, csv_rows, query="?format=csv"),
    "cases:list": Recipe(more_cases, found(r'<tr><td><a href="/kasus/\d+/"')),
    "cases:export": Recipe(more_cases, csv_rows, query="?format=csv"),
    "exports:list": Recipe(more_export_jobs, found(r'<tr><td><a href="/ekspor/\d+/"')),
    "people:detail": Recipe(more_episodes, found(r">Kasus #\d+<")),
    "arrivals:batches": Recipe(more_batches, found(r'<tr><td><a href="/kedatangan/\d+/"')),
    "arrivals:batch": Recipe(more_in_batch, found(r'<tr><td><a href="/kasus/\d+/"')),
    "arrivals:import": Recipe(more_manifest_rows, found(r'data-testid="maybe-returning"')),
    "shelters:list": Recipe(more_shelters, found(r'<tr><td><a href="/shelter/\d+/"')),
    "shelters:board": Recipe(more_residents, found(r'data-testid="resident"')),
    "shelters:admit": Recipe(more_waiting, found(r'name="case" value=')),
    "shelters:daily": Recipe(more_residents, found(r'data-testid="sheet-row"')),
    "shelters:sessions": Recipe(more_sessions, found(r'<a href="/shelter/kegiatan/\d+/"')),
    "shelters:session": Recipe(more_attendees, found(r'name="stay" value=')),
    "cases:detail": Recipe(more_history, found(r"<li data-kind=")),
    "returns:trips": Recipe(more_trips, found(r'<tr><td><a href="/pulang/perjalanan/\d+/"')),
    "returns:trip_plan": Recipe(more_going_home, found(r'name="case" value=')),
    "returns:trip": Recipe(a_departed_trip, found(r'<tr><td><a href="/kasus/\d+/"')),
    "returns:manifest": Recipe(a_departed_trip, pdf_shows("Uji Baris")),
    "returns:document": Recipe(a_handover, pdf_shows("Uji Baris"), first_download=True),
    "sharing:inbox": Recipe(more_referrals, found(r'<a href="/rujukan/\d+/"'), caller="partner"),
    "sharing:referral": Recipe(more_enrolments, found(r"Program Uji \d+"), caller="partner"),
    "sharing:consent": Recipe(more_consents, found(r"<tr><td>")),
    "empowerment:followups": Recipe(more_followups, found(r'<a href="/tindak-lanjut/\d+/"')),
    "reports:dashboard": Recipe(more_screened, figure("received")),
    "reports:export": Recipe(
        more_screened, csv_value("received"), settings={"PULANG_SMALL_CELL": 1}
    ),
    "reports:ctdc": Recipe(more_screened, csv_rows),
    "matching:duplicates": Recipe(more_pairs, found(r'data-testid="pair-\d+"')),
    "audit:search": Recipe(
        more_events,
        found(r"<td>uji\.baris</td>"),
        caller=Role.DATA_PROTECTION_OFFICER,
        query="?object_type=uji.baris",
    ),
    # the API
    "api:person-list": Recipe(more_people, listed("results")),
    "api:region-list": Recipe(more_regions, listed(), query="?q=ujicoba"),
    "api:shelter-list": Recipe(more_shelters, listed()),
    "api:shelter-residents": Recipe(more_residents, listed("residents")),
    "api:shelter-day": Recipe(more_residents, listed("residents")),
    "api:shelter-sessions": Recipe(more_sessions, listed()),
    "api:case-detail": Recipe(more_history, listed("timeline")),
    "api:case-consents": Recipe(more_consents, listed()),
    "api:activity-kind-list": Recipe(more_activity_kinds, listed()),
    "api:referral-list": Recipe(more_referrals, listed("waiting", "active", "sent"), "partner"),
    "api:referral-detail": Recipe(more_enrolments, listed("enrolments", "followups"), "partner"),
    "api:programme-list": Recipe(more_programmes, listed()),
    "api:followup-list": Recipe(more_followups, listed("overdue", "due")),
}

ONE_RECORD: dict[str, str] = {
    "core:home": "the start page",
    "core:health": "two checks",
    "accounts:login": "a form",
    "accounts:password_change": "a form",
    "accounts:password_change_done": "a message",
    "accounts:otp_setup": "a form",
    "accounts:otp_verify": "a form",
    "arrivals:batch_create": "a form",
    "arrivals:template": "a fixed file",
    "arrivals:register": "a form about one batch",
    "shelters:discharge": "a form about one stay",
    "shelters:transfer": "a form about one stay",
    "cases:screening": "a form about one case",
    "cases:needs": "a form about one case",
    "cases:close": "a form about one case",
    "cases:review": "one screening",
    "returns:plan": "a form about one case",
    "sharing:create": "a form about one case; its agencies are the agreements' parties",
    "empowerment:followup": "a form about one follow-up",
    "verify": "one handover, without personal data",
    "api:openapi": "the API's description",
    "api:me": "the caller",
    "api:person-detail": "one person",
    "reports:monthly": "a month's aggregates, whatever the number of cases behind them",
    "exports:job": "one export job's progress",
    "exports:download": "one finished file, written by the job",
}


def get_routes(urlconf: str | None = None) -> dict[str, Route]:
    """Every route that answers GET, by name (the admin site is Django's own)."""
    found_routes: dict[str, Route] = {}
    for route in routes(urlconf):
        if route.namespace.split(":")[0] == "admin":
            continue
        if route.is_api:
            answers_get = "GET" in api_capabilities(route)
        else:
            answers_get = "GET" in getattr(route.callback, "pulang_methods", ("GET",))
        if answers_get:
            found_routes[route.name or route.route] = route
    return found_routes


def undeclared_get_routes(urlconf: str | None = None) -> list[str]:
    return [name for name in get_routes(urlconf) if name not in LISTS and name not in ONE_RECORD]


# --- the detector ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    sql: list[str]
    rows: int


def measured(fetch: Callable[[], Any], shows: Callable[[Any], int]) -> Measured:
    """The queries of one request, including those its streamed body makes, and its rows."""
    with CaptureQueriesContext(connection) as queries:
        rows = shows(fetch())
    return Measured([query["sql"] for query in queries.captured_queries], rows)


def statement(sql: str) -> str:
    """The SQL with its values taken out, so one query repeated per row counts as one kind."""
    sql = re.sub(r'"s\d+_x\d+"', "savepoint", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\((?:\s*(?:\?|%s)\s*,)+\s*(?:\?|%s)\s*\)", "(…)", sql)


def growth(label: str, first: Measured, second: Measured) -> str | None:
    if len(second.sql) <= len(first.sql):
        return None
    grown = Counter(map(statement, second.sql)) - Counter(map(statement, first.sql))
    lines = [
        f"{label}: {len(first.sql)} queries for {first.rows} rows, "
        f"{len(second.sql)} for {second.rows} rows. Repeated with the rows:"
    ]
    lines += [f"  +{extra} × {sql[:400]}" for sql, extra in grown.most_common(5)]
    return "\n".join(lines)


def assert_queries_do_not_grow(
    label: str,
    *,
    grow: Callable[[int], dict[str, Any]],
    fetch: Callable[[dict[str, Any]], Any],
    shows: Callable[[Any], int],
    warm: bool = True,
) -> None:
    """Add FIRST rows and request; add MORE rows and request again: the page must show more
    rows for as many queries. A first, unmeasured request fills the caches of a process."""
    arguments = grow(FIRST)
    if warm:
        fetch(arguments)
    first = measured(lambda: fetch(arguments), shows)
    arguments = grow(MORE)
    second = measured(lambda: fetch(arguments), shows)
    assert second.rows > first.rows, (
        f"{label}: the rows added do not show ({first.rows} → {second.rows}); "
        "the count proves nothing"
    )
    problem = growth(label, first, second)
    if problem is not None:
        raise AssertionError(problem)


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def scene(db: Any) -> Scene:
    return Scene(matrix_world())


def test_every_get_route_is_declared_a_list_or_one_record():
    assert undeclared_get_routes() == [], (
        "Declare each new GET route in LISTS (with rows to add) or in ONE_RECORD (with why)"
    )
    routes_now = get_routes()
    assert set(LISTS) | set(ONE_RECORD) <= set(routes_now), "a declared route no longer exists"
    assert not set(LISTS) & set(ONE_RECORD)
    drf_lists = {
        name
        for name, route in routes_now.items()
        if "list" in (getattr(route.callback, "actions", None) or {}).values()
    }
    assert drf_lists <= set(LISTS), "an API `list` is a list"


def test_an_undeclared_get_route_is_caught():
    assert undeclared_get_routes("pulang.access.tests.undeclared_urls") == [
        "naked",
        "dressed",
        "naked-api",
    ]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_asks_as_many_queries_for_eight_rows_as_for_two(
    name: str, scene: Scene, client: Any, login_verified: Any
):
    recipe = LISTS[name]
    route = get_routes()[name]
    user = scene.caller(recipe.caller, api=route.is_api)
    headers = {}
    if route.is_api:
        headers["Authorization"] = "Bearer " + api_token_create(actor=None, user=user, name="n1")
    else:
        login_verified(client, user)

    def fetch(arguments: dict[str, Any]) -> Any:
        response = client.get(reverse(name, kwargs=arguments) + recipe.query, headers=headers)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        return response

    with override_settings(**recipe.settings):
        assert_queries_do_not_grow(
            name,
            grow=lambda n: recipe.grow(scene, n),
            fetch=fetch,
            shows=recipe.shows,
            warm=not recipe.first_download,
        )


def naive_people(request: HttpRequest) -> HttpResponse:
    """A throw-away list that reads each person's region on its own: the N+1 this file hunts."""
    people = Person.objects.filter(registered_by=request.user.agency).order_by("pk")
    return HttpResponse(
        "".join(
            f"<li>{p.full_name}: {p.origin_region.name if p.origin_region else ''}</li>"
            for p in people
        )
    )


def test_the_detector_catches_a_query_per_row(scene: Scene):
    request = RequestFactory().get("/")
    request.user = scene.head
    with pytest.raises(AssertionError) as failure:
        assert_queries_do_not_grow(
            "naive",
            grow=lambda n: more_people(scene, n),
            fetch=lambda _arguments: naive_people(request),
            shows=found("<li>"),
        )
    assert re.search(r"\+6 × SELECT .* FROM \"regions_region\"", str(failure.value)), failure
