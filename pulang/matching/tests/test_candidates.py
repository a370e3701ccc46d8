"""Intake: for each new person, the registered persons who may be the same, ranked, with reasons.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (trigram retrieval).
"""

from datetime import date

import pytest
from django.db import connection

from pulang.core.tests.plans import query_plan
from pulang.matching.matching import (
    MatchRecord,
    candidates_for_records,
    match_record_from_values,
    retrieve_candidates,
)
from pulang.matching.records import match_row
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory
from pulang.regions.tests.factories import regions as make_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions() -> None:
    make_regions(
        ("35", "Jawa Timur"),
        ("35.25", "Kabupaten Gresik"),
        ("35.25.01", "Wringinanom"),
        ("35.25.02", "Driyorejo"),
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
        ("52.03.04", "Selong"),
    )


@pytest.fixture
def registry(regions: None) -> dict[str, Person]:
    """Earlier registrations, with namesakes and relatives around the people we look for."""
    people = {
        "siti": PersonFactory(
            full_name="Siti Aminah binti Abdullah",
            sex="F",
            birth_date=date(1990, 3, 12),
            nik="3525015203900003",
            travel_document="passport",
            travel_document_number="B1234567",
            phone_my="+60123456789",
            origin_region_id="35.25.01",
        ),
        # Her sister: same father, family card and next of kin's phone.
        "sister": PersonFactory(
            full_name="Nur Hasanah binti Abdullah",
            sex="F",
            birth_date=date(1995, 8, 2),
            family_card_number="3525010101010001",
            kin_phone="+6281111111111",
            origin_region_id="35.25.01",
        ),
        # A namesake from elsewhere, born another year.
        "namesake": PersonFactory(
            full_name="Siti Aminah",
            sex="F",
            birth_date=date(1978, 6, 30),
            origin_region_id="52.03.04",
        ),
        "rizki": PersonFactory(
            full_name="Muhammad Rizki Pratama",
            sex="M",
            birth_date=date(1988, 11, 5),
            travel_document="passport",
            travel_document_number="C7654321",
            family_card_number="5203040202020002",
            origin_region_id="52.03.04",
        ),
        "wayan": PersonFactory(
            full_name="Wayan Suparta",
            sex="M",
            birth_date=date(1984, 1, 1),
            birth_year_only=True,
            origin_region_id="35.25.02",
        ),
        "dewi": PersonFactory(
            full_name="Dewi Lestari",
            sex="F",
            birth_date=date(1993, 4, 9),
            phone_id="+6285712345678",
            origin_region_id="35.25.02",
        ),
    }
    for index in range(20):  # unrelated people, so the registry is not only look-alikes
        PersonFactory(
            full_name=f"Orang Lain {chr(97 + index)}xyz",
            sex="M" if index % 2 else "F",
            birth_date=date(1960 + index, 1 + index % 12, 1 + index),
        )
    return people


SITI = {"sex": "F", "origin_region_code": "35.25.01"}

VARIANTS = [
    pytest.param(
        MatchRecord(full_name="Sity Aminah", birth_date=date(1990, 3, 12), **SITI),
        "siti",
        "nama mirip",
        id="misspelt-name",
    ),
    pytest.param(
        MatchRecord(full_name="Aminah Siti", birth_date=date(1990, 3, 12), **SITI),
        "siti",
        "tanggal lahir sama",
        id="swapped-word-order",
    ),
    pytest.param(
        MatchRecord(full_name="Siti Aminah", birth_date=date(1990, 3, 12), **SITI),
        "siti",
        "nama sama (bin/binti berbeda)",
        id="without-binti",
    ),
    pytest.param(
        MatchRecord(full_name="Siti Aminah bt Abdullah", birth_date=date(1990, 12, 3), **SITI),
        "siti",
        "tanggal lahir sama (hari dan bulan tertukar)",
        id="day-month-swapped",
    ),
    pytest.param(
        MatchRecord(
            full_name="Siti Aminah", birth_date=date(1990, 1, 1), birth_year_only=True, **SITI
        ),
        "siti",
        "tahun lahir sama",
        id="year-only",
    ),
    pytest.param(
        MatchRecord(
            full_name="Mohamad Rizky Pratama",
            sex="M",
            birth_date=date(1988, 11, 5),
            travel_document_number="SPLP00123456",
            origin_region_code="52.03.04",
        ),
        "rizki",
        "nama mirip",
        id="splp-instead-of-passport",
    ),
    pytest.param(
        MatchRecord(
            full_name="Muhammad Rizki Pratama",
            sex="M",
            travel_document_number="C 765-4321",
            origin_region_code="52.03",
        ),
        "rizki",
        "nomor paspor/SPLP sama",
        id="same-passport-no-birth-date",
    ),
    pytest.param(
        MatchRecord(
            full_name="Suparta Wayan",
            sex="M",
            birth_date=date(1984, 7, 17),
            origin_region_code="35.25.02",
        ),
        "wayan",
        "tahun lahir sama",
        id="registry-knew-only-the-year",
    ),
    pytest.param(
        MatchRecord(
            full_name="Ani",
            sex="F",
            aliases=("Dewi Lestari",),
            birth_date=date(1993, 4, 9),
            phones=("0857-1234-5678",),
        ),
        "dewi",
        "nomor HP sama",
        id="other-name-and-local-phone-format",
    ),
]


