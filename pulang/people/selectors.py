"""Reads of people. Everything starts from `Person.objects.visible_to(user)`."""

import difflib
from typing import Any

from django.http import HttpRequest

from pulang.access.fields import Shown, present
from pulang.access.http import visible_or_404
from pulang.access.scope import agreement_categories

from .models import Person, PersonQuerySet, name_key


def person_list(*, user: Any, query: str = "") -> PersonQuerySet:
    return (
        Person.objects.visible_to(user)
        .filter(merged_into__isnull=True)
        .matching(query)
        .select_related("origin_region__parent__parent")
        .order_by("full_name", "id")
    )


def person_sounding_like(*, user: Any, query: str, limit: int = 20) -> list[Person]:
    """For a search that found no one: the people this user may see whose names sound like
    every word of the query ("hutapia" for Hutapea), the most alike first."""
    from pulang.matching.tokens import persons_sounding_like

    ids = persons_sounding_like(query)
    if not ids:
        return []
    people = list(
        Person.objects.visible_to(user)
        .filter(pk__in=ids, merged_into__isnull=True)
        .select_related("origin_region__parent__parent")
    )
    wanted = name_key(query)
    people.sort(
        key=lambda p: (
            -difflib.SequenceMatcher(None, wanted, p.name_key).ratio(),
            p.full_name,
            p.pk,
        )
    )
    return people[:limit]


def person_get(*, request: HttpRequest, person_id: Any) -> Person:
    return visible_or_404(
        request, Person.objects.visible_to(request.user).select_related("origin_region"), person_id
    )


def person_fields(*, user: Any, person: Person, revealed: bool = False) -> list[Shown]:
    allowed = agreement_categories(user, person.pk)
    return [
        present(user, person, field, category, revealed=revealed, allowed=allowed)
        for field, category in Person.FIELD_CATEGORIES.items()
    ]
