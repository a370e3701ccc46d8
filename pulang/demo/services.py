"""Synthetic demo data: the four shelters of the July 2020 report, their agencies, staff and
a few hundred invented people. Nothing here describes a real person."""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from pulang.access.roles import ROLE_LABELS, Role
from pulang.accounts.services import otp_secret_base32
from pulang.agencies.models import Agency, Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.people.models import Person, name_key
from pulang.regions.loader import regions_load
from pulang.regions.models import Region
from pulang.reports.rollup import rebuild_all

DEMO_PASSWORD = "pulang-demo-2026"  # noqa: S105 - printed on purpose; demo data only
DEMO_PEOPLE = 300
SEED = 20200702

AGENCIES = [
    # code, name, kind, region code
    (
        "kemensos-rehsos",
        "Direktorat Rehabilitasi Sosial, Kementerian Sosial",
        Agency.Kind.MINISTRY_UNIT,
        "31.71",
    ),
    ("rptc-bambu-apus", "UPT RPTC Bambu Apus", Agency.Kind.SHELTER_OPERATOR, "31.75"),
    ("rptc-tanjung-pinang", "UPT RPTC Tanjung Pinang", Agency.Kind.SHELTER_OPERATOR, "21.72"),
    ("pos-pontianak", "Pos Pemulangan Pontianak", Agency.Kind.SHELTER_OPERATOR, "61.71"),
    ("balai-mulya-jaya", 'Balai "Mulya Jaya" Jakarta', Agency.Kind.SHELTER_OPERATOR, "31.75"),
    (
        "kp2mi",
        "Kementerian Pelindungan Pekerja Migran Indonesia (KP2MI)",
        Agency.Kind.MIGRANT_PROTECTION,
        "31.74",
    ),
    ("bp3mi-ntb", "BP3MI Nusa Tenggara Barat", Agency.Kind.MIGRANT_PROTECTION_REGIONAL, "52.71"),
    (
        "dinsos-lombok-timur",
        "Dinas Sosial Kabupaten Lombok Timur",
        Agency.Kind.REGIONAL_SOCIAL_OFFICE,
        "52.03",
    ),
]

SHELTERS = [
    # code, name, kind, agency code, region, address, capacity men/women/children
    (
        "rptc-bambu-apus",
        "RPTC Bambu Apus",
        Shelter.Kind.RPTC,
        "rptc-bambu-apus",
        "31.75",
        "Jl. PKP, Bambu Apus, Cipayung, Jakarta Timur",
        60,
        60,
        20,
    ),
    (
        "rptc-tanjung-pinang",
        "RPTC Tanjung Pinang",
        Shelter.Kind.RPTC,
        "rptc-tanjung-pinang",
        "21.72",
        "Tanjung Pinang, Kepulauan Riau",
        120,
        100,
        30,
    ),
    (
        "pos-pontianak",
        "Pos Pemulangan Pontianak",
        Shelter.Kind.POS,
        "pos-pontianak",
        "61.71",
        "Pontianak, Kalimantan Barat",
        50,
        40,
        10,
    ),
    (
        "balai-mulya-jaya",
        'Balai "Mulya Jaya"',
        Shelter.Kind.BALAI,
        "balai-mulya-jaya",
        "31.75",
        "Pasar Rebo, Jakarta Timur",
        40,
        60,
        15,
    ),
]

# The provinces most deportees come from, weighted roughly as the ministry reports them.
ORIGIN_WEIGHTS = {"35": 22, "52": 20, "11": 10, "12": 12, "33": 14, "53": 12, "32": 6, "61": 4}


DEMO_OTP_DEVICE = "demo"


@dataclass
class DemoLogin:
    username: str
    password: str
    description: str
    otp_secret: str = ""


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    people_created: int = 0
    story_cases: int = 0


