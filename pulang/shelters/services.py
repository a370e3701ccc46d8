"""Writes on shelter life: admissions, transfers, discharges, daily care and activities.

Each service is atomic and records its audit event. A case's status moves through
`case_transition` (pulang/cases/services.py), never directly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.agencies.models import Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import AuditEntry, acting_user, audit_record, audit_record_many
from pulang.cases.models import Case
from pulang.cases.services import CaseError, case_transition
from pulang.reports.rollup import figures_changed

from .models import ActivityKind, ActivitySession, Attendance, Provision, Stay
from .selectors import capacity_category, day_bounds, occupancy_counts, present_during

S = Case.Status
R = Stay.DischargeReason

# What a discharge reason makes of the case.
DISCHARGE_STATUS: dict[str, str] = {
    R.REFERRED_HOSPITAL: S.REFERRED,
    R.REFERRED_POLICE: S.REFERRED,
    R.REFERRED_CHILD_PROTECTION: S.REFERRED,
    R.REFUSED_SERVICES: S.LEFT,
    R.ABSCONDED: S.LEFT,
    R.DIED: S.DIED,
}


def _over_capacity(shelter: Shelter, cases: Sequence[Case], at: datetime) -> list[str]:
    """The categories (men, women, children) these admissions would overfill, in words."""
    now = occupancy_counts(shelter=shelter, at=at)
    adding: dict[str, int] = {}
    for case in cases:
        category = capacity_category(case, at.date())
        adding[category] = adding.get(category, 0) + 1
    labels = {"men": _("laki-laki"), "women": _("perempuan"), "children": _("anak")}
    over = []
    for category, count in adding.items():
        capacity = getattr(shelter, f"capacity_{category}")
        if now.get(category, 0) + count > capacity:
            over.append(
                _("%(label)s: %(now)s + %(new)s melebihi kapasitas %(cap)s")
                % {
                    "label": labels[category],
                    "now": now.get(category, 0),
                    "new": count,
                    "cap": capacity,
                }
            )
    return over


def _open_stays(
    *, actor: Any, shelter: Shelter, cases: Sequence[Case], at: datetime, over_capacity_reason: str
) -> list[Stay]:
    over = _over_capacity(shelter, cases, at)
    reason = (over_capacity_reason or "").strip()
    if over and not reason:
        raise CaseError(
            _("Shelter penuh (%(over)s). Tuliskan alasan untuk menerima melebihi kapasitas.")
            % {"over": "; ".join(over)}
        )
    stays = []
    for case in cases:
        stays.append(
            Stay(
                case=case,
                shelter=shelter,
                admitted_at=at,
                admitted_by=acting_user(actor),
                over_capacity_reason=reason[:300] if over else "",
            )
        )
    try:
        with transaction.atomic():
            Stay.objects.bulk_create(stays)
            figures_changed(case_ids=[stay.case_id for stay in stays])
    except IntegrityError:
        raise CaseError(_("Sebagian orang sudah tercatat tinggal di shelter.")) from None
    return stays


def stay_admit(
    *,
    actor: Any,
    shelter: Shelter,
    cases: Iterable[Case],
    at: datetime | None = None,
    over_capacity_reason: str = "",
) -> list[Stay]:
    """Admit these cases to the shelter in one step: all of them, or none with the reason.

    The shelter's agency takes over the case: it is the one caring for the person now.
    """
    at = at or timezone.now()
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=[case.pk for case in cases])
            .select_related("person")
            .order_by("pk")
        )
        if not cases:
            raise CaseError(_("Pilih orang yang diterima."))
        already = [
            case.person.full_name
            for case in cases
            if case.stays.filter(discharged_at__isnull=True).exists()
        ]
        if already:
            raise CaseError(
                _("Sudah tinggal di shelter: %(names)s.") % {"names": ", ".join(already[:10])}
            )
        refused = [
            case.person.full_name
            for case in cases
            if case.status not in (S.REGISTERED, S.REFERRED, S.LEFT)
        ]
        if refused:
            raise CaseError(
                _("Kasus ini tidak dapat diterima di shelter (statusnya): %(names)s.")
                % {"names": ", ".join(refused[:10])}
            )
        stays = _open_stays(
            actor=actor,
            shelter=shelter,
            cases=cases,
            at=at,
            over_capacity_reason=over_capacity_reason,
        )
        for case in cases:
            if case.owning_agency_id != shelter.agency_id:
                Case.objects.filter(pk=case.pk).update(owning_agency_id=shelter.agency_id)
            case_transition(
                actor=actor,
                case=case,
                to=S.IN_SHELTER,
                reason=_("Diterima di %(shelter)s") % {"shelter": shelter.name},
                at=at,
            )
        audit_record_many(
            actor=actor,
            entries=[
                AuditEntry(
                    AuditEvent.Action.CREATE,
                    target=stay,
                    summary=f"admitted to {shelter.code}"
                    + (
                        f" over capacity: {stay.over_capacity_reason}"
                        if stay.over_capacity_reason
                        else ""
                    ),
                )
                for stay in stays
            ],
        )
    return stays


def stay_close(
    *, actor: Any, stay: Stay, reason: str, note: str = "", at: datetime | None = None
) -> Stay:
    """End an open stay, without touching the case's status: the one place a stay ends.

    Discharge, transfer, a trip's departure and a handover at the shelter call it inside their
    own transaction, then move the case as each requires.
    """
    at = at or timezone.now()
    stay = (
        Stay.objects.select_for_update(of=("self",))
        .select_related("case", "shelter")
        .get(pk=stay.pk)
    )
    if stay.discharged_at is not None:
        raise CaseError(_("Orang ini sudah keluar dari shelter."))
    if at < stay.admitted_at:
        raise CaseError(_("Waktu keluar tidak boleh sebelum waktu masuk."))
    if at > timezone.now() + timedelta(minutes=5):
        raise CaseError(_("Waktu keluar tidak boleh di masa depan."))
    stay.discharged_at = at
    stay.discharged_by = acting_user(actor)
    stay.discharge_reason = reason
    stay.discharge_note = (note or "").strip()[:500]
    stay.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, target=stay, summary=f"stay ended: {reason}"
    )
    return stay


def stay_discharge(
    *, actor: Any, stay: Stay, reason: str, note: str = "", at: datetime | None = None
) -> Stay:
    """End a stay for a reason; the case's status follows it (see DISCHARGE_STATUS)."""
    if reason == R.TRANSFERRED:
        raise CaseError(_("Gunakan pemindahan untuk memindahkan ke shelter lain."))
    if reason == R.RETURNED_HOME:
        raise CaseError(
            _(
                "Kepulangan dicatat lewat keberangkatan perjalanan pulang atau serah terima, "
                "bukan di sini."
            )
        )
    if reason not in DISCHARGE_STATUS:
        raise CaseError(_("Pilih alasan keluar."))
    note = (note or "").strip()
    if reason == R.REFUSED_SERVICES and not note:
        raise CaseError(
            _("Orang yang menolak layanan menandatangani surat pernyataan; catat nomornya.")
        )
    with transaction.atomic():
        stay = stay_close(actor=actor, stay=stay, reason=reason, note=note, at=at)
        case_transition(
            actor=actor,
            case=stay.case,
            to=DISCHARGE_STATUS[reason],
            reason=f"{R(reason).label}" + (f": {note}" if note else ""),
            at=stay.discharged_at,
        )
    return stay


