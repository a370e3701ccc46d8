from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pulang.access.models import AccessGrant
from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.api.services import api_token_create
from pulang.audit.models import AuditEvent
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    shelter, office = AgencyFactory(), AgencyFactory()
    person = PersonFactory(registered_by=shelter)
    return shelter, office, person


def test_own_agency_sees_its_people_and_no_one_elses(two_agencies):
    shelter, office, person = two_agencies
    other = PersonFactory(registered_by=office)
    worker = UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER])
    assert list(Person.objects.visible_to(worker)) == [person]
    assert other not in Person.objects.visible_to(worker)


def test_roles_without_names_and_superusers_without_roles_see_no_one(two_agencies):
    shelter, _, _ = two_agencies
    analyst = UserFactory(agency=shelter, roles=[Role.HQ_ANALYST])
    boss = UserFactory(agency=shelter, roles=[], is_superuser=True)
    assert not Person.objects.visible_to(analyst).exists()
    assert not Person.objects.visible_to(boss).exists()


def test_a_live_grant_opens_a_person_and_ending_it_closes_at_once(two_agencies):
    _, office, person = two_agencies
    officer = UserFactory(agency=office, roles=[Role.REGIONAL_SOCIAL_OFFICER])
    assert not Person.objects.visible_to(officer).exists()
    grant = AccessGrant.objects.create(
        person=person, agency=office, basis=AccessGrant.Basis.HANDOVER
    )
    assert list(Person.objects.visible_to(officer)) == [person]

    grant.revoked_at = timezone.now()
    grant.save()
    assert not Person.objects.visible_to(officer).exists()

    AccessGrant.objects.create(
        person=person,
        agency=office,
        basis=AccessGrant.Basis.REFERRAL,
        ends_at=timezone.now() - timedelta(seconds=1),
    )
    assert not Person.objects.visible_to(officer).exists()
    AccessGrant.objects.create(
        person=person,
        agency=office,
        basis=AccessGrant.Basis.REFERRAL,
        starts_at=timezone.now() + timedelta(days=1),
    )
    assert not Person.objects.visible_to(officer).exists()


def test_an_inactive_user_sees_nothing(two_agencies):
    shelter, _, _ = two_agencies
    worker = UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER], is_active=False)
    assert not Person.objects.visible_to(worker).exists()


def test_the_people_an_agency_has_cases_of_are_read_from_an_index_alone():
    """Every person query asks this of the scope; at a million cases, reading the cases'
    own pages for it cost 50 ms a query (docs/performance.md, person search)."""
    from pulang.access.scope import _owned_case_people
    from pulang.core.tests.plans import query_plan

    sql, params = _owned_case_people(1).query.sql_with_params()
    plan = query_plan(sql, params, bitmap_scans=False)
    assert "case_agency_person" in plan, plan


@pytest.mark.parametrize("route", ["cases:detail", "api:case-detail"])
def test_after_a_handover_the_destinations_office_sees_the_case_and_another_does_not(
    route, client, login_verified
):
    """The regional social office of the destination, and only that one, gains the case."""
    from pulang.returns.tests.helpers import hand_over, residents_going_home, return_world

    world = return_world()
    [case] = residents_going_home(world, {"52.03": 1})
    hand_over(world, [case])
    for code, expected in (("52.03", 200), ("35.27", 404)):
        officer = UserFactory(
            agency=world.offices[code],
            roles=[Role.REGIONAL_SOCIAL_OFFICER],
            is_service_account=route.startswith("api"),
        )
        url = reverse(route, kwargs={"case_id": case.pk})
        headers = {}
        if route.startswith("api"):
            headers["Authorization"] = "Bearer " + api_token_create(
                actor=None, user=officer, name="t"
            )
        else:
            login_verified(client, officer)
        denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED)
        before = denied.count()
        response = client.get(url, headers=headers)
        assert response.status_code == expected, (code, route)
        if expected == 200:
            assert case.person.full_name in response.content.decode()
        else:
            assert denied.count() == before + 1, "the other office's attempt is recorded"