def _demo_users() -> list[tuple[str, str, str, str, Role]]:
    # username, first name, last name, agency code, role: one login per role, two shelters
    return [
        ("admin", "Admin", "Pulang", "kemensos-rehsos", Role.ADMINISTRATOR),
        ("peksos.bambuapus", "Sari", "Wulandari", "rptc-bambu-apus", Role.SHELTER_SOCIAL_WORKER),
        ("kepala.bambuapus", "Bambang", "Sutrisno", "rptc-bambu-apus", Role.SHELTER_HEAD),
        (
            "peksos.tanjungpinang",
            "Rahmat",
            "Hidayat",
            "rptc-tanjung-pinang",
            Role.SHELTER_SOCIAL_WORKER,
        ),
        ("analis.pusat", "Wulan", "Permata", "kemensos-rehsos", Role.HQ_ANALYST),
        ("kp2mi.officer", "Dewi", "Lestari", "kp2mi", Role.MIGRANT_PROTECTION_OFFICER),
        ("bp3mi.ntb", "Baiq", "Mulyani", "bp3mi-ntb", Role.MIGRANT_PROTECTION_OFFICER),
        ("dinsos.lotim", "Lalu", "Pratama", "dinsos-lombok-timur", Role.REGIONAL_SOCIAL_OFFICER),
        ("dpo", "Indah", "Kusuma", "kemensos-rehsos", Role.DATA_PROTECTION_OFFICER),
    ]


def demo_otp_key(username: str) -> str:
    """A fixed authenticator key per demo login, so the printed secret stays valid across runs.
    Demo only: real users enrol with a random key at first login."""
    return hashlib.sha256(f"pulang-demo-otp:{username}".encode()).hexdigest()[:40]


@transaction.atomic
def demo_load(*, people: int = DEMO_PEOPLE, story_2020: bool = False) -> DemoResult:
    """Create or refresh the demo world; running it twice leaves the same world."""
    if not Region.objects.filter(level=Region.Level.REGENCY).exists():
        regions_load(include_villages=False)

    agencies: dict[str, Agency] = {}
    for code, name, kind, region in AGENCIES:
        agencies[code], _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "region_id": region}
        )
    for code, name, shelter_kind, agency, region, address, men, women, children in SHELTERS:
        Shelter.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": shelter_kind,
                "agency": agencies[agency],
                "region_id": region,
                "address": address,
                "capacity_men": men,
                "capacity_women": women,
                "capacity_children": children,
            },
        )

    result = DemoResult()
    user_model = get_user_model()
    for username, first, last, agency, role in _demo_users():
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.agency = agencies[agency]
        user.roles = [role.value]
        # The administrator also manages authenticator devices and lockouts in the admin.
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        secret = ""
        if user.needs_second_factor:
            device, _ = TOTPDevice.objects.update_or_create(
                user=user,
                name=DEMO_OTP_DEVICE,
                defaults={"key": demo_otp_key(username), "confirmed": True},
            )
            secret = otp_secret_base32(device)
        result.logins.append(
            DemoLogin(username, DEMO_PASSWORD, f"{ROLE_LABELS[role]}, {agencies[agency]}", secret)
        )

    result.people_created = _demo_people(agencies=agencies, target=people)
    if result.people_created:
        _demo_duplicate_review()
    _demo_shelter_life()
    _demo_agreement(agencies)
    if story_2020:
        from .story2020 import story_2020_load

        result.story_cases = story_2020_load()
    # The demo writes around the services, so its days are counted into the daily figures
    # here, once, rather than by the first person to open the dashboard.
    rebuild_all()
    return result


def _demo_agreement(agencies: dict[str, Agency]) -> None:
    """The ministry–KP2MI agreement of the source article, as data, and a programme to enrol
    returned people in."""
    from django.utils import timezone

    from pulang.empowerment.models import Programme
    from pulang.sharing.models import Agreement

    today = timezone.localdate()
    agreement, _ = Agreement.objects.update_or_create(
        reference="DEMO-PKS-KEMENSOS-KP2MI",
        defaults={
            "title": "Pemberdayaan pekerja migran korban perdagangan orang (data demo)",
            "purposes": ["empowerment", "follow_up"],
            "categories": ["identity", "contact", "case_summary"],
            "valid_from": date(2020, 7, 2),
            "valid_to": date(today.year + 2, 12, 31),
        },
    )
    agreement.parties.set(list(agencies.values()))
    Programme.objects.update_or_create(
        code="modal-usaha-ntb",
        defaults={
            "name": "Bantuan modal usaha BP3MI NTB",
            "kind": Programme.Kind.BUSINESS_CAPITAL,
            "agency": agencies["bp3mi-ntb"],
            "budget": 750_000_000,
        },
    )


