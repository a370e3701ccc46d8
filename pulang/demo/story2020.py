"""A synthetic first half of 2020 for the four shelters of the July 2020 report.

Batches arrive at real entry points (ferries from Johor at Tanjung Pinang, buses from Sarawak
through Entikong to Pontianak, flights into Jakarta), people stay days to weeks and are fed
three times a day, most go home in escorted groups handed over to family or the regional
social office, a few are transferred, referred to hospital or leave. The generator aims at the
report's story — 4,340 handed over from 1 January to 2 July 2020 and 157 still in the four
shelters on 2 July — by shaping the events; the figures themselves are only ever counted from
those events (`pulang.reports`). Nothing here describes a real person.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from faker import Faker

from pulang.agencies.models import Agency, Shelter
from pulang.arrivals.models import ArrivalBatch
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case, StatusChange
from pulang.core.bulk import bulk_insert_values
from pulang.people.models import Person, name_key
from pulang.regions.models import Region
from pulang.returns.models import Handover, HandoverMember
from pulang.returns.services import verification_code_for
from pulang.shelters.models import Provision, Stay

START = date(2020, 1, 1)
REPORT_DAY = date(2020, 7, 2)
RETURNED_TARGET = 4340
PRESENT_TARGET = 157
SEED = 2020_07_02
REFERENCE_PREFIX = "2020-"

# entry point, transport, shelter, deporting country, depot, consulate, share of batches,
# batch size range
ROUTES = [
    (
        "tanjung_pinang",
        "ship",
        "rptc-tanjung-pinang",
        "MY",
        "Depot Imigresen Pekan Nenas",
        "KJRI Johor Bahru",
        0.45,
        (80, 300),
    ),
    (
        "entikong",
        "land",
        "pos-pontianak",
        "MY",
        "Depot Imigresen Semuja",
        "KJRI Kuching",
        0.25,
        (30, 120),
    ),
    (
        "jakarta_air",
        "air",
        "rptc-bambu-apus",
        "MY",
        "Depot Imigresen Bukit Jalil",
        "KBRI Kuala Lumpur",
        0.2,
        (30, 90),
    ),
    (
        "tanjung_priok",
        "ship",
        "balai-mulya-jaya",
        "MY",
        "Depot Imigresen Bukit Jalil",
        "KBRI Kuala Lumpur",
        0.1,
        (30, 80),
    ),
]
ORIGIN_WEIGHTS = {"35": 22, "52": 20, "11": 10, "12": 12, "33": 14, "53": 12, "32": 6, "61": 4}


@dataclass
class Someone:
    batch: int
    arrived: datetime
    sex: str
    birth: date
    regency: str
    stay_days: int
    fate: str  # returned, transferred, hospital, absconded
    leaves: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.leaves = self.arrived + timedelta(days=self.stay_days, hours=3)


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _plan(rng: random.Random, regencies: dict[str, list[str]]) -> tuple[list[Any], list[Someone]]:
    """Batches and people, shaped until the story's two figures hold."""
    provinces = [p for p in ORIGIN_WEIGHTS if p in regencies]
    weights = [ORIGIN_WEIGHTS[p] for p in provinces]
    batches: list[Any] = []
    people: list[Someone] = []

    def person(batch_index: int, arrived: datetime, stay: int | None = None) -> Someone:
        fate = rng.choices(["returned", "transferred", "hospital", "absconded"], [94, 2, 2, 2])[0]
        child = rng.random() < 0.08
        age_days = rng.randint(2 * 365, 17 * 365) if child else rng.randint(18 * 365, 55 * 365)
        province = rng.choices(provinces, weights)[0]
        return Someone(
            batch=batch_index,
            arrived=arrived,
            sex=rng.choice("MMF"),
            birth=arrived.date() - timedelta(days=age_days),
            regency=rng.choice(regencies[province]),
            stay_days=stay if stay is not None else max(2, int(rng.lognormvariate(2.4, 0.45))),
            fate=fate,
        )

    day = date(2019, 12, 1)
    while day <= REPORT_DAY:
        for route_index, route in enumerate(ROUTES):
            if rng.random() < route[6] * 0.32:
                arrived = _aware(day, rng.randint(6, 20))
                size = rng.randint(*route[7])
                batches.append((route_index, arrived, size))
                people += [person(len(batches) - 1, arrived) for _ in range(size)]
        day += timedelta(days=1)

    def returned_in_window(p: Someone) -> bool:
        going_home = p.fate in ("returned", "transferred")
        return going_home and START <= _local_day(p.leaves) <= REPORT_DAY

    def present(p: Someone) -> bool:
        return _local_day(p.arrived) <= REPORT_DAY < _local_day(p.leaves)

    # Everyone arriving in the last weeks is still there on 2 July unless they leave before.
    still = [p for p in people if present(p)]
    rng.shuffle(still)
    for p in still[PRESENT_TARGET:]:  # too many: the rest went home on 1 or 2 July
        p.fate = "returned"
        p.stay_days = max(0, (REPORT_DAY - _local_day(p.arrived)).days - rng.randint(0, 1))
        p.__post_init__()
    if len(still) < PRESENT_TARGET:  # too few: some late arrivals stay longer
        late = [p for p in people if not present(p) and _local_day(p.arrived) > date(2020, 6, 10)]
        for p in late[: PRESENT_TARGET - len(still)]:
            p.stay_days = (REPORT_DAY - _local_day(p.arrived)).days + rng.randint(2, 20)
            p.fate = "returned"
            p.__post_init__()
    # Then the number handed over in the window: drop or add people in the spring batches.
    counted = [p for p in people if returned_in_window(p) and not present(p)]
    spring = [
        i for i, b in enumerate(batches) if date(2020, 2, 1) <= b[1].date() <= date(2020, 5, 31)
    ]
    surplus = len(counted) - RETURNED_TARGET
    sizes: dict[int, int] = {}
    for p in people:
        sizes[p.batch] = sizes.get(p.batch, 0) + 1
    if surplus > 0:
        removable = [p for p in counted if p.batch in spring]
        rng.shuffle(removable)
        drop: set[int] = set()
        for p in removable:
            if len(drop) == surplus:
                break
            if sizes[p.batch] > 30:  # a batch keeps at least 30 people
                sizes[p.batch] -= 1
                drop.add(id(p))
        people = [p for p in people if id(p) not in drop]
    while surplus < 0:
        index = rng.choice(spring)
        extra = person(index, batches[index][1], stay=rng.randint(5, 25))
        extra.fate = "returned"
        people.append(extra)
        sizes[index] += 1
        surplus += 1
    return [(*b[:2], sizes.get(i, 0)) for i, b in enumerate(batches)], people


