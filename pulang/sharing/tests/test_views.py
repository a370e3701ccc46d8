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
