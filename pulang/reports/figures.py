"""The ministry's figures, counted from dated events for a period and a day, never typed in.

"Returned home" is the people handed over in the period; "in the shelters" is the stays
present at the end of the as-of day (admission ≤ D < discharge); "received" is the cases
opened in the period with a stay in the shelters. The dashboard and `pulang stats` both read
`figures()`; aggregates that leave the building pass through `suppressed()`.
"""

import math
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    NullIf,
    Substr,
    TruncMonth,
)
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from pulang.agencies.models import Agency, Shelter
from pulang.cases.models import Case
from pulang.cases.selectors import AGE_GROUPS
from pulang.regions.models import Region
from pulang.returns.models import HandoverMember
from pulang.shelters.models import Stay
from pulang.shelters.selectors import day_bounds

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


def report_shelters(user: Any) -> QuerySet[Shelter]:
    """The shelters a user's figures cover: all of them for the ministry's headquarters and
    aggregate-only roles, the agency's own for a shelter's staff."""
    agency = getattr(user, "agency", None)
    if agency is not None and agency.kind == Agency.Kind.MINISTRY_UNIT:
        return Shelter.objects.all()
    return Shelter.objects.filter(agency=agency) if agency is not None else Shelter.objects.none()


def _p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile (PostgreSQL's percentile_disc)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


class _Percentile(Aggregate):
    """percentile_cont / percentile_disc on PostgreSQL: the database sorts, not Python."""

    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(
        self, expression: Any, *, fraction: float, discrete: bool, days: bool = True
    ) -> None:
        function = "PERCENTILE_DISC" if discrete else "PERCENTILE_CONT"
        super().__init__(expression, function=function, fraction=fraction)
        self.output_field = DurationField() if days else FloatField()


def _days(queryset: QuerySet[Any], later: str, earlier: str) -> tuple[float | None, float | None]:
    """Median and 90th percentile, in days, of `later - earlier` over the rows."""
    if connection.vendor == "postgresql":
        span = ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())
        found = queryset.aggregate(
            median=_Percentile(span, fraction=0.5, discrete=False),
            p90=_Percentile(span, fraction=0.9, discrete=True),
        )
        return tuple(  # type: ignore[return-value]
            None if found[key] is None else found[key].total_seconds() / 86400
            for key in ("median", "p90")
        )
    spans = [
        (out - into).total_seconds() / 86400
        for out, into in queryset.values_list(later, earlier)
        if out is not None and into is not None
    ]
    return _median(spans), _p90(spans)


def _age_group(moment: str, birth: str) -> Any:
    """The age group at the local day of `moment`, computed by the database."""
    month_day = ExtractMonth(moment) * 100 + ExtractDay(moment)
    birth_month_day = ExtractMonth(birth) * 100 + ExtractDay(birth)
    age = (
        ExtractYear(moment)
        - ExtractYear(birth)
        - DbCase(When(GreaterThan(birth_month_day, month_day), then=1), default=0)
    )
    return DbCase(
        When(**{f"{birth}__isnull": True}, then=Value("?")),
        *[
            When(LessThanOrEqual(age, high), then=Value(group))
            for group, _low, high in AGE_GROUPS[:-1]
        ],
        default=Value(AGE_GROUPS[-1][0]),
        output_field=CharField(),
    )


def _grouped(queryset: QuerySet[Any], *fields: str, **expressions: Any) -> list[dict[str, Any]]:
    """Counts per combination of the fields, grouped by the database."""
    return list(
        queryset.annotate(**expressions)
        .values(*fields, *expressions)
        .order_by()
        .annotate(n=Count("id"))
    )


def figures(*, shelters: QuerySet[Shelter], start: date, end: date, as_of: date) -> Figures:
    """Every figure for these shelters, the period [start, end] and the day `as_of`."""
    period_start, _ = day_bounds(start)
    _, period_end = day_bounds(end)
    _, as_of_end = day_bounds(as_of)
    names = dict(shelters.values_list("pk", "name"))
    result = Figures(start=start, end=end, as_of=as_of, shelters=sorted(names.values()))
    stays = Stay.objects.filter(shelter_id__in=list(names))

    received = Case.objects.filter(
        Exists(stays.filter(case_id=OuterRef("pk"))),
        opened_at__gte=period_start,
        opened_at__lt=period_end,
    )
    entry: Counter[str] = Counter()
    country: Counter[str] = Counter()
    for row in _grouped(received, "batch__entry_point", "batch__deporting_country"):
        entry[row["batch__entry_point"] or "-"] += row["n"]
        country[row["batch__deporting_country"] or "-"] += row["n"]
        result.received += row["n"]
    result.received_by_entry_point = dict(entry.most_common())
    result.received_by_country = dict(country.most_common())

    members = HandoverMember.objects.filter(
        handover__shelter_id__in=list(names),
        handover__handed_at__gte=period_start,
        handover__handed_at__lt=period_end,
    )
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    by_shelter: Counter[str] = Counter()
    by_province: Counter[str] = Counter()
    by_sex: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    for row in _grouped(
        members,
        "handover__shelter_id",
        "case__person__sex",
        province=Substr("case__person__origin_region_id", 1, 2),
        age_group=_age_group("handover__handed_at", "case__person__birth_date"),
    ):
        count = row["n"]
        result.returned_home += count
        by_shelter[names[row["handover__shelter_id"]]] += count
        by_province[provinces.get(row["province"] or "", "-")] += count
        by_sex[row["case__person__sex"] or "?"] += count
        by_age[row["age_group"]] += count
    result.returned_children = by_age.get("0-17", 0)
    result.returned_by_shelter = dict(by_shelter.most_common())
    result.returned_by_province = dict(by_province.most_common())
    result.returned_by_sex = dict(by_sex.most_common())
    result.returned_by_age_group = {g: by_age.get(g, 0) for g, _l, _h in AGE_GROUPS}
    median, p90 = _days(members, "handover__handed_at", "case__opened_at")
    result.handover_days_median, result.handover_days_p90 = _round(median), _round(p90)

    present = stays.filter(admitted_at__lt=as_of_end).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__gte=as_of_end)
    )
    for row in sorted(_grouped(present, "shelter_id"), key=lambda r: -r["n"]):
        result.present_by_shelter[names[row["shelter_id"]]] = row["n"]
        result.in_shelters += row["n"]
    ended = stays.filter(discharged_at__gte=period_start, discharged_at__lt=period_end)
    for row in _grouped(ended, "discharge_reason"):
        if row["discharge_reason"] == "transferred":
            result.transferred += row["n"]
        elif row["discharge_reason"] in REFERRED:
            result.referred += row["n"]
    median, p90 = _days(ended, "discharged_at", "admitted_at")
    result.stay_days_median, result.stay_days_p90 = _round(median), _round(p90)
    _screenings(result, received)
    _empowerment(result, shelters, start, end)
    return result


