"""Writes on the way home: return plans, trips, departure and handover. Each is atomic and
records its audit event; the case moves through `case_transition`, the stay ends through
`stay_close`."""

import hashlib
import hmac
import json
import re
from base64 import b32encode
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.models import AccessGrant
from pulang.agencies.models import Agency, Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import acting_user, audit_record
from pulang.cases.models import Case
from pulang.cases.services import CaseError, case_transition
from pulang.empowerment.services import followups_schedule
from pulang.regions.models import Region
from pulang.reports.rollup import figures_changed
from pulang.shelters.models import Stay
from pulang.shelters.services import stay_close

from .documents import handover_pdf
from .models import (
    OPEN_TRIP_MEMBER,
    Handover,
    HandoverMember,
    ReturnPlan,
    Trip,
    TripLeg,
    TripMember,
)

S = Case.Status
# A case that may be put on a trip, and must still be so when it leaves.
WAITING_TO_GO_HOME = (S.IN_SHELTER, S.REGISTERED)


def regional_office_for(region: Region | None) -> Agency | None:
    """The regional social office of a region: the regency's, else the province's."""
    if region is None:
        return None
    return regional_offices_for([region])[region.code]


def regional_offices_for(regions: Iterable[Region]) -> dict[str, Agency | None]:
    """`regional_office_for` each region, by code, in one query: a trip's people go to many
    regencies."""
    codes = {region.code: (region.code[:5], region.code[:2]) for region in regions}
    offices: dict[str, Agency] = {}
    for office in Agency.objects.filter(
        kind=Agency.Kind.REGIONAL_SOCIAL_OFFICE,
        is_active=True,
        region_id__in={code for pair in codes.values() for code in pair},
    ).order_by("pk"):
        offices.setdefault(str(office.region_id), office)
    return {
        code: offices.get(regency) or offices.get(province)
        for code, (regency, province) in codes.items()
    }


def return_plan_save(
    *,
    actor: Any,
    case: Case,
    destination: Region,
    transport: str,
    planned_date: date,
    receiver: str = ReturnPlan.Receiver.FAMILY,
    destination_address: str = "",
    escort: str = "",
    fit_to_travel: bool = False,
    fit_to_travel_note: str = "",
) -> ReturnPlan:
    """Create or change the case's return plan."""
    if destination.level < Region.Level.REGENCY:
        raise CaseError(_("Pilih daerah tujuan sampai kabupaten/kota atau lebih rinci."))
    if case.status in (S.RETURNED, S.CLOSED, S.DIED):
        raise CaseError(_("Kasus ini sudah selesai; rencana kepulangan tidak dapat diubah."))
    arrived = timezone.localtime(case.opened_at).date()
    if planned_date < arrived:
        raise CaseError(
            _("Rencana tanggal berangkat tidak boleh sebelum orang ini tiba (%(when)s).")
            % {"when": f"{arrived:%d/%m/%Y}"}
        )
    with transaction.atomic():
        plan = ReturnPlan.objects.select_for_update().filter(case=case).first()
        created = plan is None
        plan = plan or ReturnPlan(case=case)
        plan.destination = destination
        plan.destination_address = (destination_address or "").strip()[:300]
        plan.transport = transport
        plan.escort = (escort or "").strip()[:200]
        plan.planned_date = planned_date
        plan.receiver = receiver
        if fit_to_travel and plan.fit_to_travel_at is None:
            plan.fit_to_travel_at = timezone.now()
            plan.fit_to_travel_by = acting_user(actor)
        elif not fit_to_travel:
            plan.fit_to_travel_at = None
            plan.fit_to_travel_by = None
        plan.fit_to_travel_note = (fit_to_travel_note or "").strip()[:300]
        plan.updated_at = timezone.now()
        plan.updated_by = acting_user(actor)
        plan.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            target=plan,
            summary=f"return plan of case {case.pk} to {destination.code}",
        )
    return plan


def _open_trip_of(case: Case) -> Trip | None:
    entry = TripMember.objects.filter(OPEN_TRIP_MEMBER, case=case).select_related("trip").first()
    return entry.trip if entry else None