@pytest.mark.parametrize(("record", "expected", "reason"), VARIANTS)
def test_the_earlier_registration_is_ranked_first(registry, record, expected, reason):
    [candidates] = candidates_for_records([record])

    assert candidates, "no candidate at all"
    assert candidates[0].person_id == registry[expected].pk
    assert candidates[0].match_probability >= 0.5
    assert reason in candidates[0].reasons


def test_same_nik_wins_over_a_different_spelling_and_date(registry):
    record = MatchRecord(
        full_name="Siti Amina", sex="F", birth_date=date(1991, 3, 12), nik="3525015203900003"
    )

    [candidates] = candidates_for_records([record])

    assert candidates[0].person_id == registry["siti"].pk
    assert candidates[0].match_probability > 0.99
    assert candidates[0].reasons[0] == "NIK sama"


def test_a_clearly_different_person_gets_no_candidate(registry):
    record = MatchRecord(
        full_name="Yohanes Bere",
        sex="M",
        birth_date=date(2001, 10, 21),
        nik="5301012110010007",
        origin_region_code="52.03.04",
    )

    assert candidates_for_records([record]) == [[]]


def test_a_sister_sharing_the_family_card_is_not_proposed(registry):
    """Same father, family card, next of kin and village; another given name and year."""
    record = MatchRecord(
        full_name="Siti Khodijah binti Abdullah",
        sex="F",
        birth_date=date(1999, 2, 14),
        family_card_number="3525010101010001",
        kin_phones=("081111111111",),
        origin_region_code="35.25.01",
    )

    [candidates] = candidates_for_records([record])

    assert registry["sister"].pk not in [c.person_id for c in candidates]


def test_the_namesake_ranks_below_the_true_person(registry):
    record = MatchRecord(full_name="Siti Aminah", birth_date=date(1990, 3, 12), **SITI)

    [candidates] = candidates_for_records([record], threshold=0.0001)

    ranked = [c.person_id for c in candidates]
    assert ranked[0] == registry["siti"].pk
    if registry["namesake"].pk in ranked:
        namesake = candidates[ranked.index(registry["namesake"].pk)]
        assert namesake.match_probability < 0.5
        assert "tanggal lahir berbeda" in namesake.reasons


def test_a_whole_manifest_in_one_call_keeps_the_order(registry):
    records = [
        MatchRecord(full_name="Yohanes Bere", sex="M", birth_date=date(2001, 10, 21)),
        MatchRecord(full_name="Dewi Lestari", sex="F", birth_date=date(1993, 9, 4)),
        MatchRecord(full_name="Siti Aminah", birth_date=date(1990, 3, 12), **SITI),
    ]

    results = candidates_for_records(records)

    assert [[c.person_id for c in found][:1] for found in results] == [
        [],
        [registry["dewi"].pk],
        [registry["siti"].pk],
    ]


def test_a_manifest_scored_in_chunks_gets_what_it_gets_in_one(registry, monkeypatch):
    from pulang.matching import matching

    records = [
        MatchRecord(full_name="Siti Aminah", birth_date=date(1990, 3, 12), **SITI),
        MatchRecord(full_name="Yohanes Bere", sex="M", birth_date=date(2001, 10, 21)),
        MatchRecord(full_name="Dewi Lestari", sex="F", birth_date=date(1993, 9, 4)),
        MatchRecord(full_name="Siti Aminah", sex="F", birth_date=date(1978, 6, 30)),
        MatchRecord(full_name="Nur Hasanah", sex="F", birth_date=date(1995, 8, 2)),
    ]
    whole = candidates_for_records(records)
    monkeypatch.setattr(matching, "SCORE_CHUNK", 2)  # three chunks, scored beside the lookups

    chunked = candidates_for_records(records)

    assert chunked == whole
    assert [[c.person_id for c in found][:1] for found in chunked][:3] == [
        [registry["siti"].pk],
        [],
        [registry["dewi"].pk],
    ]


