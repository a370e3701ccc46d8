"""Writes on sharing: consent and its withdrawal, referrals and their answers. Every one is
atomic and audited; every grant of access names the agreement it rests on."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.models import AccessGrant
from pulang.access.scope import agreement_categories
from pulang.agencies.models import Agency
from pulang.audit.models import AuditEvent
from pulang.audit.services import acting_user, audit_record
from pulang.cases.models import Case
from pulang.cases.services import CaseError
from pulang.people.models import Person
from pulang.reports.rollup import figures_changed

from .models import CONSENT_PURPOSES, Agreement, Consent, Purpose, Referral


def agreement_for(*, from_agency: Agency, to_agency: Agency, purpose: str) -> Agreement | None:
    """The valid agreement both agencies are party to that covers this purpose, if any."""
    candidates = (
        Agreement.objects.valid()
        .filter(parties=from_agency)
        .filter(parties=to_agency)
        .order_by("-valid_from", "pk")
    )
    return next((a for a in candidates if purpose in a.purposes), None)


def partner_agencies(*, agency: Agency, purpose: str | None = None) -> list[Agency]:
    """Agencies this one may refer to: parties to a valid agreement with it."""
    found: dict[int, Agency] = {}
    for agreement in Agreement.objects.valid().filter(parties=agency).prefetch_related("parties"):
        if purpose and purpose not in agreement.purposes:
            continue
        for party in agreement.parties.all():
            if party.pk != agency.pk:
                found[party.pk] = party
    return sorted(found.values(), key=lambda a: a.name)


def consent_live(*, person: Person, purpose: str) -> Consent | None:
    return Consent.objects.live().filter(person=person, purpose=purpose).first()


def consent_record(
    *,
    actor: Any,
    person: Person,
    purpose: str,
    basis: str,
    given_by: str,
    given_by_relation: str = "diri sendiri",
) -> Consent:
    """Record consent to a purpose (or the legal duty it rests on), given by the person or,
    for a child, a guardian."""
    if purpose not in Purpose.values:
        raise CaseError(_("Pilih tujuan."))
    if basis not in Consent.Basis.values:
        raise CaseError(_("Pilih dasar hukum."))
    if not (given_by or "").strip():
        raise CaseError(_("Tuliskan siapa yang memberikan persetujuan."))
    with transaction.atomic():
        # A second live consent for the same thing let a withdrawal look done while the
        # other one still allowed referrals; the person's row orders two saves at once.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        given = (
            Consent.objects.live()
            .filter(person=person, purpose=purpose, basis=basis)
            .order_by("given_at")
            .first()
        )
        if given is not None:
            raise CaseError(
                _("Persetujuan ini sudah tercatat sejak %(when)s, diberikan oleh %(who)s.")
                % {
                    "when": f"{timezone.localtime(given.given_at):%d/%m/%Y}",
                    "who": given.given_by,
                }
            )
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            basis=basis,
            given_by=given_by.strip()[:200],
            given_by_relation=(given_by_relation or "diri sendiri").strip()[:100],
            given_at=timezone.now(),
            recorded_by=acting_user(actor),
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=consent,
            summary=f"consent of person {person.pk} to {purpose} ({basis})",
        )
    return consent


def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    """Withdraw consent. Within this request, everything it covered stops: the grants given
    for its purpose are revoked, open referrals for it end, and planned follow-ups under them
    are cancelled."""
    from pulang.empowerment.models import FollowUp

    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise CaseError(_("Persetujuan ini sudah ditarik."))
        now = timezone.now()
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
        if (
            consent.basis == Consent.Basis.CONSENT
            and not Consent.objects.live()
            .filter(person=consent.person, purpose=consent.purpose, basis=Consent.Basis.LEGAL_DUTY)
            .exists()
        ):
            grants = AccessGrant.objects.filter(
                person=consent.person,
                purpose=consent.purpose,
                basis=AccessGrant.Basis.REFERRAL,
                revoked_at__isnull=True,
            )
            revoked = grants.update(revoked_at=now)
            referrals = Referral.objects.filter(
                case__person=consent.person,
                purpose=consent.purpose,
                status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED],
            )
            ended = list(referrals.values_list("pk", flat=True))
            referrals.update(
                status=Referral.Status.ENDED,
                responded_at=now,
                response_note=_("Persetujuan ditarik"),
            )
            planned = FollowUp.objects.filter(
                enrolment__referral_id__in=ended, done_at__isnull=True, cancelled_at__isnull=True
            )
            touched = list(planned.values_list("case_id", flat=True))
            cancelled = planned.update(cancelled_at=now)
            figures_changed(case_ids=touched)
        else:
            revoked, ended, cancelled = 0, [], 0
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=consent,
            summary=f"consent withdrawn: {revoked} grants revoked, {len(ended)} referrals "
            f"ended, {cancelled} follow-ups cancelled",
            changes={"referrals": ended},
        )
    return consent


def referral_send(
    *, actor: Any, case: Case, to_agency: Agency, purpose: str, note: str = ""
) -> Referral:
    """Send a case to another agency for a purpose. Needs a valid agreement between the two
    agencies covering the purpose, and live consent where the purpose rests on consent. The
    receiving agency sees the person, within the agreement's categories, from now on."""
    from_agency = actor.agency
    if from_agency is None or to_agency.pk == from_agency.pk:
        raise CaseError(_("Pilih instansi lain."))
    if agreement_categories(actor, case.person_id) is not None:
        # Reached only through a referral: passing it on under this agency's own agreement
        # could open more than the owner agreed to share.
        raise CaseError(
            _(
                "Kasus ini terbuka untuk instansi Anda hanya melalui rujukan; yang dapat "
                "merujuknya ke instansi lain hanya instansi pemiliknya."
            )
        )
    agreement = agreement_for(from_agency=from_agency, to_agency=to_agency, purpose=purpose)
    if agreement is None:
        raise CaseError(
            _("Tidak ada perjanjian kerja sama yang berlaku dengan %(agency)s untuk tujuan ini.")
            % {"agency": to_agency.name}
        )
    if purpose in CONSENT_PURPOSES and consent_live(person=case.person, purpose=purpose) is None:
        raise CaseError(
            _("Catat dulu persetujuan orang ini (atau walinya) untuk %(purpose)s.")
            % {"purpose": Purpose(purpose).label.lower()}
        )
    with transaction.atomic():
        if Referral.objects.filter(
            case=case,
            to_agency=to_agency,
            purpose=purpose,
            status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED],
        ).exists():
            raise CaseError(_("Kasus ini sudah dirujuk ke instansi tersebut untuk tujuan ini."))
        referral = Referral.objects.create(
            case=case,
            from_agency=from_agency,
            to_agency=to_agency,
            purpose=purpose,
            agreement=agreement,
            note=(note or "").strip(),
            sent_at=timezone.now(),
            sent_by=actor,
        )
        AccessGrant.objects.create(
            person=case.person,
            agency=to_agency,
            basis=AccessGrant.Basis.REFERRAL,
            agreement=agreement,
            purpose=purpose,
            created_by=acting_user(actor),
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=referral,
            summary=f"referral of case {case.pk} to {to_agency.code} for {purpose} under "
            f"{agreement.reference}; categories {','.join(agreement.categories)}",
        )
    return referral


