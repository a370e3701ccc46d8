"""Reads on cases, through the scoping chokepoint: the case page and its timeline."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.http import visible_or_404
from pulang.access.roles import Capability

from .models import Case, Screening, Task

# Age groups of the ministry's figures (pulang/reports) and of the case list's filter.
AGE_GROUPS = (("0-17", 0, 17), ("18-29", 18, 29), ("30-44", 30, 44), ("45+", 45, 200))


def case_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """The cases this user may see, filtered (see `CaseFilterForm`), newest first. `None`
    filters (a wrong value) list nothing."""
    cases = Case.objects.visible_to(user).select_related("person__origin_region", "batch")
    if filters is None:
        return cases.none()
    return _filtered(cases, filters).order_by("-opened_at", "-id")


def _day_key(year: Any, month: Any, day: Any) -> Any:
    """yyyymmdd as a number: the difference of two such keys, divided by 10,000, is the age
    in whole years, on any database."""
    return year * 10000 + month * 100 + day


def _filtered(cases: QuerySet[Case], f: dict[str, Any]) -> QuerySet[Case]:
    from pulang.returns.models import HandoverMember
    from pulang.shelters.models import Stay
    from pulang.shelters.selectors import day_bounds

    start = day_bounds(f["dari"])[0] if "dari" in f else None
    end = day_bounds(f["sampai"])[1] if "sampai" in f else None
    shelter = f.get("shelter")
    event = f.get("peristiwa", "")

    def in_period(field: str) -> Q:
        q = Q()
        if start is not None:
            q &= Q(**{f"{field}__gte": start})
        if end is not None:
            q &= Q(**{f"{field}__lt": end})
        return q

    stays = Stay.objects.filter(case=OuterRef("pk"))
    if shelter is not None:
        stays = stays.filter(shelter=shelter)
    reference: Any = F("opened_at")
    if event == "dipulangkan":
        handed = HandoverMember.objects.filter(case=OuterRef("pk")).filter(
            in_period("handover__handed_at")
        )
        if shelter is not None:
            handed = handed.filter(handover__shelter=shelter)
        cases = cases.filter(Exists(handed))
        reference = F("handover_entry__handover__handed_at")
    elif event == "di_shelter":
        day = f.get("per") or timezone.localdate()
        _start, day_end = day_bounds(day)
        present = stays.filter(admitted_at__lt=day_end).filter(
            Q(discharged_at__isnull=True) | Q(discharged_at__gte=day_end)
        )
        cases = cases.filter(Exists(present))
        reference = Value(day)
    else:
        cases = cases.filter(in_period("opened_at"))
        if event == "diterima" or shelter is not None:
            cases = cases.filter(Exists(stays))

    if "q" in f:
        for word in f["q"].split()[:5]:
            cases = cases.filter(person__full_name__icontains=word)
    if "status" in f:
        cases = cases.filter(status=f["status"])
    if "rombongan" in f:
        cases = cases.filter(batch__reference__iexact=f["rombongan"].strip())
    if "kembali" in f:
        cases = cases.filter(is_returning=f["kembali"] == "ya")
    if "anak" in f:
        cases = cases.filter(is_child=f["anak"] == "ya")
    if "jk" in f:
        cases = cases.filter(person__sex=f["jk"])
    if "provinsi" in f:
        code = f["provinsi"].pk
        cases = cases.filter(
            Q(person__origin_region_id=code) | Q(person__origin_region__code__startswith=f"{code}.")
        )
    if "tempat_masuk" in f:
        cases = cases.filter(batch__entry_point=f["tempat_masuk"])
    if "negara" in f:
        cases = cases.filter(batch__deporting_country=f["negara"].strip().upper())
    if "hasil" in f:
        cases = cases.filter(outcome=f["hasil"])
    if "umur" in f:
        cases = _aged(cases, f["umur"], reference)
    return cases


def _aged(cases: QuerySet[Case], group: str, reference: Any) -> QuerySet[Case]:
    """Cases whose person's age on the reference day (handover, opening, the chosen day)
    falls in the group, as `age_on` counts it."""
    if group == "?":
        return cases.filter(person__birth_date__isnull=True)
    low, high = next((low, high) for name, low, high in AGE_GROUPS if name == group)
    if isinstance(reference, Value):
        day = reference.value
        on: Any = Value(_day_key(day.year, day.month, day.day))
    else:
        name = reference.name
        on = _day_key(ExtractYear(name), ExtractMonth(name), ExtractDay(name))
    born = _day_key(
        ExtractYear("person__birth_date"),
        ExtractMonth("person__birth_date"),
        ExtractDay("person__birth_date"),
    )
    return cases.alias(_age_key=on - born).filter(
        _age_key__gte=low * 10000, _age_key__lt=(high + 1) * 10000
    )


def case_get(*, request: Any, case_id: Any) -> Case:
    return visible_or_404(
        request,
        Case.objects.visible_to(request.user).select_related(
            "person__origin_region", "batch", "owning_agency"
        ),
        case_id,
    )


def screening_get(*, request: Any, screening_id: Any) -> Screening:
    visible = Screening.objects.filter(case__in=Case.objects.visible_to(request.user))
    return visible_or_404(request, visible.select_related("case__person"), screening_id)


def task_get(*, request: Any, task_id: Any) -> Task:
    visible = Task.objects.filter(case__in=Case.objects.visible_to(request.user))
    return visible_or_404(request, visible.select_related("case"), task_id)


@dataclass(frozen=True)
class Event:
    """One line of a case's timeline."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def case_timeline(*, user: Any, case: Case) -> list[Event]:
    """The whole episode, oldest first: arrival, status changes, stays, care, activities,
    assessments, notes and the plan. Screening details only for who may see them."""
    from pulang.shelters.models import Attendance, Provision, Stay

    sensitive = user.has_capability(Capability.SENSITIVE_VIEW)
    events: list[Event] = []
    arrival = _("Tiba")
    if case.batch is not None:
        arrival = _("Tiba dengan rombongan %(ref)s") % {"ref": case.batch.reference}
    events.append(Event(case.opened_at, "arrival", arrival))
    for change in case.status_changes.select_related("changed_by"):
        events.append(
            Event(
                change.changed_at,
                "status",
                _("Status: %(to)s") % {"to": change.get_to_status_display()},
                change.reason,
                _name(change.changed_by),
            )
        )
    for stay in Stay.objects.filter(case=case).select_related(
        "shelter", "admitted_by", "discharged_by"
    ):
        detail = ""
        if stay.over_capacity_reason:
            detail = _("Melebihi kapasitas: %(reason)s") % {"reason": stay.over_capacity_reason}
        events.append(
            Event(
                stay.admitted_at,
                "stay",
                _("Masuk %(shelter)s") % {"shelter": stay.shelter.name},
                detail,
                _name(stay.admitted_by),
            )
        )
        if stay.discharged_at:
            events.append(
                Event(
                    stay.discharged_at,
                    "stay",
                    _("Keluar dari %(shelter)s: %(reason)s")
                    % {"shelter": stay.shelter.name, "reason": stay.get_discharge_reason_display()},
                    stay.discharge_note,
                    _name(stay.discharged_by),
                )
            )
    per_day: dict[Any, list[Provision]] = {}
    for provision in Provision.objects.filter(stay__case=case).order_by("provided_on", "pk"):
        per_day.setdefault(provision.provided_on, []).append(provision)
    for day, given in per_day.items():
        parts = [
            p.get_kind_display()
            + (f" × {p.quantity}" if p.quantity > 1 else "")
            + (f" ({p.description})" if p.description else "")
            for p in given
        ]
        at = timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))
        events.append(Event(at, "care", _("Layanan harian"), ", ".join(parts)))
    for mark in Attendance.objects.filter(stay__case=case).select_related("session__kind"):
        session = mark.session
        events.append(
            Event(
                session.starts_at,
                "activity",
                _("Mengikuti %(kind)s") % {"kind": session.kind.name},
                _("Fasilitator: %(name)s") % {"name": session.facilitator},
            )
        )
    for screening in case.screenings.select_related("screened_by", "reviewed_by"):
        if sensitive:
            detail = _("Penetapan: %(d)s") % {"d": screening.get_determination_display()}
        else:
            detail = ""
        events.append(
            Event(
                screening.screened_at,
                "assessment",
                _("Skrining perdagangan orang"),
                detail,
                _name(screening.screened_by),
            )
        )
        if screening.reviewed_at:
            review = ""
            if sensitive:
                review = _("Penetapan setelah ditinjau: %(d)s") % {
                    "d": screening.get_reviewed_determination_display()
                }
            events.append(
                Event(
                    screening.reviewed_at,
                    "assessment",
                    _("Skrining ditinjau"),
                    review,
                    _name(screening.reviewed_by),
                )
            )
    for assessment in case.needs_assessments.select_related("assessed_by"):
        labels = dict(assessment.Need.choices)
        events.append(
            Event(
                assessment.assessed_at,
                "assessment",
                _("Asesmen kebutuhan"),
                ", ".join(str(labels.get(n, n)) for n in assessment.needs),
                _name(assessment.assessed_by),
            )
        )
    for note in case.case_notes.select_related("written_by"):
        events.append(
            Event(note.written_at, "note", _("Catatan"), note.text, _name(note.written_by))
        )
    for task in case.tasks.select_related("created_by", "done_by"):
        events.append(
            Event(
                task.created_at,
                "plan",
                _("Tugas: %(title)s") % {"title": task.title},
                _("Tenggat %(due)s") % {"due": task.due_on.strftime("%d/%m/%Y")},
                _name(task.created_by),
            )
        )
        if task.done_at:
            events.append(
                Event(
                    task.done_at,
                    "plan",
                    _("Tugas selesai: %(title)s") % {"title": task.title},
                    "",
                    _name(task.done_by),
                )
            )
    kinds = {"arrival": 0, "status": 1, "stay": 2}
    return sorted(events, key=lambda e: (e.at, kinds.get(e.kind, 3)))
