from typing import Any

import pytest

from pulang.access.models import AccessGrant
from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.matching.models import DuplicateCandidate
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    agency = AgencyFactory()
    first = PersonFactory(
        full_name="Siti Aminah", sex="F", registered_by=agency, nik="5203015403900001"
    )
    second = PersonFactory(
        full_name="Sity Aminah binti Ahmad", sex="F", registered_by=agency, phone_my="+60123456789"
    )
    for person in (first, second):
        Case.objects.create(person=person, owning_agency=agency, opened_at="2025-01-01T00:00Z")
    candidate = DuplicateCandidate.objects.create(
        person_a=first, person_b=second, match_probability=0.97
    )
    return agency, first, second, candidate


def test_a_worker_merges_two_registrations_and_nothing_is_lost(client, login_verified, pair):
    agency, first, second, candidate = pair
    AccessGrant.objects.create(person=second, agency=AgencyFactory(), basis="referral")
    login_verified(client, UserFactory(agency=agency, roles=[Role.SHELTER_SOCIAL_WORKER]))
    page = client.get("/data-ganda/").text
    assert "Siti Aminah" in page and "Sity Aminah binti Ahmad" in page and "97%" in page

    response = client.post(f"/data-ganda/{candidate.pk}/", {"decision": "keep_a"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert Case.objects.filter(person=first).count() == 2
    assert AccessGrant.objects.get().person == first
    assert first.phone_my == "+60123456789" and first.nik == "5203015403900001"
    assert "Sity Aminah binti Ahmad" in first.aliases
    assert second.merged_into == first  # kept, not deleted
    assert Person.objects.count() == 2
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert AuditEvent.objects.filter(object_id=str(second.pk), action="change").exists()
    assert "Sity Aminah binti Ahmad" not in client.get("/orang/").text  # merged away
    assert "Tidak ada pasangan" in client.get("/data-ganda/").text


def test_a_merge_keeps_the_consents_and_withdrawals_of_both_records(client, login_verified, pair):
    """A consent withdrawn on the absorbed registration must still be seen on the person."""
    from pulang.sharing.models import Consent

    agency, first, second, candidate = pair
    consent = Consent.objects.create(
        person=second, purpose="empowerment", basis="consent", given_by="Sity Aminah",
        given_at="2025-01-02T00:00Z", withdrawn_at="2025-02-01T00:00Z",
    )  # fmt: skip
    login_verified(client, UserFactory(agency=agency, roles=[Role.SHELTER_SOCIAL_WORKER]))

    client.post(f"/data-ganda/{candidate.pk}/", {"decision": "keep_a"})

    consent.refresh_from_db()
    assert consent.person == first
    event = AuditEvent.objects.filter(object_id=str(first.pk), action="change").latest("id")
    assert event.changes["consents_moved"] == [consent.pk]


def test_different_people_are_dismissed(client, login_verified, pair):
    agency, _, _, candidate = pair
    login_verified(client, UserFactory(agency=agency, roles=[Role.SHELTER_HEAD]))
    client.post(f"/data-ganda/{candidate.pk}/", {"decision": "different"})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DISMISSED
    assert Case.objects.values("person").distinct().count() == 2


def test_a_pair_with_someone_out_of_scope_is_not_shown(client, login_verified, pair):
    _, first, _, _ = pair
    other = PersonFactory(registered_by=AgencyFactory(), sex="F")
    hidden = DuplicateCandidate.objects.create(
        person_a=first, person_b=other, match_probability=0.9
    )
    login_verified(
        client, UserFactory(agency=first.registered_by, roles=[Role.SHELTER_SOCIAL_WORKER])
    )
    assert other.full_name not in client.get("/data-ganda/").text
    assert client.post(f"/data-ganda/{hidden.pk}/", {"decision": "keep_a"}).status_code == 404
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_match_persons_store_keeps_pairs_for_review(tmp_path, pair):
    _, first, second, candidate = pair
    candidate.delete()
    output = tmp_path / "pairs.csv"
    from pulang.matching.services import duplicate_candidates_store

    output.write_text(
        f"id_l,id_r,match_probability,match_weight,cluster_id\n{second.pk},{first.pk},0.95,8.1,1\n"
    )
    assert duplicate_candidates_store(pairs_csv=output) == 1
    assert duplicate_candidates_store(pairs_csv=output) == 0
    stored = DuplicateCandidate.objects.get()
    assert (stored.person_a, stored.person_b) == (first, second)


@pytest.fixture
def referred_pair():
    """An office's own registration, and a shelter's registration of (perhaps) the same woman
    opened to the office only by a referral whose agreement covers identity and case summary."""
    from datetime import date

    from pulang.sharing.models import Agreement

    shelter_agency: Any = AgencyFactory()
    office: Any = AgencyFactory()
    agreement = Agreement.objects.create(
        reference="PKS-REF",
        title="Pemberdayaan",
        purposes=["empowerment"],
        categories=["identity", "case_summary"],
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 12, 31),
    )
    agreement.parties.set([shelter_agency, office])
    referred = PersonFactory(
        full_name="Siti Aminah",
        sex="F",
        registered_by=shelter_agency,
        phone_my="+60123456789",
        kin_name="Rahmat Kerabatrujukan",
    )
    Case.objects.create(
        person=referred, owning_agency=shelter_agency, opened_at="2025-01-01T00:00Z"
    )
    AccessGrant.objects.create(
        person=referred, agency=office, basis="referral", agreement=agreement, purpose="empowerment"
    )
    own = PersonFactory(full_name="Sity Aminah", sex="F", registered_by=office, phone_my="")
    candidate = DuplicateCandidate.objects.create(
        person_a=own, person_b=referred, match_probability=0.95
    )
    officer = UserFactory(agency=office, roles=[Role.REGIONAL_SOCIAL_OFFICER])
    return officer, own, referred, candidate


def test_the_review_shows_a_referred_person_only_as_far_as_the_agreement_goes(
    client, login_verified, referred_pair
):
    officer, _own, _referred, _candidate = referred_pair
    login_verified(client, officer)
    page = client.get("/data-ganda/").text
    assert "+60123456789" not in page and "Rahmat Kerabatrujukan" not in page
    assert "di luar perjanjian" in page


def test_a_person_seen_only_under_an_agreement_cannot_be_merged(
    client, login_verified, referred_pair
):
    """Merging would copy what the agreement withholds into the office's own record, and move
    the shelter's case to it."""
    officer, own, referred, candidate = referred_pair
    login_verified(client, officer)
    for decision in ("keep_a", "keep_b"):
        page = client.post(f"/data-ganda/{candidate.pk}/", {"decision": decision}, follow=True).text
        assert "+60123456789" not in page
        assert "melalui rujukan" in page
    own.refresh_from_db()
    referred.refresh_from_db()
    assert own.phone_my == "" and own.merged_into is None and referred.merged_into is None
    assert Case.objects.get().person == referred
