from typing import Any

from django.db.models import QuerySet

from pulang.access.http import visible_or_404
from pulang.people.models import Person

from .models import DuplicateCandidate


def duplicate_candidates_visible_to(user: Any) -> QuerySet[DuplicateCandidate]:
    """Pairs whose two people the user may both see; a merge needs both in view."""
    people = Person.objects.visible_to(user).filter(merged_into__isnull=True)
    return DuplicateCandidate.objects.filter(
        person_a__in=people, person_b__in=people
    ).select_related("person_a__origin_region", "person_b__origin_region")


def duplicate_candidate_get(*, request: Any, candidate_id: Any) -> DuplicateCandidate:
    return visible_or_404(request, duplicate_candidates_visible_to(request.user), candidate_id)
