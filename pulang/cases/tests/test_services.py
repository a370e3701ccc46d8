"""Guarded status transitions and the assessment of a case, both ways: allowed and refused."""

import pytest

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case, Screening, StatusChange
from pulang.cases.services import (
    TRANSITIONS,
    CaseError,
    case_close,
    case_transition,
    needs_assess,
    note_add,
    screening_record,
    screening_review,
    task_add,
    task_done,
)
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.services import stay_admit, stay_discharge

pytestmark = pytest.mark.django_db
S = Case.Status


@pytest.fixture
def agency():
    return AgencyFactory(code="rptc-op")


@pytest.fixture
def worker(agency):
    return UserFactory(agency=agency, roles=["shelter_social_worker"], username="worker")


@pytest.fixture
def head(agency):
    return UserFactory(agency=agency, roles=["shelter_head"], username="head")


@pytest.fixture
def case(agency):
    return CaseFactory(owning_agency=agency)


def test_every_status_can_be_reached_and_left_only_through_the_table():
    reachable = {to for _from, to in TRANSITIONS}
    assert reachable == set(S.values) - {S.REGISTERED}
    assert not any(frm == S.CLOSED for frm, _to in TRANSITIONS), "closed is final"


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (S.REGISTERED, S.IN_SHELTER, "belum diterima di shelter"),
        (S.REGISTERED, S.CLOSED, "tidak dapat diubah"),
        (S.REGISTERED, S.RETURNED, "serah terima"),
        (S.IN_SHELTER, S.REFERRED, "masih tinggal di shelter"),
        (S.RETURNED, S.CLOSED, "hasil akhir"),
        (S.CLOSED, S.IN_SHELTER, "tidak dapat diubah"),
        (S.DIED, S.IN_SHELTER, "tidak dapat diubah"),
    ],
)
def test_refused_transitions_say_why_and_change_nothing(case, worker, start, to, message):
    Case.objects.filter(pk=case.pk).update(status=start)
    if start == S.IN_SHELTER:
        stay_admit_without_transition(case)
    case.refresh_from_db()
    with pytest.raises(CaseError, match=message):
        case_transition(actor=worker, case=case, to=to, reason="coba")
    case.refresh_from_db()
    assert case.status == start
    assert not StatusChange.objects.filter(case=case).exists()


def stay_admit_without_transition(case):
    from django.utils import timezone

    from pulang.shelters.models import Stay

    Stay.objects.create(
        case=case, shelter=ShelterFactory(agency=case.owning_agency), admitted_at=timezone.now()
    )


def test_allowed_transitions_keep_who_when_and_why(case, worker, head, agency):
    shelter = ShelterFactory(agency=agency)
    [stay] = stay_admit(actor=worker, shelter=shelter, cases=[case])
    stay_discharge(actor=head, stay=stay, reason="referred_hospital", note="RSUD Tanjungpinang")
    case.refresh_from_db()
    with pytest.raises(CaseError, match="hasil akhir"):
        case_close(actor=head, case=case, outcome="", reason="selesai")
    case_close(actor=head, case=case, outcome=Case.Outcome.LOST_CONTACT, reason="tidak terjangkau")
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.outcome == "lost_contact" and case.closed_at
    changes = list(StatusChange.objects.filter(case=case).values_list("to_status", "changed_by"))
    assert changes == [
        (S.IN_SHELTER, worker.pk),
        (S.REFERRED, head.pk),
        (S.CLOSED, head.pk),
    ]
    assert StatusChange.objects.get(case=case, to_status=S.REFERRED).reason.endswith(
        "RSUD Tanjungpinang"
    )
    assert AuditEvent.objects.filter(action="transition", object_id=str(case.pk)).count() == 3


def test_a_transition_needs_a_reason(case, worker):
    with pytest.raises(CaseError, match="alasan"):
        case_transition(actor=worker, case=case, to=S.DIED, reason="  ")


def screening(case, by, determination="presumed"):
    return screening_record(
        actor=by,
        case=case,
        recruitment="unlicensed_agent",
        recruiter_relation="friend",
        sector="agriculture",
        determination=determination,
        means_of_control=["withholds_documents", "debt_bondage"],
        exploitation_types=["forced_labour"],
        country_of_exploitation="my",
    )


def test_a_determination_is_reviewed_by_a_second_person(case, worker, head):
    record = screening(case, worker)
    assert record.country_of_exploitation == "MY"
    with pytest.raises(CaseError, match="orang lain"):
        screening_review(actor=worker, screening=record, determination="confirmed")
    with pytest.raises(CaseError, match="alasan"):
        screening_review(actor=head, screening=record, determination="confirmed")
    screening_review(
        actor=head, screening=record, determination="confirmed", note="paspor ditahan majikan"
    )
    record.refresh_from_db()
    assert record.final_determination == Screening.Determination.CONFIRMED
    assert record.reviewed_by == head
    with pytest.raises(CaseError, match="sudah ditinjau"):
        screening_review(actor=head, screening=record, determination="confirmed")


def test_unknown_indicator_codes_are_refused(case, worker):
    with pytest.raises(CaseError, match="tidak dikenal"):
        screening_record(
            actor=worker,
            case=case,
            recruitment="unlicensed_agent",
            recruiter_relation="friend",
            sector="agriculture",
            determination="presumed",
            means_of_control=["mind_control"],
        )
    assert not Screening.objects.exists()


def test_needs_assessment_sets_the_vulnerability_flags(case, worker):
    needs_assess(
        actor=worker, case=case, needs=["medical", "documents"], flags={"is_pregnant": True}
    )
    case.refresh_from_db()
    assert case.is_pregnant
    with pytest.raises(CaseError):
        needs_assess(actor=worker, case=case, needs=["spaceship"])


def test_notes_and_plan(case, worker):
    from datetime import date

    note_add(actor=worker, case=case, text="Ingin pulang ke Lombok Timur.")
    with pytest.raises(CaseError):
        note_add(actor=worker, case=case, text=" ")
    task = task_add(
        actor=worker, case=case, title="Hubungi Dinsos", due_on=date(2026, 3, 3), goal="Pulang"
    )
    task_done(actor=worker, task=task)
    task.refresh_from_db()
    assert task.done_by == worker and task.done_at is not None
