"""Reads on shelter life, through the scoping chokepoint.

"Present on day D" means admitted before D ended and not discharged by then: the set the
ministry counts as "still in the shelter" on that date. "Present during D" also includes those
who left during the day, for meals and sessions of that day.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from pulang.access.http import visible_or_404
from pulang.access.roles import Capability
from pulang.agencies.models import Shelter
from pulang.cases.models import Case, Screening

from .models import ActivitySession, Provision, Stay

CHILD_AGE = 18


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of the day and of the next, in the server's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def present_on(*, shelter: Shelter, day: date) -> QuerySet[Stay]:
    """Stays present at the end of `day`: admission ≤ D < discharge."""
    _start, end = day_bounds(day)
    return Stay.objects.filter(shelter=shelter, admitted_at__lt=end).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__gte=end)
    )


def present_during(*, shelter: Shelter, day: date) -> QuerySet[Stay]:
    """Stays present at some time during `day`."""
    start, end = day_bounds(day)
    return Stay.objects.filter(shelter=shelter, admitted_at__lt=end).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__gte=start)
    )


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def capacity_category(case: Case, day: date) -> str:
    """Which of a shelter's capacities (men, women, children) this person takes."""
    age = age_on(case.person.birth_date, day)
    if case.is_child or (age is not None and age < CHILD_AGE):
        return "children"
    return "women" if case.person.sex == "F" else "men"


def occupancy_counts(*, shelter: Shelter, at: datetime) -> dict[str, int]:
    """Residents present at a moment, by capacity category."""
    stays = (
        Stay.objects.filter(shelter=shelter, admitted_at__lte=at)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=at))
        .select_related("case__person")
    )
    return dict(Counter(capacity_category(stay.case, at.date()) for stay in stays))


def shelter_list(*, user: Any) -> QuerySet[Shelter]:
    return (
        Shelter.objects.visible_to(user)
        .annotate(present=Count("stays", filter=Q(stays__discharged_at__isnull=True)))
        .order_by("name")
    )


def shelter_get(*, request: Any, shelter_id: Any) -> Shelter:
    return visible_or_404(request, Shelter.objects.visible_to(request.user), shelter_id)


def stay_get(*, request: Any, stay_id: Any) -> Stay:
    return visible_or_404(
        request,
        Stay.objects.visible_to(request.user).select_related("case__person", "shelter"),
        stay_id,
    )


def session_get(*, request: Any, session_id: Any) -> ActivitySession:
    visible = ActivitySession.objects.filter(
        shelter__in=Shelter.objects.visible_to(request.user)
    ).select_related("shelter", "kind")
    return visible_or_404(request, visible, session_id)


AGE_GROUPS = (
    ("0-5", 0, 5),
    ("6-17", 6, 17),
    ("18-39", 18, 39),
    ("40-59", 40, 59),
    ("60+", 60, 200),
)


def age_group(age: int | None) -> str:
    if age is None:
        return "?"
    return next(label for label, low, high in AGE_GROUPS if low <= age <= high)


@dataclass
class Resident:
    stay: Stay
    case: Case
    age: int | None
    days: int
    flags: list[str]
    tasks_due: int
    determination: str


@dataclass
class Board:
    shelter: Shelter
    day: date
    residents: list[Resident]
    total: int
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)


FLAGS = ("child", "pregnant", "disability", "ill", "trafficking", "waiting")


def _flags(case: Case, age: int | None, determination: str, waiting_days: int) -> list[str]:
    flags = []
    if case.is_child or (age is not None and age < CHILD_AGE):
        flags.append("child")
    if case.is_pregnant:
        flags.append("pregnant")
    if case.has_disability:
        flags.append("disability")
    if case.is_ill:
        flags.append("ill")
    if determination in (Screening.Determination.CONFIRMED, Screening.Determination.PRESUMED):
        flags.append("trafficking")
    if waiting_days > settings.PULANG_RETURN_TARGET_DAYS:
        flags.append("waiting")
    return flags


