"""The ministry's figures, counted from dated events for a period and a day, never typed in.

"Returned home" is the people handed over in the period; "in the shelters" is the stays
present at the end of the as-of day (admission ≤ D < discharge); "received" is the cases
opened in the period with a stay in the shelters. The dashboard and `pulang stats` both read
`figures()`; aggregates that leave the building pass through `suppressed()`.
"""

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from pulang.agencies.models import Agency, Shelter
from pulang.cases.models import Case
from pulang.cases.selectors import AGE_GROUPS
from pulang.returns.models import HandoverMember
from pulang.shelters.models import Stay
from pulang.shelters.selectors import age_on, day_bounds

REFERRED = ("referred_hospital", "referred_police", "referred_child_protection")


@dataclass
class Figures:
    start: date
    end: date
    as_of: date
    shelters: list[str]
    received: int = 0
    returned_home: int = 0
    in_shelters: int = 0
    transferred: int = 0
    referred: int = 0
    returned_by_shelter: dict[str, int] = field(default_factory=dict)
    present_by_shelter: dict[str, int] = field(default_factory=dict)
    received_by_entry_point: dict[str, int] = field(default_factory=dict)
    received_by_country: dict[str, int] = field(default_factory=dict)
    returned_by_province: dict[str, int] = field(default_factory=dict)
    returned_by_sex: dict[str, int] = field(default_factory=dict)
    returned_by_age_group: dict[str, int] = field(default_factory=dict)
    returned_children: int = 0
    received_by_determination: dict[str, int] = field(default_factory=dict)
    followups_due: int = 0
    followups_done: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    # One row per month of the period: what follow-ups found, and who was deported again.
    empowerment_by_month: list[dict[str, Any]] = field(default_factory=list)
    stay_days_median: float | None = None
    stay_days_p90: float | None = None
    handover_days_median: float | None = None
    handover_days_p90: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("start", "end", "as_of"):
            data[key] = data[key].isoformat()
        return data


def province_names(codes: set[str]) -> dict[str, str]:
    """{province code: name}; a region's province is the first two digits of its code."""
    from pulang.regions.models import Region

    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def report_shelters(user: Any) -> QuerySet[Shelter]:
    """The shelters a user's figures cover: all of them for the ministry's headquarters and
    aggregate-only roles, the agency's own for a shelter's staff."""
    agency = getattr(user, "agency", None)
    if agency is not None and agency.kind == Agency.Kind.MINISTRY_UNIT:
        return Shelter.objects.all()
    return Shelter.objects.filter(agency=agency) if agency is not None else Shelter.objects.none()


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def figures(*, shelters: QuerySet[Shelter], start: date, end: date, as_of: date) -> Figures:
    """Every figure for these shelters, the period [start, end] and the day `as_of`."""
    period_start, _ = day_bounds(start)
    _, period_end = day_bounds(end)
    _, as_of_end = day_bounds(as_of)
    names = dict(shelters.values_list("pk", "name"))
    result = Figures(start=start, end=end, as_of=as_of, shelters=sorted(names.values()))
    stays = Stay.objects.filter(shelter__in=shelters)

    received = Case.objects.filter(
        opened_at__gte=period_start, opened_at__lt=period_end, stays__in=stays
    ).distinct()
    result.received = received.count()
    by_batch = Counter(received.values_list("batch__entry_point", "batch__deporting_country"))
    entry: Counter[str] = Counter()
    country: Counter[str] = Counter()
    for (point, nation), count in by_batch.items():
        entry[point or "-"] += count
        country[nation or "-"] += count
    result.received_by_entry_point = dict(entry.most_common())
    result.received_by_country = dict(country.most_common())

    members = list(
        HandoverMember.objects.filter(
            handover__shelter__in=shelters,
            handover__handed_at__gte=period_start,
            handover__handed_at__lt=period_end,
        ).values_list(
            "handover__shelter_id",
            "handover__handed_at",
            "case__opened_at",
            "case__person__sex",
            "case__person__birth_date",
            "case__person__origin_region_id",
        )
    )
    provinces = province_names({str(row[5])[:2] for row in members if row[5]})
    result.returned_home = 0
    by_shelter: Counter[str] = Counter()
    by_province: Counter[str] = Counter()
    by_sex: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    waits: list[float] = []
    for shelter_id, handed_at, opened_at, sex, birth, origin in members:
        result.returned_home += 1
        by_shelter[names[shelter_id]] += 1
        by_province[provinces.get(str(origin or "")[:2], "-")] += 1
        by_sex[sex or "?"] += 1
        age = age_on(birth, timezone.localdate(handed_at))
        group = next(
            (g for g, low, high in AGE_GROUPS if age is not None and low <= age <= high), "?"
        )
        by_age[group] += 1
        result.returned_children += group == "0-17"
        waits.append((handed_at - opened_at).total_seconds() / 86400)
    result.returned_by_shelter = dict(by_shelter.most_common())
    result.returned_by_province = dict(by_province.most_common())
    result.returned_by_sex = dict(by_sex.most_common())
    result.returned_by_age_group = {g: by_age.get(g, 0) for g, _l, _h in AGE_GROUPS}
    result.handover_days_median = _round(_median(waits))
    result.handover_days_p90 = _round(_p90(waits))

    present = stays.filter(admitted_at__lt=as_of_end).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__gte=as_of_end)
    )
    result.in_shelters = present.count()
    result.present_by_shelter = {
        names[pk]: count
        for pk, count in Counter(present.values_list("shelter_id", flat=True)).most_common()
    }
    ended = stays.filter(discharged_at__gte=period_start, discharged_at__lt=period_end)
    result.transferred = ended.filter(discharge_reason="transferred").count()
    result.referred = ended.filter(discharge_reason__in=REFERRED).count()
    lengths = [
        (out - into).total_seconds() / 86400
        for into, out in ended.values_list("admitted_at", "discharged_at")
        if out is not None
    ]
    result.stay_days_median = _round(_median(lengths))
    result.stay_days_p90 = _round(_p90(lengths))
    _screenings(result, received)
    _empowerment(result, shelters, start, end)
    return result