def trip_plan(
    *,
    actor: Any,
    shelter: Shelter,
    cases: Sequence[Case],
    destination: str,
    transport: str,
    escort: str,
    planned_departure: datetime,
) -> Trip:
    """Group cases going the same way into one trip from this shelter."""
    if not cases:
        raise CaseError(_("Pilih orang yang ikut perjalanan."))
    if not (escort or "").strip():
        raise CaseError(_("Tuliskan pendamping perjalanan."))
    problems = []
    for case in cases:
        name = case.person.full_name
        if not ReturnPlan.objects.filter(case=case).exists():
            problems.append(_("%(name)s belum punya rencana kepulangan") % {"name": name})
        elif case.status not in WAITING_TO_GO_HOME:
            problems.append(_("%(name)s tidak sedang menunggu pulang") % {"name": name})
        elif (trip := _open_trip_of(case)) is not None:
            problems.append(
                _("%(name)s sudah ikut perjalanan %(ref)s") % {"name": name, "ref": trip.reference}
            )
        elif (
            case.status == S.IN_SHELTER
            and not Stay.objects.filter(
                case=case, shelter=shelter, discharged_at__isnull=True
            ).exists()
        ):
            problems.append(_("%(name)s tidak tinggal di shelter ini") % {"name": name})
    if problems:
        raise CaseError("; ".join(problems[:10]) + ".")
    leaves = timezone.localtime(planned_departure).date()
    late = [
        stay
        for stay in Stay.objects.filter(case__in=cases, shelter=shelter, discharged_at__isnull=True)
        .select_related("case__person")
        .order_by("case__person__full_name")
        if timezone.localtime(stay.admitted_at).date() > leaves
    ]
    if late:
        raise CaseError(
            _("Rencana berangkat %(when)s sebelum diterima di shelter: %(names)s.")
            % {
                "when": f"{leaves:%d/%m/%Y}",
                "names": ", ".join(stay.case.person.full_name for stay in late[:10]),
            }
        )
    with transaction.atomic():
        Shelter.objects.select_for_update().get(pk=shelter.pk)  # orders the numbering
        day = timezone.localtime(planned_departure).date()
        prefix = f"PLG-{shelter.code.upper()}-{day:%Y%m%d}-"
        count = Trip.objects.filter(reference__startswith=prefix).count()
        trip = Trip.objects.create(
            reference=f"{prefix}{count + 1:02d}",
            shelter=shelter,
            destination=(destination or "").strip()[:200] or _("Daerah asal"),
            transport=transport,
            escort=escort.strip()[:200],
            planned_departure=planned_departure,
            created_at=timezone.now(),
            created_by=acting_user(actor),
        )
        TripMember.objects.bulk_create([TripMember(trip=trip, case=case) for case in cases])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=trip,
            summary=f"trip {trip.reference}: {len(cases)} people",
            changes={"cases": [case.pk for case in cases]},
        )
    return trip


def trip_leg_add(
    *,
    actor: Any,
    trip: Trip,
    origin: str,
    destination: str,
    transport: str,
    departs_at: datetime | None = None,
) -> TripLeg:
    if not (origin or "").strip() or not (destination or "").strip():
        raise CaseError(_("Tuliskan asal dan tujuan ruas perjalanan."))
    with transaction.atomic():
        trip = _open_trip_locked(trip)
        sequence = trip.legs.count() + 1
        leg = TripLeg.objects.create(
            trip=trip,
            sequence=sequence,
            origin=origin.strip()[:200],
            destination=destination.strip()[:200],
            transport=transport,
            departs_at=departs_at,
        )
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, target=trip, summary="leg added")
    return leg


def trip_depart(*, actor: Any, trip: Trip, at: datetime | None = None) -> Trip:
    """The trip leaves: every member's stay ends (returned home) and the case is in transit.
    All of them or none, with the names of those who cannot leave yet."""
    at = at or timezone.now()
    with transaction.atomic():
        trip = _open_trip_locked(trip)
        cases = [
            member.case
            for member in trip.members.select_related("case__person", "case__return_plan")
        ]
        gone = [case.person.full_name for case in cases if case.status not in WAITING_TO_GO_HOME]
        if gone:
            raise CaseError(
                _(
                    "Tidak lagi menunggu pulang: %(names)s. Keluarkan dari perjalanan ini "
                    "sebelum mencatat keberangkatan."
                )
                % {"names": ", ".join(gone[:10])}
            )
        unfit = [
            case.person.full_name
            for case in cases
            if case.return_plan.needs_fit_to_travel and case.return_plan.fit_to_travel_at is None
        ]
        if unfit:
            raise CaseError(
                _("Kelayakan bepergian belum dikonfirmasi untuk: %(names)s.")
                % {"names": ", ".join(unfit[:10])}
            )
        for case in cases:
            stay = Stay.objects.filter(case=case, discharged_at__isnull=True).first()
            if stay is not None:
                stay_close(
                    actor=actor,
                    stay=stay,
                    reason=Stay.DischargeReason.RETURNED_HOME,
                    note=trip.reference,
                    at=at,
                )
            case_transition(
                actor=actor,
                case=case,
                to=S.IN_TRANSIT,
                reason=_("Berangkat dengan perjalanan %(ref)s") % {"ref": trip.reference},
                at=at,
            )
        trip.departed_at = at
        trip.departed_by = acting_user(actor)
        trip.save(update_fields=["departed_at", "departed_by"])
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, target=trip, summary="departed")
    return trip


