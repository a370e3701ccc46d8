"""Daily rollups of the ministry's figures (decision 0011).

A year of national figures counted from events on every request takes seconds at a million
people. Instead, each closed local day is counted once into `DailyFigure` rows: per shelter,
per figure, per key (province, sex, age group, length of stay in days, ...). The dashboard and
`pulang stats` add those rows up; days from today on are counted live from the events.

One builder, `day_rows`, counts any range of days, for storing and for today alike. Figures
that belong to a case rather than a shelter's event (received, screening determination,
follow-ups, outcomes, deported again) are counted at the shelter of the case's first stay, or
with no shelter, so the national total is the sum of every row.

Freshness: a change to a case, its person, batch, stays, handover, screenings or follow-ups
calls `figures_changed`, which forgets the rolled days that change touches (before and after
it), in the same transaction as the change. The next reader rebuilds those days. Saves reach it
through signals (`connect`); services that write in bulk or with `update()` call it
themselves. Builders lock the table of rolled days against such writers, so a day built while
a change commits is never kept.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, Substr, TruncDate, TruncMonth
from django.utils import timezone

from pulang.core.bulk import bulk_insert

from .models import DailyFigure, RolledDay

Row = tuple[date, int | None, str, str, int]  # day, shelter id, figure, key, count


# -- counting a range of days ------------------------------------------------------------------


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    from pulang.shelters.selectors import day_bounds

    return day_bounds(first)[0], day_bounds(last)[1]


def _first_shelter(case: str = "pk") -> Subquery:
    """The shelter of the case's first stay: where a case's own figures are counted."""
    from pulang.shelters.models import Stay

    return Subquery(
        Stay.objects.filter(case_id=OuterRef(case))
        .order_by("admitted_at", "id")
        .values("shelter_id")[:1]
    )


def _days_between(later: str, earlier: str) -> ExpressionWrapper:
    """Whole local days from one moment to a later one (a stay from Monday to Thursday: 3)."""
    return ExpressionWrapper(TruncDate(later) - TruncDate(earlier), output_field=DurationField())


def _whole_days(value: Any) -> str:
    if value is None:
        return ""
    return str(value.days if isinstance(value, timedelta) else int(value))


def day_rows(first: date, last: date) -> list[Row]:
    """Every figure's counts for the local days first..last, per shelter and key."""
    return runs_rows([(first, last)])


def _within(field: str, runs: list[tuple[date, date]], *, dates: bool = False) -> Q:
    """The field falls on one of the runs of local days."""
    found = Q(pk__in=[])
    for first, last in runs:
        if dates:
            found |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
        else:
            start, end = _bounds(first, last)
            found |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return found


