"""A day counted into the rollups while a change to it is being saved is never kept stale:
the builder waits for the change to commit (PostgreSQL; SQLite serialises whole writes)."""

import time
from datetime import date

import pytest
from django.db import connection, transaction

from pulang.agencies.models import Shelter
from pulang.reports.figures import figures
from pulang.reports.rollup import forget_all
from pulang.shelters.models import Stay
from pulang.shelters.services import stay_discharge
from pulang.shelters.tests.test_concurrency import meanwhile

from .test_figures import history

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent readers and writers need a server database",
    ),
]

DAY = date(2026, 3, 22)


def in_shelters() -> int:
    return figures(shelters=Shelter.objects.all(), start=DAY, end=DAY, as_of=DAY).in_shelters


def test_a_dashboard_counting_a_day_while_it_changes_waits_and_counts_the_change():
    world = history(3)
    before = in_shelters()
    forget_all()  # the day is not counted yet when the change and the dashboard meet
    stay = Stay.objects.filter(shelter=world.shelter, discharged_at__isnull=True).first()
    assert stay is not None and before > 0
    with transaction.atomic():
        stay_discharge(actor=world.head, stay=stay, reason="referred_hospital", at=stay.admitted_at)
        reader = meanwhile(in_shelters)  # another request opens the dashboard meanwhile
        time.sleep(0.5)  # it is now waiting for this change to commit
    assert reader() == before - 1, "the day was counted after the change, not before"
    assert in_shelters() == before - 1
