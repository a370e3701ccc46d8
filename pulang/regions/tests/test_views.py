import pytest
from django.urls import reverse

from pulang.accounts.tests.factories import UserFactory
from pulang.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_tree():
    def add(code, level, name, parent, text):
        return Region.objects.create(
            code=code, level=level, name=name, parent=parent, search_text=text
        )

    prov = add("21", 1, "Kepulauan Riau", None, "kepulauan riau")
    reg = add("21.72", 2, "Kota Tanjung Pinang", prov, "kota tanjung pinang kepulauan riau")
    dist = add(
        "21.72.01", 3, "Bukit Bestari", reg, "bukit bestari kota tanjung pinang kepulauan riau"
    )
    add(
        "21.72.01.1001",
        4,
        "Dompak",
        dist,
        "dompak bukit bestari kota tanjung pinang kepulauan riau",
    )
    add(
        "21.72.01.1002",
        4,
        "Tanjung Ayun Sakti",
        dist,
        "tanjung ayun sakti bukit bestari kota tanjung pinang kepulauan riau",
    )


def test_picker_finds_a_village_by_part_of_its_name(client, small_tree):
    client.force_login(UserFactory(roles=["hq_analyst"]))
    response = client.get(reverse("regions:picker"), {"q": "domp"}, HTTP_HX_REQUEST="true")
    assert "21.72.01.1001" in response.text
    assert "Dompak, Bukit Bestari, Kota Tanjung Pinang, Kepulauan Riau" in response.text
    assert "21.72.01.1002" not in response.text


def test_picker_finds_villages_by_their_districts_name(client, small_tree):
    client.force_login(UserFactory(roles=["hq_analyst"]))
    response = client.get(reverse("regions:picker"), {"q": "bestari"})
    assert "Dompak" in response.text and "Tanjung Ayun Sakti" in response.text
    assert "<html" in response.text  # a full page without htmx


def test_picker_says_so_when_nothing_matches(client, small_tree):
    client.force_login(UserFactory(roles=["hq_analyst"]))
    response = client.get(reverse("regions:picker"), {"q": "zzzz"}, HTTP_HX_REQUEST="true")
    assert "Tidak ada wilayah" in response.text


def test_picker_needs_a_login(client, small_tree):
    assert client.get(reverse("regions:picker"), {"q": "domp"}).status_code == 302
