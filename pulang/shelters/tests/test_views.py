"""The shelter pages as a worker uses them: refusals come back as messages, not errors."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.cases.models import Case
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.models import Stay
from pulang.shelters.services import stay_admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory(code="rptc-op")


@pytest.fixture
def shelter(agency):
    return ShelterFactory(agency=agency, capacity_women=1, name="RPTC Uji")


@pytest.fixture
def head(agency, client, login_verified):
    user = UserFactory(agency=agency, roles=["shelter_head"])
    login_verified(client, user)
    return user


def test_admitting_over_capacity_asks_for_the_reason_and_keeps_the_choice(client, head, shelter):
    group = [CaseFactory(owning_agency=head.agency, person__sex="F") for _ in range(2)]
    url = f"/shelter/{shelter.pk}/terima/"
    response = client.post(url, {"case": [c.pk for c in group]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shelter penuh" in body and "melebihi kapasitas 1" in body
    assert body.count("checked") == 2, "the worker's selection is kept"
    assert not Stay.objects.exists()
    response = client.post(
        url, {"case": [c.pk for c in group], "over_capacity_reason": "kapal tiba malam"}
    )
    assert response.status_code == 302
    assert Stay.objects.filter(over_capacity_reason="kapal tiba malam").count() == 2


def test_going_home_is_not_offered_as_a_discharge(client, head, shelter):
    case: Any = CaseFactory(owning_agency=head.agency, person__sex="F")
    [stay] = stay_admit(actor=head, shelter=shelter, cases=[case])
    response = client.post(f"/shelter/tinggal/{stay.pk}/keluar/", {"reason": "absconded"})
    assert response.status_code == 302
    [stay] = stay_admit(actor=head, shelter=shelter, cases=[case])
    response = client.post(f"/shelter/tinggal/{stay.pk}/keluar/", {"reason": "returned_home"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="returned_home"' not in body, "going home is a departure or a handover"
    assert "bukan salah satu dari pilihan" in body
    case.refresh_from_db()
    assert case.status == Case.Status.IN_SHELTER, "readmitted, and not sent home by a discharge"


def test_a_discharge_dated_in_the_future_is_refused_and_the_form_kept(client, head, shelter):
    """Someone recorded as absconding next June stayed on the board as a resident until then
    while their case already said they had left."""
    case: Any = CaseFactory(owning_agency=head.agency, person__sex="F")
    [stay] = stay_admit(actor=head, shelter=shelter, cases=[case])
    later = timezone.localtime() + timedelta(days=180)
    response = client.post(
        f"/shelter/tinggal/{stay.pk}/keluar/",
        {"reason": "absconded", "note": "pergi malam", "at": f"{later:%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 200
    assert "Waktu keluar tidak boleh di masa depan." in response.text
    assert 'value="pergi malam"' in response.text
    stay.refresh_from_db()
    case.refresh_from_db()
    assert stay.discharged_at is None and case.status == Case.Status.IN_SHELTER


def test_board_on_a_past_date_and_in_the_future(client, head, shelter):
    case: Any = CaseFactory(
        owning_agency=head.agency, person__sex="F", person__full_name="Siti Uji"
    )
    stay_admit(actor=head, shelter=shelter, cases=[case])
    today = timezone.localdate()
    response = client.get(f"/shelter/{shelter.pk}/")
    assert "Siti Uji" in response.content.decode()
    response = client.get(f"/shelter/{shelter.pk}/?tanggal=2020-01-01")
    assert "Siti Uji" not in response.content.decode()
    assert "penghuni pada 01/01/2020" in response.content.decode()
    response = client.get(f"/shelter/{shelter.pk}/?tanggal={today.replace(year=today.year + 1)}")
    assert "Tanggal tidak boleh di masa depan" in response.content.decode()


def test_a_roll_call_for_tomorrow_is_refused_with_a_message(client, head, shelter):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        f"/shelter/{shelter.pk}/makan/",
        {"day": tomorrow.isoformat(), "meal": "lunch"},
        follow=True,
    )
    assert "hari yang akan datang" in response.content.decode()


def test_the_board_is_in_english_when_chosen(client, head, shelter):
    case: Any = CaseFactory(owning_agency=head.agency, person__sex="F")
    stay_admit(actor=head, shelter=shelter, cases=[case])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/shelter/{shelter.pk}/").content.decode()
    assert "residents now" in body and "Admit people" in body


def test_admitting_from_a_batch_page_shows_that_batch_first_and_only(client, head, shelter):
    from datetime import timedelta

    from pulang.arrivals.tests.factories import BatchFactory

    old = BatchFactory(receiving_agency=head.agency, arrived_at=timezone.now() - timedelta(days=30))
    new = BatchFactory(receiving_agency=head.agency)
    CaseFactory(owning_agency=head.agency, batch=old, person__full_name="Lama Menunggu")
    CaseFactory(owning_agency=head.agency, batch=new, person__full_name="Baru Tiba")

    batch_page = client.get(f"/kedatangan/{new.pk}/").content.decode()
    link = f"/shelter/{shelter.pk}/terima/?rombongan={new.pk}"
    assert link in batch_page, "the batch page's admit button names the batch"

    body = client.get(link).content.decode()
    assert "Baru Tiba" in body
    assert "Lama Menunggu" not in body, "the older batch is not in the way"
    assert f'data-testid="admit-batch-{old.pk}"' not in body
    assert f'href="/shelter/{shelter.pk}/terima/"' in body, "a link to everyone waiting"

    everyone = client.get(f"/shelter/{shelter.pk}/terima/").content.decode()
    assert "Baru Tiba" in everyone and "Lama Menunggu" in everyone

    response = client.post(link, {"batch": new.pk})
    assert response.status_code == 302
    assert list(Stay.objects.values_list("case__person__full_name", flat=True)) == ["Baru Tiba"]


def test_the_boards_sex_column_reads_l_and_p_in_indonesian_and_m_and_f_in_english(
    client, head, shelter
):
    case: Any = CaseFactory(owning_agency=head.agency, person__sex="F")
    stay_admit(actor=head, shelter=shelter, cases=[case])

    def sex_cell() -> str:
        body = client.get(f"/shelter/{shelter.pk}/").content.decode()
        row = body.split('data-testid="resident"')[1].split("</tr>")[0]
        return row.split("</td><td>")[1]

    assert sex_cell() == "P", "perempuan, not the stored code F"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert sex_cell() == "F"
