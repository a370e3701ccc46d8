"""A small world for the way home: a shelter, three destination regencies with their regional
social offices, and residents with return plans."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.models import Agency
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.cases.tests.factories import CaseFactory
from pulang.regions.tests.factories import regions
from pulang.returns.services import handover_record, return_plan_save, trip_plan
from pulang.shelters.services import stay_admit

REGENCIES = [
    ("52.03", "Kab. Lombok Timur"),
    ("52.02", "Kab. Lombok Tengah"),
    ("35.27", "Kab. Sampang"),
]


@dataclass
class ReturnWorld:
    shelter: Any
    head: Any
    offices: dict[str, Any]
    regencies: dict[str, Any]


def return_world(capacity: int = 50) -> ReturnWorld:
    made = regions(("52", "Nusa Tenggara Barat"), ("35", "Jawa Timur"), *REGENCIES)
    by_code = {r.code: r for r in made}
    agency = AgencyFactory(code="rptc-tpi", name="UPT RPTC Tanjung Pinang")
    shelter = ShelterFactory(
        agency=agency,
        code="rptc-tanjung-pinang",
        name="RPTC Tanjung Pinang",
        capacity_men=capacity,
        capacity_women=capacity,
        capacity_children=capacity,
    )
    head = UserFactory(
        agency=agency,
        roles=["shelter_head"],
        username="kepala",
        first_name="Bambang",
        last_name="Sutrisno",
    )
    offices = {
        code: AgencyFactory(
            code=f"dinsos-{code.replace('.', '')}",
            name=f"Dinas Sosial {name}",
            kind=Agency.Kind.REGIONAL_SOCIAL_OFFICE,
            region=by_code[code],
        )
        for code, name in REGENCIES
    }
    return ReturnWorld(shelter, head, offices, by_code)


def residents_going_home(world: ReturnWorld, counts: dict[str, int], **plan: Any) -> list[Any]:
    """Admit people and give each a return plan to a regency: {"52.03": 10, ...}."""
    cases = []
    for code, count in counts.items():
        for index in range(count):
            case = CaseFactory(
                owning_agency=world.shelter.agency,
                person__full_name=f"Pulang {code} {index:02d}",
                person__sex="F" if index % 2 else "M",
                person__origin_region=world.regencies[code],
            )
            cases.append(case)
    stay_admit(actor=world.head, shelter=world.shelter, cases=cases)
    for case in cases:
        return_plan_save(
            actor=world.head,
            case=case,
            destination=case.person.origin_region,
            transport=plan.get("transport", "ship"),
            planned_date=date(2026, 12, 1),
            receiver="regional_social_office",
        )
    return cases


def plan_trip(world, cases, destination="Nusa Tenggara Barat"):
    return trip_plan(
        actor=world.head,
        shelter=world.shelter,
        cases=cases,
        destination=destination,
        transport="ship",
        escort="Pak Darto",
        planned_departure=timezone.now(),
    )


def hand_over(world, cases, trip=None, **extra):
    return handover_record(
        actor=world.head,
        shelter=world.shelter,
        cases=cases,
        trip=trip,
        place=extra.pop("place", "Kantor Dinas Sosial Lombok Timur"),
        receiver_kind=extra.pop("receiver_kind", "regional_social_office"),
        receiver_name=extra.pop("receiver_name", "Lalu Pratama"),
        receiver_relation="Kepala Bidang Rehabilitasi Sosial",
        witness_name="Baiq Nurul",
        witness_role="Pekerja sosial",
        **extra,
    )