def _open_trip_locked(trip: Trip) -> Trip:
    """The trip, locked, or CaseError if it has left or was cancelled."""
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    if trip.departed_at is not None:
        raise CaseError(_("Keberangkatan perjalanan ini sudah dicatat."))
    if trip.cancelled_at is not None:
        raise CaseError(_("Perjalanan ini sudah dibatalkan."))
    return trip


def trip_cancel(*, actor: Any, trip: Trip, reason: str) -> Trip:
    """A trip that will not leave. Its people stay where they are and may join another trip;
    the trip stays on record with why it was cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Tuliskan alasan pembatalan."))
    with transaction.atomic():
        trip = _open_trip_locked(trip)
        trip.cancelled_at = timezone.now()
        trip.cancelled_by = acting_user(actor)
        trip.cancel_reason = reason[:500]
        trip.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=trip,
            summary=f"cancelled: {reason[:200]}",
            changes={"cases": list(trip.members.values_list("case_id", flat=True))},
        )
    return trip


def trip_member_remove(*, actor: Any, trip: Trip, case: Case, reason: str) -> None:
    """Take one person off a trip still to leave (fell ill, left the shelter, goes another
    way). The last one cannot be taken off: that is cancelling the trip."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(
            _("Tuliskan alasan %(name)s keluar dari perjalanan.") % {"name": case.person.full_name}
        )
    with transaction.atomic():
        trip = _open_trip_locked(trip)
        members = trip.members.all()
        if not members.filter(case=case).exists():
            raise CaseError(
                _("%(name)s tidak ikut perjalanan ini.") % {"name": case.person.full_name}
            )
        if members.count() == 1:
            raise CaseError(
                _("%(name)s satu-satunya peserta: batalkan perjalanannya saja.")
                % {"name": case.person.full_name}
            )
        members.filter(case=case).delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=trip,
            summary=f"case {case.pk} taken off: {reason[:200]}",
            changes={"removed_case": case.pk, "reason": reason[:500]},
        )


def _code_key() -> bytes:
    return hashlib.sha256(f"pulang-handover:{settings.SECRET_KEY}".encode()).digest()


