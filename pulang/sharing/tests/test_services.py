"""Sharing under an agreement: what it opens, when it closes, and consent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pulang.access.models import AccessGrant
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.cases.services import CaseError
from pulang.empowerment.models import FollowUp
from pulang.empowerment.services import enrol
from pulang.people.selectors import person_fields
from pulang.sharing.models import Referral
from pulang.sharing.services import (
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_decline,
    referral_send,
)

from .helpers import sharing_world

pytestmark = pytest.mark.django_db


def consented(world):
    return consent_record(
        actor=world.worker,
        person=world.case.person,
        purpose="empowerment",
        basis="consent",
        given_by="Siti Rahmawati",
    )


def refer(world):
    return referral_send(
        actor=world.worker, case=world.case, to_agency=world.unit, purpose="empowerment"
    )


def sees(user, case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def test_no_referral_without_an_agreement_covering_the_purpose():
    world = sharing_world()
    consented(world)
    with pytest.raises(CaseError, match="Tidak ada perjanjian"):
        referral_send(
            actor=world.worker, case=world.case, to_agency=world.unit, purpose="law_enforcement"
        )
    world.agreement.parties.remove(world.unit)
    with pytest.raises(CaseError, match="Tidak ada perjanjian"):
        refer(world)
    assert not sees(world.officer, world.case)


def test_empowerment_needs_consent_first():
    world = sharing_world()
    with pytest.raises(CaseError, match="persetujuan"):
        refer(world)
    consented(world)
    referral = refer(world)
    assert referral.agreement == world.agreement


def test_the_officer_sees_exactly_the_fields_the_agreement_allows():
    world = sharing_world(categories=("identity", "case_summary"))
    consented(world)
    refer(world)
    assert sees(world.officer, world.case)
    shown = {f.label: f for f in person_fields(user=world.officer, person=world.case.person)}
    assert shown["nama lengkap"].value == "Siti Rahmawati"
    assert shown["NIK"].state == "masked", "identity numbers still need a reveal"
    contact = [f for label, f in shown.items() if "HP" in label or "telepon" in label.lower()]
    assert contact and all(f.state == "outside" and not f.value for f in contact)
    for secret in ("Catatanmedis Rahasia", "Kisah Rahasia"):
        assert all(secret not in f.value for f in shown.values())
    # The shelter that owns the case still sees everything its role allows.
    own = {f.label: f for f in person_fields(user=world.worker, person=world.case.person)}
    assert any(f.value == "+6281234567890" for f in own.values())


def test_expiring_or_revoking_the_agreement_ends_the_access_at_once():
    world = sharing_world()
    consented(world)
    refer(world)
    assert sees(world.officer, world.case)
    world.agreement.valid_to = timezone.localdate() - timedelta(days=1)
    world.agreement.save()
    assert not sees(world.officer, world.case), "expired yesterday: no access today"
    world.agreement.valid_to = timezone.localdate() + timedelta(days=10)
    world.agreement.save()
    assert sees(world.officer, world.case)
    world.agreement.revoked_at = timezone.now()
    world.agreement.save()
    assert not sees(world.officer, world.case)
    assert world.case.person.pk not in {
        p.pk for p in world.case.person.__class__.objects.visible_to(world.officer)
    }


def test_withdrawn_consent_stops_the_referral_access_and_planned_follow_ups():
    world = sharing_world()
    consent = consented(world)
    referral = refer(world)
    referral_accept(actor=world.officer, referral=referral)
    enrol(
        actor=world.officer,
        programme=world.programme,
        case=world.case,
        referral=referral,
        amount=Decimal("5000000"),
    )
    assert FollowUp.objects.filter(cancelled_at__isnull=True).count() == 4
    consent_withdraw(actor=world.worker, consent=consent)
    assert not sees(world.officer, world.case), "in the same request"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ENDED
    assert not FollowUp.objects.filter(cancelled_at__isnull=True).exists()
    event = AuditEvent.objects.filter(object_type="sharing.consent").latest("occurred_at")
    assert "1 grants revoked, 1 referrals ended, 4 follow-ups cancelled" in event.summary
    with pytest.raises(CaseError, match="persetujuan"):
        refer(world)


def test_declining_ends_the_access_and_only_the_receiver_answers():
    world = sharing_world()
    consented(world)
    referral = refer(world)
    with pytest.raises(CaseError, match="Hanya instansi"):
        referral_accept(actor=world.worker, referral=referral)
    with pytest.raises(CaseError, match="alasan"):
        referral_decline(actor=world.officer, referral=referral, reason=" ")
    referral_decline(actor=world.officer, referral=referral, reason="Di luar wilayah kami")
    assert not sees(world.officer, world.case)
    assert AccessGrant.objects.get(agency=world.unit).revoked_at is not None


def test_every_disclosure_under_the_agreement_is_audited(client, login_verified):
    world = sharing_world()
    consented(world)
    referral = refer(world)
    sent = AuditEvent.objects.get(object_type="sharing.referral", action="create")
    assert "PKS-01/2026" in sent.summary and "identity,contact,case_summary" in sent.summary
    login_verified(client, world.officer)
    assert client.get(f"/rujukan/{referral.pk}/").status_code == 200
    assert client.get(f"/orang/{world.case.person.pk}/").status_code == 200
    assert client.get(f"/kasus/{world.case.pk}/").status_code == 200
    views = AuditEvent.objects.filter(actor=world.officer, action="view")
    assert views.count() == 3
    assert any("under agreement PKS-01/2026" in e.summary for e in views)
    assert all(e.object_id == str(world.case.person.pk) or e.changes for e in views)


def test_a_case_seen_only_under_an_agreement_is_not_referred_on():
    """An office that reaches a case only through a referral cannot pass it to a third agency
    under an agreement of its own, which could open more than the owner agreed to."""
    from datetime import date
    from typing import Any

    from pulang.accounts.tests.factories import UserFactory
    from pulang.agencies.models import Agency
    from pulang.agencies.tests.factories import AgencyFactory
    from pulang.sharing.models import Agreement

    world = sharing_world(categories=("identity", "case_summary"))
    office: Any = AgencyFactory(kind=Agency.Kind.REGIONAL_SOCIAL_OFFICE)
    world.agreement.parties.add(office)
    consented(world)
    referral_send(actor=world.worker, case=world.case, to_agency=office, purpose="empowerment")
    officer = UserFactory(agency=office, roles=["regional_social_officer"])
    assert sees(officer, world.case)
    third: Any = AgencyFactory(code="lsm-ketiga")
    wider = Agreement.objects.create(
        reference="PKS-LAIN",
        title="Lain",
        purposes=["empowerment"],
        categories=["identity", "contact", "health", "trafficking_account", "case_summary"],
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 12, 31),
    )
    wider.parties.set([office, third])
    with pytest.raises(CaseError):
        referral_send(actor=officer, case=world.case, to_agency=third, purpose="empowerment")
    assert not AccessGrant.objects.filter(agency=third).exists()
