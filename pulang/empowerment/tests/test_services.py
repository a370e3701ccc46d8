"""Programmes, follow-ups and outcomes."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.arrivals.tests.factories import BatchFactory
from pulang.cases.models import Case
from pulang.cases.services import CaseError, case_deported_again
from pulang.cases.tests.factories import CaseFactory
from pulang.empowerment.models import FollowUp
from pulang.empowerment.selectors import followups_due
from pulang.empowerment.services import add_months, enrol, followup_record
from pulang.sharing.services import consent_record, referral_accept, referral_send
from pulang.sharing.tests.helpers import sharing_world

pytestmark = pytest.mark.django_db


def accepted(world):
    consent_record(
        actor=world.worker,
        person=world.case.person,
        purpose="empowerment",
        basis="consent",
        given_by="Siti Rahmawati",
    )
    referral = referral_send(
        actor=world.worker, case=world.case, to_agency=world.unit, purpose="empowerment"
    )
    return referral_accept(actor=world.officer, referral=referral)


def test_months_add_up_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 15), 12) == date(2028, 12, 15)


def test_enrolment_plans_the_programmes_follow_ups_and_only_the_runner_enrols():
    world = sharing_world()
    referral = accepted(world)
    with pytest.raises(CaseError, match="instansi pelaksana"):
        enrol(actor=world.worker, programme=world.programme, case=world.case, referral=referral)
    enrolment = enrol(
        actor=world.officer,
        programme=world.programme,
        case=world.case,
        referral=referral,
        enrolled_on=date(2026, 1, 31),
        amount=Decimal("5000000"),
    )
    due = list(FollowUp.objects.filter(enrolment=enrolment).values_list("months_after", "due_on"))
    assert due == [
        (1, date(2026, 2, 28)),
        (3, date(2026, 4, 30)),
        (6, date(2026, 7, 31)),
        (12, date(2027, 1, 31)),
    ]
    with pytest.raises(CaseError, match="sudah terdaftar"):
        enrol(actor=world.officer, programme=world.programme, case=world.case)


def test_follow_up_due_list_and_record():
    world = sharing_world()
    referral = accepted(world)
    today = timezone.localdate()
    enrol(
        actor=world.officer,
        programme=world.programme,
        case=world.case,
        referral=referral,
        enrolled_on=add_months(today, -1),
    )
    listed = followups_due(user=world.officer)
    assert [f.months_after for f in listed["due"] + listed["overdue"]] == [1]
    other = UserFactory(agency=world.ministry, roles=["shelter_head"])
    assert followups_due(user=other)["due"] == [], "another agency's follow-ups are not mine"
    [first] = listed["due"] + listed["overdue"]
    with pytest.raises(CaseError, match="jalur"):
        followup_record(actor=world.officer, followup=first, reached=True, wants_abroad=True)
    followup_record(
        actor=world.officer,
        followup=first,
        reached=True,
        monthly_income=Decimal("2500000"),
        business_running=True,
        wants_abroad=True,
        abroad_channel="legal",
        safe_migration_knowledge="good",
    )
    first.refresh_from_db()
    assert first.done_by == world.officer and first.business_running is True
    assert followups_due(user=world.officer)["due"] == []


def test_deported_again_is_the_earlier_episodes_outcome():
    world = sharing_world()
    referral = accepted(world)
    enrol(actor=world.officer, programme=world.programme, case=world.case, referral=referral)
    later = CaseFactory(
        owning_agency=world.ministry,
        person=world.case.person,
        previous_case=world.case,
        is_returning=True,
        batch=BatchFactory(reference="TPI-20270301-01", receiving_agency=world.ministry),
    )
    case_deported_again(actor=world.worker, earlier=world.case, later=later)
    world.case.refresh_from_db()
    assert world.case.outcome == Case.Outcome.ABROAD_IRREGULAR
    assert "TPI-20270301-01" in world.case.outcome_evidence
    assert not FollowUp.objects.filter(case=world.case, cancelled_at__isnull=True).exists()


def test_a_handover_to_the_regional_office_plans_its_follow_ups():
    from pulang.returns.tests.helpers import hand_over, residents_going_home, return_world

    world = return_world()
    [case] = residents_going_home(world, {"52.03": 1})
    handover = hand_over(world, [case])
    planned = FollowUp.objects.filter(case=case)
    assert sorted(planned.values_list("months_after", flat=True)) == [1, 3, 6, 12]
    assert {f.agency for f in planned} == {world.offices["52.03"]}
    assert planned.get(months_after=1).due_on == add_months(
        timezone.localtime(handover.handed_at).date(), 1
    )