def test_a_corrected_misspelling_is_forgotten_and_looked_up_by_spelling_again():
    # Registered misspelt, then corrected: a later arrival spelt the old way has a word no
    # one has any more, so similar spellings are searched and the person is found.
    made = PersonFactory(full_name="Sutrisno Wipowo", sex="M", birth_date=None)
    person = Person.objects.get(pk=made.pk)
    person.full_name = "Sutrisno Wibowo"
    person.save()
    PersonFactory(full_name="Sutrisno Hadi", sex="M", birth_date=None)
    arriving = match_row(MatchRecord(full_name="Sutrisno Wipowo", sex="M"), 1)

    [found] = retrieve_candidates([arriving])  # who is worth scoring

    assert person.pk in found


def test_limit_and_excluded_people(registry):
    record = MatchRecord(full_name="Siti Aminah", birth_date=date(1990, 3, 12), **SITI)

    [few] = candidates_for_records([record], threshold=0.0001, limit=1)
    [without] = candidates_for_records(
        [record], threshold=0.0001, exclude_person_ids=[registry["siti"].pk]
    )

    assert len(few) == 1
    assert registry["siti"].pk not in [c.person_id for c in without]


def test_no_records_and_an_empty_registry():
    assert candidates_for_records([]) == []
    assert candidates_for_records([MatchRecord(full_name="Siti Aminah")]) == [[]]


def test_manifest_values_are_read(registry):
    values = {
        "full_name": "Siti Aminah",
        "aliases": [],
        "sex": "F",
        "birth_date": "1990-03-12",
        "birth_year_only": False,
        "family_card": None,
        "document_number": "B1234567",
        "phone_my": "+60123456789",
        "origin_region": "35.25.01",
    }

    [candidates] = candidates_for_records([match_record_from_values(values)])

    assert candidates[0].person_id == registry["siti"].pk
    assert {"nomor paspor/SPLP sama", "nomor HP sama", "daerah asal sama"} <= set(
        candidates[0].reasons
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram index is PostgreSQL's")
def test_postgresql_has_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'matching_person_name_key_trgm'"
        )
        [(definition,)] = cursor.fetchall()
    assert "gin_trgm_ops" in definition


def test_a_phone_number_is_looked_up_in_the_index_that_leaves_out_empty_numbers(registry):
    """Most people have no Malaysian phone or family card number; their empty values are
    left out of those indexes, and the look-up still goes through them."""
    from django.test.utils import CaptureQueriesContext

    # A boatload asks for more numbers than PostgreSQL reasons about one by one.
    records = [
        match_record_from_values({"full_name": f"Orang Baru {n}", "phone_my": f"+6019{n:07d}"})
        for n in range(150)
    ]
    records.append(match_record_from_values({"full_name": "Siti", "phone_my": "+60123456789"}))
    with CaptureQueriesContext(connection) as queries:
        found = retrieve_candidates([match_row(r, n) for n, r in enumerate(records, start=1)])
    assert registry["siti"].pk in found[-1]
    [lookup] = [q["sql"] for q in queries.captured_queries if "phone_my" in q["sql"]]
    plan = query_plan(lookup, None)
    assert "matching_person_phone_my" in plan, plan


def test_the_holder_of_a_records_number_is_kept_past_a_crowd_of_namesakes():
    born = date(1990, 3, 12)
    namesakes = [PersonFactory(full_name="Siti Aminah", sex="F", birth_date=born) for _ in range(3)]
    holder = PersonFactory(
        full_name="Kasim Pangestu", sex="M", birth_date=date(1986, 1, 1), nik="3527015203900001"
    )
    record = MatchRecord(full_name="Siti Aminah", sex="F", birth_date=born, nik="3527015203900001")
    [found] = candidates_for_records([record], limit=2)
    ids = [c.person_id for c in found]
    assert ids[:2] != [holder.pk] and set(ids[:2]) <= {p.pk for p in namesakes}
    assert ids[-1] == holder.pk and found[-1].shares_number
    assert found[-1].match_probability < 0.5
