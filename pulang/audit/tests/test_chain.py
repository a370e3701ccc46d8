import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pulang.accounts.tests.factories import UserFactory
from pulang.audit.models import AuditEvent
from pulang.audit.selectors import audit_chain_verify
from pulang.audit.services import audit_record

pytestmark = pytest.mark.django_db


def three_events():
    user = UserFactory()
    return [
        audit_record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="x",
            object_id=i,
            changes={"n": i},
        )
        for i in range(3)
    ]


def test_audit_verify_passes_on_a_fresh_demo_database(capsys):
    call_command("demo", people=20, without_2020=True)
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out
    assert AuditEvent.objects.exists()


def test_each_event_chains_to_the_one_before():
    first, second, third = three_events()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit_chain_verify().ok


def test_an_altered_row_is_named_by_audit_verify():
    events = three_events()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE id = %s",
            ["nothing happened here", events[1].pk],
        )
    report = audit_chain_verify()
    assert report.broken_event_id == events[1].pk
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("audit_verify")


def test_a_removed_row_is_found_at_the_event_after_it():
    events = three_events()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    assert audit_chain_verify().broken_event_id == events[2].pk


def test_events_cannot_be_changed_or_deleted_through_the_application():
    event = three_events()[0]
    event.summary = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_login_failed_login_and_logout_are_recorded_without_the_password(client):
    UserFactory(username="sari")
    client.post("/akun/masuk/", {"username": "sari", "password": "salah-sekali"})
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert "sari" in failed.summary and "salah-sekali" not in str(failed.content())
    assert failed.ip_address == "127.0.0.1"
    client.post("/akun/masuk/", {"username": "sari", "password": "kata-sandi-uji-123"})
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.actor_username == "sari" and login.request_id
    client.post("/akun/keluar/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).count() == 1


def test_many_events_appended_at_once_chain_in_order():
    from pulang.audit.services import AuditEntry, audit_record_many

    user = UserFactory()
    first = audit_record(actor=user, action=AuditEvent.Action.VIEW, object_type="x")
    audit_record_many(
        actor=user,
        entries=[
            AuditEntry(AuditEvent.Action.CREATE, object_type="x", object_id=i) for i in range(1200)
        ],
    )
    events = list(AuditEvent.objects.filter(pk__gt=first.pk).order_by("pk"))
    assert events[0].prev_hash == first.hash
    assert [e.object_id for e in events] == [str(i) for i in range(1200)]  # in chain order
    assert all(e.actor_id == user.pk and e.actor_username == user.username for e in events)
    report = audit_chain_verify()
    assert report.ok and report.checked == 1201


def test_an_ipv6_address_is_hashed_as_it_is_stored():
    from pulang.core.logging import client_ip_var

    token = client_ip_var.set("2001:DB8:0:0::1")  # as a proxy may pass it on
    try:
        event = audit_record(actor=UserFactory(), action=AuditEvent.Action.VIEW, object_type="x")
    finally:
        client_ip_var.reset(token)

    assert AuditEvent.objects.get(pk=event.pk).ip_address == "2001:db8::1"
    assert audit_chain_verify().ok


def test_events_gathered_in_a_long_save_are_appended_at_its_end_in_order():
    from pulang.audit.services import AuditEntry, audit_gathered, audit_record_many

    worker, head = UserFactory(), UserFactory()
    before = AuditEvent.objects.count()
    with audit_gathered():
        for actor, action, number in [
            (worker, "create", 1),
            (worker, "create", 2),
            (head, "change", 3),
        ]:
            audit_record_many(
                actor=actor, entries=[AuditEntry(action, object_type="x", object_id=number)]
            )
        assert AuditEvent.objects.count() == before  # nothing appended yet: no lock taken
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.object_id, e.actor_id) for e in events] == [
        ("1", worker.pk),
        ("2", worker.pk),
        ("3", head.pk),
    ]
    assert audit_chain_verify().ok

    with pytest.raises(RuntimeError), audit_gathered():
        audit_record_many(actor=worker, entries=[AuditEntry("create", object_type="x")])
        raise RuntimeError("the save failed")
    assert AuditEvent.objects.count() == before + 3
