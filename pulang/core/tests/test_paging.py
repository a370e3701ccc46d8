"""Long lists say "more than" instead of counting a national registry."""

import pytest

from pulang.core.paging import CappedPaginator
from pulang.core.tests.plans import query_plan
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly_and_a_long_one_stops_at_the_cap():
    PersonFactory.create_batch(7)
    people = Person.objects.order_by("full_name", "id")
    exact = CappedPaginator(people, 2)
    assert (exact.count, exact.num_pages, exact.capped) == (7, 4, False)

    capped = CappedPaginator(people, 2)
    capped.cap = 5
    assert capped.capped and capped.count == 6
    page = capped.get_page(2)
    assert [p.pk for p in page.object_list] == [p.pk for p in people[2:4]]


def test_the_people_list_says_more_than_when_it_stops_counting(client, login_verified, monkeypatch):
    from pulang.accounts.tests.factories import UserFactory
    from pulang.agencies.tests.factories import AgencyFactory

    agency = AgencyFactory(code="rptc-uji")
    worker = UserFactory(agency=agency, roles=["shelter_social_worker"])
    PersonFactory.create_batch(5, registered_by=agency)
    login_verified(client, worker)
    page = client.get("/orang/").content.decode()
    assert "Halaman 1 dari 1 (5 orang)" in page

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    page = client.get("/orang/").content.decode()
    assert "lebih dari 3 orang" in page and "(5 orang)" not in page


def test_a_page_found_by_its_keys_first_holds_the_same_rows_in_the_same_order():
    from pulang.core.paging import KeysFirstPaginator

    PersonFactory.create_batch(9)
    people = Person.objects.select_related("origin_region").order_by("full_name", "id")
    for number in (1, 2, 3):
        keys_first = KeysFirstPaginator(people, 4).get_page(number)
        whole = CappedPaginator(people, 4).get_page(number)
        assert [p.pk for p in keys_first.object_list] == [p.pk for p in whole.object_list]
        assert all(isinstance(p, Person) for p in keys_first.object_list)
    assert len(KeysFirstPaginator(people, 4).get_page(3).object_list) == 1


def test_the_people_search_walks_the_name_order_index_without_reading_rows():
    """The commonest names in a national registry: 234,000 rows read to show fifty, when
    the filter's columns had to come from the table (docs/performance.md)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("covering indexes are PostgreSQL's")
    PersonFactory.create_batch(5)
    keys = Person.objects.matching("siti").order_by("full_name", "id").values_list("pk")[:50]
    sql, params = keys.query.sql_with_params()
    plan = query_plan(sql, params, bitmap_scans=False)
    assert "Index Only Scan using person_name_order" in plan, plan