def _screenings(result: Figures, received: QuerySet[Case]) -> None:
    """Received people by the trafficking determination of their latest screening."""
    from pulang.cases.models import Screening

    latest = Screening.objects.filter(case_id=OuterRef("pk")).order_by("-screened_at", "-id")
    determination = Coalesce(
        NullIf("reviewed_determination", Value("")), "determination", output_field=CharField()
    )
    counts: Counter[str] = Counter()
    for row in _grouped(
        received,
        determination=Subquery(
            latest.annotate(final=determination).values("final")[:1], output_field=CharField()
        ),
    ):
        counts[row["determination"] or "unscreened"] += row["n"]
    result.received_by_determination = {k: v for k, v in counts.most_common() if v}


def _empowerment(result: Figures, shelters: QuerySet[Shelter], start: date, end: date) -> None:
    """Follow-ups due and done in the period, and recorded outcomes, of the shelters' people."""
    from pulang.empowerment.models import FollowUp

    followups = FollowUp.objects.filter(cancelled_at__isnull=True)
    cases = Case.objects.all()
    again = Case.objects.filter(previous_case__isnull=False)
    if shelters.count() != Shelter.objects.count():  # nationally, every case is some shelter's
        people = Case.objects.filter(stays__shelter__in=shelters).values("person_id")
        followups = followups.filter(case__person_id__in=people)
        cases = cases.filter(person_id__in=people)
        again = again.filter(previous_case__stays__shelter__in=shelters)
    done = followups.filter(due_on__gte=start, due_on__lte=end).aggregate(
        due=Count("id"), done=Count("id", filter=Q(done_at__isnull=False))
    )
    result.followups_due, result.followups_done = done["due"], done["done"]
    outcomes = Counter(
        {row["outcome"]: row["n"] for row in _grouped(cases.exclude(outcome=""), "outcome")}
    )
    result.outcomes = dict(outcomes.most_common())
    result.empowerment_by_month = _empowerment_by_month(followups, again, start, end)


def months(start: date, end: date) -> list[date]:
    """The first day of every month from start's to end's."""
    first, result = date(start.year, start.month, 1), []
    while first <= end:
        result.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return result


def _empowerment_by_month(
    followups: QuerySet[Any], again: QuerySet[Case], start: date, end: date
) -> list[dict[str, Any]]:
    """Per month: follow-ups done and what they found (reached, business running, wish to go
    abroad irregularly, median monthly income), and people deported again, which the
    ministry's aim is to prevent. Counted per month by the database."""
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
    done = followups.filter(done_at__gte=period_start, done_at__lt=period_end)
    irregular = Q(wants_abroad=True, abroad_channel=FollowUp.Channel.IRREGULAR)
    by_month = (
        done.annotate(month=TruncMonth("done_at"))
        .values("month")
        .order_by()
        .annotate(
            n=Count("id"),
            reached_n=Count("id", filter=Q(reached=True)),
            running_n=Count("id", filter=Q(business_running=True)),
            irregular_n=Count("id", filter=irregular),
        )
    )
    for found in by_month:
        row = rows[found["month"].strftime("%Y-%m")]
        row["followups_done"] = found["n"]
        row["reached"] = found["reached_n"]
        row["business_running"] = found["running_n"]
        row["wants_abroad_irregular"] = found["irregular_n"]
    incomes = done.filter(monthly_income__isnull=False).annotate(month=TruncMonth("done_at"))
    if connection.vendor == "postgresql":
        for found in (
            incomes.values("month")
            .order_by()
            .annotate(
                median=_Percentile(F("monthly_income"), fraction=0.5, discrete=False, days=False)
            )
        ):
            rows[found["month"].strftime("%Y-%m")]["income_median"] = float(found["median"])
    else:
        spread: dict[str, list[float]] = {}
        for month, income in incomes.values_list("month", "monthly_income"):
            spread.setdefault(month.strftime("%Y-%m"), []).append(float(income))
        for month, values in spread.items():
            rows[month]["income_median"] = _median(values)
    returned = again.filter(opened_at__gte=period_start, opened_at__lt=period_end)
    for found in _grouped(returned, month=TruncMonth("opened_at")):
        rows[found["month"].strftime("%Y-%m")]["deported_again"] = found["n"]
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