def verification_code_for(*, number: str, content_sha256: str) -> str:
    """16 letters and digits in four groups, derived from the record's content with a server
    key: it cannot be made up, and it changes if the content does."""
    digest = hmac.new(_code_key(), f"{number}|{content_sha256}".encode(), hashlib.sha256).digest()
    code = b32encode(digest).decode()[:16]
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def normalize_code(code: str) -> str:
    letters = re.sub(r"[^A-Z2-7]", "", (code or "").upper())[:16]
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def handover_record(
    *,
    actor: Any,
    shelter: Shelter,
    cases: Sequence[Case],
    place: str,
    receiver_kind: str,
    receiver_name: str,
    receiver_relation: str,
    witness_name: str,
    handed_at: datetime | None = None,
    receiver_document: str = "",
    witness_role: str = "",
    trip: Trip | None = None,
) -> Handover:
    """Hand people over to their family or the regional social office, in one record.

    Each case becomes "returned"; the regional social office of the destination takes the case
    over, and the shelter keeps read access for PULANG_SHELTER_RETENTION_DAYS.
    """
    handed_at = handed_at or timezone.now()
    required = {
        _("tempat"): place,
        _("nama penerima"): receiver_name,
        _("hubungan/jabatan penerima"): receiver_relation,
        _("nama saksi"): witness_name,
    }
    missing = [label for label, value in required.items() if not (value or "").strip()]
    if missing:
        raise CaseError(_("Lengkapi: %(fields)s.") % {"fields": ", ".join(missing)})
    if not cases:
        raise CaseError(_("Pilih orang yang diserahterimakan."))
    if handed_at > timezone.now() + timedelta(minutes=5):
        raise CaseError(_("Waktu serah terima tidak boleh di masa depan."))
    if trip is not None and trip.departed_at is not None and handed_at < trip.departed_at:
        raise CaseError(
            _("Waktu serah terima tidak boleh sebelum perjalanan berangkat (%(when)s).")
            % {"when": f"{timezone.localtime(trip.departed_at):%d/%m/%Y %H:%M}"}
        )
    with transaction.atomic():
        Shelter.objects.select_for_update().get(pk=shelter.pk)  # orders the numbering
        cases = list(
            Case.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer-joined rows
            .filter(pk__in=[case.pk for case in cases])
            .select_related("person__origin_region", "return_plan__destination")
            .order_by("person__full_name", "pk")
        )
        done = [c.person.full_name for c in cases if HandoverMember.objects.filter(case=c).exists()]
        if done:
            raise CaseError(
                _("Sudah diserahterimakan: %(names)s.") % {"names": ", ".join(done[:10])}
            )
        destination = next(
            (c.return_plan.destination for c in cases if hasattr(c, "return_plan")), None
        ) or next((c.person.origin_region for c in cases if c.person.origin_region), None)
        office = regional_office_for(destination)
        if receiver_kind == Handover.ReceiverKind.REGIONAL_SOCIAL_OFFICE and office is None:
            raise CaseError(
                _("Dinas Sosial daerah tujuan belum terdaftar di Pulang; hubungi administrator.")
            )
        year = timezone.localtime(handed_at).year
        prefix = f"BAST/{shelter.code.upper()}/{year}/"
        number = f"{prefix}{Handover.objects.filter(number__startswith=prefix).count() + 1:04d}"
        content = {
            "number": number,
            "shelter": shelter.code,
            "place": place.strip(),
            "handed_at": handed_at.isoformat(),
            "receiver": [receiver_kind, receiver_name.strip(), receiver_relation.strip()],
            "witness": [witness_name.strip(), (witness_role or "").strip()],
            "cases": [[c.pk, c.person.full_name] for c in cases],
        }
        content_sha256 = hashlib.sha256(
            json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        handover = Handover.objects.create(
            number=number,
            shelter=shelter,
            trip=trip,
            place=place.strip()[:200],
            handed_at=handed_at,
            receiver_kind=receiver_kind,
            receiver_name=receiver_name.strip()[:200],
            receiver_relation=receiver_relation.strip()[:100],
            receiver_document=(receiver_document or "").strip()[:100],
            receiving_agency=office,
            witness_name=witness_name.strip()[:200],
            witness_role=(witness_role or "").strip()[:100],
            handed_by=actor,
            content_sha256=content_sha256,
            verification_code=verification_code_for(number=number, content_sha256=content_sha256),
        )
        HandoverMember.objects.bulk_create(
            [HandoverMember(handover=handover, case=case) for case in cases]
        )
        figures_changed(case_ids=[case.pk for case in cases])
        retention_ends = handed_at + timedelta(days=settings.PULANG_SHELTER_RETENTION_DAYS)
        for case in cases:
            stay = Stay.objects.filter(case=case, discharged_at__isnull=True).first()
            if stay is not None:
                stay_close(
                    actor=actor,
                    stay=stay,
                    reason=Stay.DischargeReason.RETURNED_HOME,
                    note=number,
                    at=handed_at,
                )
            case_transition(
                actor=actor,
                case=case,
                to=S.RETURNED,
                reason=_("Diserahterimakan: %(number)s") % {"number": number},
                at=handed_at,
            )
            Case.objects.filter(pk=case.pk).update(returned_at=handed_at)
            if office is not None and case.owning_agency_id != office.pk:
                AccessGrant.objects.create(
                    person=case.person,
                    agency_id=case.owning_agency_id,
                    basis=AccessGrant.Basis.SHELTER_RETENTION,
                    starts_at=handed_at,
                    ends_at=retention_ends,
                    created_by=acting_user(actor),
                )
                Case.objects.filter(pk=case.pk).update(owning_agency=office)
            if office is not None:
                followups_schedule(
                    case=case,
                    agency=office,
                    start=timezone.localtime(handed_at).date(),
                    months=settings.PULANG_FOLLOWUP_MONTHS,
                )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=handover,
            summary=f"handover {number}: {len(cases)} people to {receiver_kind}"
            + (f" ({office.code})" if office else ""),
            changes={"cases": [case.pk for case in cases]},
        )
    return handover


def handover_document(*, handover: Handover, verify_url: str) -> Handover:
    """The handover's PDF, made on its first download and kept: every later copy is the same
    file, whose SHA-256 the verification page compares an uploaded copy with."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if not handover.document:
            pdf = handover_pdf(handover=handover, verify_url=verify_url)
            name = f"{handover.number.replace('/', '-')}.pdf"
            handover.document.save(name, ContentFile(pdf), save=False)
            handover.document_sha256 = hashlib.sha256(pdf).hexdigest()
            handover.save(update_fields=["document", "document_sha256"])
    return handover


def handover_verify(*, code: str, document: bytes | None = None) -> tuple[Handover | None, bool]:
    """The handover a code belongs to, and whether a given file is its very document."""
    handover = Handover.objects.filter(verification_code=normalize_code(code)).first()
    if handover is None or document is None:
        return handover, handover is not None
    issued = handover.document_sha256
    return handover, bool(issued) and hashlib.sha256(document).hexdigest() == issued


def waiting_too_long(*, case: Case, today: date | None = None) -> bool:
    """Still not handed over more than PULANG_RETURN_TARGET_DAYS after arrival."""
    if case.returned_at is not None or case.status in (S.RETURNED, S.CLOSED, S.DIED):
        return False
    today = today or timezone.localdate()
    arrived = timezone.localtime(case.opened_at).date()
    return (today - arrived).days > settings.PULANG_RETURN_TARGET_DAYS
