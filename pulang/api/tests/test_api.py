"""The API as a partner system sees it: tokens, scope, masking, audit, pagination, schema."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from pulang.access.models import AccessGrant
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.api.models import ApiToken
from pulang.api.services import api_token_create, api_token_revoke
from pulang.audit.models import AuditEvent
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory
from pulang.regions.tests.factories import tanjung_pinang_villages

pytestmark = pytest.mark.django_db

NIK = "3201234567891234"
PASSPORT = "C1234567"
HEALTH = "Luka di tangan kiri, perlu kontrol"
TRAFFICKING = "Direkrut calo di Batam, paspor ditahan majikan"

PERSONS = "/api/v1/persons/"


def detail(person: Person) -> str:
    return f"/api/v1/persons/{person.pk}/"


def reveal(person: Person) -> str:
    return f"/api/v1/persons/{person.pk}/reveal/"


def client_for(token: str | None) -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def token_for(user) -> str:
    return api_token_create(actor=None, user=user, name=f"Mitra {user.username}")


def events(user, action: str, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=action, **filters))


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body


@pytest.fixture
def agency_a():
    return AgencyFactory(code="rptc-tanjungpinang")


@pytest.fixture
def agency_b():
    return AgencyFactory(code="rptc-jakarta")


@pytest.fixture
def worker(agency_a):
    return UserFactory(
        is_service_account=True,
        username="mitra-a",
        agency=agency_a,
        roles=["shelter_social_worker"],
    )


@pytest.fixture
def worker_client(worker) -> APIClient:
    return client_for(token_for(worker))


@pytest.fixture
def siti(agency_a) -> Person:
    return PersonFactory(
        full_name="Siti Aminah",
        registered_by=agency_a,
        nik=NIK,
        travel_document=Person.TravelDocument.PASSPORT,
        travel_document_number=PASSPORT,
        health_notes=HEALTH,
        trafficking_account=TRAFFICKING,
    )


@pytest.fixture
def outsider(agency_b) -> Person:
    return PersonFactory(
        full_name="Wulandari Kusumawati", registered_by=agency_b, nik="3578000011112222"
    )


# --- authentication -------------------------------------------------------------------------


def test_no_token_is_401_with_the_error_body_and_a_challenge(siti):
    response = client_for(None).get(PERSONS)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Siti" not in response.text


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer not-a-pulang-token",
        "Bearer pul_abc def",
        "Token pul_",
    ],
)
def test_malformed_authorization_is_401(siti, header):
    response = APIClient().get(PERSONS, HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Siti" not in response.text


def test_another_scheme_is_treated_as_no_token(siti):
    response = APIClient().get(PERSONS, HTTP_AUTHORIZATION="Basic bWl0cmE6cmFoYXNpYQ==")
    assert_error(response, 401, "not_authenticated")


def test_unknown_token_is_401(worker, siti):
    real = token_for(worker)
    key_id = real.removeprefix("pul_").split("_", 1)[0]
    unknown_key = client_for("pul_000000000000_" + "x" * 43).get(PERSONS)
    assert_error(unknown_key, 401, "authentication_failed")
    wrong_secret = client_for(f"pul_{key_id}_{'y' * 43}").get(PERSONS)
    assert_error(wrong_secret, 401, "authentication_failed")
    assert "Siti" not in unknown_key.text + wrong_secret.text


def test_a_valid_token_works_and_records_its_use(worker, siti):
    token = token_for(worker)
    record = ApiToken.objects.get(user=worker)
    assert record.last_used_at is None
    assert token not in {record.key_hash, record.key_id}  # only a hash is kept
    response = client_for(token).get(PERSONS)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_last_use_is_refreshed_after_more_than_a_day(worker, siti):
    token = token_for(worker)
    long_ago = timezone.now() - timedelta(days=3, seconds=10)
    ApiToken.objects.filter(user=worker).update(last_used_at=long_ago)
    assert client_for(token).get(PERSONS).status_code == 200
    used = ApiToken.objects.get(user=worker).last_used_at
    assert used is not None and used > timezone.now() - timedelta(minutes=1)


def test_last_use_is_not_rewritten_on_every_call(worker, siti):
    token = token_for(worker)
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(user=worker).update(last_used_at=recent)
    assert client_for(token).get(PERSONS).status_code == 200
    assert ApiToken.objects.get(user=worker).last_used_at == recent


@pytest.mark.parametrize("token", ["pul_ab\x00cd_x", "pul_\x00", "pul_ABCDEF012345_x", "pul__x"])
def test_a_token_with_a_malformed_key_is_401_not_an_error(worker, token):
    assert_error(client_for(token).get("/api/v1/me/"), 401, "authentication_failed")


def test_revoked_token_is_401_at_once(worker, siti):
    token = token_for(worker)
    client = client_for(token)
    assert client.get(PERSONS).status_code == 200
    api_token_revoke(actor=None, token=ApiToken.objects.get(user=worker))
    response = client.get(PERSONS)
    assert_error(response, 401, "authentication_failed")
    assert "Siti" not in response.text


def test_expired_token_is_401(worker, siti):
    token = token_for(worker)
    ApiToken.objects.filter(user=worker).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(token).get(PERSONS)
    assert_error(response, 401, "authentication_failed")
    assert "Siti" not in response.text


def test_token_of_a_deactivated_account_is_401(worker, siti):
    token = token_for(worker)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert_error(client_for(token).get(PERSONS), 401, "authentication_failed")


def test_token_is_issued_with_an_expiry_and_audited(worker):
    token = token_for(worker)
    assert token.startswith("pul_")
    record = ApiToken.objects.get(user=worker)
    assert record.expires_at is not None
    assert record.expires_at > timezone.now() + timedelta(days=364)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="api.apitoken", object_id=str(record.pk)
    ).exists()


# --- scope ----------------------------------------------------------------------------------


def test_list_shows_only_people_registered_by_the_callers_agency(
    worker, worker_client, siti, outsider
):
    other_a = PersonFactory(full_name="Ani Lestari", registered_by=siti.registered_by)
    response = worker_client.get(PERSONS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [other_a.pk, siti.pk]  # by name
    assert outsider.full_name not in response.text
    assert "Wulandari" not in response.text


def test_list_is_audited_with_the_ids_shown(worker, worker_client, siti, outsider):
    worker_client.get(PERSONS)
    [event] = events(worker, AuditEvent.Action.VIEW, object_type="people.person")
    assert event.changes["ids"] == [siti.pk]
    assert event.changes["count"] == 1
    assert event.agency_id_at_time == worker.agency_id


def test_search_is_audited_as_a_search_and_stays_in_scope(worker, worker_client, siti, outsider):
    PersonFactory(full_name="Siti Rahayu", registered_by=outsider.registered_by)
    response = worker_client.get(PERSONS, {"q": "siti"})
    body = response.json()
    assert [row["full_name"] for row in body["results"]] == ["Siti Aminah"]
    assert "Rahayu" not in response.text
    [event] = events(worker, AuditEvent.Action.SEARCH)
    assert event.changes["ids"] == [siti.pk]
    assert "siti" in event.summary


def test_detail_of_another_agencys_person_is_the_same_404_as_a_missing_one(
    worker, worker_client, siti, outsider
):
    missing_id = Person.objects.order_by("-pk").first().pk + 1000
    out_of_scope = worker_client.get(detail(outsider))
    missing = worker_client.get(f"/api/v1/persons/{missing_id}/")
    body = assert_error(out_of_scope, 404, "not_found")
    assert_error(missing, 404, "not_found")
    assert body == missing.json()
    assert out_of_scope.content == missing.content
    assert out_of_scope["Content-Type"] == missing["Content-Type"]
    for name_part in ("Wulandari", "Kusumawati", outsider.nik):
        assert name_part not in out_of_scope.text


def test_an_out_of_scope_attempt_is_audited_as_denied(worker, worker_client, outsider):
    missing_id = outsider.pk + 1000
    worker_client.get(detail(outsider))
    worker_client.get(f"/api/v1/persons/{missing_id}/")
    denied = events(worker, AuditEvent.Action.DENIED)
    assert [(e.object_type, e.object_id) for e in denied] == [("people.person", str(outsider.pk))]
    assert not events(worker, AuditEvent.Action.VIEW)


def test_reveal_of_another_agencys_person_is_404_and_reveals_nothing(
    worker, worker_client, outsider
):
    response = worker_client.post(reveal(outsider))
    assert_error(response, 404, "not_found")
    assert outsider.nik not in response.text
    assert "Wulandari" not in response.text
    assert not events(worker, AuditEvent.Action.REVEAL)
    assert events(worker, AuditEvent.Action.DENIED, object_id=str(outsider.pk))


def test_a_search_with_a_nul_character_is_answered(worker_client, siti):
    response = worker_client.get(PERSONS, {"q": "Si\x00ti"})
    assert response.status_code == 200
    assert [row["full_name"] for row in response.json()["results"]] == ["Siti Aminah"]


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "99999999999999999999", "1\x00"])
def test_odd_ids_are_404_not_errors(worker_client, siti, bad_id):
    assert_error(worker_client.get(f"/api/v1/persons/{bad_id}/"), 404, "not_found")


# --- detail, masking, reveal ----------------------------------------------------------------


def test_detail_masks_identity_numbers_and_is_audited(worker, worker_client, siti):
    response = worker_client.get(detail(siti))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == siti.pk
    assert data["full_name"] == "Siti Aminah"
    assert data["nik"].endswith(NIK[-4:])
    assert NIK not in response.text
    assert NIK[:12] not in response.text
    assert data["travel_document_number"].endswith(PASSPORT[-4:])
    assert PASSPORT not in response.text
    assert data["identity_numbers_revealed"] is False
    [event] = events(worker, AuditEvent.Action.VIEW)
    assert (event.object_type, event.object_id) == ("people.person", str(siti.pk))
    assert event.request_id == response["X-Request-ID"]  # the trail leads back to the call


def test_list_masks_identity_numbers_too(worker_client, siti):
    response = worker_client.get(PERSONS)
    [row] = response.json()["results"]
    assert row["nik"].endswith(NIK[-4:])
    assert NIK not in response.text
    assert PASSPORT not in response.text


def test_reveal_shows_the_full_nik_and_is_audited(worker, worker_client, siti):
    response = worker_client.post(reveal(siti))
    assert response.status_code == 200
    data = response.json()
    assert data["nik"] == NIK
    assert data["travel_document_number"] == PASSPORT
    assert data["identity_numbers_revealed"] is True
    [event] = events(worker, AuditEvent.Action.REVEAL)
    assert (event.object_type, event.object_id) == ("people.person", str(siti.pk))
    # A reveal does not stick: the next plain read is masked again.
    assert NIK not in worker_client.get(detail(siti)).text


def test_reveal_needs_post(worker, worker_client, siti):
    response = worker_client.get(reveal(siti))
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]
    assert NIK not in response.text
    assert not events(worker, AuditEvent.Action.REVEAL)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_people_cannot_be_changed_through_the_api(worker_client, siti, method):
    response = getattr(worker_client, method)(detail(siti), {"full_name": "X"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    siti.refresh_from_db()
    assert siti.full_name == "Siti Aminah"


def test_shelter_social_worker_sees_health_and_trafficking_accounts(worker_client, siti):
    data = worker_client.get(detail(siti)).json()
    assert data["health_notes"] == HEALTH
    assert data["trafficking_account"] == TRAFFICKING


@pytest.fixture
def officer():
    return UserFactory(
        is_service_account=True,
        username="bp2mi-batam",
        agency=AgencyFactory(code="bp2mi-batam"),
        roles=["migrant_protection_officer"],
    )


@pytest.fixture
def grant(officer, siti) -> AccessGrant:
    return AccessGrant.objects.create(
        person=siti, agency=officer.agency, basis=AccessGrant.Basis.HANDOVER
    )


def test_a_granted_agency_sees_the_person_without_sensitive_accounts(
    officer, grant, siti, outsider
):
    client = client_for(token_for(officer))
    listing = client.get(PERSONS).json()
    assert [row["id"] for row in listing["results"]] == [siti.pk]
    response = client.get(detail(siti))
    assert response.status_code == 200
    data = response.json()
    assert data["full_name"] == "Siti Aminah"
    assert data["health_notes"] is None
    assert data["trafficking_account"] is None
    assert HEALTH not in response.text and TRAFFICKING not in response.text
    assert data["nik"].endswith(NIK[-4:]) and NIK not in response.text


def test_a_role_without_reveal_cannot_reveal(officer, grant, siti):
    response = client_for(token_for(officer)).post(reveal(siti))
    assert_error(response, 403, "permission_denied")
    assert NIK not in response.text
    assert not events(officer, AuditEvent.Action.REVEAL)
    assert events(officer, AuditEvent.Action.DENIED, object_type="api")


def test_revoking_a_grant_ends_access_at_once(officer, grant, siti):
    client = client_for(token_for(officer))
    assert client.get(detail(siti)).status_code == 200
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    response = client.get(detail(siti))
    assert_error(response, 404, "not_found")
    assert "Siti" not in response.text
    assert client.get(PERSONS).json()["count"] == 0
    assert events(officer, AuditEvent.Action.DENIED, object_id=str(siti.pk))


def test_an_ended_grant_gives_no_access(officer, grant, siti):
    client = client_for(token_for(officer))
    assert client.get(detail(siti)).status_code == 200
    grant.ends_at = timezone.now() - timedelta(seconds=1)
    grant.save(update_fields=["ends_at"])
    assert_error(client.get(detail(siti)), 404, "not_found")
    assert client.get(PERSONS).json()["count"] == 0


def test_a_grant_that_has_not_started_gives_no_access(officer, siti):
    AccessGrant.objects.create(
        person=siti,
        agency=officer.agency,
        basis=AccessGrant.Basis.REFERRAL,
        starts_at=timezone.now() + timedelta(days=1),
    )
    assert_error(client_for(token_for(officer)).get(detail(siti)), 404, "not_found")


def test_a_grant_to_another_agency_does_not_help(officer, siti, agency_b):
    AccessGrant.objects.create(person=siti, agency=agency_b, basis=AccessGrant.Basis.HANDOVER)
    assert_error(client_for(token_for(officer)).get(detail(siti)), 404, "not_found")


# --- capabilities ---------------------------------------------------------------------------


@pytest.fixture
def analyst(agency_a):
    return UserFactory(
        is_service_account=True, username="analis-pusat", agency=agency_a, roles=["hq_analyst"]
    )


def test_an_analyst_gets_403_on_persons_and_it_is_audited(analyst, siti):
    client = client_for(token_for(analyst))
    response = client.get(PERSONS)
    assert_error(response, 403, "permission_denied")
    assert "Siti" not in response.text
    detail_response = client.get(detail(siti))
    assert_error(detail_response, 403, "permission_denied")
    assert "Siti" not in detail_response.text
    denied = events(analyst, AuditEvent.Action.DENIED)
    assert len(denied) == 2
    assert all(e.object_type == "api" and "person.view" in e.summary for e in denied)
    assert not events(analyst, AuditEvent.Action.VIEW)


def test_an_analyst_can_still_use_regions_and_me(analyst):
    client = client_for(token_for(analyst))
    assert client.get("/api/v1/regions/", {"q": "xx"}).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_user_without_an_agency_sees_no_one(siti):
    loner = UserFactory(
        is_service_account=True,
        username="tanpa-instansi",
        agency=None,
        roles=["shelter_social_worker"],
    )
    client = client_for(token_for(loner))
    assert client.get(PERSONS).json() == {
        "count": 0,
        "count_capped": False,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert_error(client.get(detail(siti)), 404, "not_found")


# --- pagination -----------------------------------------------------------------------------


def test_pagination_pages_through_everyone(worker, worker_client, agency_a):
    people = [PersonFactory(full_name=f"Orang {i:02}", registered_by=agency_a) for i in range(5)]
    first = worker_client.get(PERSONS, {"page_size": 2}).json()
    assert set(first) == {"count", "count_capped", "next", "previous", "results"}
    assert first["count"] == 5
    assert first["previous"] is None
    assert [row["id"] for row in first["results"]] == [p.pk for p in people[:2]]
    assert "page=2" in first["next"] and "page_size=2" in first["next"]

    second = worker_client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [p.pk for p in people[2:4]]
    assert second["previous"] is not None

    last = worker_client.get(second["next"]).json()
    assert [row["id"] for row in last["results"]] == [people[4].pk]
    assert last["next"] is None

    # Each page audits exactly the people it showed.
    shown = [e.changes["ids"] for e in reversed(events(worker, AuditEvent.Action.VIEW))]
    assert shown == [[p.pk for p in people[:2]], [p.pk for p in people[2:4]], [people[4].pk]]


def test_page_size_is_capped_at_200(worker_client, agency_a):
    Person.objects.bulk_create(
        Person(full_name=f"Orang {i:03}", sex=Person.Sex.MALE, registered_by=agency_a)
        for i in range(205)
    )
    body = worker_client.get(PERSONS, {"page_size": 1000}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] is not None
    assert len(worker_client.get(PERSONS).json()["results"]) == 50  # the default


def test_a_page_past_the_end_is_404_with_the_error_body(worker_client, siti):
    response = worker_client.get(PERSONS, {"page": 9})
    assert_error(response, 404, "not_found")
    assert "Siti" not in response.text


# --- me -------------------------------------------------------------------------------------


def test_me_reports_agency_roles_and_capabilities(worker, worker_client):
    response = worker_client.get("/api/v1/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "mitra-a"
    assert data["agency"] == "rptc-tanjungpinang"
    assert data["roles"] == ["shelter_social_worker"]
    assert {"person.view", "identity.reveal", "sensitive.view", "region.view"} <= set(
        data["capabilities"]
    )
    assert "system.administer" not in data["capabilities"]
    assert "audit.view" not in data["capabilities"]


def test_me_for_an_analyst_lists_no_person_capabilities(analyst):
    data = client_for(token_for(analyst)).get("/api/v1/me/").json()
    assert data["roles"] == ["hq_analyst"]
    assert sorted(data["capabilities"]) == ["aggregate.view", "region.view"]


def test_me_needs_a_token():
    assert_error(client_for(None).get("/api/v1/me/"), 401, "not_authenticated")


# --- regions --------------------------------------------------------------------------------


@pytest.fixture
def small_tree():
    return tanjung_pinang_villages()


def test_regions_finds_a_village_by_part_of_its_name(worker_client, small_tree):
    response = worker_client.get("/api/v1/regions/", {"q": "domp"})
    assert response.status_code == 200
    assert response.json() == [
        {"code": "21.72.01.1001", "level": 4, "name": "Dompak", "parent": "21.72.01"}
    ]


def test_regions_finds_villages_by_their_districts_name(worker_client, small_tree):
    data = worker_client.get("/api/v1/regions/", {"q": "bestari"}).json()
    assert [row["name"] for row in data] == ["Dompak", "Tanjung Ayun Sakti"]


def test_regions_can_ask_for_another_level(worker_client, small_tree):
    data = worker_client.get("/api/v1/regions/", {"q": "tanjung pinang", "level": 2}).json()
    assert [row["code"] for row in data] == ["21.72"]
    # A level that does not exist falls back to villages rather than failing.
    fallback = worker_client.get("/api/v1/regions/", {"q": "bestari", "level": "9"})
    assert fallback.status_code == 200
    assert {row["level"] for row in fallback.json()} == {4}


def test_regions_without_a_query_or_a_match_is_an_empty_list(worker_client, small_tree):
    assert worker_client.get("/api/v1/regions/").json() == []
    assert worker_client.get("/api/v1/regions/", {"q": "zzzz"}).json() == []


def test_regions_search_with_a_nul_character_is_answered(worker_client, small_tree):
    response = worker_client.get("/api/v1/regions/", {"q": "dom\x00pak"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == ["21.72.01.1001"]


def test_regions_need_a_token(small_tree):
    assert_error(client_for(None).get("/api/v1/regions/", {"q": "domp"}), 401)


# --- openapi --------------------------------------------------------------------------------


def test_openapi_is_served_as_json_without_a_token():
    response = client_for(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert set(schema["paths"]) == {
        "/api/v1/me/",
        "/api/v1/persons/",
        "/api/v1/persons/{id}/",
        "/api/v1/persons/{id}/reveal/",
        "/api/v1/regions/",
        "/api/v1/shelters/",
        "/api/v1/shelters/{shelter_id}/residents/",
        "/api/v1/shelters/{shelter_id}/admissions/",
        "/api/v1/shelters/{shelter_id}/meals/",
        "/api/v1/shelters/{shelter_id}/day/",
        "/api/v1/shelters/{shelter_id}/items/",
        "/api/v1/shelters/{shelter_id}/sessions/",
        "/api/v1/activity-kinds/",
        "/api/v1/stays/{stay_id}/discharge/",
        "/api/v1/stays/{stay_id}/transfer/",
        "/api/v1/screenings/{screening_id}/review/",
        "/api/v1/cases/{case_id}/",
        "/api/v1/cases/{case_id}/screenings/",
        "/api/v1/cases/{case_id}/needs/",
        "/api/v1/cases/{case_id}/notes/",
        "/api/v1/cases/{case_id}/tasks/",
        "/api/v1/cases/{case_id}/close/",
        "/api/v1/sessions/{session_id}/attendance/",
        "/api/v1/tasks/{task_id}/done/",
        "/api/v1/cases/{case_id}/referrals/",
        "/api/v1/cases/{case_id}/consents/",
        "/api/v1/cases/{case_id}/outcome/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{referral_id}/",
        "/api/v1/referrals/{referral_id}/accept/",
        "/api/v1/referrals/{referral_id}/decline/",
        "/api/v1/referrals/{referral_id}/complete/",
        "/api/v1/referrals/{referral_id}/enrolments/",
        "/api/v1/consents/{consent_id}/withdraw/",
        "/api/v1/programmes/",
        "/api/v1/followups/",
        "/api/v1/followups/{followup_id}/record/",
    }
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert all(op["security"] == [{"apiToken": []}] for op in operations)
    assert list(schema["paths"]["/api/v1/persons/{id}/reveal/"]) == ["post"]
    assert sorted(schema["paths"]["/api/v1/shelters/{shelter_id}/sessions/"]) == ["get", "post"]
    assert sorted(schema["paths"]["/api/v1/cases/{case_id}/consents/"]) == ["get", "post"]


def test_openapi_documents_the_error_body():
    schema = client_for(None).get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "401" in operation["responses"], f"{method} {path}"
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error["required"] == ["error"]
            assert set(error["properties"]["error"]["required"]) == {"code", "message"}
    person = schema["paths"]["/api/v1/persons/{id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(person)


def test_openapi_describes_what_the_regions_endpoint_returns(worker_client, small_tree):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/regions/"]["get"]
    documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
    actual = worker_client.get("/api/v1/regions/", {"q": "domp"}).json()
    assert isinstance(actual, list)
    assert documented.get("type") == "array"
    assert "page" not in {p["name"] for p in operation.get("parameters", [])}


def test_a_staff_account_cannot_hold_an_api_token(client, agency_a):
    staff = UserFactory(username="staf-biasa", agency=agency_a, roles=["shelter_social_worker"])
    with pytest.raises(ValueError, match="service accounts"):
        api_token_create(actor=None, user=staff, name="x")
    # Even a token made before the account lost its service flag stops working.
    system = UserFactory(
        is_service_account=True,
        username="dulu-sistem",
        agency=agency_a,
        roles=["shelter_social_worker"],
    )
    token = api_token_create(actor=None, user=system, name="x")
    system.is_service_account = False
    system.save()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_long_list_says_its_count_stopped(siti, worker_client, monkeypatch):
    from pulang.core.paging import CappedPaginator

    assert worker_client.get(PERSONS).json()["count_capped"] is False
    monkeypatch.setattr(CappedPaginator, "cap", 0)
    answer = worker_client.get(PERSONS).json()
    assert answer["count_capped"] is True and answer["count"] == 1
