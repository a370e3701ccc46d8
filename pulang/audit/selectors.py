"""Reading and verifying the audit trail."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from pulang.access.roles import Capability

from .models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def audit_chain_verify(*, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first event that does not follow."""
    expected_prev = GENESIS_HASH
    checked = 0
    events: Iterator[AuditEvent] = AuditEvent.objects.order_by("id").iterator(chunk_size=batch)
    for event in events:
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "the event before it was changed or removed")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its content no longer matches its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The audit trail is for the data-protection officer: all of it or none of it."""
    if not getattr(user, "is_authenticated", False) or not user.has_capability(
        Capability.AUDIT_VIEW
    ):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def audit_event_search(
    *,
    user: Any,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = audit_events_visible_to(user).select_related("actor")
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-id")
