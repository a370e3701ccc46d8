import pytest
from django.urls import reverse

from pulang.accounts.tests.factories import UserFactory
from pulang.regions.tests.factories import tanjung_pinang_villages

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_tree():
    return tanjung_pinang_villages()


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
