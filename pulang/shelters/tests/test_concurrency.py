"""Two members of staff saving the same roll call or the same attendance at the same moment
(found by the 50-user load test, issue 9): each resident is recorded once, and neither of
them meets an error."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.models import ActivityKind, Attendance, Provision
from pulang.shelters.services import attendance_mark, meal_roll_call, session_create, stay_admit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need a server database (SQLite serialises whole writes)",
    ),
]


def meanwhile(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start `work` in another thread (its own database connection, as another web request
    would have); returns a function that waits for it and gives its result or raises."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except Exception as error:  # handed to the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def result() -> Any:
        thread.join(timeout=30)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


@pytest.fixture
def residents():
    agency = AgencyFactory()
    shelter = ShelterFactory(agency=agency, capacity_men=5, capacity_women=5)
    worker = UserFactory(agency=agency, roles=["shelter_social_worker"])
    group = [CaseFactory(owning_agency=agency, person__sex="F") for _ in range(3)]
    stays = stay_admit(
        actor=worker, shelter=shelter, cases=group, at=timezone.now() - timedelta(days=1)
    )
    return shelter, worker, stays


def test_two_roll_calls_of_one_meal_at_once_record_each_resident_once(residents):
    shelter, worker, _stays = residents
    today = timezone.localdate()
    with transaction.atomic():
        first = meal_roll_call(actor=worker, shelter=shelter, day=today, meal="lunch")
        second = meanwhile(
            lambda: meal_roll_call(actor=worker, shelter=shelter, day=today, meal="lunch")
        )
        time.sleep(0.5)  # the second worker's save is now waiting for the first
    assert first.served == 3
    assert (second().served, second().already) == (0, 3)
    assert Provision.objects.filter(provided_on=today, kind="lunch").count() == 3


def test_two_staff_marking_one_session_at_once_mark_each_resident_once(residents):
    shelter, worker, stays = residents
    session = session_create(
        actor=worker,
        shelter=shelter,
        # get_or_create: an earlier test of this kind may have emptied the tables
        kind=ActivityKind.objects.get_or_create(
            code="sport-futsal", defaults={"name": "Futsal", "group": "sport"}
        )[0],
        starts_at=timezone.now(),
        facilitator="Pak Darto",
    )
    ids = [stay.pk for stay in stays]
    with transaction.atomic():
        assert attendance_mark(actor=worker, session=session, stay_ids=ids[:2]) == 2
        second = meanwhile(lambda: attendance_mark(actor=worker, session=session, stay_ids=ids))
        time.sleep(0.5)
    assert second() == 1, "only the one the first did not tick"
    assert Attendance.objects.filter(session=session).count() == 3
