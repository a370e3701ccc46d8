"""Writing the audit trail. Every service that changes or discloses data calls `audit_record`."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from pulang.core.logging import client_ip_var, request_id_var

from .models import GENESIS_HASH, AuditEvent

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
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if is_user else None,
            actor_username=(actor.get_username() if is_user else "")[:150],
            agency_id_at_time=getattr(actor, "agency_id", None) if is_user else None,
            action=action,
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            summary=summary[:300],
            changes=_plain(dict(changes or {})),
            ip_address=client_ip_var.get(),
            request_id=request_id_var.get() if request_id_var.get() != "-" else "",
            prev_hash=prev or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
    return event
