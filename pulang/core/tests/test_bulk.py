"""`bulk_insert` writes what `bulk_create` would, ids in list order (COPY on PostgreSQL)."""

from datetime import date

import pytest
from django.utils import timezone

from pulang.agencies.tests.factories import AgencyFactory
from pulang.cases.models import Case
from pulang.core.bulk import bulk_insert
from pulang.people.models import Person

pytestmark = pytest.mark.django_db


def test_new_rows_get_ids_in_order_and_every_value_round_trips():
    agency = AgencyFactory()
    people = [
        Person(
            full_name=f"Siti Aminah {n}",
            aliases=["Sity Aminah", "Ami"] if n % 2 else [],
            sex="F",
            birth_date=date(1990, 3, n + 1),
            birth_year_only=bool(n % 2),
            phone_my="" if n % 2 else "+60123456789",
            languages=["Bahasa Indonesia", "Melayu"],
            registered_by=agency,
        )
        for n in range(25)
    ]

    bulk_insert(people)

    ids = [person.pk for person in people]
    assert None not in ids and ids == sorted(ids)
    for person in people:
        stored = Person.objects.get(pk=person.pk)
        for field in ("full_name", "aliases", "birth_date", "birth_year_only", "phone_my"):
            assert getattr(stored, field) == getattr(person, field)
        assert stored.languages == ["Bahasa Indonesia", "Melayu"]
        assert stored.registered_by_id == agency.pk

    cases = [
        Case(person=person, owning_agency=agency, opened_at=timezone.now()) for person in people
    ]
    bulk_insert(cases)
    assert list(Case.objects.order_by("pk").values_list("person_id", flat=True)) == ids
    assert not people[0]._state.adding


def test_nothing_to_insert():
    bulk_insert([])
    assert not Person.objects.exists()


def test_plain_rows_go_in_with_their_generated_ids():
    from pulang.core.bulk import bulk_insert_values
    from pulang.matching.models import BlockKey

    person = Person.objects.create(full_name="Siti Aminah", sex="F", registered_by=AgencyFactory())
    BlockKey.objects.filter(person=person).delete()
    keys = [f"w:st:{1960 + n}" for n in range(25)]  # enough for COPY on PostgreSQL

    bulk_insert_values(BlockKey, ("person_id", "key"), [(person.pk, key) for key in keys])

    stored = list(BlockKey.objects.filter(person=person).order_by("pk"))
    assert [k.key for k in stored] == keys and len({k.pk for k in stored}) == 25
    bulk_insert_values(BlockKey, ("person_id", "key"), [])
    assert BlockKey.objects.filter(person=person).count() == 25