def shelter_board(
    *,
    user: Any,
    shelter: Shelter,
    day: date | None = None,
    query: str = "",
    flag: str = "",
    sex: str = "",
) -> Board:
    """Who is in the shelter on a day (today by default), their flags and what is due; the
    counts are of everyone present, the list is filtered."""
    today = timezone.localdate()
    day = day or today
    # A trafficking determination is sensitive data: only roles that work the case see it.
    sensitive = user.has_capability(Capability.SENSITIVE_VIEW)
    latest = Screening.objects.filter(case=OuterRef("case")).order_by("-screened_at", "-id")
    stays = (
        present_on(shelter=shelter, day=day)
        .filter(case__in=Case.objects.visible_to(user))
        .select_related("case__person")
        .only(
            "admitted_at",
            "case__is_child",
            "case__is_pregnant",
            "case__has_disability",
            "case__is_ill",
            "case__opened_at",
            "case__person__full_name",
            "case__person__sex",
            "case__person__birth_date",
        )
        .annotate(
            determination=Subquery(latest.values("reviewed_determination")[:1]),
            first_determination=Subquery(latest.values("determination")[:1]),
            tasks_due=Count(
                "case__tasks",
                filter=Q(case__tasks__done_at__isnull=True, case__tasks__due_on__lte=today),
            ),
        )
        .order_by("case__person__full_name", "pk")
    )
    residents = []
    for stay in stays:
        case = stay.case
        age = age_on(case.person.birth_date, day)
        determination = (stay.determination or stay.first_determination or "") if sensitive else ""
        residents.append(
            Resident(
                stay=stay,
                case=case,
                age=age,
                days=(day - timezone.localtime(stay.admitted_at).date()).days,
                flags=_flags(
                    case,
                    age,
                    determination,
                    (today - timezone.localtime(case.opened_at).date()).days,
                ),
                tasks_due=stay.tasks_due,
                determination=determination,
            )
        )
    board = Board(shelter=shelter, day=day, residents=residents, total=len(residents))
    board.by_sex = dict(Counter(r.case.person.sex or "?" for r in residents))
    board.by_age = {label: 0 for label, _low, _high in AGE_GROUPS}
    for resident in residents:
        group = age_group(resident.age)
        board.by_age[group] = board.by_age.get(group, 0) + 1
    board.by_category = dict(Counter(capacity_category(r.case, day) for r in residents))
    words = query.lower().split()
    board.residents = [
        r
        for r in residents
        if all(word in r.case.person.full_name.lower() for word in words)
        and (not flag or flag in r.flags)
        and (not sex or r.case.person.sex == sex)
    ]
    return board


@dataclass
class DaySheet:
    day: date
    rows: list[tuple[Stay, dict[str, bool], list[Provision]]]
    served: dict[str, int]


def day_sheet(*, user: Any, shelter: Shelter, day: date) -> DaySheet:
    """What was served and given on a day, to whom. Reads only the residents' names and which
    meals each had, not whole rows: a sheet of 200 residents has 600 meals a day."""
    meals = [str(meal) for meal in Provision.MEALS]
    stays = list(
        present_during(shelter=shelter, day=day)
        .filter(case__in=Case.objects.visible_to(user))
        .select_related("case__person")
        .only("case", "case__person", "case__person__full_name")
        .order_by("case__person__full_name", "pk")
    )
    had: dict[int, set[str]] = {}
    for stay_id, kind in Provision.objects.filter(
        shelter=shelter, provided_on=day, kind__in=meals
    ).values_list("stay_id", "kind"):
        had.setdefault(stay_id, set()).add(kind)
    items: dict[int, list[Provision]] = {}
    for item in (
        Provision.objects.filter(shelter=shelter, provided_on=day)
        .exclude(kind__in=meals)
        .order_by("pk")
    ):
        items.setdefault(item.stay_id, []).append(item)
    rows = []
    served = dict.fromkeys(meals, 0)
    for stay in stays:
        eaten = had.get(stay.pk, set())
        flags = {meal: meal in eaten for meal in meals}
        for meal in eaten:
            served[meal] += 1
        rows.append((stay, flags, items.get(stay.pk, [])))
    return DaySheet(day=day, rows=rows, served=served)
