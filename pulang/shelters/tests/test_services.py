"""Admission, transfer, discharge, daily care and activities, as a shelter worker meets them."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case, StatusChange
from pulang.cases.services import CaseError
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.models import ActivityKind, Attendance, Provision, Stay
from pulang.shelters.selectors import present_on, shelter_board
from pulang.shelters.services import (
    attendance_mark,
    meal_roll_call,
    provision_issue,
    session_create,
    stay_admit,
    stay_discharge,
    stay_transfer,
)

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    """A moment in the shelter's time zone (Asia/Jakarta), from "2026-01-31 23:30"."""
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def agency():
    return AgencyFactory(code="rptc-op")


@pytest.fixture
def shelter(agency):
    return ShelterFactory(agency=agency, capacity_men=2, capacity_women=2, capacity_children=1)


@pytest.fixture
def worker(agency):
    return UserFactory(agency=agency, roles=["shelter_social_worker"])


def cases(agency: Any, n: int, sex: str = "F") -> list[Any]:
    return [CaseFactory(owning_agency=agency, person__sex=sex) for _ in range(n)]


def test_admitting_a_batch_opens_one_stay_each_and_moves_the_cases(shelter, agency, worker):
    group = cases(agency, 2)
    stays = stay_admit(actor=worker, shelter=shelter, cases=group)
    assert len(stays) == 2
    for case in group:
        case.refresh_from_db()
        assert case.status == Case.Status.IN_SHELTER
        change = StatusChange.objects.get(case=case)
        assert (change.from_status, change.to_status, change.changed_by) == (
            "registered",
            "in_shelter",
            worker,
        )
    assert AuditEvent.objects.filter(object_type="shelters.stay").count() == 2


def test_a_case_has_at_most_one_open_stay(shelter, agency, worker):
    [case] = cases(agency, 1)
    stay_admit(actor=worker, shelter=shelter, cases=[case])
    other = ShelterFactory(agency=agency)
    with pytest.raises(CaseError, match="Sudah tinggal di shelter"):
        stay_admit(actor=worker, shelter=other, cases=[case])
    assert Stay.objects.filter(case=case).count() == 1


def test_admission_beyond_capacity_needs_a_recorded_reason(shelter, agency, worker):
    women = cases(agency, 3)
    with pytest.raises(CaseError, match="melebihi kapasitas 2"):
        stay_admit(actor=worker, shelter=shelter, cases=women)
    assert not Stay.objects.exists(), "nothing half-admitted"
    stays = stay_admit(
        actor=worker, shelter=shelter, cases=women, over_capacity_reason="kapal datang malam"
    )
    assert {s.over_capacity_reason for s in stays} == {"kapal datang malam"}
    audit = AuditEvent.objects.filter(object_type="shelters.stay").first()
    assert "over capacity: kapal datang malam" in audit.summary


def test_children_count_against_the_childrens_capacity(shelter, agency, worker):
    child: Any = CaseFactory(owning_agency=agency, person__birth_date=date(2015, 5, 1))
    stay_admit(actor=worker, shelter=shelter, cases=[child])
    another: Any = CaseFactory(owning_agency=agency, is_child=True)
    with pytest.raises(CaseError, match="anak"):
        stay_admit(actor=worker, shelter=shelter, cases=[another])


def test_admission_hands_the_case_to_the_shelters_agency(shelter, worker):
    elsewhere = AgencyFactory(code="receiving-post")
    [case] = cases(elsewhere, 1)
    stay_admit(actor=worker, shelter=shelter, cases=[case])
    case.refresh_from_db()
    assert case.owning_agency == shelter.agency


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (Stay.DischargeReason.REFERRED_HOSPITAL, Case.Status.REFERRED),
        (Stay.DischargeReason.REFERRED_POLICE, Case.Status.REFERRED),
        (Stay.DischargeReason.ABSCONDED, Case.Status.LEFT),
        (Stay.DischargeReason.DIED, Case.Status.DIED),
    ],
)
def test_discharge_moves_the_case_by_its_reason(shelter, agency, worker, reason, status):
    [case] = cases(agency, 1)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case])
    stay_discharge(actor=worker, stay=stay, reason=reason, note="catatan")
    case.refresh_from_db()
    stay.refresh_from_db()
    assert case.status == status
    assert stay.discharged_at is not None and stay.discharge_reason == reason


