"""Writes on a case: its status, assessment, notes and plan. Each records its audit event.

A case's status changes only through `case_transition`, which knows the allowed moves and the
condition each needs, and keeps who, when and why as a `StatusChange`.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.audit.models import AuditEvent
from pulang.audit.services import AuditEntry, acting_user, audit_record, audit_record_many
from pulang.core.bulk import bulk_change
from pulang.reports.rollup import figures_changed

from .models import Case, CaseNote, NeedsAssessment, Screening, StatusChange, Task

S = Case.Status


class CaseError(Exception):
    """A refused action on a case, with a message for the social worker."""


def _open_stay(case: Case) -> str | None:
    if not case.stays.filter(discharged_at__isnull=True).exists():
        return _("Orang ini belum diterima di shelter.")
    return None


def _no_open_stay(case: Case) -> str | None:
    if case.stays.filter(discharged_at__isnull=True).exists():
        return _("Orang ini masih tinggal di shelter; catat dulu keluarnya dari shelter.")
    return None


def _handover_recorded(case: Case) -> str | None:
    from pulang.returns.models import HandoverMember

    if not HandoverMember.objects.filter(case=case).exists():
        return _(
            "Belum ada berita acara serah terima untuk kasus ini; "
            "orang hanya dapat dicatat pulang setelah diserahterimakan."
        )
    return None


def _return_planned(case: Case) -> str | None:
    from pulang.returns.models import ReturnPlan

    if not ReturnPlan.objects.filter(case=case).exists():
        return _("Buat dulu rencana kepulangan orang ini.")
    return None


def _outcome_set(case: Case) -> str | None:
    if not case.outcome:
        return _("Kasus hanya dapat ditutup dengan hasil akhirnya.")
    return None


Guard = Callable[[Case], str | None]
# (from, to) -> the conditions that must hold. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], tuple[Guard, ...]] = {
    (S.REGISTERED, S.IN_SHELTER): (_open_stay,),
    (S.REFERRED, S.IN_SHELTER): (_open_stay,),
    (S.LEFT, S.IN_SHELTER): (_open_stay,),
    (S.IN_SHELTER, S.REFERRED): (_no_open_stay,),
    (S.IN_SHELTER, S.LEFT): (_no_open_stay,),
    (S.IN_SHELTER, S.DIED): (_no_open_stay,),
    (S.REGISTERED, S.DIED): (),
    (S.REFERRED, S.DIED): (),
    (S.REGISTERED, S.IN_TRANSIT): (_return_planned,),
    (S.IN_SHELTER, S.IN_TRANSIT): (_no_open_stay, _return_planned),
    (S.IN_TRANSIT, S.DIED): (),
    (S.REGISTERED, S.RETURNED): (_handover_recorded,),
    (S.IN_SHELTER, S.RETURNED): (_no_open_stay, _handover_recorded),
    (S.IN_TRANSIT, S.RETURNED): (_handover_recorded,),
    (S.REFERRED, S.RETURNED): (_handover_recorded,),
    (S.RETURNED, S.CLOSED): (_outcome_set,),
    (S.LEFT, S.CLOSED): (_outcome_set,),
    (S.REFERRED, S.CLOSED): (_outcome_set,),
    (S.DIED, S.CLOSED): (_outcome_set,),
}


def transition_refusal(*, case: Case, to: str) -> str | None:
    """Why this case cannot move to `to` now, in words; None when it can."""
    guards = TRANSITIONS.get((case.status, to))
    if guards is None:
        return _("Status kasus tidak dapat diubah dari “%(from)s” menjadi “%(to)s”.") % {
            "from": Case.Status(case.status).label,
            "to": Case.Status(to).label,
        }
    for guard in guards:
        problem = guard(case)
        if problem:
            return problem
    return None


def case_transition(
    *, actor: Any, case: Case, to: str, reason: str, at: datetime | None = None
) -> StatusChange:
    """Move the case to status `to`, or raise CaseError saying why it may not."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Tuliskan alasan perubahan status."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        problem = transition_refusal(case=case, to=to)
        if problem:
            raise CaseError(problem)
        when = at or timezone.now()
        change = StatusChange.objects.create(
            case=case,
            from_status=case.status,
            to_status=to,
            reason=reason[:500],
            changed_at=when,
            changed_by=acting_user(actor),
        )
        case.status = to
        fields = ["status"]
        if to == S.CLOSED:
            case.closed_at = when
            fields.append("closed_at")
        case.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            target=case,
            summary=f"{change.from_status} -> {to}: {reason[:200]}",
            changes={"status": [change.from_status, to]},
        )
    return change


