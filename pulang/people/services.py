"""Writes about people, and the record of every disclosure of their identifying data."""

from collections.abc import Iterable
from typing import Any

from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record

from .models import Person

LIST_AUDIT_LIMIT = 200


def page_disclosure_record(
    *, actor: Any, people: Iterable[Person], summary: str, target: Any
) -> None:
    """A page that names people records whom it showed; naming no one, it records the look at
    `target` (the shelter, trip or batch it is about)."""
    people = list(people)
    if people:
        person_disclosure_record(
            actor=actor, action=AuditEvent.Action.VIEW, people=people, summary=summary
        )
    else:
        audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=target, summary=summary)


def person_disclosure_record(
    *, actor: Any, action: str, people: Iterable[Person] | Person, summary: str = ""
) -> None:
    """Record that identifying data of these people was shown, revealed or exported."""
    if isinstance(people, Person):
        audit_record(actor=actor, action=action, target=people, summary=summary)
        return
    ids = [person.pk for person in people]
    if not ids and action != AuditEvent.Action.EXPORT:
        return
    audit_record(
        actor=actor,
        action=action,
        object_type=Person._meta.label_lower,
        summary=summary or f"{len(ids)} people",
        changes={"ids": ids[:LIST_AUDIT_LIMIT], "count": len(ids)},
    )