def test_returned_home_is_not_a_discharge_but_a_departure_or_handover(shelter, agency, worker):
    [case] = cases(agency, 1)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case])
    with pytest.raises(CaseError, match="perjalanan pulang atau serah terima"):
        stay_discharge(actor=worker, stay=stay, reason=Stay.DischargeReason.RETURNED_HOME)
    stay.refresh_from_db()
    assert stay.discharged_at is None, "the refused discharge left nothing behind"


def test_refusing_services_needs_the_signed_statement(shelter, agency, worker):
    [case] = cases(agency, 1)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case])
    with pytest.raises(CaseError, match="surat pernyataan"):
        stay_discharge(actor=worker, stay=stay, reason=Stay.DischargeReason.REFUSED_SERVICES)
    stay_discharge(
        actor=worker, stay=stay, reason=Stay.DischargeReason.REFUSED_SERVICES, note="SP-12/2026"
    )
    case.refresh_from_db()
    assert case.status == Case.Status.LEFT


def test_transfer_closes_one_stay_and_opens_the_next(shelter, agency, worker):
    [case] = cases(agency, 1)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case])
    other_agency = AgencyFactory(code="balai-op")
    target = ShelterFactory(agency=other_agency)
    new = stay_transfer(actor=worker, stay=stay, to_shelter=target)
    stay.refresh_from_db()
    case.refresh_from_db()
    assert stay.discharge_reason == Stay.DischargeReason.TRANSFERRED
    assert new.shelter == target and new.discharged_at is None
    assert case.status == Case.Status.IN_SHELTER
    assert case.owning_agency == other_agency


def test_meal_roll_call_records_everyone_present_but_the_absent(shelter, agency, worker):
    group = cases(agency, 2) + cases(agency, 2, sex="M")
    stays = stay_admit(actor=worker, shelter=shelter, cases=group, at=at("2026-03-01 09:00"))
    today = date(2026, 3, 2)
    absent = {stays[0].pk, stays[1].pk}
    result = meal_roll_call(actor=worker, shelter=shelter, day=today, meal="lunch", absent=absent)
    assert (result.served, result.absent) == (2, 2)
    served = set(
        Provision.objects.filter(provided_on=today, kind="lunch").values_list("stay_id", flat=True)
    )
    assert served == {stays[2].pk, stays[3].pk}
    again = meal_roll_call(actor=worker, shelter=shelter, day=today, meal="lunch", absent=set())
    assert (again.served, again.already) == (2, 2), "the late two are added, nobody twice"
    assert Provision.objects.filter(provided_on=today, kind="lunch").count() == 4


def test_meals_cannot_be_recorded_for_tomorrow(shelter, worker):
    with pytest.raises(CaseError):
        meal_roll_call(
            actor=worker,
            shelter=shelter,
            day=timezone.localdate() + timedelta(days=1),
            meal="dinner",
        )


def test_items_are_recorded_for_residents_present_that_day(shelter, agency, worker):
    [case] = cases(agency, 1)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case], at=at("2026-03-01 09:00"))
    provision_issue(actor=worker, stay=stay, kind="hygiene_kit", quantity=2, day=date(2026, 3, 1))
    with pytest.raises(CaseError, match="tidak tinggal"):
        provision_issue(actor=worker, stay=stay, kind="clothing", day=date(2026, 2, 28))
    with pytest.raises(CaseError, match="barang apa"):
        provision_issue(actor=worker, stay=stay, kind="other", day=date(2026, 3, 1))


