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