def stay_transfer(
    *,
    actor: Any,
    stay: Stay,
    to_shelter: Shelter,
    note: str = "",
    at: datetime | None = None,
    over_capacity_reason: str = "",
) -> Stay:
    """Close this stay and open one at another shelter, as one step."""
    at = at or timezone.now()
    with transaction.atomic():
        if to_shelter.pk == stay.shelter_id:
            raise CaseError(_("Pilih shelter lain."))
        stay = stay_close(
            actor=actor,
            stay=stay,
            reason=R.TRANSFERRED,
            note=(note or "").strip() or to_shelter.name,
            at=at,
        )
        [new] = _open_stays(
            actor=actor,
            shelter=to_shelter,
            cases=[stay.case],
            at=at,
            over_capacity_reason=over_capacity_reason,
        )
        if stay.case.owning_agency_id != to_shelter.agency_id:
            Case.objects.filter(pk=stay.case_id).update(owning_agency_id=to_shelter.agency_id)
    return new


@dataclass(frozen=True)
class RollCall:
    served: int
    absent: int
    already: int


def meal_roll_call(
    *, actor: Any, shelter: Shelter, day: date, meal: str, absent: Iterable[int] = ()
) -> RollCall:
    """Record one meal for everyone present that day except the absent (stay ids).

    Calling it again for the same meal adds only those not yet recorded. Two staff saving a
    roll call of one shelter at the same moment take turns (a lock on the shelter's row), so
    the second adds only whom the first did not.
    """
    if meal not in Provision.MEALS:
        raise CaseError(_("Pilih makan pagi, siang atau malam."))
    if day > timezone.localdate():
        raise CaseError(_("Makan belum dapat dicatat untuk hari yang akan datang."))
    absent_ids = set(absent)
    present = list(present_during(shelter=shelter, day=day).values_list("pk", flat=True))
    with transaction.atomic():
        Shelter.objects.select_for_update(no_key=True).filter(pk=shelter.pk).first()
        already = set(
            Provision.objects.filter(
                shelter=shelter, provided_on=day, kind=meal, stay_id__in=present
            ).values_list("stay_id", flat=True)
        )
        now = timezone.now()
        rows = [
            Provision(
                stay_id=stay_id,
                shelter=shelter,
                kind=meal,
                quantity=1,
                provided_on=day,
                recorded_at=now,
                recorded_by=acting_user(actor),
            )
            for stay_id in present
            if stay_id not in absent_ids and stay_id not in already
        ]
        Provision.objects.bulk_create(rows, batch_size=1000)
        result = RollCall(
            served=len(rows), absent=len(absent_ids & set(present)), already=len(already)
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=Provision._meta.label_lower,
            object_id=shelter.code,
            summary=f"{meal} on {day.isoformat()} at {shelter.code}: {result.served} served, "
            f"{result.absent} absent",
        )
    return result