# (shelter code, social worker, shelter head or None, entry point, residents)
DEMO_RESIDENTS = [
    ("rptc-bambu-apus", "peksos.bambuapus", "kepala.bambuapus", "jakarta_air", 40),
    ("rptc-tanjung-pinang", "peksos.tanjungpinang", None, "tanjung_pinang", 60),
]


def _demo_shelter_life() -> None:
    """A batch in each of two shelters, admitted three days ago, with meals, a futsal session,
    a screening waiting for review and a task due, all through the services (and audited)."""
    from django.utils import timezone

    from pulang.arrivals.models import ArrivalBatch
    from pulang.cases.models import Case
    from pulang.cases.services import screening_record, task_add
    from pulang.shelters.models import ActivityKind, Provision, Stay
    from pulang.shelters.services import (
        attendance_mark,
        meal_roll_call,
        session_create,
        stay_admit,
    )

    if Stay.objects.exists():
        return
    user_model = get_user_model()
    rng = random.Random(SEED)
    now = timezone.now()
    arrived = now - timedelta(days=3)
    for code, worker_name, _head, entry_point, count in DEMO_RESIDENTS:
        shelter = Shelter.objects.get(code=code)
        worker = user_model.objects.get(username=worker_name)
        people = list(
            Person.objects.filter(registered_by=shelter.agency, cases__isnull=True).order_by("pk")[
                :count
            ]
        )
        if not people:
            continue
        batch = ArrivalBatch.objects.create(
            reference=f"DEMO-{code.upper()}",
            entry_point=entry_point,
            transport=ArrivalBatch.Transport.SHIP
            if entry_point == "tanjung_pinang"
            else ArrivalBatch.Transport.AIR,
            arrived_at=arrived,
            receiving_agency=shelter.agency,
            consulate="KJRI Johor Bahru",
            detention_depot="Depot Imigresen Pekan Nenas",
            expected_count=len(people),
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    person=person,
                    owning_agency=shelter.agency,
                    batch=batch,
                    opened_at=arrived,
                    is_child=bool(
                        person.birth_date and (now.date() - person.birth_date).days < 18 * 365
                    ),
                )
                for person in people
            ]
        )
        stays = stay_admit(
            actor=worker,
            shelter=shelter,
            cases=cases,
            at=arrived + timedelta(hours=2),
            over_capacity_reason="data demo",
        )
        for days_ago in (2, 1):
            day = timezone.localdate() - timedelta(days=days_ago)
            for meal in Provision.MEALS:
                absent = {stay.pk for stay in stays if rng.random() < 0.05}
                meal_roll_call(actor=worker, shelter=shelter, day=day, meal=meal, absent=absent)
        session = session_create(
            actor=worker,
            shelter=shelter,
            kind=ActivityKind.objects.get_or_create(
                code="sport-futsal", defaults={"name": "Futsal", "group": "sport"}
            )[0],
            starts_at=now - timedelta(days=1, hours=2),
            facilitator="Pak Darto",
        )
        attendance_mark(actor=worker, session=session, stay_ids=[s.pk for s in stays[:10]])
        screening_record(
            actor=worker,
            case=cases[0],
            recruitment="unlicensed_agent",
            recruiter_relation="friend",
            sector="agriculture",
            determination="presumed",
            means_of_control=["withholds_documents", "debt_bondage"],
            exploitation_types=["forced_labour"],
        )
        task_add(
            actor=worker,
            case=cases[1],
            title="Hubungi keluarga untuk rencana kepulangan",
            due_on=timezone.localdate(),
            goal="Pulang ke daerah asal",
        )


def _demo_duplicate_review() -> None:
    """What `pulang match-persons --store` would leave for review."""
    import tempfile
    from pathlib import Path

    from pulang.matching.dedupe import dedupe, registry_records
    from pulang.matching.services import duplicate_candidates_store

    with tempfile.TemporaryDirectory() as folder:
        pairs = Path(folder) / "pairs.csv"
        dedupe(registry_records(), pairs)
        duplicate_candidates_store(pairs_csv=pairs)