@transaction.atomic
def story_2020_load() -> int:
    """Load the synthetic 2020 once; returns how many people it added (0 when present)."""
    if ArrivalBatch.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(SEED)
    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    regencies: dict[str, list[str]] = {}
    for code in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True):
        regencies.setdefault(code[:2], []).append(code)
    shelters = {s.code: s for s in Shelter.objects.filter(code__in=[r[2] for r in ROUTES])}
    batch_plan, plan = _plan(rng, regencies)

    batches = ArrivalBatch.objects.bulk_create(
        [
            ArrivalBatch(
                reference=f"{REFERENCE_PREFIX}{ROUTES[r][0].upper()[:3]}-{arrived:%m%d}-{i:03d}",
                entry_point=ROUTES[r][0],
                transport=ROUTES[r][1],
                deporting_country=ROUTES[r][3],
                detention_depot=ROUTES[r][4],
                consulate=ROUTES[r][5],
                arrived_at=arrived,
                expected_count=size,
                receiving_agency=shelters[ROUTES[r][2]].agency,
            )
            for i, (r, arrived, size) in enumerate(batch_plan)
        ]
    )
    route_of = [r for r, _a, _s in batch_plan]
    persons = Person.objects.bulk_create(
        [
            Person(
                full_name=(name := _name(fake, rng, p.sex)),
                name_key=name_key(name),
                sex=p.sex,
                birth_date=p.birth,
                origin_region_id=p.regency,
                registered_by=shelters[ROUTES[route_of[p.batch]][2]].agency,
            )
            for p in plan
        ],
        batch_size=2000,
    )
    status_of = {"returned": "returned", "hospital": "referred", "absconded": "left"}
    cases = Case.objects.bulk_create(
        [
            Case(
                person=person,
                owning_agency=shelters[ROUTES[route_of[p.batch]][2]].agency,
                batch=batches[p.batch],
                opened_at=p.arrived,
                status=status_of.get(p.fate, "returned"),
                is_child=(p.arrived.date() - p.birth).days < 18 * 365,
                returned_at=p.leaves if p.fate in ("returned", "transferred") else None,
            )
            for person, p in zip(persons, plan, strict=True)
        ],
        batch_size=2000,
    )
    _events(rng, plan, cases, batches, route_of, shelters)
    from pulang.matching.tokens import match_index_rebuild

    ids = [p.pk for p in persons]
    for start in range(0, len(ids), 5000):
        match_index_rebuild(person_ids=ids[start : start + 5000])
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        object_type=Case._meta.label_lower,
        summary=f"demo data: synthetic 2020, {len(cases)} cases in {len(batches)} batches",
    )
    return len(cases)