def _screenings(result: Figures, received: QuerySet[Case]) -> None:
    """Received people by the trafficking determination of their latest screening."""
    from pulang.cases.models import Screening

    latest: dict[int, str] = {}
    rows = (
        Screening.objects.filter(case__in=received)
        .order_by("case_id", "screened_at", "id")
        .values_list("case_id", "determination", "reviewed_determination")
    )
    for case_id, determination, reviewed in rows:
        latest[case_id] = reviewed or determination
    counts = Counter(latest.values())
    counts["unscreened"] = result.received - len(latest)
    result.received_by_determination = {k: v for k, v in counts.most_common() if v}


def _empowerment(result: Figures, shelters: QuerySet[Shelter], start: date, end: date) -> None:
    """Follow-ups due and done in the period, and recorded outcomes, of the shelters' people."""
    from pulang.empowerment.models import FollowUp

    people = Case.objects.filter(stays__shelter__in=shelters).values("person_id")
    followups = FollowUp.objects.filter(
        case__person_id__in=people, due_on__gte=start, due_on__lte=end, cancelled_at__isnull=True
    )
    result.followups_due = followups.count()
    result.followups_done = followups.filter(done_at__isnull=False).count()
    outcomes = Counter(
        Case.objects.filter(person_id__in=people)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    result.outcomes = dict(outcomes.most_common())
    result.empowerment_by_month = _empowerment_by_month(shelters, people, start, end)


def months(start: date, end: date) -> list[date]:
    """The first day of every month from start's to end's."""
    first, result = date(start.year, start.month, 1), []
    while first <= end:
        result.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return result


def _empowerment_by_month(
    shelters: QuerySet[Shelter], people: Any, start: date, end: date
) -> list[dict[str, Any]]:
    """Per month: follow-ups done and what they found (reached, business running, wish to go
    abroad irregularly, median monthly income), and people of these shelters deported again,
    which the ministry's aim is to prevent."""
    from pulang.empowerment.models import FollowUp

    period_start, _ = day_bounds(start)
    _, period_end = day_bounds(end)
    rows: dict[str, dict[str, Any]] = {
        first.strftime("%Y-%m"): {
            "month": first.strftime("%Y-%m"),
            "followups_done": 0,
            "reached": 0,
            "business_running": 0,
            "wants_abroad_irregular": 0,
            "deported_again": 0,
            "income_median": None,
        }
        for first in months(start, end)
    }
    incomes: dict[str, list[float]] = {}
    done = FollowUp.objects.filter(
        case__person_id__in=people,
        cancelled_at__isnull=True,
        done_at__gte=period_start,
        done_at__lt=period_end,
    ).values_list(
        "done_at", "reached", "business_running", "wants_abroad", "abroad_channel", "monthly_income"
    )
    for done_at, reached, running, abroad, channel, income in done:
        row = rows[timezone.localtime(done_at).strftime("%Y-%m")]
        row["followups_done"] += 1
        row["reached"] += bool(reached)
        row["business_running"] += bool(running)
        row["wants_abroad_irregular"] += bool(abroad and channel == FollowUp.Channel.IRREGULAR)
        if income is not None:
            incomes.setdefault(row["month"], []).append(float(income))
    again = Case.objects.filter(
        previous_case__in=Case.objects.filter(stays__shelter__in=shelters),
        opened_at__gte=period_start,
        opened_at__lt=period_end,
    ).values_list("opened_at", flat=True)
    for opened_at in again:
        rows[timezone.localtime(opened_at).strftime("%Y-%m")]["deported_again"] += 1
    for month, values in incomes.items():
        rows[month]["income_median"] = _median(values)
    return list(rows.values())


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def small_cell_threshold() -> int:
    return int(getattr(settings, "PULANG_SMALL_CELL", 11))


def suppressed(data: Any, threshold: int | None = None) -> Any:
    """The same figures with every count from 1 to threshold-1 replaced by "<threshold"
    (CTDC's rule: no published cell identifies fewer than 11 people). Zero stays zero;
    medians and percentiles of fewer than `threshold` people are withheld."""
    limit = threshold or small_cell_threshold()
    if isinstance(data, Figures):
        data = data.as_dict()
        if data["returned_home"] < limit:
            data["handover_days_median"] = data["handover_days_p90"] = None
        for row in data["empowerment_by_month"]:
            if row["followups_done"] < limit:
                row["income_median"] = None
    if isinstance(data, dict):
        return {
            key: suppressed(value, limit) if key not in ("start", "end", "as_of") else value
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [suppressed(item, limit) for item in data]
    if isinstance(data, bool) or not isinstance(data, int):
        return data
    return f"<{limit}" if 0 < data < limit else data
