"""Region names as lists write them, read into the ministry's regions (`regions/lookup.py`),
as a manifest's home region and `pulang match-persons`' origin column both read them."""

import pytest

from pulang.regions.lookup import _REGENCY_SHORT, RegionLookup, _bare, region_named
from pulang.regions.tests.factories import regions


@pytest.fixture
def lookup(db):
    regions(
        ("32", "Jawa Barat"),
        ("32.03", "Kabupaten Cianjur"),
        ("32.12", "Kabupaten Indramayu"),
        ("32.12.01", "Haurgeulis"),
        ("35", "Jawa Timur"),
        ("35.78", "Kota Surabaya"),
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
        ("52.06", "Kabupaten Bima"),
        ("52.72", "Kota Bima"),
    )
    return RegionLookup.load()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kab. Indramayu", "32.12"),
        ("INDRAMAYU", "32.12"),
        ("Indramayu, Jabar", "32.12"),
        ("Lombok Timur", "52.03"),
        ("LOTIM", "52.03"),
        ("KOTA SURABAYA", "35.78"),
        ("Bima", "52.06"),
        ("Kota Bima", "52.72"),
        ("Jawa Barat", "32"),
        ("Prov. Jawa Timur", "35"),
        ("Desa Sukamaju, NTB", "52"),
    ],
)
def test_a_home_town_as_lists_write_it_is_a_region(lookup, text, code):
    found = region_named(text, lookup)

    assert found is not None and found.code == code


def test_a_home_town_that_names_no_region_is_none(lookup):
    assert region_named("Lombk Timur", lookup) is None
    assert region_named("nsw", lookup) is None


def test_an_address_names_a_province_only_when_it_says_nothing_else(lookup):
    """Streets are named after provinces: "Jl. Jawa Barat 5, Sukamaju" is no home in Jawa
    Barat, though a home-town column that says "Sukamaju, NTB" is one in NTB."""
    assert region_named("Desa Sukamaju, NTB", lookup, province_among_words=False) is None
    found = region_named("Jawa Barat", lookup, province_among_words=False)
    assert found is not None and found.code == "32"


def test_known_codes_are_told_from_unknown_ones_without_a_query(lookup, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lookup.knows("32.12") and lookup.knows("3212") and lookup.knows("32")
        assert lookup.knows("32.12.01") and lookup.knows("32.12.01.2001")
        assert not lookup.knows("42.23"), "an Australian postcode, 4223"
        assert not lookup.knows("32.99") and not lookup.knows("99")


def test_every_short_regency_name_is_the_regency_the_region_data_names():
    from pulang.regions.loader import _rows, data_dir, format_code

    names = {format_code(row["id"]): row["name"] for row in _rows(data_dir() / "regencies.csv.gz")}
    for word, (code, name) in _REGENCY_SHORT.items():
        assert names[code] == f"Kabupaten {name}", word
        assert word not in {_bare(other) for other in names.values()}, word  # never a real name
