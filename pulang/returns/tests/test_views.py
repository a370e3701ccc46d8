"""The way-home pages as a shelter head uses them: what the forms show and keep."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from pulang.cases.tests.factories import CaseFactory
from pulang.returns.models import Handover
from pulang.returns.services import trip_depart
from pulang.shelters.services import stay_admit

from .helpers import plan_trip, residents_going_home, return_world

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


def departed_trip(world, cases):
    trip = plan_trip(world, cases, destination="Lombok")
    return trip_depart(actor=world.head, trip=trip)


def test_a_handover_refused_comes_back_with_everything_typed(client, login_verified):
    """The handover form is the longest on the way home; a refusal used to redirect to an
    empty one."""
    world = return_world()
    first, second = residents_going_home(world, {"52.03": 2})
    trip = departed_trip(world, [first, second])
    login_verified(client, world.head)
    tomorrow = timezone.localtime() + timedelta(days=1)

    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/serah-terima/",
        {
            "group": "g0",
            "g0-case": [first.pk],
            "g0-receiver_kind": "regional_social_office",
            "g0-receiver_name": "Lalu Ahmad",
            "g0-receiver_relation": "Kepala Seksi",
            "g0-receiver_document": "KTP 5203000000000001",
            "g0-witness_name": "Baiq Nurul",
            "g0-place": "Kantor Dinas Sosial Lombok Timur",
            "g0-handed_at": f"{tomorrow:%Y-%m-%dT%H:%M}",
        },
    )
    page = response.text
    assert "Waktu serah terima tidak boleh di masa depan." in page
    for typed in ("Lalu Ahmad", "Kepala Seksi", "KTP 5203000000000001", "Baiq Nurul"):
        assert f'value="{typed}"' in page
    assert 'value="Kantor Dinas Sosial Lombok Timur"' in page
    assert f'value="{tomorrow:%Y-%m-%dT%H:%M}"' in page
    assert f'value="{first.pk}" checked' in page
    assert f'value="{second.pk}">' in page, "the person left out stays left out"
    assert not Handover.objects.exists()

    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/serah-terima/",
        {"group": "g0", "g0-case": [first.pk], "g0-receiver_name": "Lalu Ahmad"},
    )
    assert "Lengkapi data penerima" in response.text
    assert 'value="Lalu Ahmad"' in response.text


def test_a_leg_without_its_start_keeps_where_it_goes(client, login_verified):
    world = return_world()
    cases = residents_going_home(world, {"52.03": 1})
    trip = plan_trip(world, cases, destination="Lombok")
    login_verified(client, world.head)
    page = client.post(
        f"/pulang/perjalanan/{trip.pk}/ruas/", {"destination": "Lembar", "transport": "ship"}
    ).text
    assert "Isi asal, tujuan dan moda ruas perjalanan." in page
    assert 'value="Lembar"' in page
    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/ruas/",
        {"origin": "Tanjung Priok", "destination": "Lembar", "transport": "ship"},
        follow=True,
    )
    assert "Ruas perjalanan ditambahkan." in response.text
    assert "Tanjung Priok → Lembar" in response.text


def test_a_head_takes_one_person_off_a_trip_then_cancels_it(client, login_verified):
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    trip = plan_trip(world, cases, destination="Lombok")
    login_verified(client, world.head)
    page = client.get(f"/pulang/perjalanan/{trip.pk}/").text
    assert "Batalkan perjalanan" in page and page.count("Keluarkan</button>") == 2

    leaving = cases[0].person.full_name
    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/keluar/{cases[0].pk}/", {"reason": ""}, follow=True
    )
    assert f"Tuliskan alasan {leaving} keluar dari perjalanan." in response.text
    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/keluar/{cases[0].pk}/",
        {"reason": "Dirawat di RSUD"},
        follow=True,
    )
    assert f"{leaving} dikeluarkan dari perjalanan ini." in response.text
    assert 'data-testid="member-count">1<' in response.text
    assert "Keluarkan</button>" not in response.text, "the last one is not taken off"

    response = client.post(
        f"/pulang/perjalanan/{trip.pk}/batal/", {"reason": "Kapal batal berlayar"}, follow=True
    )
    assert "Perjalanan dibatalkan; pesertanya dapat ikut perjalanan lain." in response.text
    assert "Kapal batal berlayar" in response.text
    assert "Catat keberangkatan" not in response.text
    assert "dibatalkan" in client.get("/pulang/").text
    # Both may be planned again from the shelter.
    page = client.get(f"/pulang/shelter/{world.shelter.pk}/perjalanan-baru/").text
    assert all(case.person.full_name in page for case in cases)