def _name(fake: Faker, rng: random.Random, sex: str) -> str:
    first = fake.first_name_male() if sex == "M" else fake.first_name_female()
    if rng.random() < 0.3:
        return first
    return f"{first} {fake.last_name()}"


def _events(
    rng: random.Random,
    plan: list[Someone],
    cases: list[Case],
    batches: list[ArrivalBatch],
    route_of: list[int],
    shelters: dict[str, Shelter],
) -> None:
    """Stays, transfers, meals, status changes and grouped handovers for the planned people."""
    now = timezone.now()
    stays: list[Stay] = []
    changes: list[StatusChange] = []
    meals: list[tuple[int, Shelter, date, date]] = []  # (stay index, shelter, first, last day)
    groups: dict[tuple[str, date, str], list[int]] = {}
    other_shelter = {
        "rptc-tanjung-pinang": "rptc-bambu-apus",
        "pos-pontianak": "rptc-bambu-apus",
        "rptc-bambu-apus": "balai-mulya-jaya",
        "balai-mulya-jaya": "rptc-bambu-apus",
    }
    for index, (p, case) in enumerate(zip(plan, cases, strict=True)):
        home = shelters[ROUTES[route_of[p.batch]][2]]
        admitted = p.arrived + timedelta(hours=2)
        gone = p.leaves if p.leaves <= now else None
        changes.append(
            StatusChange(
                case=case,
                from_status="registered",
                to_status="in_shelter",
                reason=f"Diterima di {home.name}",
                changed_at=admitted,
            )
        )
        if p.fate == "transferred" and gone is not None:
            middle = admitted + (gone - admitted) / 3
            stays.append(
                Stay(
                    case=case,
                    shelter=home,
                    admitted_at=admitted,
                    discharged_at=middle,
                    discharge_reason="transferred",
                )
            )
            meals.append((len(stays) - 1, home, _local_day(admitted), _local_day(middle)))
            home = shelters[other_shelter[home.code]]
            admitted = middle
            Case.objects.filter(pk=case.pk).update(owning_agency=home.agency)
        reason = {
            "returned": "returned_home",
            "transferred": "returned_home",
            "hospital": "referred_hospital",
            "absconded": "absconded",
        }[p.fate]
        stays.append(
            Stay(
                case=case,
                shelter=home,
                admitted_at=admitted,
                discharged_at=gone,
                discharge_reason=reason if gone else "",
            )
        )
        meals.append((len(stays) - 1, home, _local_day(admitted), _local_day(gone or now)))
        if gone is None:
            Case.objects.filter(pk=case.pk).update(status="in_shelter", returned_at=None)
            continue
        if reason == "returned_home":
            province = p.regency[:2]
            groups.setdefault((home.code, _local_day(gone), province), []).append(index)
        else:
            to = "referred" if reason == "referred_hospital" else "left"
            with translation.override("id"):  # as a discharge writes it (the reason's label)
                label = str(Stay.DischargeReason(reason).label)
            changes.append(
                StatusChange(
                    case=case,
                    from_status="in_shelter",
                    to_status=to,
                    reason=label,
                    changed_at=gone,
                )
            )
    Stay.objects.bulk_create(stays, batch_size=2000)
    _handovers(rng, plan, cases, shelters, groups, changes)
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    _meals(stays, meals)