def case_close(*, actor: Any, case: Case, outcome: str, reason: str) -> StatusChange:
    """Close the case with its outcome (both in one step, or neither)."""
    if outcome not in Case.Outcome.values:
        raise CaseError(_("Pilih hasil akhir kasus."))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(outcome=outcome)
        figures_changed(case_ids=[case.pk])
        case.outcome = outcome
        return case_transition(actor=actor, case=case, to=S.CLOSED, reason=reason)


def _choices(values: Sequence[str], allowed: Sequence[str], label: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise CaseError(
            _("Pilihan %(label)s tidak dikenal: %(values)s")
            % {
                "label": label,
                "values": ", ".join(unknown),
            }
        )
    return list(dict.fromkeys(values))


def screening_record(
    *,
    actor: Any,
    case: Case,
    recruitment: str,
    recruiter_relation: str,
    sector: str,
    determination: str,
    means_of_control: Sequence[str] = (),
    exploitation_types: Sequence[str] = (),
    country_of_exploitation: str = "MY",
    account: str = "",
) -> Screening:
    """Record a trafficking screening; its determination stands once a second person reviews it."""
    screening = Screening(
        case=case,
        recruitment=recruitment,
        recruiter_relation=recruiter_relation,
        sector=sector,
        determination=determination,
        means_of_control=_choices(means_of_control, Screening.Control.values, "cara pengendalian"),
        exploitation_types=_choices(
            exploitation_types, Screening.Exploitation.values, "jenis eksploitasi"
        ),
        country_of_exploitation=(country_of_exploitation or "").upper()[:2],
        account=account,
        screened_at=timezone.now(),
        screened_by=actor,
    )
    for field, choices in (
        ("recruitment", Screening.Recruitment.values),
        ("recruiter_relation", Screening.RecruiterRelation.values),
        ("sector", Screening.Sector.values),
        ("determination", Screening.Determination.values),
    ):
        if getattr(screening, field) not in choices:
            raise CaseError(_("Isian %(field)s belum dipilih.") % {"field": field})
    with transaction.atomic():
        screening.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=screening,
            summary=f"screening of case {case.pk}: {determination}",
        )
    return screening


def screening_review(
    *, actor: Any, screening: Screening, determination: str, note: str = ""
) -> Screening:
    """A second person confirms or changes the determination; the screener cannot."""
    if determination not in Screening.Determination.values:
        raise CaseError(_("Pilih penetapan hasil peninjauan."))
    with transaction.atomic():
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        if screening.reviewed_at is not None:
            raise CaseError(_("Skrining ini sudah ditinjau."))
        if screening.screened_by_id == getattr(actor, "pk", None):
            raise CaseError(_("Penetapan harus ditinjau oleh orang lain, bukan oleh pembuatnya."))
        if determination != screening.determination and not note.strip():
            raise CaseError(_("Tuliskan alasan bila penetapan diubah."))
        screening.reviewed_at = timezone.now()
        screening.reviewed_by = actor
        screening.reviewed_determination = determination
        screening.review_note = note.strip()[:500]
        screening.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=screening,
            summary=f"screening reviewed: {screening.determination} -> {determination}",
            changes={"determination": [screening.determination, determination]},
        )
    return screening


