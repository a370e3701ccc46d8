import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from pulang.agencies.models import Shelter
from pulang.people.models import Person

pytestmark = pytest.mark.django_db


def test_demo_loads_the_four_shelters_and_people_once(capsys):
    call_command("demo", people=50)
    out = capsys.readouterr().out
    assert "peksos.bambuapus" in out and "pulang-demo-2026" in out
    assert set(Shelter.objects.values_list("name", flat=True)) == {
        "RPTC Bambu Apus",
        "RPTC Tanjung Pinang",
        "Pos Pemulangan Pontianak",
        'Balai "Mulya Jaya"',
    }
    assert Person.objects.count() == 50
    assert Person.objects.filter(origin_region__isnull=False).count() == 50

    call_command("demo", people=50)
    assert Person.objects.count() == 50
    assert Shelter.objects.count() == 4
    assert authenticate(username="peksos.bambuapus", password="pulang-demo-2026") is not None