def _answerable(actor: Any, referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if getattr(actor, "agency_id", None) != referral.to_agency_id:
        raise CaseError(_("Hanya instansi yang dirujuk yang dapat menanggapi rujukan ini."))
    return referral


def referral_accept(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _answerable(actor, referral)
        if referral.status != Referral.Status.SENT:
            raise CaseError(_("Rujukan ini sudah ditanggapi."))
        referral.status = Referral.Status.ACCEPTED
        referral.responded_at = timezone.now()
        referral.responded_by = actor
        referral.response_note = (note or "").strip()[:500]
        referral.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            target=referral,
            summary="referral accepted",
        )
    return referral


def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """Decline with a reason; the access the referral gave ends with it."""
    if not (reason or "").strip():
        raise CaseError(_("Tuliskan alasan menolak rujukan."))
    with transaction.atomic():
        referral = _answerable(actor, referral)
        if referral.status != Referral.Status.SENT:
            raise CaseError(_("Rujukan ini sudah ditanggapi."))
        referral.status = Referral.Status.DECLINED
        referral.responded_at = timezone.now()
        referral.responded_by = actor
        referral.response_note = reason.strip()[:500]
        referral.save()
        _end_grant(referral)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            target=referral,
            summary=f"referral declined: {reason[:200]}",
        )
    return referral


def referral_complete(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _answerable(actor, referral)
        if referral.status != Referral.Status.ACCEPTED:
            raise CaseError(_("Hanya rujukan yang sudah diterima yang dapat diselesaikan."))
        referral.status = Referral.Status.COMPLETED
        referral.completed_at = timezone.now()
        if note:
            referral.response_note = note.strip()[:500]
        referral.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            target=referral,
            summary="referral completed",
        )
    return referral


def _end_grant(referral: Referral) -> None:
    """Revoke the referral's grant unless another live referral needs the same access."""
    others = Referral.objects.filter(
        case__person=referral.case.person,
        to_agency=referral.to_agency,
        status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED, Referral.Status.COMPLETED],
    ).exclude(pk=referral.pk)
    if others.exists():
        return
    AccessGrant.objects.filter(
        Q(person=referral.case.person, agency=referral.to_agency),
        basis=AccessGrant.Basis.REFERRAL,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
