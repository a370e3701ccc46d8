"""Sharing and empowerment through the API, as the partner systems of a shelter operator and of
the migrant-protection agency's regional unit meet them: consent, referrals under an agreement,
what the receiving agency may see and for how long, enrolments and follow-ups."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from pulang.accounts.tests.factories import UserFactory
from pulang.api.services import api_token_create
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.empowerment.models import FollowUp
from pulang.sharing.models import Consent, Referral
from pulang.sharing.tests.helpers import SharingWorld, sharing_world

pytestmark = pytest.mark.django_db

NIK = "5203014101900001"
PHONE = "+6281234567890"
SECRETS = (NIK, PHONE, "81234567890", "Catatanmedis Rahasia", "Kisah Rahasia")


def system_like(user, suffix: str = "api"):
    """A service account of the same agency with the same roles: only those hold tokens."""
    return UserFactory(
        is_service_account=True,
        username=f"{user.username}-{suffix}",
        agency=user.agency,
        roles=list(user.roles),
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    token = api_token_create(actor=None, user=user, name=f"Mitra {user.username}")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


def denials(user) -> int:
    return AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED).count()


class Partners:
    """The world, with the shelter's and the regional unit's systems holding tokens."""

    def __init__(self, world: SharingWorld) -> None:
        self.world = world
        self.shelter_system = system_like(world.worker)
        self.unit_system = system_like(world.officer)
        self.shelter = client_for(self.shelter_system)
        self.unit = client_for(self.unit_system)
        self.case = world.case

    def consent(self) -> dict:
        response = self.shelter.post(
            f"/api/v1/cases/{self.case.pk}/consents/",
            {"purpose": "empowerment", "basis": "consent", "given_by": "Siti Rahmawati"},
        )
        assert response.status_code == 201, response.content
        return response.json()

    def refer(self, **extra) -> Any:
        return self.shelter.post(
            f"/api/v1/cases/{self.case.pk}/referrals/",
            {"to_agency": "bp3mi-ntb", "purpose": "empowerment", **extra},
        )

    def referred(self) -> int:
        self.consent()
        response = self.refer(note="Ingin membuka warung")
        assert response.status_code == 201, response.content
        return response.json()["id"]


@pytest.fixture
def partners() -> Partners:
    return Partners(sharing_world())


@pytest.fixture
def narrow() -> Partners:
    """An agreement that opens identity and the case summary, not contact data."""
    return Partners(sharing_world(categories=("identity", "case_summary")))


# --- consent and the referral ---------------------------------------------------------------


def test_a_referral_without_consent_is_refused_with_the_reason(partners):
    error = error_of(partners.refer(), 400)
    assert error["code"] == "refused"
    assert "Catat dulu persetujuan orang ini" in error["message"]
    assert not Referral.objects.exists()
    assert partners.unit.get("/api/v1/referrals/").json()["waiting"] == []


def test_an_unknown_agency_or_purpose_is_named(partners):
    partners.consent()
    error = error_of(partners.refer(to_agency="tidak-ada", purpose="dagang"), 400)
    assert set(error["fields"]) == {"to_agency", "purpose"}


def test_consent_then_referral_reaches_the_receiving_agency(partners):
    consent = partners.consent()
    assert consent["given_by"] == "Siti Rahmawati"
    assert consent["given_by_relation"] == "diri sendiri"
    assert consent["withdrawn_at"] is None
    listed = partners.shelter.get(f"/api/v1/cases/{partners.case.pk}/consents/").json()
    assert [row["id"] for row in listed] == [consent["id"]]

    sent = partners.refer(note="Ingin membuka warung")
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert referral["status"] == "sent"
    assert (referral["from_agency"], referral["to_agency"]) == ("rptc-bambu-apus", "bp3mi-ntb")
    assert referral["agreement"] == "PKS-01/2026"
    assert referral["full_name"] == "Siti Rahmawati"

    inbox = partners.unit.get("/api/v1/referrals/").json()
    [waiting] = inbox["waiting"]
    assert waiting["id"] == referral["id"]
    assert waiting["full_name"] == "Siti Rahmawati"
    assert waiting["note"] == "Ingin membuka warung"
    assert not waiting["overdue"]
    assert inbox["active"] == [] and inbox["sent"] == []
    assert [row["id"] for row in partners.shelter.get("/api/v1/referrals/").json()["sent"]] == [
        referral["id"]
    ]
    again = error_of(partners.refer(), 400)
    assert "sudah dirujuk" in again["message"]


def test_a_referral_waiting_too_long_is_marked_overdue(partners):
    referral_id = partners.referred()
    Referral.objects.filter(pk=referral_id).update(sent_at=timezone.now() - timedelta(days=5))
    inbox = partners.unit.get("/api/v1/referrals/").json()
    assert inbox["reminder_days"] == 3
    assert inbox["waiting"][0]["overdue"] is True


def test_the_inbox_is_audited_with_the_people_it_names(partners):
    partners.referred()
    partners.unit.get("/api/v1/referrals/")
    event = AuditEvent.objects.filter(actor=partners.unit_system, action="view").latest(
        "occurred_at"
    )
    assert event.changes["ids"] == [partners.case.person_id]


# --- what the receiving agency sees -----------------------------------------------------------


def test_the_officer_sees_the_name_but_contact_is_outside_the_agreement(narrow):
    referral_id = narrow.referred()
    response = narrow.unit.get(f"/api/v1/referrals/{referral_id}/")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["receiving"] is True
    assert detail["categories"] == ["identity", "case_summary"]
    assert detail["person"]["full_name"] == "Siti Rahmawati"
    fields = {row["field"]: row for row in detail["person"]["fields"]}
    for contact in ("phone_id", "phone_my", "kin_name", "kin_phone"):
        assert fields[contact]["state"] == "outside" and fields[contact]["value"] == ""
    assert fields["nik"]["state"] == "masked"
    assert fields["health_notes"]["state"] == "outside"
    assert fields["trafficking_account"]["state"] == "outside"
    for secret in SECRETS:
        assert secret not in response.text, f"{secret!r} leaked"
    event = AuditEvent.objects.get(actor=narrow.unit_system, object_type="people.person")
    assert event.action == "view" and "PKS-01/2026" in event.summary
    # Who gave the consent is a name or a guardian's contact: not opened by this agreement.
    [consent] = narrow.unit.get(f"/api/v1/cases/{narrow.case.pk}/consents/").json()
    assert consent["purpose"] == "empowerment" and consent["given_by"] is None


def test_within_the_agreement_contact_is_shown_but_never_the_nik(partners):
    referral_id = partners.referred()
    response = partners.unit.get(f"/api/v1/referrals/{referral_id}/")
    fields = {row["field"]: row for row in response.json()["person"]["fields"]}
    assert fields["phone_id"] == {
        "field": "phone_id",
        "label": fields["phone_id"]["label"],
        "value": PHONE,
        "state": "shown",
    }
    assert fields["nik"]["state"] == "masked" and NIK not in response.text
    # A migrant-protection officer does not see health notes, whatever the agreement says.
    assert fields["health_notes"]["state"] in {"hidden", "outside"}
    assert "Catatanmedis Rahasia" not in response.text


def test_the_sender_sees_its_own_referral_not_as_the_receiver(partners):
    referral_id = partners.referred()
    detail = partners.shelter.get(f"/api/v1/referrals/{referral_id}/").json()
    assert detail["receiving"] is False
    assert detail["referral"]["status"] == "sent"
    assert NIK not in str(detail)
    event = AuditEvent.objects.filter(
        actor=partners.shelter_system, object_type="people.person"
    ).latest("occurred_at")
    assert "PKS-01/2026" not in event.summary


def test_an_expired_agreement_ends_the_officers_access_at_once(partners):
    referral_id = partners.referred()
    url = f"/api/v1/referrals/{referral_id}/"
    assert partners.unit.get(url).status_code == 200
    agreement = partners.world.agreement
    agreement.valid_to = timezone.localdate() - timedelta(days=1)
    agreement.save()
    before = denials(partners.unit_system)
    error_of(partners.unit.get(url), 404)
    assert denials(partners.unit_system) == before + 1, "the attempt is recorded"
    assert partners.unit.get("/api/v1/referrals/").json()["waiting"] == []
    error_of(partners.unit.post(f"{url}accept/", {}), 404)
    error_of(partners.unit.get(f"/api/v1/cases/{partners.case.pk}/consents/"), 404)
    # The sender still has its own record of it.
    assert partners.shelter.get(url).status_code == 200


def test_withdrawing_consent_ends_the_referral_too(partners):
    referral_id = partners.referred()
    consent_id = Consent.objects.get().pk
    url = f"/api/v1/referrals/{referral_id}/"
    assert partners.unit.get(url).status_code == 200
    withdrawn = partners.shelter.post(f"/api/v1/consents/{consent_id}/withdraw/")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["withdrawn_at"] is not None
    error_of(partners.unit.get(url), 404)
    ended = partners.shelter.get(url).json()["referral"]
    assert ended["status"] == "ended"
    assert ended["response_note"] == "Persetujuan ditarik"
    again = error_of(partners.shelter.post(f"/api/v1/consents/{consent_id}/withdraw/"), 400)
    assert again["code"] == "refused" and "sudah ditarik" in again["message"]
    refused = error_of(partners.refer(), 400)
    assert "persetujuan" in refused["message"]


# --- answering, enrolling, following up ---------------------------------------------------------


def test_accept_enrol_and_record_the_first_follow_up(partners):
    referral_id = partners.referred()
    url = f"/api/v1/referrals/{referral_id}/"
    early = error_of(
        partners.unit.post(f"{url}enrolments/", {"programme": "modal-usaha-ntb"}),
        400,
    )
    assert early["message"] == "Terima dulu rujukannya."

    accepted = partners.unit.post(f"{url}accept/", {"note": "Kami dampingi"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert partners.unit.get("/api/v1/referrals/").json()["active"][0]["id"] == referral_id

    programmes = partners.unit.get("/api/v1/programmes/").json()
    assert programmes == [
        {
            "code": "modal-usaha-ntb",
            "name": "Bantuan modal usaha NTB",
            "kind": "business_capital",
            "followup_months": [1, 3, 6, 12],
        }
    ]
    started = timezone.localdate() - timedelta(days=40)
    enrolled = partners.unit.post(
        f"{url}enrolments/",
        {"programme": "modal-usaha-ntb", "amount": "5000000", "enrolled_on": started.isoformat()},
    )
    assert enrolled.status_code == 201, enrolled.content
    assert enrolled.json()["programme"] == "modal-usaha-ntb"
    assert enrolled.json()["amount"] == "5000000"
    twice = partners.unit.post(f"{url}enrolments/", {"programme": "modal-usaha-ntb"})
    assert "sudah terdaftar" in error_of(twice, 400)["message"]

    detail = partners.unit.get(url).json()
    assert [e["programme"] for e in detail["enrolments"]] == ["modal-usaha-ntb"]
    assert [f["months_after"] for f in detail["followups"]] == [1, 3, 6, 12]
    assert all(f["done_at"] is None for f in detail["followups"])
    assert FollowUp.objects.filter(agency=partners.world.unit).count() == 4

    due = partners.unit.get("/api/v1/followups/").json()
    [first] = due["overdue"]
    assert first["months_after"] == 1 and first["full_name"] == "Siti Rahmawati"
    assert first["programme"] == "modal-usaha-ntb"
    assert due["due"] == []

    record = f"/api/v1/followups/{first['id']}/record/"
    unsure = partners.unit.post(record, {"reached": True, "wants_abroad": True})
    assert "melalui jalur apa" in error_of(unsure, 400)["message"]
    recorded = partners.unit.post(
        record,
        {
            "reached": True,
            "monthly_income": "2500000",
            "business_running": True,
            "wants_abroad": False,
            "safe_migration_knowledge": "good",
            "needs": "Pelatihan pembukuan",
        },
    )
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["done_at"] is not None and body["reached"] is True
    assert (body["monthly_income"], body["business_running"]) == ("2500000", True)
    assert partners.unit.get("/api/v1/followups/").json()["overdue"] == []
    assert (
        "sudah dicatat" in error_of(partners.unit.post(record, {"reached": False}), 400)["message"]
    )

    outcome = partners.unit.post(
        f"/api/v1/cases/{partners.case.pk}/outcome/",
        {"outcome": "independent", "evidence": "Warung berjalan"},
    )
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["outcome"] == "independent"
    assert Case.objects.get(pk=partners.case.pk).outcome == "independent"
    completed = partners.unit.post(f"{url}complete/", {})
    assert completed.json()["status"] == "completed"


def test_a_follow_up_not_reached_is_a_result_too(partners):
    referral_id = partners.referred()
    partners.unit.post(f"/api/v1/referrals/{referral_id}/accept/", {})
    partners.unit.post(
        f"/api/v1/referrals/{referral_id}/enrolments/", {"programme": "modal-usaha-ntb"}
    )
    followup = FollowUp.objects.get(months_after=1)
    response = partners.unit.post(
        f"/api/v1/followups/{followup.pk}/record/", {"reached": False, "monthly_income": "100"}
    )
    assert response.status_code == 200
    assert response.json()["reached"] is False
    assert response.json()["monthly_income"] is None


def test_declining_needs_a_reason_and_ends_the_access(partners):
    referral_id = partners.referred()
    url = f"/api/v1/referrals/{referral_id}/"
    assert "reason" in error_of(partners.unit.post(f"{url}decline/", {}), 400)["fields"]
    blank = partners.unit.post(f"{url}decline/", {"reason": "   "})
    assert "reason" in error_of(blank, 400)["fields"]
    declined = partners.unit.post(f"{url}decline/", {"reason": "Di luar wilayah kami"})
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    assert declined.json()["response_note"] == "Di luar wilayah kami"
    error_of(partners.unit.get(url), 404)
    assert partners.shelter.get(url).json()["referral"]["status"] == "declined"


def test_only_the_receiving_agency_answers(partners):
    referral_id = partners.referred()
    social_office = system_like(
        UserFactory(
            username="dinsos",
            agency=partners.world.ministry,
            roles=["regional_social_officer"],
        )
    )
    response = client_for(social_office).post(f"/api/v1/referrals/{referral_id}/accept/", {})
    error = error_of(response, 400)
    assert error["code"] == "refused" and "Hanya instansi yang dirujuk" in error["message"]


# --- capabilities -----------------------------------------------------------------------------


def test_roles_without_the_capability_get_403_and_it_is_audited(partners):
    referral_id = partners.referred()
    consent_id = Consent.objects.get().pk
    case_url = f"/api/v1/cases/{partners.case.pk}"
    refusals = [
        # The shelter's social worker refers and records consent, but answers nothing.
        (partners.shelter, partners.shelter_system, f"/api/v1/referrals/{referral_id}/accept/"),
        (partners.shelter, partners.shelter_system, f"/api/v1/referrals/{referral_id}/decline/"),
        (partners.shelter, partners.shelter_system, f"{case_url}/outcome/"),
        # The migrant-protection officer answers, but neither refers nor records consent.
        (partners.unit, partners.unit_system, f"{case_url}/referrals/"),
        (partners.unit, partners.unit_system, f"{case_url}/consents/"),
        (partners.unit, partners.unit_system, f"/api/v1/consents/{consent_id}/withdraw/"),
    ]
    for client, system, url in refusals:
        before = denials(system)
        assert error_of(client.post(url, {}), 403)["code"] == "permission_denied"
        assert denials(system) == before + 1, url
    analyst = system_like(
        UserFactory(username="analis", agency=partners.world.ministry, roles=["hq_analyst"])
    )
    as_analyst = client_for(analyst)
    for url in ("/api/v1/referrals/", "/api/v1/followups/", "/api/v1/programmes/"):
        response = as_analyst.get(url)
        error_of(response, 403)
        assert "Siti" not in response.text
    assert Consent.objects.get().withdrawn_at is None
    assert Referral.objects.get().status == "sent"
