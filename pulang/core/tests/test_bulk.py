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


def test_rows_from_plain_values_take_the_defaults_of_what_they_leave_out():
    from pulang.audit.models import AuditEvent
    from pulang.core.bulk import bulk_insert_rows

    agency = AgencyFactory()
    before = timezone.now()
    rows = [
        {
            "full_name": f"Siti Aminah {n}",
            "aliases": ["Sity"] if n % 2 else [],
            "sex": "F",
            "birth_date": date(1990, 3, n + 1),
            "registered_by_id": agency.pk,
            "origin_region_id": None,
        }
        for n in range(25)
    ]

    ids = bulk_insert_rows(Person, rows)

    assert ids == sorted(ids) and len(set(ids)) == 25
    for person_id, row in zip(ids, rows, strict=True):
        stored = Person.objects.get(pk=person_id)
        assert stored.full_name == row["full_name"] and stored.aliases == row["aliases"]
        assert stored.birth_date == row["birth_date"]
        assert stored.languages == [] and stored.nik == "" and not stored.birth_year_only
        assert stored.travel_document == Person.TravelDocument.UNKNOWN
        assert stored.created_at >= before  # auto_now_add
    events = bulk_insert_rows(
        AuditEvent,
        [
            {
                "occurred_at": before,
                "action": "create",
                "changes": {"n": n},
                "ip_address": None,
                "prev_hash": "0" * 64,
                "hash": f"{n:064d}",
            }
            for n in range(30)
        ],
    )
    assert [event.changes for event in AuditEvent.objects.filter(pk__in=events).order_by("pk")] == [
        {"n": n} for n in range(30)
    ]
    with pytest.raises(TypeError, match="no fields"):
        bulk_insert_rows(Person, [{"full_nama": "typo"}] * 25)
    assert bulk_insert_rows(Person, []) == []


@pytest.mark.parametrize("count", [3, 25])  # one UPDATE of Django's, or the scratch table
def test_changed_fields_are_saved_and_nothing_else(count):
    from pulang.core.bulk import bulk_change

    agency = AgencyFactory()
    people = [
        Person.objects.create(
            full_name=f"Siti Aminah {n}", sex="F", birth_place="Sampang", registered_by=agency
        )
        for n in range(count)
    ]
    untouched = Person.objects.create(full_name="Wati", sex="F", registered_by=agency)
    for n, person in enumerate(people):
        person.aliases = [f"Sity {n}", "Ami"]
        person.birth_date = date(1990, 1, n + 1)
        person.birth_place = "changed here but not saved"

    bulk_change(people, ["aliases", "birth_date"])
    bulk_change(people[:1], ["birth_date"])  # twice in one transaction
    bulk_change([], ["aliases"])

    for n, person in enumerate(people):
        stored = Person.objects.get(pk=person.pk)
        assert stored.aliases == [f"Sity {n}", "Ami"]
        assert stored.birth_date == date(1990, 1, n + 1)
        assert stored.birth_place == "Sampang"
    assert Person.objects.get(pk=untouched.pk).aliases == []


@pytest.mark.parametrize("count", [3, 30])  # SQLite and PostgreSQL's INSERT; COPY from 20
def test_plain_values_of_dates_and_times_round_trip(count):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from pulang.agencies.tests.factories import ShelterFactory
    from pulang.cases.tests.factories import CaseFactory
    from pulang.core.bulk import bulk_insert_values
    from pulang.shelters.models import Provision, Stay

    shelter = ShelterFactory()
    case = CaseFactory(owning_agency=shelter.agency)
    stay = Stay.objects.create(case=case, shelter=shelter, admitted_at=timezone.now())
    # Two in the evening in Jakarta is the same day in UTC; nine at night is the next day.
    served = datetime(2020, 3, 1, 21, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    rows = [
        (stay.pk, shelter.pk, "dinner", date(2020, 3, 1) + timedelta(days=n), served, 1, "")
        for n in range(count)
    ]
    bulk_insert_values(
        Provision,
        ("stay_id", "shelter_id", "kind", "provided_on", "recorded_at", "quantity", "description"),
        rows,
    )
    stored = list(Provision.objects.filter(stay=stay).order_by("provided_on"))
    assert [p.provided_on for p in stored] == [row[3] for row in rows]
    assert {p.recorded_at for p in stored} == {served}