def runs_rows(runs: list[tuple[date, date]]) -> list[Row]:
    """Every figure's counts for the local days of these runs (first, last), per shelter and
    key: one pass over each kind of event however scattered the days."""
    from pulang.cases.models import Case, Screening
    from pulang.empowerment.models import FollowUp
    from pulang.returns.models import HandoverMember
    from pulang.shelters.models import Stay

    from .figures import _age_group

    out: dict[tuple[date, int | None, str, str], int] = defaultdict(int)
    row: Any  # each loop below reads its own grouped values

    def add(day: date, shelter: int | None, figure: str, key: Any, n: int) -> None:
        out[(day, shelter, figure, "" if key is None else str(key))] += n

    # Received: cases opened on the day that stayed in a shelter, by entry point, deporting
    # country and the determination of their latest screening.
    latest = Screening.objects.filter(case_id=OuterRef("pk")).order_by("-screened_at", "-id")
    final = Coalesce(
        NullIf("reviewed_determination", Value("")), "determination", output_field=CharField()
    )
    opened = Case.objects.filter(_within("opened_at", runs))
    for row in (
        opened.annotate(
            day=TruncDate("opened_at"),
            shelter=_first_shelter(),
            determination=Subquery(
                latest.annotate(final=final).values("final")[:1], output_field=CharField()
            ),
        )
        .filter(shelter__isnull=False)
        .values("day", "shelter", "batch__entry_point", "batch__deporting_country", "determination")
        .order_by()
        .annotate(n=Count("id"))
    ):
        day, shelter, n = row["day"], row["shelter"], row["n"]
        add(day, shelter, "received", "", n)
        add(day, shelter, "received_entry", row["batch__entry_point"] or "-", n)
        add(day, shelter, "received_country", row["batch__deporting_country"] or "-", n)
        add(day, shelter, "received_determination", row["determination"] or "unscreened", n)

    # Outcomes (counted at the case's opening) and people deported again (at the shelter
    # where they stayed the time before).
    for row in (
        opened.exclude(outcome="")
        .annotate(day=TruncDate("opened_at"), shelter=_first_shelter())
        .values("day", "shelter", "outcome")
        .order_by()
        .annotate(n=Count("id"))
    ):
        add(row["day"], row["shelter"], "outcome", row["outcome"], row["n"])
    for row in (
        opened.filter(previous_case__isnull=False)
        .annotate(day=TruncDate("opened_at"), shelter=_first_shelter("previous_case_id"))
        .values("day", "shelter")
        .order_by()
        .annotate(n=Count("id"))
    ):
        add(row["day"], row["shelter"], "deported_again", "", row["n"])

    # Returned home: handover members, by the handing shelter, origin province, sex, age group
    # on the day, and whole days from arrival to handover.
    for row in (
        HandoverMember.objects.filter(_within("handover__handed_at", runs))
        .annotate(
            day=TruncDate("handover__handed_at"),
            shelter=F("handover__shelter_id"),
            province=Substr("case__person__origin_region_id", 1, 2),
            age_group=_age_group("handover__handed_at", "case__person__birth_date"),
            wait=_days_between("handover__handed_at", "case__opened_at"),
        )
        .values("day", "shelter", "case__person__sex", "province", "age_group", "wait")
        .order_by()
        .annotate(n=Count("id"))
    ):
        day, shelter, n = row["day"], row["shelter"], row["n"]
        add(day, shelter, "returned", "", n)
        add(day, shelter, "returned_province", row["province"] or "-", n)
        add(day, shelter, "returned_sex", row["case__person__sex"] or "?", n)
        add(day, shelter, "returned_age", row["age_group"], n)
        add(day, shelter, "handover_days", _whole_days(row["wait"]), n)

    # Stays: admissions and discharges (whose running difference is who is present), why
    # stays ended, and their lengths in whole days.
    for row in (
        Stay.objects.filter(_within("admitted_at", runs))
        .annotate(day=TruncDate("admitted_at"))
        .values("day", "shelter_id")
        .order_by()
        .annotate(n=Count("id"))
    ):
        add(row["day"], row["shelter_id"], "admitted", "", row["n"])
    for row in (
        Stay.objects.filter(_within("discharged_at", runs))
        .annotate(
            day=TruncDate("discharged_at"), length=_days_between("discharged_at", "admitted_at")
        )
        .values("day", "shelter_id", "discharge_reason", "length")
        .order_by()
        .annotate(n=Count("id"))
    ):
        day, shelter, n = row["day"], row["shelter_id"], row["n"]
        add(day, shelter, "discharged", "", n)
        add(day, shelter, "ended_reason", row["discharge_reason"], n)
        add(day, shelter, "stay_days", _whole_days(row["length"]), n)

    # Follow-ups: due on the day (and of those, done), and done on the day with what they
    # found; at the shelter of the case's first stay.
    followups = FollowUp.objects.filter(cancelled_at__isnull=True)
    for row in (
        followups.filter(_within("due_on", runs, dates=True))
        .annotate(shelter=_first_shelter("case_id"))
        .values("due_on", "shelter")
        .order_by()
        .annotate(n=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    ):
        add(row["due_on"], row["shelter"], "followups_due", "", row["n"])
        add(row["due_on"], row["shelter"], "followups_due_done", "", row["done"])
    irregular = Q(wants_abroad=True, abroad_channel=FollowUp.Channel.IRREGULAR)
    for row in (
        followups.filter(_within("done_at", runs))
        .annotate(day=TruncDate("done_at"), shelter=_first_shelter("case_id"))
        .values("day", "shelter", "monthly_income")
        .order_by()
        .annotate(
            n=Count("id"),
            reached=Count("id", filter=Q(reached=True)),
            running=Count("id", filter=Q(business_running=True)),
            irregular=Count("id", filter=irregular),
        )
    ):
        day, shelter = row["day"], row["shelter"]
        for key in ("n", "reached", "running", "irregular"):
            add(day, shelter, "followups_done", key, row[key])
        if row["monthly_income"] is not None:
            add(day, shelter, "income", _income_key(row["monthly_income"]), row["n"])
    return [(*key, n) for key, n in out.items() if n]


def _income_key(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- keeping the rolled days ------------------------------------------------------------------


def _local_day(moment: datetime | date | None) -> date | None:
    if moment is None or not isinstance(moment, datetime):
        return moment
    return timezone.localtime(moment).date()


def history_start() -> date | None:
    """The first local day with an event: nothing before it needs rolling."""
    from pulang.cases.models import Case
    from pulang.empowerment.models import FollowUp
    from pulang.returns.models import Handover
    from pulang.shelters.models import Stay

    found = [  # each the first entry of an index
        Case.objects.aggregate(first=Min("opened_at"))["first"],
        Stay.objects.aggregate(first=Min("admitted_at"))["first"],
        Handover.objects.aggregate(first=Min("handed_at"))["first"],
        FollowUp.objects.aggregate(first=Min("due_on"))["first"],
        FollowUp.objects.aggregate(first=Min("done_at"))["first"],
    ]
    days = [_local_day(moment) for moment in found if moment is not None]
    return min(d for d in days if d is not None) if days else None


def _runs(days: Iterable[date], longest: int = 31) -> Iterator[tuple[date, date]]:
    """Consecutive days as (first, last) runs of at most `longest` days."""
    first = last = None
    for day in sorted(days):
        if (
            first is not None
            and last is not None
            and day == last + timedelta(days=1)
            and (day - first).days < longest
        ):
            last = day
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = day
    if first is not None and last is not None:
        yield first, last


def _missing(first: date, last: date) -> list[date]:
    rolled = RolledDay.objects.filter(day__gte=first, day__lte=last)
    expected = (last - first).days + 1
    if rolled.count() == expected:
        return []
    have = set(rolled.values_list("day", flat=True))
    days = (first + timedelta(days=i) for i in range(expected))
    return [day for day in days if day not in have]


def settled_day() -> date:
    """The last day that may be stored: yesterday, once an hour has passed since midnight. A
    change saved across midnight (a long commit begun at 23:59) touches a day that was still
    today when it forgot the days it changes; an hour's grace keeps such a day live."""
    return (timezone.localtime() - timedelta(hours=1)).date() - timedelta(days=1)


def ensure_rolled(
    first: date, last: date, *, progress: Any = None, start: date | None = None
) -> int:
    """Roll every settled day of first..last that is not rolled yet (none before the first
    event, `start` when the caller has read it already); returns how many days were rolled.
    `progress(done_days, total_days)` is told after each group of days, each stored in its
    own transaction."""
    last = min(last, settled_day())
    start = start or history_start()
    if start is None:
        return 0
    first = max(first, start)
    if first > last:
        return 0
    missing = _missing(first, last)
    done = 0
    runs = list(_runs(missing))
    # Scattered days (what changes leave behind) are counted together; a long history a
    # month at a time, to show progress, keep memory small and hold the lock briefly.
    while runs:
        group: list[tuple[date, date]] = []
        size = 0
        while runs and (not group or size + (runs[0][1] - runs[0][0]).days < 31):
            group.append(runs.pop(0))
            size += (group[-1][1] - group[-1][0]).days + 1
        done += _roll(group)
        if progress is not None:
            progress(done, len(missing))
    return done


def _roll(group: list[tuple[date, date]]) -> int:
    """Count and store these runs of days, unless another builder stored them meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers forget days with DELETE (ROW EXCLUSIVE); this waits for those in flight
            # to commit, and holds back new ones until the days built here are stored.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {RolledDay._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        wanted = [a + timedelta(days=i) for a, b in group for i in range((b - a).days + 1)]
        have = set(RolledDay.objects.filter(day__in=wanted).values_list("day", flat=True))
        days = [day for day in wanted if day not in have]
        if not days:
            return 0
        runs = list(_runs(days))
        DailyFigure.objects.filter(day__in=days).delete()
        bulk_insert(
            [
                DailyFigure(day=day, shelter_id=shelter, figure=figure, key=key, n=n)
                for day, shelter, figure, key, n in runs_rows(runs)
            ],
            batch_size=5000,
        )
        bulk_insert([RolledDay(day=day) for day in days], batch_size=5000)
        return len(days)


def days_to_roll(last: date) -> int:
    """How many settled days from the first event to `last` are not rolled yet: what a look
    at figures up to `last` would have to count first."""
    first = history_start()
    last = min(last, settled_day())
    if first is None or first > last:
        return 0
    rolled = RolledDay.objects.filter(day__gte=first, day__lte=last).count()
    return (last - first).days + 1 - rolled


def forget_all() -> None:
    """Forget every rolled day (after loading data around the services); rebuilt on reading."""
    RolledDay.objects.all().delete()
    DailyFigure.objects.all().delete()


def rebuild_all(*, progress: Any = None) -> int:
    """Count every closed day again from the events (after loading data around the
    services), so that the first reader need not; returns the number of days."""
    forget_all()
    return ensure_rolled(date.min, settled_day(), progress=progress)


def days_of_cases(case_ids: Iterable[int]) -> set[date]:
    """Every local day whose figures these cases take part in."""
    from pulang.cases.models import Case
    from pulang.empowerment.models import FollowUp
    from pulang.returns.models import HandoverMember
    from pulang.shelters.models import Stay

    ids = sorted({i for i in case_ids if i is not None})
    moments: list[Any] = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        moments += Case.objects.filter(Q(pk__in=chunk) | Q(previous_case_id__in=chunk)).values_list(
            "opened_at", flat=True
        )
        for admitted, discharged in Stay.objects.filter(case_id__in=chunk).values_list(
            "admitted_at", "discharged_at"
        ):
            moments += [admitted, discharged]
        moments += HandoverMember.objects.filter(case_id__in=chunk).values_list(
            "handover__handed_at", flat=True
        )
        for due, done in FollowUp.objects.filter(case_id__in=chunk).values_list(
            "due_on", "done_at"
        ):
            moments += [due, done]
    return {day for day in map(_local_day, moments) if day is not None}


def figures_changed(*, case_ids: Iterable[int] = (), days: Iterable[date | datetime] = ()) -> None:
    """Forget the rolled days these cases (as they are now) and these days take part in. Call
    it in the transaction that changes them, after the change; for a change that moves an
    event to another day, also with the day it had before."""
    wanted = {day for day in map(_local_day, days) if day is not None}
    case_list = list(case_ids)
    if case_list:
        wanted |= days_of_cases(case_list)
    today = timezone.localdate()
    closed = sorted(day for day in wanted if day < today)
    for start in range(0, len(closed), 2000):
        RolledDay.objects.filter(day__in=closed[start : start + 2000]).delete()


# -- what reaches it through saves --------------------------------------------------------------

# For each model: how to find the cases a saved instance belongs to, and the fields holding
# its own dates (read before a save, so a moved date forgets its old day too).
_DATES: dict[str, tuple[str, ...]] = {
    "cases.Case": ("opened_at",),
    "shelters.Stay": ("admitted_at", "discharged_at"),
    "returns.Handover": ("handed_at",),
    "empowerment.FollowUp": ("due_on", "done_at"),
}


def _cases_of(label: str, instance: Any) -> list[int]:
    from pulang.cases.models import Case
    from pulang.returns.models import HandoverMember

    if label == "cases.Case":
        return [instance.pk]
    if label == "people.Person":
        return list(Case.objects.filter(person_id=instance.pk).values_list("pk", flat=True))
    if label == "arrivals.ArrivalBatch":
        return list(Case.objects.filter(batch_id=instance.pk).values_list("pk", flat=True))
    if label == "returns.Handover":
        return list(
            HandoverMember.objects.filter(handover_id=instance.pk).values_list("case_id", flat=True)
        )
    return [instance.case_id]


def _before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    fields = _DATES[sender._meta.label]
    old = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    if old:
        figures_changed(days=[value for value in old if value is not None])


def _after_change(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    figures_changed(case_ids=_cases_of(sender._meta.label, instance))


def _before_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    figures_changed(case_ids=_cases_of(sender._meta.label, instance))


SOURCES = (
    "cases.Case",
    "cases.Screening",
    "people.Person",
    "arrivals.ArrivalBatch",
    "shelters.Stay",
    "returns.Handover",
    "returns.HandoverMember",
    "empowerment.FollowUp",
)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save, pre_delete, pre_save

    for label in SOURCES:
        model = apps.get_model(label)
        uid = f"pulang.reports.rollup:{label}"
        if label in _DATES:
            pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_change, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)


# -- reading ------------------------------------------------------------------------------------


class Sums:
    """Sums of the daily figures for one look at the figures: closed days from the rollups
    (rolled first where they are not), days from today to `horizon` counted from the events;
    each, and the first event's day, read once however many sums ask for them."""

    def __init__(self, horizon: date) -> None:
        self.live_from = settled_day() + timedelta(days=1)  # today (and yesterday till 1 am)
        self.horizon = horizon

    @cached_property
    def start(self) -> date | None:
        """The first event's day (`history_start`)."""
        return history_start()

    @cached_property
    def live_rows(self) -> list[Row]:
        if self.horizon < self.live_from:
            return []
        return day_rows(self.live_from, self.horizon)

    def __call__(
        self,
        first: date,
        last: date,
        figures: Iterable[str],
        *,
        shelter_ids: list[int] | None,
        by: str = "",
    ) -> dict[tuple[Any, ...], int]:
        """{(figure, key[, shelter or month]): n} over first..last. `shelter_ids` None means
        every row, with or without a shelter; `by` is "", "shelter" or "month"."""
        names = list(figures)
        out: dict[tuple[Any, ...], int] = defaultdict(int)
        today = self.live_from
        if first < today:
            stored_last = min(last, today - timedelta(days=1))
            if self.start is not None:
                ensure_rolled(first, stored_last, start=self.start)
            rows = DailyFigure.objects.filter(
                figure__in=names, day__gte=first, day__lte=stored_last
            )
            if shelter_ids is not None:
                rows = rows.filter(shelter_id__in=shelter_ids)
            group = ["figure", "key"]
            if by == "shelter":
                group.append("shelter_id")
            elif by == "month":
                rows = rows.annotate(month=TruncMonth("day"))
                group.append("month")
            for row in rows.values(*group).order_by().annotate(total=Sum("n")):
                out[tuple(row[name] for name in group)] += row["total"]
        if last >= today:
            if last > self.horizon:
                raise ValueError(f"{last} is past the horizon {self.horizon}")
            wanted = set(names)
            for day, shelter, figure, key, n in self.live_rows:
                if day < first or day > last or figure not in wanted:
                    continue
                if shelter_ids is not None and shelter not in shelter_ids:
                    continue
                extra: tuple[Any, ...] = ()
                if by == "shelter":
                    extra = (shelter,)
                elif by == "month":
                    extra = (day.replace(day=1),)
                out[(figure, key, *extra)] += n
        return out


def histogram_percentiles(histogram: dict[str, int]) -> tuple[float | None, float | None]:
    """Median (interpolated, as percentile_cont) and nearest-rank 90th percentile (as
    percentile_disc) of values given as {value: how many}."""
    pairs = sorted((float(value), n) for value, n in histogram.items() if value != "" and n)
    total = sum(n for _, n in pairs)
    if not total:
        return None, None

    def at(rank: int) -> float:  # the rank-th smallest value, from 0
        seen = 0
        for value, n in pairs:
            seen += n
            if rank < seen:
                return value
        return pairs[-1][0]

    middle = (total - 1) / 2
    low, high = at(int(middle)), at(int(middle) + (1 if middle % 1 else 0))
    median = low + (high - low) * (middle - int(middle))
    p90 = at(max(0, -(-9 * total // 10) - 1))
    return median, p90