def needs_assess(
    *,
    actor: Any,
    case: Case,
    needs: Sequence[str],
    notes: str = "",
    flags: dict[str, bool] | None = None,
) -> NeedsAssessment:
    """Record what the person needs, and set the case's vulnerability flags with it."""
    chosen = _choices(needs, NeedsAssessment.Need.values, "kebutuhan")
    allowed_flags = {"is_child", "is_pregnant", "has_disability", "is_ill"}
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            case=case, needs=chosen, notes=notes, assessed_at=timezone.now(), assessed_by=actor
        )
        changes: dict[str, Any] = {}
        for name, value in (flags or {}).items():
            if name in allowed_flags and getattr(case, name) != bool(value):
                changes[name] = [getattr(case, name), bool(value)]
                setattr(case, name, bool(value))
        if changes:
            case.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=assessment,
            summary=f"needs of case {case.pk}: {', '.join(chosen) or '-'}",
            changes=changes or None,
        )
    return assessment


def note_add(*, actor: Any, case: Case, text: str) -> CaseNote:
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Catatan kosong."))
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, text=text, written_at=timezone.now(), written_by=actor
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=note)
    return note


def task_add(
    *,
    actor: Any,
    case: Case,
    title: str,
    due_on: date,
    goal: str = "",
    assigned_to: Any = None,
) -> Task:
    """Add a step to the case plan, due by a date."""
    title = (title or "").strip()
    if not title:
        raise CaseError(_("Tuliskan tugasnya."))
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            goal=(goal or "").strip()[:200],
            title=title[:200],
            due_on=due_on,
            assigned_to=assigned_to,
            created_at=timezone.now(),
            created_by=actor,
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=task)
    return task


def task_done(*, actor: Any, task: Task) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.done_at is None:
            task.done_at = timezone.now()
            task.done_by = actor
            task.save(update_fields=["done_at", "done_by"])
            audit_record(
                actor=actor, action=AuditEvent.Action.CHANGE, target=task, summary="task done"
            )
    return task


def case_deported_again(*, actor: Any, earlier: Case, later: Case) -> None:
    """The same person arrived in a new batch: evidence for the earlier episode's outcome
    (`case_deported_again_many` for one)."""
    batch = later.batch.reference if later.batch is not None else "-"
    case_deported_again_many(actor=actor, arrivals=[(earlier.pk, later.pk, batch)])


def case_deported_again_many(*, actor: Any, arrivals: Sequence[tuple[int, int, str]]) -> None:
    """People arrived again, each as (earlier case id, new case id, new batch reference):
    evidence for each earlier episode's outcome, in a few statements however many.

    Someone deported again went abroad irregularly again; unless an outcome was already
    recorded, that becomes the earlier episode's outcome, with the new arrival as evidence.
    Their follow-ups still planned are no longer reachable at home and are cancelled.
    """
    from pulang.empowerment.models import FollowUp

    if not arrivals:
        return
    earlier = Case.objects.in_bulk([case_id for case_id, _later, _batch in arrivals])
    with transaction.atomic():
        planned = FollowUp.objects.filter(
            case_id__in=list(earlier), done_at__isnull=True, cancelled_at__isnull=True
        )
        cancelled = dict(
            planned.order_by().values("case_id").annotate(n=Count("id")).values_list("case_id", "n")
        )
        planned.update(cancelled_at=timezone.now())
        entries: list[AuditEntry] = []
        for case_id, later_id, batch in arrivals:
            case = earlier[case_id]
            evidence = _("Dideportasi lagi: kasus #%(case)s, rombongan %(batch)s") % {
                "case": later_id,
                "batch": batch,
            }
            fields = {"outcome_evidence": evidence[:300]}
            if not case.outcome:
                fields["outcome"] = Case.Outcome.ABROAD_IRREGULAR
            changes = {key: [getattr(case, key), value] for key, value in fields.items()}
            for key, value in fields.items():
                setattr(case, key, value)
            entries.append(
                AuditEntry(
                    AuditEvent.Action.CHANGE,
                    target=case,
                    summary=f"outcome evidence from case {later_id}; "
                    f"{cancelled.get(case_id, 0)} follow-ups cancelled",
                    changes=changes,
                )
            )
        bulk_change(list(earlier.values()), ["outcome", "outcome_evidence"])
        figures_changed(case_ids=list(earlier))
        audit_record_many(actor=actor, entries=entries)
