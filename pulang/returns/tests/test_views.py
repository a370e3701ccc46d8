"""The way-home pages as a shelter head uses them: what the forms show and keep."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.services import stay_admit

from .helpers import residents_going_home, return_world

pytestmark = pytest.mark.django_db


def test_the_return_plan_form_shows_its_dates_in_indonesian(client, login_verified):
    """A date picker reads only 2026-12-01; the Indonesian 01-12-2026 left it empty, so the
    saved date vanished from the form and the browser refused to save it again."""
    world = return_world()
    [planned] = residents_going_home(world, {"52.03": 1})
    login_verified(client, world.head)

    page = client.get(f"/pulang/rencana/{planned.pk}/").text
    assert 'value="2026-12-01"' in page

    fresh: Any = CaseFactory(owning_agency=world.shelter.agency)
    stay_admit(actor=world.head, shelter=world.shelter, cases=[fresh])
    page = client.get(f"/pulang/rencana/{fresh.pk}/").text
    assert f'value="{timezone.localdate() + timedelta(days=3):%Y-%m-%d}"' in page


def test_the_dashboard_period_shows_in_its_date_pickers(client, login_verified):
    world = return_world()
    login_verified(client, world.head)
    page = client.get("/laporan/").text
    assert f'name="dari" value="{date(timezone.localdate().year, 1, 1):%Y-%m-%d}"' in page
