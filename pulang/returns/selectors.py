"""Reads on the way home, through the scoping chokepoint."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from pulang.access.http import visible_or_404
from pulang.access.scope import naming_agency
from pulang.agencies.models import Agency, Shelter
from pulang.cases.models import Case
from pulang.regions.models import Region

from .models import OPEN_TRIP_MEMBER, Handover, HandoverMember, ReturnPlan, Trip, TripMember


def trip_list(*, user: Any) -> QuerySet[Trip]:
    return (
        Trip.objects.filter(shelter__in=Shelter.objects.visible_to(user))
        .select_related("shelter")
        .order_by("departed_at", "-planned_departure")
    )


def trip_get(*, request: Any, trip_id: Any) -> Trip:
    return visible_or_404(request, trip_list(user=request.user), trip_id)


def handover_list(*, user: Any) -> QuerySet[Handover]:
    """Handover records the user may see: the receiving office's always, the issuing
    shelter's agency's while it still sees every case handed over (its read access ends
    PULANG_SHELTER_RETENTION_DAYS after the handover, and the record names them all)."""
    agency = naming_agency(user)
    if agency is None:
        return Handover.objects.none()
    unseen = HandoverMember.objects.filter(handover=OuterRef("pk")).exclude(
        case__in=Case.objects.visible_to(user)
    )
    return Handover.objects.filter(
        Q(receiving_agency_id=agency) | Q(shelter__agency_id=agency) & ~Exists(unseen)
    )


def handover_get(*, request: Any, handover_id: Any) -> Handover:
    return visible_or_404(
        request, handover_list(user=request.user).select_related("shelter"), handover_id
    )


@dataclass
class Group:
    """People going to the same regency: planned together, handed over together."""

    regency: Region | None
    cases: list[Case] = field(default_factory=list)
    office: Agency | None = None


def _regency_of(plan: ReturnPlan) -> Region:
    """The plan's regency, also when the plan names a district or village in it."""
    destination = plan.destination
    while destination.level > Region.Level.REGENCY and destination.parent is not None:
        destination = destination.parent
    return destination


def ready_to_travel(*, user: Any, shelter: Shelter) -> list[Group]:
    """Residents of the shelter with a return plan and no trip yet, by destination regency."""
    cases = (
        Case.objects.visible_to(user)
        .filter(
            stays__shelter=shelter,
            stays__discharged_at__isnull=True,
            return_plan__isnull=False,
        )
        .exclude(pk__in=TripMember.objects.filter(OPEN_TRIP_MEMBER).values("case_id"))
        .select_related("person", "return_plan__destination__parent")
        .order_by("return_plan__destination__name", "person__full_name")
    )
    return _grouped(cases)


def _grouped(cases: Any) -> list[Group]:
    from .services import regional_offices_for

    groups: dict[str, Group] = {}
    for case in cases:
        regency = _regency_of(case.return_plan)
        group = groups.setdefault(regency.code, Group(regency))
        group.cases.append(case)
    offices = regional_offices_for(group.regency for group in groups.values() if group.regency)
    for code, group in groups.items():
        group.office = offices.get(code)
    return sorted(groups.values(), key=lambda g: g.regency.name if g.regency else "")


def awaiting_handover(*, user: Any, trip: Trip) -> list[Group]:
    """The trip's members not yet handed over, by destination regency."""
    cases = (
        Case.objects.visible_to(user)
        .filter(trip_entries__trip=trip, handover_entry__isnull=True)
        .select_related("person", "return_plan__destination__parent")
        .order_by("person__full_name")
    )
    return _grouped(cases)


def trip_members(*, trip: Trip, user: Any) -> list[Case]:
    """The trip's people whose cases the user sees (a shelter's read access to the people it
    sent home ends some time after their handover; the trip stays in its records)."""
    return [
        member.case
        for member in trip.members.filter(case__in=Case.objects.visible_to(user))
        .select_related("case__person", "case__return_plan__destination")
        .order_by("case__person__full_name")
    ]