def _demo_people(*, agencies: dict[str, Agency], target: int) -> int:
    shelter_agencies = [a for a in agencies.values() if a.kind == Agency.Kind.SHELTER_OPERATOR]
    existing = Person.objects.filter(registered_by__in=shelter_agencies).count()
    if existing >= target:
        return 0
    rng = random.Random(SEED + existing)
    fake = Faker("id_ID")
    fake.seed_instance(SEED + existing)
    regencies: dict[str, list[str]] = {}
    for code in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True):
        regencies.setdefault(code[:2], []).append(code)
    provinces = [p for p in ORIGIN_WEIGHTS if p in regencies]
    weights = [ORIGIN_WEIGHTS[p] for p in provinces]
    today = date(2020, 7, 2)
    people = []
    for _ in range(target - existing):
        sex = rng.choice([Person.Sex.MALE, Person.Sex.MALE, Person.Sex.FEMALE])
        name = _synthetic_name(fake, rng, sex)
        age_days = (
            rng.randint(15 * 365, 55 * 365)
            if rng.random() > 0.08
            else rng.randint(2 * 365, 17 * 365)
        )
        province = rng.choices(provinces, weights)[0] if provinces else None
        regency = rng.choice(regencies[province]) if province else None
        birth = today - timedelta(days=age_days)
        kinds = Person.TravelDocument
        document = rng.choice([kinds.PASSPORT, kinds.SPLP, kinds.NONE])  # each known to the demo
        people.append(
            Person(
                full_name=name,
                name_key=name_key(name),
                sex=sex,
                birth_date=birth,
                origin_region_id=regency,
                nik=_synthetic_nik(rng, regency, birth, sex) if rng.random() < 0.6 else "",
                travel_document=document,
                travel_document_number=(
                    f"{'C' if document == Person.TravelDocument.PASSPORT else 'SPLP'}"
                    f"{rng.randint(1000000, 9999999)}"
                    if document != Person.TravelDocument.NONE
                    else ""
                ),
                health_notes=rng.choice(["", "", "Demam saat tiba", "Luka di tangan, dirawat"]),
                trafficking_account=rng.choice(
                    ["", "Dijanjikan kerja di restoran, paspor ditahan majikan"]
                ),
                registered_by=rng.choice(shelter_agencies),
            )
        )
    # A few people registered twice with a misspelt name, as happens at a busy intake, so the
    # duplicates page has something to review.
    for original in rng.sample(people, k=min(6, len(people) // 20)):
        first, _, rest = original.full_name.partition(" ")
        misspelt = first[:-1] + ("y" if first[-1] == "i" else "i") + (" " + rest if rest else "")
        people.append(
            Person(
                full_name=misspelt,
                name_key=name_key(misspelt),
                sex=original.sex,
                birth_date=original.birth_date,
                origin_region_id=original.origin_region_id,
                registered_by=original.registered_by,
            )
        )
    Person.objects.bulk_create(people)
    from pulang.matching.tokens import match_index_rebuild

    match_index_rebuild(person_ids=[person.pk for person in people])
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        object_type=Person._meta.label_lower,
        summary=f"demo data: {len(people)} synthetic people",
    )
    return len(people)


def _synthetic_nik(rng: random.Random, regency: str | None, birth: date, sex: str) -> str:
    """A NIK-shaped number (region, birth date with 40 added to a woman's day, serial)."""
    region = (regency or "31.71").replace(".", "") + f"{rng.randint(1, 20):02d}"
    day = birth.day + (40 if sex == Person.Sex.FEMALE else 0)
    return f"{region}{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"


def _synthetic_name(fake: Faker, rng: random.Random, sex: str) -> str:
    """Plain names as a consulate list writes them: often one name, no academic titles."""
    male = sex == Person.Sex.MALE
    first = fake.first_name_male() if male else fake.first_name_female()
    if rng.random() < 0.25:
        return str(first)
    if rng.random() < 0.15:
        return f"{first} {'bin' if male else 'binti'} {fake.first_name_male()}"
    return f"{first} {fake.last_name_male() if male else fake.last_name_female()}"