def _handovers(
    rng: random.Random,
    plan: list[Someone],
    cases: list[Case],
    shelters: dict[str, Shelter],
    groups: dict[tuple[str, date, str], list[int]],
    changes: list[StatusChange],
) -> None:
    numbers: dict[tuple[str, int], int] = {}
    members: list[tuple[int, int]] = []
    handovers: list[Handover] = []
    officers = {a.region_id: a for a in Agency.objects.filter(kind="regional_social_office")}
    for (code, day, province), indexes in sorted(groups.items()):
        shelter = shelters[code]
        key = (code, day.year)
        numbers[key] = numbers.get(key, 0) + 1
        number = f"BAST/{code.upper()}/{day.year}/{numbers[key]:04d}"
        content = hashlib.sha256(f"{number}|{sorted(indexes)}".encode()).hexdigest()
        handed_at = plan[indexes[0]].leaves
        office = officers.get(province)
        handovers.append(
            Handover(
                number=number,
                shelter=shelter,
                place=f"Kantor Dinas Sosial Provinsi {province}",
                handed_at=handed_at,
                receiver_kind="regional_social_office" if office else "family",
                receiver_name="Petugas Dinas Sosial" if office else "Keluarga",
                receiver_relation="Kepala Seksi" if office else "Keluarga",
                receiving_agency=office,
                witness_name="Pendamping",
                handed_by_id=_demo_officer(shelter),
                content_sha256=content,
                verification_code=verification_code_for(number=number, content_sha256=content),
            )
        )
        members += [(len(handovers) - 1, index) for index in indexes]
        for index in indexes:
            changes.append(
                StatusChange(
                    case=cases[index],
                    from_status="in_shelter",
                    to_status="returned",
                    reason=f"Diserahterimakan: {number}",
                    changed_at=handed_at,
                )
            )
    Handover.objects.bulk_create(handovers, batch_size=1000)
    HandoverMember.objects.bulk_create(
        [HandoverMember(handover=handovers[h], case=cases[i]) for h, i in members], batch_size=5000
    )


_officer_cache: dict[int, int] = {}


def _demo_officer(shelter: Shelter) -> int:
    """Someone of the shelter's agency signs for the shelter (any demo login will do)."""
    from django.contrib.auth import get_user_model

    if shelter.agency_id not in _officer_cache:
        user = get_user_model().objects.filter(agency=shelter.agency).order_by("pk").first()
        if user is None:
            user = get_user_model().objects.order_by("pk").first()
        _officer_cache[shelter.agency_id] = user.pk if user else 1
    return _officer_cache[shelter.agency_id]


MEAL_COLUMNS = (
    "stay_id",
    "shelter_id",
    "kind",
    "provided_on",
    "recorded_at",
    "quantity",
    "description",
)


def _meals(stays: list[Stay], meals: list[tuple[int, Shelter, date, date]]) -> None:
    """Three meals a day for every stay: about 300,000 rows, written as plain values."""
    now = timezone.now()
    rows: list[tuple[object, ...]] = []
    for index, shelter, first, last in meals:
        stay_id = stays[index].pk
        day = first
        while day <= last:
            for kind in ("breakfast", "lunch", "dinner"):
                rows.append((stay_id, shelter.pk, kind, day, now, 1, ""))
            day += timedelta(days=1)
        if len(rows) >= 20_000:
            bulk_insert_values(Provision, MEAL_COLUMNS, rows)
            rows = []
    bulk_insert_values(Provision, MEAL_COLUMNS, rows)
