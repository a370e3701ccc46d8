import pytest

from pulang.regions.loader import expected_counts, format_code, regions_load
from pulang.regions.models import Region

pytestmark = pytest.mark.django_db


def test_code_formatting_follows_the_ministry():
    assert format_code("31") == "31"
    assert format_code("3171") == "31.71"
    assert format_code("317101") == "31.71.01"
    assert format_code("3171011001") == "31.71.01.1001"


def test_every_region_of_the_package_is_loaded_with_parents_and_nothing_twice():
    expected = expected_counts()
    assert (expected.provinces, expected.regencies, expected.districts) == (38, 514, 7285)
    assert expected.villages > 83_000

    first = regions_load()
    assert first == expected
    by_level = {level: Region.objects.filter(level=level).count() for level in Region.Level.values}
    assert by_level == {1: 38, 2: 514, 3: 7285, 4: expected.villages}

    assert Region.objects.get(code="31.71").name == "Kota Administrasi Jakarta Pusat"
    assert Region.objects.get(code="21.72").name == "Kota Tanjung Pinang"
    assert Region.objects.get(code="61.71").name == "Kota Pontianak"
    assert Region.objects.get(code="21.72").parent_id == "21"
    # Every non-province has a parent one level up whose code is its prefix.
    orphans = Region.objects.exclude(level=1).filter(parent__isnull=True).count()
    assert orphans == 0
    village = Region.objects.filter(level=4, code__startswith="31.71.").first()
    assert village is not None
    assert village.parent.level == 3
    assert village.code.startswith(village.parent.code + ".")

    second = regions_load()
    assert second.total == 0
    assert Region.objects.count() == expected.total
