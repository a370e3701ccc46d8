"""The matching index (block keys and match rows) follows every way a person is written:
a save, a merge, a manifest's bulk insert; and a person the index missed is still found."""

import json
from datetime import date

import pytest

from pulang.accounts.tests.factories import UserFactory
from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload
from pulang.arrivals.tests.factories import BatchFactory
from pulang.matching.matching import MatchRecord, candidates_for_records, retrieve_candidates
from pulang.matching.models import BlockKey, MatchRow
from pulang.matching.records import (
    PERSON_FIELDS,
    match_row,
    match_row_json,
    record_from_person_values,
)
from pulang.matching.services import person_merge
from pulang.matching.tokens import match_index_rebuild
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def expected_row(person: Person) -> dict:
    values = Person.objects.filter(pk=person.pk).values(*PERSON_FIELDS).get()
    return json.loads(match_row_json(match_row(record_from_person_values(values), 0)))


def stored_row(person: Person) -> dict:
    return json.loads(MatchRow.objects.get(person=person).row)


def keys(person: Person) -> set[str]:
    return set(BlockKey.objects.filter(person=person).values_list("key", flat=True))


def test_a_saved_person_is_indexed_and_follows_each_change():
    made = PersonFactory(full_name="Siti Aminah", sex="F", birth_date=date(1990, 3, 12))
    person = Person.objects.get(pk=made.pk)
    assert stored_row(person) == expected_row(person)
    assert stored_row(person)["name_key"] == "aminah siti"
    assert keys(person) == {
        "p:amnh st",  # two words of the name together
        "w:amnh:1990",  # each word with the birth year
        "w:st:1990",
        "di:1990-03-12:a",  # birth date and the first letter of the given name key
        "k:amnh",  # the words are known
        "k:st",
        "g:amnh st:1990",  # the given name with the birth year
    }

    person.full_name = "Dewi Lestari"
    person.phone_my = "+60123456789"
    person.save()

    assert stored_row(person) == expected_row(person)
    assert stored_row(person)["phones"] == ["60123456789"]
    assert "p:dw lstr" in keys(person) and "p:amnh st" not in keys(person)


def test_a_merge_indexes_the_kept_record_with_the_other_name_and_drops_the_absorbed():
    keep = PersonFactory(full_name="Siti Aminah", sex="F")
    absorb = PersonFactory(full_name="Sity Aminah binti Ahmad", sex="F", nik="5203015403900001")

    person_merge(actor=None, keep=keep, absorb=absorb)

    assert not MatchRow.objects.filter(person=absorb).exists()
    assert not BlockKey.objects.filter(person=absorb).exists()
    row = stored_row(keep)
    assert row == expected_row(keep)
    assert "ahmad aminah sity" in row["name_keys"] and row["nik"] == "5203015403900001"
    assert "p:ahmd amnh" in keys(keep), "found under the absorbed record's name too"


def test_people_created_by_a_manifest_are_indexed_as_a_save_would():
    worker = UserFactory()
    batch = BatchFactory(receiving_agency=worker.agency)
    text = (
        "Nama Lengkap;Jenis Kelamin;Tanggal Lahir;NIK;No HP Malaysia\n"
        "SITI AMINAH BINTI AHMAD;P;14/03/1990;;012-345 6789\n"
        "Budi Santoso;L;1985;;\n"
    )
    record, _ = manifest_upload(actor=worker, batch=batch, data=text.encode(), filename="m.csv")
    manifest_preview(manifest_import=record)
    record.refresh_from_db()

    assert manifest_commit(actor=worker, manifest_import=record).created == 2

    people = list(Person.objects.order_by("pk"))
    assert MatchRow.objects.count() == 2
    for person in people:
        assert stored_row(person) == expected_row(person)
    siti, budi = people
    assert {"p:amnh st", "p:ahmd st", "p:ahmd amnh"} <= keys(siti)
    assert stored_row(budi)["birth_year"] == 1985 and stored_row(budi)["birth_date"] is None
    # And the next manifest finds them through the index.
    [found] = candidates_for_records(
        [MatchRecord(full_name="Siti Aminah", sex="F", birth_date=date(1990, 3, 14))]
    )
    assert [c.person_id for c in found][:1] == [siti.pk]


def test_a_person_missing_from_the_index_is_still_scored_as_they_are_now():
    person = PersonFactory(full_name="Siti Aminah", sex="F", birth_date=date(1990, 3, 12))
    # Written in bulk without a rebuild: no signal, no match row.
    Person.objects.filter(pk=person.pk).update(nik="5203015203900001")
    MatchRow.objects.filter(person=person).delete()
    record = MatchRecord(full_name="Siti Aminah", sex="F", nik="5203015203900001")

    [found] = candidates_for_records([record])

    assert found[0].person_id == person.pk and "NIK sama" in found[0].reasons

    match_index_rebuild(person_ids=[person.pk])
    assert stored_row(person)["nik"] == "5203015203900001"


@pytest.mark.parametrize(
    ("registered", "arriving"),
    [
        # A one-word name registered, the same given name with the father's name arriving.
        (("Sutrisno", date(1980, 5, 1)), ("Sutrisno bin Kasan", date(1980, 9, 9))),
        # Birth unknown at the first registration, known now (and the other way round).
        (("Sutrisno", None), ("Sutrisno", date(1980, 5, 1))),
        (("Wulan Sari", None), ("Wulan Sari binti Karto", date(1996, 2, 2))),
    ],
)
def test_a_person_is_found_under_the_given_name_and_a_year_either_side_may_lack(
    registered, arriving
):
    name, born = registered
    person = PersonFactory(full_name=name, sex="M" if "Sutrisno" in name else "F", birth_date=born)
    for _ in range(3):  # others of the same year with other names
        PersonFactory(full_name="Bambang Wijaya", sex="M", birth_date=date(1980, 5, 1))
    new_name, new_born = arriving
    record = MatchRecord(full_name=new_name, sex=person.sex, birth_date=new_born)
    [found] = retrieve_candidates([match_row(record, 1)])  # brought to be scored
    assert person.pk in found
