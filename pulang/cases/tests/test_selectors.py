"""The case list's filters select exactly the cases behind the ministry's figures."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.cases.forms import CaseFilterForm
from pulang.cases.selectors import case_list
from pulang.reports.figures import figures
from pulang.returns.models import HandoverMember
from pulang.shelters.selectors import age_on

from .helpers import recent_history

pytestmark = pytest.mark.django_db


def listed(user, **params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = str(value)
    return case_list(user=user, filters=CaseFilterForm(query).filters())


@pytest.fixture
def history():
    return recent_history(seed=3)


@pytest.fixture
def head(history):
    return UserFactory(agency=history.world.shelter.agency, roles=["shelter_head"])


def test_handed_over_in_a_period_by_sex_age_and_province_match_the_figures(history, head):
    period = {"peristiwa": "dipulangkan", "dari": history.start, "sampai": history.end}
    result = figures(
        shelters=history.world.shelter.agency.shelters.all(),
        start=history.start,
        end=history.end,
        as_of=history.end,
    )
    assert listed(head, **period).count() == result.returned_home > 0
    for sex, count in result.returned_by_sex.items():
        assert listed(head, **period, jk=sex).count() == count
    for group, count in result.returned_by_age_group.items():
        assert listed(head, **period, umur=group).count() == count, group
    assert listed(head, **period, provinsi="52").count() == result.returned_by_province.get(
        "Nusa Tenggara Barat", 0
    )
    members = HandoverMember.objects.select_related("case__person", "handover")
    children = {
        m.case_id
        for m in members
        if (age_on(m.case.person.birth_date, timezone.localdate(m.handover.handed_at)) or 99) < 18
    }
    assert children, "the history hands over children"
    assert set(listed(head, **period, umur="0-17").values_list("pk", flat=True)) == children


def test_in_the_shelter_on_a_day_and_received_in_a_period(history, head):
    day = history.end - timedelta(days=8)
    result = figures(
        shelters=history.world.shelter.agency.shelters.all(),
        start=history.start,
        end=history.end,
        as_of=day,
    )
    assert listed(head, peristiwa="di_shelter", per=day).count() == result.in_shelters
    received = listed(head, peristiwa="diterima", dari=history.start, sampai=history.end)
    assert received.count() == result.received == len(history.cases)


def test_flags_status_and_name(history, head):
    returning = {c.pk for c in history.cases if c.is_returning}
    assert set(listed(head, kembali="ya").values_list("pk", flat=True)) == returning
    children = {c.pk for c in history.cases if c.is_child}
    assert set(listed(head, anak="ya").values_list("pk", flat=True)) == children
    assert listed(head, status="returned").count() == HandoverMember.objects.count()
    assert [c.person.full_name for c in listed(head, q="52.02 03")] == ["Pulang 52.02 03"]


def test_another_agencys_cases_never_show_and_a_wrong_filter_shows_nothing(history, head):
    names = {c.person.full_name for c in listed(head)}
    assert not any(name.startswith("Rahasia") for name in names)
    assert listed(head, umur="abc").count() == 0
    assert listed(head, dari=history.end, sampai=history.start).count() == 0
    assert case_list(user=UserFactory(roles=["hq_analyst"]), filters={}).count() == 0


def test_a_batch_page_links_to_its_cases(client, login_verified, history, head):
    from pulang.arrivals.tests.factories import BatchFactory
    from pulang.cases.models import Case

    batch = BatchFactory(receiving_agency=head.agency, reference="TPI-20261101-01")
    Case.objects.filter(pk__in=[c.pk for c in history.cases[:3]]).update(batch=batch)
    login_verified(client, head)
    page = client.get(f"/kedatangan/{batch.pk}/").text
    assert "/kasus/?rombongan=TPI-20261101-01" in page
    assert listed(head, rombongan="tpi-20261101-01").count() == 3
