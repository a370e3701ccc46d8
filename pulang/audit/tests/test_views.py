import pytest

from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_data_protection_officer_searches_the_trail(client, login_verified):
    dpo = login_verified(client, UserFactory(roles=[Role.DATA_PROTECTION_OFFICER]))
    worker = UserFactory(username="peksos.cari")
    audit_record(
        actor=worker, action=AuditEvent.Action.REVEAL, object_type="people.person", object_id="42"
    )
    audit_record(
        actor=dpo, action=AuditEvent.Action.VIEW, object_type="people.person", object_id="7"
    )
    response = client.get("/audit/", {"actor": "peksos.cari", "action": "reveal"})
    assert response.status_code == 200
    rows = response.text.split("<tbody>")[1]
    assert "people.person:42" in rows and "people.person:7" not in rows
    # The search itself is on the record.
    assert AuditEvent.objects.filter(actor=dpo, object_type="audit.auditevent").exists()


def test_bad_dates_are_explained(client, login_verified):
    login_verified(client, UserFactory(roles=[Role.DATA_PROTECTION_OFFICER]))
    response = client.get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "Tanggal akhir tidak boleh sebelum tanggal awal" in response.text
