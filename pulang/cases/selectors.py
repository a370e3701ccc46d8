"""Reads on cases, through the scoping chokepoint: the case page and its timeline."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.http import visible_or_404
from pulang.access.roles import Capability

from .models import Case, Screening, Task


def case_list(*, user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("person", "batch")


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
