"""The follow-up page as a regional officer uses it."""

import pytest
from django.utils import timezone

from pulang.empowerment.models import FollowUp
from pulang.empowerment.services import add_months, enrol
from pulang.sharing.tests.helpers import sharing_world

from .test_services import accepted

pytestmark = pytest.mark.django_db


def test_whether_the_person_was_reached_is_asked_not_assumed(client, login_verified):
    """ "Reached: yes" was preselected, so a visit that found nobody could be saved as one
    that found them."""
    world = sharing_world()
    referral = accepted(world)
    enrol(
        actor=world.officer,
        programme=world.programme,
        case=world.case,
        referral=referral,
        enrolled_on=add_months(timezone.localdate(), -1),
    )
    followup = FollowUp.objects.get(months_after=1)
    login_verified(client, world.officer)
    url = f"/tindak-lanjut/{followup.pk}/"
    assert '<option value="" selected>—</option>' in client.get(url).text.split('name="reached"')[1]

    page = client.post(url, {"monthly_income": "1500000", "needs": "modal tambahan"}).text
    assert "Pilih ya atau tidak." in page
    assert 'value="1500000"' in page and 'value="modal tambahan"' in page
    followup.refresh_from_db()
    assert followup.done_at is None

    response = client.post(url, {"reached": "no"})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.done_at is not None and followup.reached is False


def test_the_officer_records_what_became_of_the_person_on_the_case_page(client, login_verified):
    """The outcome had a page to receive it and no form that sent it: nobody could record
    that a person had become economically independent."""
    world = sharing_world()
    accepted(world)
    login_verified(client, world.officer)
    url = f"/kasus/{world.case.pk}/"
    page = client.get(url).text
    assert 'data-testid="outcome-form"' in page

    response = client.post(
        f"/tindak-lanjut/kasus/{world.case.pk}/hasil/",
        {"outcome": "independent", "evidence": "Warung kelontong berjalan, 3 bulan"},
        follow=True,
    )
    assert "Hasil akhir dicatat." in response.text
    assert "Mandiri secara ekonomi" in response.text
    assert 'value="Warung kelontong berjalan, 3 bulan"' in response.text, "shown to correct"

    login_verified(client, world.worker)
    assert 'data-testid="outcome-form"' not in client.get(url).text, "the shelter does not"


def test_the_office_sees_whom_it_just_received_before_any_follow_up_is_due(client, login_verified):
    """Twenty-five people handed over to the regional office showed nowhere on its
    follow-up page until the first visit fell due a month later."""
    from pulang.accounts.tests.factories import UserFactory
    from pulang.returns.tests.helpers import hand_over, residents_going_home, return_world

    world = return_world()
    cases = residents_going_home(world, {"52.03": 2, "35.27": 1})
    hand_over(world, cases[:2])
    lombok = UserFactory(agency=world.offices["52.03"], roles=["regional_social_officer"])
    sampang = UserFactory(agency=world.offices["35.27"], roles=["regional_social_officer"])

    login_verified(client, lombok)
    page = client.get("/tindak-lanjut/").text
    received = page.split('data-testid="received"')[1].split("</ul>")[0]
    for case in cases[:2]:
        assert case.person.full_name in received
    assert "dari RPTC Tanjung Pinang" in received and "tindak lanjut pertama" in received
    assert cases[2].person.full_name not in page

    login_verified(client, sampang)
    page = client.get("/tindak-lanjut/").text
    assert "Tidak ada orang yang baru diserahkan ke lembaga Anda." in page
    assert cases[0].person.full_name not in page
