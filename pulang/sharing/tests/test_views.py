from datetime import timedelta

import pytest
from django.utils import timezone

from pulang.sharing.models import Referral
from pulang.sharing.services import consent_record, referral_send

from .helpers import sharing_world

pytestmark = pytest.mark.django_db


def test_the_inbox_flags_a_referral_waiting_too_long(client, login_verified):
    world = sharing_world()
    consent_record(
        actor=world.worker,
        person=world.case.person,
        purpose="empowerment",
        basis="consent",
        given_by="Siti",
    )
    referral = referral_send(
        actor=world.worker, case=world.case, to_agency=world.unit, purpose="empowerment"
    )
    login_verified(client, world.officer)
    body = client.get("/rujukan/").content.decode()
    assert "Siti Rahmawati" in body and "menunggu lebih dari" not in body
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=4))
    assert "menunggu lebih dari 3 hari" in client.get("/rujukan/").content.decode()


def test_the_referral_form_offers_only_agencies_under_a_valid_agreement(client, login_verified):
    world = sharing_world()
    login_verified(client, world.worker)
    body = client.get(f"/rujukan/kasus/{world.case.pk}/").content.decode()
    assert "BP3MI Nusa Tenggara Barat" in body
    world.agreement.valid_to = timezone.localdate() - timedelta(days=1)
    world.agreement.save()
    body = client.get(f"/rujukan/kasus/{world.case.pk}/").content.decode()
    assert "belum punya perjanjian kerja sama yang berlaku" in body
    response = client.post(
        f"/rujukan/kasus/{world.case.pk}/", {"to_agency": world.unit.pk, "purpose": "empowerment"}
    )
    assert response.status_code == 200 and not Referral.objects.exists()


def test_the_same_consent_twice_is_refused_so_one_withdrawal_ends_it(client, login_verified):
    """The consent form comes back filled in after saving; pressing save again recorded a
    second live consent, and withdrawing one then left the other allowing referrals."""
    from pulang.sharing.models import Consent

    world = sharing_world()
    login_verified(client, world.worker)
    url = f"/rujukan/persetujuan/kasus/{world.case.pk}/"
    given = {
        "purpose": "empowerment",
        "basis": "consent",
        "given_by": "Siti Rahmawati",
        "given_by_relation": "diri sendiri",
    }
    assert client.post(url, given).status_code == 302
    page = client.post(url, given).text
    today = timezone.localdate()
    assert f"Persetujuan ini sudah tercatat sejak {today:%d/%m/%Y}" in page
    assert Consent.objects.live().count() == 1

    client.post(f"/rujukan/persetujuan/{Consent.objects.get().pk}/tarik/")
    assert not Consent.objects.live().exists(), "one withdrawal ends it"
    assert client.post(url, given).status_code == 302, "given again after a withdrawal"
    assert Consent.objects.live().count() == 1


def test_a_grant_reads_with_its_thousands_grouped(client, login_verified):
    from decimal import Decimal

    from pulang.empowerment.services import enrol
    from pulang.sharing.services import referral_accept

    world = sharing_world()
    consent_record(
        actor=world.worker,
        person=world.case.person,
        purpose="empowerment",
        basis="consent",
        given_by="Siti",
    )
    referral = referral_send(
        actor=world.worker, case=world.case, to_agency=world.unit, purpose="empowerment"
    )
    referral_accept(actor=world.officer, referral=referral)
    enrol(
        actor=world.officer,
        programme=world.programme,
        case=world.case,
        referral=referral,
        amount=Decimal("5000000"),
    )
    login_verified(client, world.officer)
    assert "Rp 5.000.000" in client.get(f"/rujukan/{referral.pk}/").text
