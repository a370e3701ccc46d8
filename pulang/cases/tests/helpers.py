"""A recent history in one shelter, for the case list and the dashboard's links to it: people
who arrived in the last weeks, some handed over (the shelter still sees them), some referred,
some still there; and another agency's cases, which must never show."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.cases.models import Case
from pulang.returns.tests.helpers import hand_over, residents_going_home, return_world
from pulang.shelters.models import Stay
from pulang.shelters.services import stay_admit, stay_discharge

from .factories import CaseFactory


@dataclass
class History:
    world: Any
    cases: list[Case]
    others: list[Case]
    start: date
    end: date


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def recent_history(seed: int = 1) -> History:
    rng = random.Random(seed)
    today = timezone.localdate()
    world = return_world(capacity=500)
    cases = residents_going_home(world, {"52.03": 8, "52.02": 6, "35.27": 6})
    for index, case in enumerate(cases):
        arrived = at(today - timedelta(days=rng.randint(6, 40)), rng.randint(0, 20))
        child = index % 5 == 0
        age_days = rng.randint(10 * 365, 17 * 365) if child else rng.randint(19 * 365, 60 * 365)
        case.person.birth_date = arrived.date() - timedelta(days=age_days)
        case.person.save(update_fields=["birth_date"])
        case.opened_at = arrived
        case.is_child = child
        case.is_returning = index % 4 == 1
        case.save(update_fields=["opened_at", "is_child", "is_returning"])
        Stay.objects.filter(case=case).update(admitted_at=arrived + timedelta(hours=1))
    for case in cases:
        stay = Stay.objects.get(case=case)
        leave = stay.admitted_at + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 10))
        fate = rng.random()
        if fate < 0.5:
            hand_over(world, [case], receiver_kind="family", handed_at=leave)
        elif fate < 0.65:
            stay_discharge(actor=world.head, stay=stay, reason="referred_hospital", at=leave)
    elsewhere = AgencyFactory(code="rptc-lain", name="RPTC Lain")
    shelter = ShelterFactory(agency=elsewhere, name="Shelter Lain")
    others = [
        CaseFactory(owning_agency=elsewhere, person__full_name=f"Rahasia Lain {i}")
        for i in range(3)
    ]
    stay_admit(actor=None, shelter=shelter, cases=others)
    return History(world, cases, others, today - timedelta(days=60), today)