def test_attendance_is_marked_for_many_at_once_and_only_for_residents(shelter, agency, worker):
    group = cases(agency, 2) + cases(agency, 1, sex="M")
    stays = stay_admit(actor=worker, shelter=shelter, cases=group, at=at("2026-03-01 09:00"))
    futsal = ActivityKind.objects.get(code="sport-futsal")
    session = session_create(
        actor=worker,
        shelter=shelter,
        kind=futsal,
        starts_at=at("2026-03-02 16:00"),
        facilitator="Pak Darto",
    )
    assert attendance_mark(actor=worker, session=session, stay_ids=[s.pk for s in stays[:2]]) == 2
    assert attendance_mark(actor=worker, session=session, stay_ids=[s.pk for s in stays]) == 1
    assert Attendance.objects.filter(session=session).count() == 3
    [outsider] = stay_admit(
        actor=worker, shelter=ShelterFactory(agency=agency), cases=cases(agency, 1)
    )
    with pytest.raises(CaseError):
        attendance_mark(actor=worker, session=session, stay_ids=[outsider.pk])


# -- occupancy on a past date ----------------------------------------------------------------


def test_occupancy_on_past_dates_follows_admissions_transfers_and_discharges(
    shelter, agency, worker
):
    """Admission ≤ D < discharge, by the shelter's local dates, across midnight and month end."""
    other = ShelterFactory(agency=agency, capacity_women=10)
    a, b = cases(agency, 2)
    [c] = cases(agency, 1, sex="M")
    # a: admitted late on 31 January, transferred out just after midnight on 1 March.
    [stay_a] = stay_admit(actor=worker, shelter=shelter, cases=[a], at=at("2026-01-31 23:50"))
    # b: admitted at 00:10 on 1 February, discharged to hospital at 23:59 on 28 February.
    [stay_b] = stay_admit(actor=worker, shelter=shelter, cases=[b], at=at("2026-02-01 00:10"))
    # c: admitted and gone the same day.
    [stay_c] = stay_admit(actor=worker, shelter=shelter, cases=[c], at=at("2026-02-15 08:00"))
    stay_discharge(actor=worker, stay=stay_c, reason="absconded", at=at("2026-02-15 21:00"))
    stay_discharge(actor=worker, stay=stay_b, reason="referred_hospital", at=at("2026-02-28 23:59"))
    stay_transfer(actor=worker, stay=stay_a, to_shelter=other, at=at("2026-03-01 00:05"))

    def names(day: date, where=shelter) -> set[int]:
        return set(present_on(shelter=where, day=day).values_list("case_id", flat=True))

    assert names(date(2026, 1, 30)) == set()
    assert names(date(2026, 1, 31)) == {a.pk}
    assert names(date(2026, 2, 1)) == {a.pk, b.pk}
    assert names(date(2026, 2, 15)) == {a.pk, b.pk}, "in and out the same day: not present"
    assert names(date(2026, 2, 27)) == {a.pk, b.pk}
    assert names(date(2026, 2, 28)) == {a.pk}, "discharged before the day ended"
    assert names(date(2026, 3, 1)) == set()
    assert names(date(2026, 3, 1), other) == {a.pk}
    board = shelter_board(user=worker, shelter=shelter, day=date(2026, 2, 10))
    assert board.total == 2


def test_board_counts_and_filters(shelter, agency, worker):
    women = cases(agency, 2)
    men = cases(agency, 1, sex="M")
    child = CaseFactory(
        owning_agency=agency, person__birth_date=date(2016, 1, 1), is_pregnant=False
    )
    stay_admit(actor=worker, shelter=shelter, cases=women + men + [child])
    Case.objects.filter(pk=women[0].pk).update(is_pregnant=True)
    board = shelter_board(user=worker, shelter=shelter)
    assert board.total == 4
    assert board.by_sex == {"F": 3, "M": 1}
    assert board.by_category == {"women": 2, "men": 1, "children": 1}
    pregnant = shelter_board(user=worker, shelter=shelter, flag="pregnant")
    assert [r.case.pk for r in pregnant.residents] == [women[0].pk]
    assert pregnant.total == 4, "counts stay those of everyone present"
    assert len(shelter_board(user=worker, shelter=shelter, flag="child").residents) == 1
    assert len(shelter_board(user=worker, shelter=shelter, sex="M").residents) == 1
