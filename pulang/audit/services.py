"""Writing the audit trail. Every service that changes or discloses data calls `audit_record`."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from pulang.core.bulk import bulk_insert_rows
from pulang.core.logging import client_ip_var, request_id_var

from .models import GENESIS_HASH, AuditEvent, event_hash

# Any constant will do: it names the one lock that orders the whole chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_242_020


def _plain(value: Any) -> Any:
    """JSON-safe and stable across databases, so the hash recomputes identically."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime | date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: [before, after]} for the fields that differ."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


@dataclass(frozen=True)
class AuditEntry:
    """One event to append; `audit_record_many` appends many in one locked step."""

    action: str
    target: models.Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    summary: str = ""
    changes: Mapping[str, Any] | None = None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction when there is one,
    so a write and its audit row commit or roll back together."""
    entry = AuditEntry(action, target, object_type, object_id, summary, changes)
    [(event_id, values)] = _append(actor, [entry])
    event = AuditEvent(id=event_id, **values)
    event._state.adding = False
    return event


def acting_user(actor: Any) -> Any:
    """The user behind an action, or None when the system acts (a command, the demo)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def audit_record_many(*, actor: Any, entries: Sequence[AuditEntry]) -> None:
    """Append events in order under one lock and in few statements: an import of thousands of
    rows records every person and case without a round trip each. Inside `audit_gathered`
    they are appended when it ends."""
    gathered = _gathered.get()
    if gathered is not None:
        gathered.append((actor, list(entries)))
        return
    _append(actor, entries)


# The events `audit_record_many` was given inside `audit_gathered`, each with its actor.
_gathered: ContextVar[list[tuple[Any, list[AuditEntry]]] | None] = ContextVar(
    "audit_gathered", default=None
)


@contextmanager
def audit_gathered() -> Iterator[None]:
    """For a transaction that writes thousands of rows: the events `audit_record_many` is
    given inside are appended together when the block ends without an error, still inside
    the transaction. The lock that orders the chain is held from the first append until the
    transaction ends, and every user's page view appends an event: taken at the end, it
    holds them up for the last moments of the save instead of all of it.

    Use it inside the transaction, around work that records through `audit_record_many`
    only: a plain `audit_record` inside is appended at once (ahead of the gathered events),
    and a nested block appends its events when it ends."""
    gathered: list[tuple[Any, list[AuditEntry]]] = []
    token = _gathered.set(gathered)
    try:
        yield
    finally:
        _gathered.reset(token)
    entries: list[AuditEntry] = []
    for index, (actor, more) in enumerate(gathered):
        entries += more
        if index + 1 == len(gathered) or gathered[index + 1][0] is not actor:
            _append(actor, entries)
            entries = []


def _append(actor: Any, entries: Sequence[AuditEntry]) -> list[tuple[int, dict[str, Any]]]:
    """Write the events, chained in order; returns (id, field values) of each."""
    is_user = acting_user(actor) is not None
    request_id = request_id_var.get() if request_id_var.get() != "-" else ""
    now = timezone.now()
    common = {
        "occurred_at": now,
        "actor_id": actor.pk if is_user else None,
        "actor_username": (actor.get_username() if is_user else "")[:150],
        "agency_id_at_time": getattr(actor, "agency_id", None) if is_user else None,
        # As the database keeps it (IPv6 in its short form), so the hash recomputes.
        "ip_address": AuditEvent._meta.get_field("ip_address").get_prep_value(client_ip_var.get())
        or None,
        "request_id": request_id,
    }
    rows: list[dict[str, Any]] = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = prev or GENESIS_HASH
        for entry in entries:
            object_type, object_id = entry.object_type, entry.object_id
            if entry.target is not None:
                object_type = object_type or entry.target._meta.label_lower
                object_id = object_id or str(entry.target.pk)
            values = {
                **common,
                "action": entry.action,
                "object_type": object_type[:60],
                "object_id": str(object_id)[:64],
                "summary": entry.summary[:300],
                "changes": _plain(dict(entry.changes or {})),
                "prev_hash": prev,
            }
            values["hash"] = prev = event_hash(values)
            rows.append(values)
        # Ids are drawn in list order, which is chain order.
        ids = bulk_insert_rows(AuditEvent, rows)
    return list(zip(ids, rows, strict=True))
