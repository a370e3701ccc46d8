"""Writes on empowerment: enrolments, the follow-up schedule, follow-up records and outcomes."""

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.agencies.models import Agency
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case
from pulang.cases.services import CaseError
from pulang.reports.rollup import figures_changed

from .models import Enrolment, FollowUp, Programme


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followups_schedule(
    *,
    case: Case,
    agency: Agency,
    start: date,
    months: Iterable[int],
    enrolment: Enrolment | None = None,
) -> list[FollowUp]:
    """Plan follow-ups `months` after `start` for an agency (on enrolment or handover)."""
    planned = FollowUp.objects.bulk_create(
        [
            FollowUp(
                case=case,
                agency=agency,
                enrolment=enrolment,
                months_after=month,
                due_on=add_months(start, month),
            )
            for month in sorted(set(months))
            if month > 0
        ]
    )
    figures_changed(case_ids=[case.pk])
    return planned


def enrol(
    *,
    actor: Any,
    programme: Programme,
    case: Case,
    enrolled_on: date | None = None,
    amount: Decimal | None = None,
    note: str = "",
    referral: Any = None,
) -> Enrolment:
    """Enrol a person in a programme of the officer's agency; its follow-ups are planned."""
    if not programme.is_active:
        raise CaseError(_("Program ini tidak aktif."))
    if programme.agency_id != getattr(actor, "agency_id", None):
        raise CaseError(_("Hanya instansi pelaksana yang dapat mendaftarkan peserta program ini."))
    if amount is not None and amount < 0:
        raise CaseError(_("Jumlah tidak boleh negatif."))
    if (
        referral is not None
        and not type(referral)
        .objects.filter(pk=referral.pk, status=referral.Status.ACCEPTED)
        .exists()
    ):
        raise CaseError(_("Terima dulu rujukannya."))
    enrolled_on = enrolled_on or timezone.localdate()
    with transaction.atomic():
        if Enrolment.objects.filter(programme=programme, case=case).exists():
            raise CaseError(_("Orang ini sudah terdaftar di program ini."))
        enrolment = Enrolment.objects.create(
            programme=programme,
            case=case,
            referral=referral,
            enrolled_on=enrolled_on,
            amount=amount,
            note=(note or "").strip()[:300],
            enrolled_by=actor,
        )
        followups_schedule(
            case=case,
            agency=programme.agency,
            start=enrolled_on,
            months=programme.followup_months,
            enrolment=enrolment,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=enrolment,
            summary=f"case {case.pk} enrolled in {programme.code}"
            + (f" (Rp {amount})" if amount is not None else ""),
        )
    return enrolment


def followup_record(
    *,
    actor: Any,
    followup: FollowUp,
    reached: bool,
    monthly_income: Decimal | None = None,
    business_running: bool | None = None,
    wants_abroad: bool | None = None,
    abroad_channel: str = "",
    safe_migration_knowledge: str = "",
    needs: str = "",
) -> FollowUp:
    """What a follow-up found. Not reached is a result too."""
    if wants_abroad and not abroad_channel:
        raise CaseError(_("Bila ingin bekerja ke luar negeri lagi, pilih melalui jalur apa."))
    if monthly_income is not None and monthly_income < 0:
        raise CaseError(_("Penghasilan tidak boleh negatif."))
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.cancelled_at is not None:
            raise CaseError(_("Tindak lanjut ini sudah dibatalkan."))
        if followup.done_at is not None:
            raise CaseError(_("Tindak lanjut ini sudah dicatat."))
        followup.done_at = timezone.now()
        followup.done_by = actor
        followup.reached = reached
        followup.monthly_income = monthly_income if reached else None
        followup.business_running = business_running if reached else None
        followup.wants_abroad = wants_abroad if reached else None
        followup.abroad_channel = abroad_channel if reached and wants_abroad else ""
        followup.safe_migration_knowledge = safe_migration_knowledge if reached else ""
        followup.needs = (needs or "").strip()[:500]
        followup.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=followup,
            summary=f"follow-up +{followup.months_after}m of case {followup.case_id}: "
            + ("reached" if reached else "not reached"),
        )
    return followup


def outcome_set(*, actor: Any, case: Case, outcome: str, evidence: str = "") -> Case:
    """Record what became of the person, without closing the case."""
    if outcome not in Case.Outcome.values:
        raise CaseError(_("Pilih hasil akhir."))
    with transaction.atomic():
        before = case.outcome
        Case.objects.filter(pk=case.pk).update(
            outcome=outcome, outcome_evidence=(evidence or "").strip()[:300]
        )
        figures_changed(case_ids=[case.pk])
        case.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=case,
            summary=f"outcome {before or '-'} -> {outcome}",
            changes={"outcome": [before, outcome]},
        )
    return case