def provision_issue(
    *,
    actor: Any,
    stay: Stay,
    kind: str,
    quantity: int = 1,
    description: str = "",
    day: date | None = None,
) -> Provision:
    """Record an item given to a resident."""
    if kind not in Provision.Kind.values or kind in Provision.MEALS:
        raise CaseError(_("Pilih jenis barang."))
    if quantity < 1 or quantity > 1000:
        raise CaseError(_("Jumlah harus antara 1 dan 1000."))
    if kind == Provision.Kind.OTHER and not (description or "").strip():
        raise CaseError(_("Tuliskan barang apa yang diberikan."))
    day = day or timezone.localdate()
    start, end = day_bounds(day)
    if stay.admitted_at >= end or (stay.discharged_at is not None and stay.discharged_at < start):
        raise CaseError(_("Orang ini tidak tinggal di shelter pada tanggal itu."))
    with transaction.atomic():
        provision = Provision.objects.create(
            stay=stay,
            shelter_id=stay.shelter_id,
            kind=kind,
            quantity=quantity,
            description=(description or "").strip()[:200],
            provided_on=day,
            recorded_at=timezone.now(),
            recorded_by=acting_user(actor),
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=provision)
    return provision


def session_create(
    *,
    actor: Any,
    shelter: Shelter,
    kind: ActivityKind,
    starts_at: datetime,
    facilitator: str,
    note: str = "",
) -> ActivitySession:
    """Schedule or record a rehabilitation session."""
    if not (facilitator or "").strip():
        raise CaseError(_("Tuliskan nama fasilitator."))
    if not kind.is_active:
        raise CaseError(_("Jenis kegiatan ini tidak aktif lagi."))
    with transaction.atomic():
        session = ActivitySession.objects.create(
            shelter=shelter,
            kind=kind,
            starts_at=starts_at,
            facilitator=facilitator.strip()[:200],
            note=(note or "").strip()[:500],
            created_by=acting_user(actor),
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=session)
    return session


def attendance_mark(*, actor: Any, session: ActivitySession, stay_ids: Iterable[int]) -> int:
    """Mark these residents present at the session; returns how many were newly marked.
    Two staff marking one session at the same moment take turns (a lock on the session's row),
    so someone both ticked is marked once."""
    wanted = set(stay_ids)
    day = timezone.localtime(session.starts_at).date()
    eligible = set(
        present_during(shelter=session.shelter, day=day)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    strangers = wanted - eligible
    if strangers:
        raise CaseError(_("Sebagian orang yang dipilih tidak tinggal di shelter ini hari itu."))
    with transaction.atomic():
        ActivitySession.objects.select_for_update(no_key=True).filter(pk=session.pk).first()
        known = set(Attendance.objects.filter(session=session).values_list("stay_id", flat=True))
        rows = [
            Attendance(session=session, stay_id=stay_id, recorded_by=acting_user(actor))
            for stay_id in sorted(eligible - known)
        ]
        Attendance.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=session,
            summary=f"attendance: {len(rows)} marked",
            changes={"stays": sorted(eligible - known)[:500]},
        )
    return len(rows)
