"""Shelter life through the API, as a shelter agency's partner system meets it: its shelters,
who lives there on a day, admissions, meals, attendance, screenings and a case's timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.api.services import api_token_create
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case, CaseNote, NeedsAssessment, Screening, Task
from pulang.cases.services import CaseError, screening_record
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.models import ActivityKind, ActivitySession, Attendance, Provision, Stay
from pulang.shelters.services import session_create, stay_admit, stay_discharge

pytestmark = pytest.mark.django_db

NIK = "3201234567891234"
HEALTH = "Luka di tangan kiri, perlu kontrol"
TRAFFICKING = "Direkrut calo di Batam, paspor ditahan majikan"


def client_for(user) -> APIClient:
    client = APIClient()
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


@pytest.fixture
def agency():
    return AgencyFactory(code="rptc-tanjungpinang")


@pytest.fixture
def other_agency():
    return AgencyFactory(code="rptc-jakarta")


@pytest.fixture
def shelter(agency):
    return ShelterFactory(
        agency=agency,
        code="rptc-tpi",
        name="RPTC Tanjung Pinang",
        capacity_men=2,
        capacity_women=2,
        capacity_children=1,
    )


@pytest.fixture
def other_shelter(other_agency):
    return ShelterFactory(agency=other_agency, code="rptc-jkt", name="RPTC Jakarta")


@pytest.fixture
def system(agency):
    return UserFactory(
        is_service_account=True,
        username="mitra-rptc",
        agency=agency,
        roles=["shelter_social_worker"],
    )


@pytest.fixture
def api(system) -> APIClient:
    return client_for(system)


@pytest.fixture
def staff(agency):
    """The shelter head who records things through the pages."""
    return UserFactory(agency=agency, roles=["shelter_head"])


def new_case(agency, name: str, **person) -> Case:
    return CaseFactory(
        owning_agency=agency,
        person__full_name=name,
        **{f"person__{key}": value for key, value in person.items()},
    )


@pytest.fixture
def siti(agency) -> Case:
    return new_case(
        agency,
        "Siti Aminah",
        nik=NIK,
        health_notes=HEALTH,
        trafficking_account=TRAFFICKING,
    )


@pytest.fixture
def outsider(other_agency) -> Case:
    return new_case(other_agency, "Wulandari Kusumawati")


# --- shelters -------------------------------------------------------------------------------


def test_lists_its_agencys_shelters_and_not_anothers(api, shelter, other_shelter, siti, staff):
    stay_admit(actor=staff, shelter=shelter, cases=[siti])
    ShelterFactory(agency=shelter.agency, code="pos-tpi", name="Pos Tanjung Pinang")
    response = api.get("/api/v1/shelters/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["code"] for row in rows] == ["pos-tpi", "rptc-tpi"]  # by name
    assert rows[1] == {
        "id": shelter.pk,
        "code": "rptc-tpi",
        "name": "RPTC Tanjung Pinang",
        "kind": "rptc",
        "capacity_men": 2,
        "capacity_women": 2,
        "capacity_children": 1,
        "present": 1,
    }
    assert "Jakarta" not in response.text


def test_a_role_that_sees_no_names_cannot_list_shelters(agency, shelter):
    analyst = UserFactory(
        is_service_account=True, username="analis", agency=agency, roles=["hq_analyst"]
    )
    error = error_of(client_for(analyst).get("/api/v1/shelters/"), 403)
    assert error["code"] == "permission_denied"
    assert denials(analyst) == 1


# --- residents ------------------------------------------------------------------------------


def residents_url(shelter) -> str:
    return f"/api/v1/shelters/{shelter.pk}/residents/"


def test_residents_today_and_on_a_past_date(api, system, shelter, staff, siti, agency):
    now = timezone.now()
    today = timezone.localdate()
    budi = new_case(agency, "Budi Santoso", sex="M")
    stay_admit(actor=staff, shelter=shelter, cases=[budi], at=now - timedelta(days=10))
    stay_discharge(
        actor=staff,
        stay=Stay.objects.get(case=budi),
        reason=Stay.DischargeReason.REFERRED_HOSPITAL,
        at=now - timedelta(days=3),
    )
    [siti_stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])

    response = api.get(residents_url(shelter))
    assert response.status_code == 200
    board = response.json()
    assert board["date"] == today.isoformat()
    assert board["total"] == 1
    assert board["by_sex"] == {"F": 1}
    assert board["by_category"] == {"women": 1}
    assert board["by_age"]["?"] == 1  # no birth date recorded
    [resident] = board["residents"]
    assert resident["stay_id"] == siti_stay.pk
    assert resident["case_id"] == siti.pk
    assert resident["person_id"] == siti.person_id
    assert resident["full_name"] == "Siti Aminah"
    assert resident["sex"] == "F"
    assert resident["days"] == 0
    assert resident["flags"] == []
    assert resident["tasks_due"] == 0
    for secret in (NIK, HEALTH, TRAFFICKING):
        assert secret not in response.text
    assert "Budi" not in response.text  # gone to hospital three days ago

    five_days_ago = today - timedelta(days=5)
    past = api.get(residents_url(shelter), {"date": five_days_ago.isoformat()})
    assert past.status_code == 200
    assert past.json()["total"] == 1
    [then] = past.json()["residents"]
    assert (then["full_name"], then["sex"], then["days"]) == ("Budi Santoso", "M", 5)

    views = AuditEvent.objects.filter(
        actor=system, action=AuditEvent.Action.VIEW, object_type="people.person"
    ).order_by("pk")
    assert [event.changes["ids"] for event in views] == [[siti.person_id], [budi.person_id]]


def test_an_empty_day_is_audited_as_a_look_at_the_shelter(api, system, shelter):
    response = api.get(residents_url(shelter))
    assert response.status_code == 200
    assert response.json()["total"] == 0 and response.json()["residents"] == []
    assert AuditEvent.objects.filter(
        actor=system,
        action=AuditEvent.Action.VIEW,
        object_type="agencies.shelter",
        object_id=str(shelter.pk),
    ).exists()


@pytest.mark.parametrize("day", ["31-01-2026", "2026-02-30", "kemarin"])
def test_a_malformed_date_is_400_in_the_error_body(api, shelter, day):
    error = error_of(api.get(residents_url(shelter), {"date": day}), 400)
    assert error["code"] == "invalid"
    assert "date" in error["fields"]


def test_a_future_date_is_400(api, shelter):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = error_of(api.get(residents_url(shelter), {"date": tomorrow.isoformat()}), 400)
    assert error["fields"]["date"] == ["Tanggal tidak boleh di masa depan."]


def test_another_agencys_shelter_is_404_and_recorded(api, system, other_shelter, outsider):
    stay_admit(
        actor=UserFactory(agency=other_shelter.agency, roles=["shelter_head"]),
        shelter=other_shelter,
        cases=[outsider],
    )
    response = api.get(residents_url(other_shelter))
    assert error_of(response, 404)["code"] == "not_found"
    assert "Wulandari" not in response.text
    assert denials(system) == 1


# --- admissions -----------------------------------------------------------------------------


def admit_url(shelter) -> str:
    return f"/api/v1/shelters/{shelter.pk}/admissions/"


def test_admission_creates_the_stays(api, system, shelter, siti, agency):
    budi = new_case(agency, "Budi Santoso", sex="M")
    response = api.post(admit_url(shelter), {"cases": [siti.pk, budi.pk]}, format="json")
    assert response.status_code == 201, response.content
    rows = response.json()
    stays = Stay.objects.filter(shelter=shelter).order_by("case_id")
    assert sorted(row["id"] for row in rows) == [stay.pk for stay in stays]
    assert {row["case_id"] for row in rows} == {siti.pk, budi.pk}
    assert all(row["shelter_id"] == shelter.pk for row in rows)
    for case in (siti, budi):
        case.refresh_from_db()
        assert case.status == Case.Status.IN_SHELTER
    assert {stay.admitted_by for stay in stays} == {system}


def test_admission_over_capacity_needs_a_reason(api, shelter, agency):
    women = [new_case(agency, f"Perempuan {n}") for n in range(3)]  # capacity: 2 women
    refused = api.post(admit_url(shelter), {"cases": [c.pk for c in women]}, format="json")
    error = error_of(refused, 400)
    assert error["code"] == "refused"
    assert "Shelter penuh" in error["message"]
    assert "perempuan: 0 + 3 melebihi kapasitas 2" in error["message"]
    assert not Stay.objects.filter(shelter=shelter).exists()

    accepted = api.post(
        admit_url(shelter),
        {"cases": [c.pk for c in women], "over_capacity_reason": "Rombongan malam, shelter lain"},
        format="json",
    )
    assert accepted.status_code == 201
    assert {row["over_capacity_reason"] for row in accepted.json()} == {
        "Rombongan malam, shelter lain"
    }


def test_admission_of_unknown_or_out_of_scope_cases_names_them(
    api, system, shelter, siti, outsider
):
    missing = outsider.pk + 1000
    response = api.post(
        admit_url(shelter), {"cases": [siti.pk, outsider.pk, missing]}, format="json"
    )
    error = error_of(response, 400)
    [message] = error["fields"]["cases"]
    assert re.findall(r"\d+", message) == [str(outsider.pk), str(missing)]
    assert "Wulandari" not in response.text
    assert not Stay.objects.exists()
    assert denials(system) == 1  # the existing case outside the scope, not the missing one


def test_admitting_someone_already_in_a_shelter_is_refused(api, shelter, siti, staff):
    stay_admit(actor=staff, shelter=shelter, cases=[siti])
    other = ShelterFactory(agency=shelter.agency)
    error = error_of(api.post(admit_url(other), {"cases": [siti.pk]}, format="json"), 400)
    assert error["message"] == "Sudah tinggal di shelter: Siti Aminah."


def test_a_role_without_care_recording_cannot_admit(agency, shelter, siti):
    officer = UserFactory(
        is_service_account=True,
        username="dinsos",
        agency=agency,
        roles=["regional_social_officer"],
    )
    response = client_for(officer).post(admit_url(shelter), {"cases": [siti.pk]}, format="json")
    assert error_of(response, 403)["code"] == "permission_denied"
    assert not Stay.objects.exists()


# --- meals ----------------------------------------------------------------------------------


def test_meal_roll_call_records_everyone_but_the_absent(api, system, shelter, siti, agency, staff):
    budi = new_case(agency, "Budi Santoso", sex="M")
    [siti_stay, budi_stay] = sorted(
        stay_admit(actor=staff, shelter=shelter, cases=[siti, budi]), key=lambda s: s.case_id
    )
    today = timezone.localdate().isoformat()
    url = f"/api/v1/shelters/{shelter.pk}/meals/"
    response = api.post(
        url, {"date": today, "meal": "lunch", "absent": [budi_stay.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"served": 1, "absent": 1, "already": 0}
    [meal] = Provision.objects.filter(kind="lunch")
    assert (meal.stay, meal.recorded_by) == (siti_stay, system)

    again = api.post(url, {"date": today, "meal": "lunch"}, format="json")
    assert again.json() == {"served": 1, "absent": 0, "already": 1}
    assert Provision.objects.filter(kind="lunch").count() == 2


def test_meal_roll_call_refuses_strangers_and_unknown_meals(api, shelter, outsider):
    today = timezone.localdate().isoformat()
    url = f"/api/v1/shelters/{shelter.pk}/meals/"
    stranger = api.post(url, {"date": today, "meal": "dinner", "absent": [999]}, format="json")
    assert "999" in error_of(stranger, 400)["fields"]["absent"][0]
    snack = api.post(url, {"date": today, "meal": "snack"}, format="json")
    assert "meal" in error_of(snack, 400)["fields"]
    assert not Provision.objects.exists()


# --- attendance -----------------------------------------------------------------------------


def test_attendance_marks_residents_present(api, system, shelter, siti, staff, outsider):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    session = session_create(
        actor=staff,
        shelter=shelter,
        kind=ActivityKind.objects.get(code="sport-futsal"),
        starts_at=timezone.now(),
        facilitator="Pak Joko",
    )
    url = f"/api/v1/sessions/{session.pk}/attendance/"
    response = api.post(url, {"stays": [stay.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1}
    assert Attendance.objects.get(session=session).stay == stay
    assert api.post(url, {"stays": [stay.pk]}, format="json").json() == {"marked": 0}

    other_shelter = ShelterFactory(agency=outsider.owning_agency)
    [elsewhere] = stay_admit(
        actor=UserFactory(agency=outsider.owning_agency, roles=["shelter_head"]),
        shelter=other_shelter,
        cases=[outsider],
    )
    error = error_of(api.post(url, {"stays": [elsewhere.pk]}, format="json"), 400)
    assert error["code"] == "refused"
    assert Attendance.objects.count() == 1


# --- cases ----------------------------------------------------------------------------------


def test_screening_is_recorded(api, system, siti):
    response = api.post(
        f"/api/v1/cases/{siti.pk}/screenings/",
        {
            "recruitment": "unlicensed_agent",
            "recruiter_relation": "friend",
            "sector": "domestic_work",
            "determination": "presumed",
            "means_of_control": ["withholds_documents", "debt_bondage"],
            "exploitation_types": ["forced_labour"],
            "country_of_exploitation": "my",
            "account": "Paspor ditahan majikan selama dua tahun",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    screening = Screening.objects.get(case=siti)
    assert response.json()["id"] == screening.pk
    assert response.json()["determination"] == "presumed"
    assert "account" not in response.json()
    assert screening.screened_by == system
    assert screening.means_of_control == ["withholds_documents", "debt_bondage"]
    assert screening.country_of_exploitation == "MY"
    assert screening.account == "Paspor ditahan majikan selama dua tahun"


def test_a_screening_with_unknown_choices_is_400(api, siti):
    response = api.post(
        f"/api/v1/cases/{siti.pk}/screenings/",
        {
            "recruitment": "unlicensed_agent",
            "recruiter_relation": "friend",
            "sector": "domestic_work",
            "determination": "maybe",
            "means_of_control": ["telepathy"],
            "country_of_exploitation": "Malaysia",
        },
        format="json",
    )
    fields = error_of(response, 400)["fields"]
    assert {"determination", "means_of_control", "country_of_exploitation"} <= set(fields)
    assert not Screening.objects.exists()


def test_case_detail_includes_its_timeline(api, system, shelter, siti, staff):
    stay_admit(actor=staff, shelter=shelter, cases=[siti])
    Case.objects.filter(pk=siti.pk).update(is_pregnant=True)
    response = api.get(f"/api/v1/cases/{siti.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == siti.pk and body["person_id"] == siti.person_id
    assert body["full_name"] == "Siti Aminah"
    assert body["status"] == "in_shelter"
    assert body["outcome"] is None
    assert body["flags"] == ["pregnant"]
    assert body["stay"]["shelter_id"] == shelter.pk
    assert body["stay"]["shelter_name"] == "RPTC Tanjung Pinang"
    kinds = [event["kind"] for event in body["timeline"]]
    assert kinds[:3] == ["arrival", "status", "stay"]
    titles = [event["title"] for event in body["timeline"]]
    assert "Status: Di shelter" in titles
    assert "Masuk RPTC Tanjung Pinang" in titles
    for secret in (NIK, HEALTH, TRAFFICKING):
        assert secret not in response.text
    assert AuditEvent.objects.filter(
        actor=system,
        action=AuditEvent.Action.VIEW,
        object_type="people.person",
        object_id=str(siti.person_id),
    ).exists()


def test_another_agencys_case_is_the_same_404_as_a_missing_one(api, system, outsider):
    hidden = api.get(f"/api/v1/cases/{outsider.pk}/")
    missing = api.get(f"/api/v1/cases/{outsider.pk + 1000}/")
    assert error_of(hidden, 404) == error_of(missing, 404)
    assert "Wulandari" not in hidden.text
    assert denials(system) == 1
    screening = api.post(f"/api/v1/cases/{outsider.pk}/screenings/", {}, format="json")
    assert error_of(screening, 404)["code"] == "not_found"
    assert denials(system) == 2


# --- the day sheet and items ----------------------------------------------------------------


def test_day_sheet_shows_the_roll_call_and_items(api, system, shelter, siti, agency, staff):
    budi = new_case(agency, "Budi Santoso", sex="M")
    stays = stay_admit(actor=staff, shelter=shelter, cases=[siti, budi])
    siti_stay, budi_stay = sorted(stays, key=lambda stay: stay.case_id)
    today = timezone.localdate().isoformat()
    api.post(
        f"/api/v1/shelters/{shelter.pk}/meals/",
        {"date": today, "meal": "lunch", "absent": [budi_stay.pk]},
        format="json",
    )
    given = api.post(
        f"/api/v1/shelters/{shelter.pk}/items/",
        {"stay": siti_stay.pk, "kind": "womens_kit", "date": today},
        format="json",
    )
    assert given.status_code == 201, given.content

    response = api.get(f"/api/v1/shelters/{shelter.pk}/day/")
    assert response.status_code == 200, response.content
    sheet = response.json()
    assert sheet["date"] == today and sheet["shelter_id"] == shelter.pk
    assert sheet["served"] == {"breakfast": 0, "lunch": 1, "dinner": 0}
    rows = {row["full_name"]: row for row in sheet["residents"]}
    assert list(rows) == ["Budi Santoso", "Siti Aminah"]  # by name
    assert rows["Siti Aminah"]["stay_id"] == siti_stay.pk
    assert rows["Siti Aminah"]["case_id"] == siti.pk
    assert (rows["Siti Aminah"]["lunch"], rows["Budi Santoso"]["lunch"]) == (True, False)
    assert [(i["kind"], i["quantity"]) for i in rows["Siti Aminah"]["items"]] == [("womens_kit", 1)]
    assert rows["Budi Santoso"]["items"] == []
    for secret in (NIK, HEALTH, TRAFFICKING):
        assert secret not in response.text
    view = AuditEvent.objects.filter(
        actor=system, action=AuditEvent.Action.VIEW, object_type="people.person"
    ).latest("pk")
    assert sorted(view.changes["ids"]) == sorted([siti.person_id, budi.person_id])

    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    tomorrow = api.get(f"/api/v1/shelters/{shelter.pk}/day/", {"date": future})
    assert "date" in error_of(tomorrow, 400)["fields"]


def test_an_item_is_recorded_for_a_resident(api, system, shelter, siti, staff):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    url = f"/api/v1/shelters/{shelter.pk}/items/"
    today = timezone.localdate().isoformat()
    response = api.post(
        url,
        {"stay": stay.pk, "kind": "clothing", "quantity": 3, "description": "Kaos", "date": today},
        format="json",
    )
    assert response.status_code == 201, response.content
    provision = Provision.objects.get(kind="clothing")
    assert response.json()["id"] == provision.pk
    assert (provision.stay, provision.quantity, provision.description) == (stay, 3, "Kaos")
    assert provision.recorded_by == system

    vague = api.post(url, {"stay": stay.pk, "kind": "other", "date": today}, format="json")
    assert error_of(vague, 400) == {
        "code": "refused",
        "message": "Tuliskan barang apa yang diberikan.",
    }
    meal = api.post(url, {"stay": stay.pk, "kind": "lunch", "date": today}, format="json")
    assert "kind" in error_of(meal, 400)["fields"]
    assert Provision.objects.count() == 1


def test_an_item_for_someone_elses_resident_is_refused_and_recorded(
    api, system, shelter, siti, staff, outsider, other_shelter
):
    [own] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    [elsewhere] = stay_admit(
        actor=UserFactory(agency=other_shelter.agency, roles=["shelter_head"]),
        shelter=other_shelter,
        cases=[outsider],
    )
    second = ShelterFactory(agency=shelter.agency, code="pos-tpi")
    today = timezone.localdate().isoformat()
    body = {"kind": "hygiene_kit", "date": today}
    wrong_shelter = api.post(
        f"/api/v1/shelters/{second.pk}/items/", {**body, "stay": own.pk}, format="json"
    )
    assert error_of(wrong_shelter, 400)["fields"] == {"stay": ["Bukan penghuni shelter ini."]}
    assert denials(system) == 0
    hidden = api.post(
        f"/api/v1/shelters/{shelter.pk}/items/", {**body, "stay": elsewhere.pk}, format="json"
    )
    assert error_of(hidden, 400)["fields"] == {"stay": ["Bukan penghuni shelter ini."]}
    assert "Wulandari" not in hidden.text
    assert denials(system) == 1
    assert not Provision.objects.exists()


# --- sessions -------------------------------------------------------------------------------


def test_sessions_are_scheduled_and_listed(api, system, shelter, siti, staff):
    kinds = api.get("/api/v1/activity-kinds/")
    assert kinds.status_code == 200
    futsal = next(row for row in kinds.json() if row["code"] == "sport-futsal")
    assert set(futsal) == {"code", "name", "group"} and futsal["group"] == "sport"

    url = f"/api/v1/shelters/{shelter.pk}/sessions/"
    starts = timezone.now().replace(microsecond=0)
    created = api.post(
        url,
        {"kind": "sport-futsal", "starts_at": starts.isoformat(), "facilitator": " Pak Joko "},
        format="json",
    )
    assert created.status_code == 201, created.content
    session = ActivitySession.objects.get()
    assert created.json()["id"] == session.pk
    assert (session.shelter, session.facilitator, session.created_by) == (
        shelter,
        "Pak Joko",
        system,
    )
    assert session.starts_at == starts
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    api.post(f"/api/v1/sessions/{session.pk}/attendance/", {"stays": [stay.pk]}, format="json")

    listed = api.get(url)
    assert listed.status_code == 200
    [row] = listed.json()
    assert (row["id"], row["kind"], row["attended"]) == (session.pk, "sport-futsal", 1)
    assert AuditEvent.objects.filter(
        actor=system,
        action=AuditEvent.Action.VIEW,
        object_id=str(shelter.pk),
        summary="api sessions",
    ).exists()

    ActivityKind.objects.filter(code="sport-futsal").update(is_active=False)
    retired = api.post(
        url,
        {"kind": "sport-futsal", "starts_at": starts.isoformat(), "facilitator": "Pak Joko"},
        format="json",
    )
    assert error_of(retired, 400)["message"] == "Jenis kegiatan ini tidak aktif lagi."
    assert "sport-futsal" not in {row["code"] for row in api.get("/api/v1/activity-kinds/").json()}


def test_a_role_that_only_looks_sees_sessions_but_cannot_schedule_them(agency, shelter):
    officer = UserFactory(
        is_service_account=True, username="dinsos", agency=agency, roles=["regional_social_officer"]
    )
    client = client_for(officer)
    url = f"/api/v1/shelters/{shelter.pk}/sessions/"
    assert client.get(url).status_code == 200
    body = {"kind": "sport-futsal", "starts_at": timezone.now().isoformat(), "facilitator": "X"}
    assert error_of(client.post(url, body, format="json"), 403)["code"] == "permission_denied"
    assert denials(officer) == 1
    assert not ActivitySession.objects.exists()


# --- discharge and transfer -----------------------------------------------------------------


@pytest.fixture
def head(agency):
    return UserFactory(
        is_service_account=True, username="kepala-rptc", agency=agency, roles=["shelter_head"]
    )


@pytest.fixture
def head_api(head) -> APIClient:
    return client_for(head)


def test_going_home_is_not_a_discharge_and_the_refusal_says_what_it_needs(
    head_api, shelter, siti, staff
):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    response = head_api.post(
        f"/api/v1/stays/{stay.pk}/discharge/", {"reason": "returned_home"}, format="json"
    )
    error = error_of(response, 400)
    assert error["code"] == "refused"
    with pytest.raises(CaseError) as refused:  # the service's own words, whatever they are
        stay_discharge(actor=staff, stay=stay, reason=Stay.DischargeReason.RETURNED_HOME)
    assert error["message"] == str(refused.value)
    assert "serah terima" in error["message"]  # it says what going home needs
    stay.refresh_from_db()
    siti.refresh_from_db()
    assert stay.discharged_at is None and siti.status == Case.Status.IN_SHELTER


def test_discharge_to_hospital_ends_the_stay(head_api, head, shelter, siti, staff):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    url = f"/api/v1/stays/{stay.pk}/discharge/"
    response = head_api.post(
        url, {"reason": "referred_hospital", "note": "RSUD Raja Ahmad Tabib"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["discharge_reason"], body["case_status"]) == (
        stay.pk,
        "referred_hospital",
        "referred",
    )
    stay.refresh_from_db()
    assert stay.discharged_by == head and stay.discharge_note == "RSUD Raja Ahmad Tabib"
    again = head_api.post(url, {"reason": "absconded"}, format="json")
    assert error_of(again, 400)["message"] == "Orang ini sudah keluar dari shelter."
    future = timezone.now() + timedelta(hours=2)
    later = head_api.post(url, {"reason": "died", "at": future.isoformat()}, format="json")
    assert "at" in error_of(later, 400)["fields"]


def test_transfer_moves_the_stay_to_the_other_shelter(head_api, shelter, siti, staff, agency):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    pos = ShelterFactory(agency=agency, code="pos-tpi", name="Pos Tanjung Pinang", capacity_women=3)
    url = f"/api/v1/stays/{stay.pk}/transfer/"
    unknown = head_api.post(url, {"to_shelter": "tidak-ada"}, format="json")
    assert "to_shelter" in error_of(unknown, 400)["fields"]
    same = head_api.post(url, {"to_shelter": shelter.code}, format="json")
    assert error_of(same, 400)["message"] == "Pilih shelter lain."

    response = head_api.post(
        url, {"to_shelter": "pos-tpi", "note": "Dekat rumah sakit"}, format="json"
    )
    assert response.status_code == 201, response.content
    new = Stay.objects.get(discharged_at__isnull=True)
    assert response.json()["id"] == new.pk
    assert (new.case, new.shelter) == (siti, pos)
    stay.refresh_from_db()
    assert stay.discharge_reason == Stay.DischargeReason.TRANSFERRED
    assert stay.discharge_note == "Dekat rumah sakit"
    siti.refresh_from_db()
    assert siti.status == Case.Status.IN_SHELTER
    board = head_api.get(f"/api/v1/shelters/{pos.pk}/residents/").json()
    assert [r["full_name"] for r in board["residents"]] == ["Siti Aminah"]
    assert head_api.get(f"/api/v1/shelters/{shelter.pk}/residents/").json()["total"] == 0


def test_a_social_worker_cannot_discharge_transfer_or_close(api, system, shelter, siti, staff):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    for url, body in (
        (f"/api/v1/stays/{stay.pk}/discharge/", {"reason": "absconded"}),
        (f"/api/v1/stays/{stay.pk}/transfer/", {"to_shelter": "rptc-jkt"}),
        (f"/api/v1/cases/{siti.pk}/close/", {"outcome": "other", "reason": "x"}),
    ):
        assert error_of(api.post(url, body, format="json"), 403)["code"] == "permission_denied"
    assert denials(system) == 3
    stay.refresh_from_db()
    assert stay.discharged_at is None


def test_another_agencys_stay_is_404_before_the_body_is_read(
    head_api, head, outsider, other_shelter
):
    [elsewhere] = stay_admit(
        actor=UserFactory(agency=other_shelter.agency, roles=["shelter_head"]),
        shelter=other_shelter,
        cases=[outsider],
    )
    for action in ("discharge", "transfer"):
        response = head_api.post(f"/api/v1/stays/{elsewhere.pk}/{action}/", {}, format="json")
        assert error_of(response, 404)["code"] == "not_found"
    assert denials(head) == 2
    elsewhere.refresh_from_db()
    assert elsewhere.discharged_at is None


# --- screening review -----------------------------------------------------------------------


def screening_by(actor, case) -> Screening:
    return screening_record(
        actor=actor,
        case=case,
        recruitment="unlicensed_agent",
        recruiter_relation="friend",
        sector="domestic_work",
        determination="presumed",
    )


def test_the_screener_cannot_review_a_second_person_can(api, system, head_api, head, siti):
    screening = screening_by(system, siti)
    url = f"/api/v1/screenings/{screening.pk}/review/"
    own = api.post(url, {"determination": "presumed"}, format="json")
    assert error_of(own, 400) == {
        "code": "refused",
        "message": "Penetapan harus ditinjau oleh orang lain, bukan oleh pembuatnya.",
    }
    unexplained = head_api.post(url, {"determination": "confirmed"}, format="json")
    assert error_of(unexplained, 400)["message"] == "Tuliskan alasan bila penetapan diubah."

    response = head_api.post(
        url, {"determination": "confirmed", "note": "Ada bukti jeratan utang"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["determination"], body["reviewed_determination"]) == ("presumed", "confirmed")
    assert body["review_note"] == "Ada bukti jeratan utang"
    screening.refresh_from_db()
    assert (screening.reviewed_by, screening.reviewed_determination) == (head, "confirmed")
    twice = head_api.post(url, {"determination": "confirmed"}, format="json")
    assert error_of(twice, 400)["message"] == "Skrining ini sudah ditinjau."


def test_a_review_shows_determinations_only_to_who_may_see_them(head, siti):
    from pulang.api.serializers import ReviewedSerializer

    screening = screening_by(UserFactory(agency=siti.owning_agency), siti)
    screening.reviewed_at = timezone.now()
    screening.reviewed_determination = "not_victim"
    screening.review_note = "Berangkat atas kemauan sendiri"
    hidden = ReviewedSerializer(screening, context={"sensitive": False}).data
    assert (hidden["determination"], hidden["reviewed_determination"]) == (None, None)
    assert hidden["review_note"] is None
    shown = ReviewedSerializer(screening, context={"sensitive": True}).data
    assert shown["reviewed_determination"] == "not_victim"


# --- needs, notes, the plan and closing -----------------------------------------------------


def test_needs_notes_and_the_case_plan(api, system, siti):
    needs = api.post(
        f"/api/v1/cases/{siti.pk}/needs/",
        {"needs": ["medical", "family_tracing"], "notes": "Luka di tangan", "is_pregnant": True},
        format="json",
    )
    assert needs.status_code == 201, needs.content
    assert needs.json()["needs"] == ["medical", "family_tracing"]
    assert needs.json()["flags"] == ["pregnant"]
    assert "notes" not in needs.json()
    assessment = NeedsAssessment.objects.get(case=siti)
    assert (assessment.notes, assessment.assessed_by) == ("Luka di tangan", system)
    siti.refresh_from_db()
    assert siti.is_pregnant and not siti.is_ill  # a flag left out stays as it was
    unknown = api.post(f"/api/v1/cases/{siti.pk}/needs/", {"needs": ["money"]}, format="json")
    assert "needs" in error_of(unknown, 400)["fields"]

    note = api.post(f"/api/v1/cases/{siti.pk}/notes/", {"text": "Ibu di Lombok"}, format="json")
    assert note.status_code == 201
    assert CaseNote.objects.get(case=siti).text == "Ibu di Lombok"
    blank = api.post(f"/api/v1/cases/{siti.pk}/notes/", {"text": "   "}, format="json")
    assert "text" in error_of(blank, 400)["fields"]

    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    task = api.post(
        f"/api/v1/cases/{siti.pk}/tasks/",
        {"title": "Urus SPLP", "due_on": due, "goal": "Dokumen"},
        format="json",
    )
    assert task.status_code == 201, task.content
    assert (task.json()["title"], task.json()["due_on"], task.json()["done_at"]) == (
        "Urus SPLP",
        due,
        None,
    )
    done = api.post(f"/api/v1/tasks/{task.json()['id']}/done/")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    assert Task.objects.get().done_by == system


def test_closing_needs_an_outcome(head_api, shelter, siti, staff):
    [stay] = stay_admit(actor=staff, shelter=shelter, cases=[siti])
    url = f"/api/v1/cases/{siti.pk}/close/"
    in_shelter = head_api.post(url, {"outcome": "independent", "reason": "Usaha"}, format="json")
    assert error_of(in_shelter, 400)["code"] == "refused"
    stay_discharge(actor=staff, stay=stay, reason=Stay.DischargeReason.ABSCONDED)

    no_outcome = head_api.post(url, {"reason": "Sudah mandiri"}, format="json")
    assert "outcome" in error_of(no_outcome, 400)["fields"]
    siti.refresh_from_db()
    assert (siti.status, siti.outcome) == (Case.Status.LEFT, "")

    response = head_api.post(
        url, {"outcome": "lost_contact", "reason": "Tidak kembali"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert response.json()["outcome"] == "lost_contact"
    siti.refresh_from_db()
    assert siti.status == Case.Status.CLOSED and siti.closed_at is not None


def test_another_agencys_case_plan_is_404(api, system, outsider):
    task = Task.objects.create(
        case=outsider,
        title="Rahasia",
        due_on=timezone.localdate(),
        created_at=timezone.now(),
        created_by=UserFactory(agency=outsider.owning_agency),
    )
    for url in (
        f"/api/v1/cases/{outsider.pk}/needs/",
        f"/api/v1/cases/{outsider.pk}/notes/",
        f"/api/v1/cases/{outsider.pk}/tasks/",
        f"/api/v1/tasks/{task.pk}/done/",
    ):
        response = api.post(url, {}, format="json")
        assert error_of(response, 404)["code"] == "not_found", url
    assert denials(system) == 4
    task.refresh_from_db()
    assert task.done_at is None
