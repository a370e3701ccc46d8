"""The ministry's figures, counted from dated events for a period and a day, never typed in.

"Returned home" is the people handed over in the period; "in the shelters" is the stays
present at the end of the as-of day (admission ≤ D < discharge); "received" is the cases
opened in the period with a stay in the shelters. Lengths of stay and waits for handover are
whole local days. The events are counted per day into rollups (`rollup.py`), which these
figures add up. The dashboard and `pulang stats` both read `figures()`; aggregates that leave
the building pass through `suppressed()`.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Case as DbCase
from django.db.models import CharField, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone

from pulang.agencies.models import Agency, Shelter
from pulang.cases.selectors import AGE_GROUPS
from pulang.regions.models import Region

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


def figure_dates() -> tuple[date, date]:
    """The days figures can be asked for: from 1990 (before any deportation Pulang records)
    to a year ahead (follow-ups are planned up to a year after a return)."""
    today = timezone.localdate()
    return date(1990, 1, 1), date(today.year + 1, 12, 31)


def report_shelters(user: Any) -> QuerySet[Shelter]:
    """The shelters a user's figures cover: all of them for the ministry's headquarters and
    aggregate-only roles, the agency's own for a shelter's staff."""
    agency = getattr(user, "agency", None)
    if agency is not None and agency.kind == Agency.Kind.MINISTRY_UNIT:
        return Shelter.objects.all()
    return Shelter.objects.filter(agency=agency) if agency is not None else Shelter.objects.none()


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


def figures(*, shelters: QuerySet[Shelter], start: date, end: date, as_of: date) -> Figures:
    """Every figure for these shelters, the period [start, end] and the day `as_of`, added up
    from the daily rollups (pulang/reports/rollup.py)."""
    from .rollup import Sums, histogram_percentiles

    totals = Sums(horizon=max(end, as_of, timezone.localdate()))
    names = dict(shelters.values_list("pk", "name"))
    result = Figures(start=start, end=end, as_of=as_of, shelters=sorted(names.values()))
    # Nationally, every row counts, also what belongs to no shelter (a follow-up of someone
    # who never stayed); otherwise the rows of the chosen shelters.
    ids = None if len(names) == Shelter.objects.count() else list(names)
    period = totals(start, end, PERIOD_FIGURES, shelter_ids=ids)

    def counted(figure: str) -> dict[str, int]:
        found: Counter[str] = Counter()
        for (name, key), n in period.items():
            if name == figure:
                found[key] += n
        return dict(found.most_common())

    result.received = sum(counted("received").values())
    result.received_by_entry_point = counted("received_entry")
    result.received_by_country = counted("received_country")
    result.received_by_determination = counted("received_determination")
    result.returned_home = sum(counted("returned").values())
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    by_province: Counter[str] = Counter()
    for code, n in counted("returned_province").items():
        by_province[provinces.get(code, "-")] += n
    result.returned_by_province = dict(by_province.most_common())
    result.returned_by_sex = counted("returned_sex")
    ages = counted("returned_age")
    result.returned_by_age_group = {g: ages.get(g, 0) for g, _l, _h in AGE_GROUPS}
    result.returned_children = ages.get("0-17", 0)
    reasons = counted("ended_reason")
    result.transferred = reasons.get("transferred", 0)
    result.referred = sum(reasons.get(reason, 0) for reason in REFERRED)
    median, p90 = histogram_percentiles(counted("handover_days"))
    result.handover_days_median, result.handover_days_p90 = _round(median), _round(p90)
    median, p90 = histogram_percentiles(counted("stay_days"))
    result.stay_days_median, result.stay_days_p90 = _round(median), _round(p90)
    result.followups_due = sum(counted("followups_due").values())
    result.followups_done = sum(counted("followups_due_done").values())

    by_shelter = totals(start, end, ["returned"], shelter_ids=ids, by="shelter")
    returned_by_shelter: Counter[str] = Counter()
    for (_figure, _key, shelter), n in by_shelter.items():
        if shelter in names:
            returned_by_shelter[names[shelter]] += n
    result.returned_by_shelter = dict(returned_by_shelter.most_common())

    # Present at the end of the as-of day: everyone admitted by then, less everyone gone.
    first = totals.start
    present: Counter[str] = Counter()
    if first is not None and first <= as_of:
        moves = totals(first, as_of, ["admitted", "discharged"], shelter_ids=ids, by="shelter")
        for (figure, _key, shelter), n in moves.items():
            if shelter in names:
                present[names[shelter]] += n if figure == "admitted" else -n
    result.present_by_shelter = {name: n for name, n in present.most_common() if n}
    result.in_shelters = sum(result.present_by_shelter.values())

    # Outcomes as recorded so far, whenever the case was opened.
    outcomes: Counter[str] = Counter()
    if first is not None:
        last = max(end, as_of, timezone.localdate())
        for (_figure, key), n in totals(first, last, ["outcome"], shelter_ids=ids).items():
            outcomes[key] += n
    result.outcomes = dict(outcomes.most_common())
    result.empowerment_by_month = _empowerment_by_month(totals, start, end, ids)
    return result


# The figures a period adds up (rollup.day_rows counts them).
PERIOD_FIGURES = (
    "received",
    "received_entry",
    "received_country",
    "received_determination",
    "returned",
    "returned_province",
    "returned_sex",
    "returned_age",
    "handover_days",
    "ended_reason",
    "stay_days",
    "followups_due",
    "followups_due_done",
)


def months(start: date, end: date) -> list[date]:
    """The first day of every month from start's to end's."""
    first, result = date(start.year, start.month, 1), []
    while first <= end:
        result.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return result


def _empowerment_by_month(
    totals: Any, start: date, end: date, ids: list[int] | None
) -> list[dict[str, Any]]:
    """Per month: follow-ups done and what they found (reached, business running, wish to go
    abroad irregularly, median monthly income), and people deported again, which the
    ministry's aim is to prevent."""
    from .rollup import histogram_percentiles

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
    names = {
        "n": "followups_done",
        "reached": "reached",
        "running": "business_running",
        "irregular": "wants_abroad_irregular",
    }
    incomes: dict[str, dict[str, int]] = {}
    found = totals(
        start, end, ["followups_done", "income", "deported_again"], shelter_ids=ids, by="month"
    )
    for (figure, key, month), n in found.items():
        row = rows[month.strftime("%Y-%m")]
        if figure == "followups_done":
            row[names[key]] += n
        elif figure == "deported_again":
            row["deported_again"] += n
        else:
            incomes.setdefault(row["month"], {})[key] = n
    for month, histogram in incomes.items():
        median, _p90 = histogram_percentiles(histogram)
        rows[month]["income_median"] = median
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
