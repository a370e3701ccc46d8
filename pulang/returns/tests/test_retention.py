"""What a shelter still shows of the people it sent home once its read access has ended."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from pulang.access.models import AccessGrant
from pulang.accounts.tests.factories import UserFactory
from pulang.audit.models import AuditEvent
from pulang.returns.services import trip_depart

from .helpers import hand_over, plan_trip, residents_going_home, return_world

pytestmark = pytest.mark.django_db


def test_after_its_read_access_ends_a_shelter_keeps_the_trip_but_not_the_names(
    client, login_verified
):
    world = return_world()
    cases = residents_going_home(world, {"52.03": 2})
    trip = plan_trip(world, cases)
    trip_depart(actor=world.head, trip=trip)
    handover = hand_over(world, cases, trip=trip)
    names = [case.person.full_name for case in cases]
    login_verified(client, world.head)
    page = client.get(f"/pulang/perjalanan/{trip.pk}/")
    assert all(name in page.text for name in names), "within the retention period"
    assert client.get(f"/pulang/serah-terima/{handover.pk}.pdf").status_code == 200

    AccessGrant.objects.filter(basis="shelter_retention").update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    page = client.get(f"/pulang/perjalanan/{trip.pk}/")
    assert page.status_code == 200 and trip.reference in page.text
    assert not any(name in page.text for name in names)
    assert 'data-testid="members-unseen"' in page.text and "dan 2 orang" in page.text
    assert f"/pulang/serah-terima/{handover.pk}.pdf" not in page.text
    assert client.get(f"/pulang/serah-terima/{handover.pk}.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_id=str(handover.pk)).exists()
    manifest = client.get(f"/pulang/perjalanan/{trip.pk}/manifest.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(manifest.content)).pages)
    assert trip.reference in text and not any(name in text for name in names)

    office = UserFactory(agency=world.offices["52.03"], roles=["regional_social_officer"])
    login_verified(client, office)
    assert client.get(f"/pulang/serah-terima/{handover.pk}.pdf").status_code == 200
