import csv
import io
import re

import pytest

from pulang.access.models import AccessGrant
from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.audit.models import AuditEvent
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NIK = "3171014101900001"


@pytest.fixture
def shelter():
    return AgencyFactory()


@pytest.fixture
def person(shelter):
    return PersonFactory(
        full_name="Siti Aminah binti Ahmad",
        registered_by=shelter,
        nik=NIK,
        health_notes="Demam saat tiba",
        trafficking_account="Paspor ditahan majikan",
    )


def test_worker_finds_a_person_by_part_of_the_name(client, login_verified, shelter, person):
    PersonFactory(full_name="Budi Santoso", registered_by=shelter)
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER]))
    response = client.get("/orang/", {"q": "aminah binti"})
    assert "Siti Aminah binti Ahmad" in response.text and "Budi Santoso" not in response.text
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.changes["ids"] == [person.pk]


def test_a_search_finds_a_person_by_another_name(client, login_verified, shelter, person):
    """An earlier list spelt her "Sity Aminah" and called her "Ijah": both find her, and
    the name itself still does."""
    person.aliases = ["Sity Aminah", "Ijah"]
    person.save()
    PersonFactory(full_name="Sity Rahma", registered_by=shelter)
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER]))
    for query, found in [("sity aminah", True), ("ijah", True), ("siti ahmad", True)]:
        page = client.get("/orang/", {"q": query}).text
        assert ("Siti Aminah binti Ahmad" in page) is found, query
    page = client.get("/orang/", {"q": "sity"}).text
    assert "Siti Aminah binti Ahmad" in page and "Sity Rahma" in page
    assert "Siti Aminah" not in client.get("/orang/", {"q": "rahma"}).text


def test_a_name_spelt_otherwise_finds_the_names_that_sound_alike(
    client, login_verified, shelter, person
):
    """Lists spell one person differently: "hutapia prakosa" finds no name spelt so, and
    the page offers Prakosa Hutapea (not someone of another agency sounding the same), and
    records whom it showed."""
    found = PersonFactory(full_name="Prakosa Hutapea", registered_by=shelter)
    PersonFactory(full_name="Prakoso Hutapea", registered_by=AgencyFactory())
    PersonFactory(full_name="Prakosa Simanjuntak", registered_by=shelter)
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER]))
    page = client.get("/orang/", {"q": "hutapia prakosa"}).text
    assert "bunyinya mirip" in page
    alike = page.split('data-testid="sounding-alike"')[1]
    assert "Prakosa Hutapea" in alike
    assert "Prakoso Hutapea" not in alike and "Simanjuntak" not in alike
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).latest("id")
    assert event.changes["ids"] == [found.pk] and "sounding alike" in event.summary
    # A name spelt so is found as before, with nothing offered beside it.
    page = client.get("/orang/", {"q": "hutapea"}).text
    assert "Prakosa Hutapea" in page and "bunyinya mirip" not in page
    assert "Tidak ada orang yang cocok" in client.get("/orang/", {"q": "wibowo"}).text


def test_identity_number_is_masked_until_revealed_and_the_reveal_is_audited(
    client, login_verified, shelter, person
):
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_SOCIAL_WORKER]))
    page = client.get(f"/orang/{person.pk}/").text
    assert NIK not in page and NIK[-4:] in page
    assert "Demam saat tiba" in page
    revealed = client.post(f"/orang/{person.pk}/ungkap/").text
    assert NIK in revealed
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert event.object_id == str(person.pk)


def test_a_partner_officer_under_a_grant_sees_the_name_but_not_health_or_trafficking(
    client, login_verified, person
):
    office = AgencyFactory()
    AccessGrant.objects.create(person=person, agency=office, basis=AccessGrant.Basis.REFERRAL)
    login_verified(client, UserFactory(agency=office, roles=[Role.MIGRANT_PROTECTION_OFFICER]))
    page = client.get(f"/orang/{person.pk}/").text
    assert "Siti Aminah binti Ahmad" in page
    assert "Demam saat tiba" not in page and "Paspor ditahan" not in page
    assert "Tampilkan nomor identitas" not in page
    assert client.post(f"/orang/{person.pk}/ungkap/").status_code == 403


def test_export_is_scoped_audited_and_safe_in_a_spreadsheet(client, login_verified, shelter):
    PersonFactory(full_name='=HYPERLINK("http://x")', registered_by=shelter)
    PersonFactory(full_name="Orang Lain", registered_by=AgencyFactory())
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_HEAD]))
    response = client.get("/orang/ekspor/")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[1] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://x")']
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["count"] == 1


def test_a_guessed_id_of_another_agency_looks_like_nothing_is_there(client, login_verified, person):
    login_verified(client, UserFactory(agency=AgencyFactory(), roles=[Role.SHELTER_HEAD]))
    guessed = client.get(f"/orang/{person.pk}/")
    missing = client.get("/orang/999999/")
    assert guessed.status_code == missing.status_code == 404

    # Identical but for the per-request CSRF token, the CSP nonce and the address itself.
    def normal(response, path):
        text = response.content.decode().replace(path, "PATH")
        text = re.sub(r'nonce="[^"]+"', "NONCE", text)
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", text)

    assert normal(guessed, f"/orang/{person.pk}/") == normal(missing, "/orang/999999/")
    assert "Siti Aminah" not in client.get("/orang/", {"q": "Siti"}).text
    assert "Siti Aminah" not in b"".join(client.get("/orang/ekspor/").streaming_content).decode()


def test_control_characters_in_a_search_are_ignored(client, login_verified, shelter, person):
    login_verified(client, UserFactory(agency=shelter, roles=[Role.SHELTER_HEAD]))
    response = client.get("/orang/", {"q": "Siti\x00"})
    assert response.status_code == 200 and "Siti Aminah" in response.text
    assert client.get("/orang/ekspor/", {"q": "\x00"}).status_code == 200
