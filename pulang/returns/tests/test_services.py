"""Trips, departure and handover: what a shelter head records and what follows from it."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from pulang.access.models import AccessGrant
from pulang.accounts.tests.factories import UserFactory
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.cases.services import CaseError
from pulang.returns.models import Handover
from pulang.returns.services import (
    handover_document,
    handover_record,
    handover_verify,
    normalize_code,
    return_plan_save,
    trip_cancel,
    trip_depart,
    trip_leg_add,
    trip_member_remove,
    trip_plan,
    waiting_too_long,
)
from pulang.shelters.models import Stay

from .helpers import hand_over, plan_trip, residents_going_home, return_world

pytestmark = pytest.mark.django_db
VERIFY = "https://pulang.example/verifikasi/"


def test_departure_closes_the_stays_and_puts_everyone_in_transit():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 3})
    trip = plan_trip(world, cases)
    assert trip.reference.startswith("PLG-RPTC-TANJUNG-PINANG-")
    trip_depart(actor=world.head, trip=trip)
    for case in cases:
        case.refresh_from_db()
        assert case.status == Case.Status.IN_TRANSIT
        stay = Stay.objects.get(case=case)
        assert stay.discharge_reason == "returned_home" and stay.discharge_note == trip.reference
    with pytest.raises(CaseError, match="sudah dicatat"):
        trip_depart(actor=world.head, trip=trip)


def test_a_person_who_needs_it_cannot_leave_without_fit_to_travel():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    Case.objects.filter(pk=cases[0].pk).update(is_pregnant=True)
    trip = plan_trip(world, cases)
    with pytest.raises(CaseError, match="Kelayakan bepergian belum dikonfirmasi"):
        trip_depart(actor=world.head, trip=trip)
    assert Stay.objects.filter(discharged_at__isnull=True).count() == 2, "nobody left"
    return_plan_save(
        actor=world.head,
        case=cases[0],
        destination=world.regencies["52.03"],
        transport="ship",
        planned_date=timezone.localdate(),
        fit_to_travel=True,
        fit_to_travel_note="Usia kehamilan 5 bulan, sehat (dr. Rina)",
    )
    trip_depart(actor=world.head, trip=trip)


def test_people_without_a_plan_or_already_on_a_trip_are_refused():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    plan_trip(world, cases[:1])
    with pytest.raises(CaseError, match="sudah ikut perjalanan"):
        plan_trip(world, cases)


def test_group_handover_numbers_the_record_and_hands_the_cases_to_the_regional_office():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 3, "35.27": 1})
    trip = plan_trip(world, cases)
    trip_depart(actor=world.head, trip=trip)
    lotim = [c for c in cases if c.person.origin_region_id == "52.03"]
    handover = hand_over(world, lotim, trip=trip)
    year = timezone.localtime(handover.handed_at).year
    assert handover.number == f"BAST/RPTC-TANJUNG-PINANG/{year}/0001"
    assert handover.receiving_agency == world.offices["52.03"]
    for case in lotim:
        case.refresh_from_db()
        assert case.status == Case.Status.RETURNED
        assert case.owning_agency == world.offices["52.03"]
        assert case.returned_at == handover.handed_at
        grant = AccessGrant.objects.get(person=case.person, basis="shelter_retention")
        assert grant.agency == world.shelter.agency
        assert grant.ends_at == handover.handed_at + timedelta(days=90)
    second = hand_over(world, [c for c in cases if c not in lotim], trip=trip)
    assert second.number.endswith("/0002")
    with pytest.raises(CaseError, match="Sudah diserahterimakan"):
        hand_over(world, lotim[:1], trip=trip)


def test_the_regional_office_of_the_destination_sees_the_case_and_another_does_not():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 1})
    hand_over(world, cases)  # handed over at the shelter, to the office that came for them
    lotim = UserFactory(agency=world.offices["52.03"], roles=["regional_social_officer"])
    sampang = UserFactory(agency=world.offices["35.27"], roles=["regional_social_officer"])
    assert list(Case.objects.visible_to(lotim)) == cases
    assert not Case.objects.visible_to(sampang).exists()
    assert Case.objects.visible_to(world.head).filter(pk=cases[0].pk).exists(), (
        "the shelter keeps read access for a while"
    )
    AccessGrant.objects.filter(basis="shelter_retention").update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert not Case.objects.visible_to(world.head).filter(pk=cases[0].pk).exists()


def test_the_handover_pdf_is_indonesian_and_carries_number_names_and_signatures():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    handover = hand_over(world, cases, receiver_kind="family", receiver_name="Inaq Saenah")
    handover = handover_document(handover=handover, verify_url=VERIFY)
    with handover.document.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for expected in (
        "BERITA ACARA SERAH TERIMA",
        handover.number,
        "Pulang 52.03 00",
        "Pulang 52.03 01",
        "PIHAK PERTAMA",
        "PIHAK KEDUA",
        "Yang menerima",
        "Saksi",
        "Yang menyerahkan",
        "( Inaq Saenah )",
        "( Baiq Nurul )",
        "( Bambang Sutrisno )",
        handover.verification_code,
    ):
        assert expected in text, expected
    assert VERIFY in text.replace(" ", ""), "the address of the check (wrapped on paper)"
    for indonesian in ("Pada hari ini", "tanggal", "bertempat di", "Perempuan", "Laki-laki"):
        assert indonesian in text
    assert "Receiver" not in text and "Witness" not in text


def test_verification_accepts_the_code_and_the_file_and_rejects_alterations():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 1})
    handover = hand_over(world, cases)
    code = handover.verification_code
    assert handover_verify(code=code, document=b"%PDF") == (handover, False), "no file issued yet"
    handover = handover_document(handover=handover, verify_url=VERIFY)
    assert handover_verify(code=code)[0] == handover
    assert handover_verify(code=code.lower().replace("-", " "))[0] == handover, "typed loosely"
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert handover_verify(code=altered) == (None, False)
    with handover.document.open("rb") as handle:
        data = handle.read()
    assert handover_verify(code=code, document=data) == (handover, True)
    assert handover_verify(code=code, document=data + b"\n% edited") == (handover, False)
    assert normalize_code("abcd efgh ijkl mnop") == "ABCD-EFGH-IJKL-MNOP"


def test_waiting_longer_than_the_target_is_flagged():
    world = return_world()
    [case] = residents_going_home(world, {"52.03": 1})
    assert not waiting_too_long(case=case)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=9))
    case.refresh_from_db()
    assert waiting_too_long(case=case)
    from pulang.shelters.selectors import shelter_board

    [resident] = shelter_board(user=world.head, shelter=world.shelter).residents
    assert "waiting" in resident.flags
    hand_over(world, [case])
    case.refresh_from_db()
    assert not waiting_too_long(case=case)


def test_handover_needs_its_parties():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 1})
    with pytest.raises(CaseError, match="nama saksi"):
        handover_record(
            actor=world.head,
            shelter=world.shelter,
            cases=cases,
            place="Selong",
            receiver_kind="family",
            receiver_name="Inaq",
            receiver_relation="Ibu",
            witness_name=" ",
        )
    assert not Handover.objects.exists()


def test_a_handover_cannot_be_dated_before_its_trip_left():
    """A handover typed as 24/12/2019 for a trip that left today was accepted, numbered in
    2019's series, and the receiving office's follow-ups were all years overdue."""
    world = return_world()
    cases = residents_going_home(world, {"52.03": 1})
    trip = trip_depart(actor=world.head, trip=plan_trip(world, cases))
    assert trip.departed_at is not None
    with pytest.raises(CaseError, match="sebelum perjalanan berangkat"):
        hand_over(world, cases, trip=trip, handed_at=trip.departed_at - timedelta(days=3))
    assert not Handover.objects.exists()
    handover = hand_over(world, cases, trip=trip)
    assert handover.handed_at >= trip.departed_at


def test_no_plan_or_trip_home_dated_before_the_person_arrived():
    """A return plan for 01/01/2020 and a trip leaving 03/12/2019, for someone admitted this
    week, were both accepted; the trip took its reference from 2019."""
    world = return_world()
    [case] = residents_going_home(world, {"52.03": 1})
    with pytest.raises(CaseError, match="sebelum orang ini tiba"):
        return_plan_save(
            actor=world.head,
            case=case,
            destination=world.regencies["52.03"],
            transport="ship",
            planned_date=date(2020, 1, 1),
        )
    with pytest.raises(CaseError, match=f"sebelum diterima di shelter: {case.person.full_name}"):
        trip_plan(
            actor=world.head,
            shelter=world.shelter,
            cases=[case],
            destination="NTB",
            transport="ship",
            escort="Pak Darto",
            planned_departure=timezone.now() - timedelta(days=2000),
        )
    assert plan_trip(world, [case]).reference.startswith("PLG-")


def test_a_cancelled_trip_frees_its_people_for_another_and_keeps_why():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    trip = plan_trip(world, cases)
    with pytest.raises(CaseError, match="alasan pembatalan"):
        trip_cancel(actor=world.head, trip=trip, reason=" ")
    trip_cancel(actor=world.head, trip=trip, reason="Kapal Kelud batal berlayar")
    trip.refresh_from_db()
    assert trip.cancel_reason == "Kapal Kelud batal berlayar" and trip.cancelled_by == world.head
    for refused in (
        lambda: trip_depart(actor=world.head, trip=trip),
        lambda: trip_leg_add(
            actor=world.head, trip=trip, origin="Kijang", destination="Lembar", transport="ship"
        ),
        lambda: trip_cancel(actor=world.head, trip=trip, reason="lagi"),
    ):
        with pytest.raises(CaseError, match="sudah dibatalkan"):
            refused()
    assert Stay.objects.filter(discharged_at__isnull=True).count() == 2, "both still in"
    again = plan_trip(world, cases)
    trip_depart(actor=world.head, trip=again)
    assert AuditEvent.objects.filter(
        object_id=str(trip.pk), summary__startswith="cancelled: Kapal Kelud"
    ).exists()


def test_someone_who_left_the_shelter_is_taken_off_the_trip_before_it_leaves():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 3})
    trip = plan_trip(world, cases)
    gone = cases[1]
    Case.objects.filter(pk=gone.pk).update(status=Case.Status.LEFT)
    with pytest.raises(CaseError, match=f"Tidak lagi menunggu pulang: {gone.person.full_name}"):
        trip_depart(actor=world.head, trip=trip)
    with pytest.raises(CaseError, match="alasan"):
        trip_member_remove(actor=world.head, trip=trip, case=gone, reason="")
    trip_member_remove(actor=world.head, trip=trip, case=gone, reason="Meninggalkan shelter")
    trip_depart(actor=world.head, trip=trip)
    assert sorted(trip.members.values_list("case_id", flat=True)) == sorted(
        [cases[0].pk, cases[2].pk]
    )
    assert AuditEvent.objects.filter(object_id=str(trip.pk), changes__removed_case=gone.pk).exists()


def test_the_last_person_on_a_trip_is_not_taken_off_but_the_trip_cancelled():
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    trip = plan_trip(world, cases[:1])
    with pytest.raises(CaseError, match="satu-satunya peserta"):
        trip_member_remove(actor=world.head, trip=trip, case=cases[0], reason="sakit")
    with pytest.raises(CaseError, match="tidak ikut perjalanan ini"):
        trip_member_remove(actor=world.head, trip=trip, case=cases[1], reason="sakit")
