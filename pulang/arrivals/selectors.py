from typing import Any

from django.db.models import Count

from pulang.access.http import visible_or_404
from pulang.people.models import Person

from .models import ArrivalBatch, ManifestImport


def batch_list(*, user: Any) -> Any:
    return (
        ArrivalBatch.objects.visible_to(user)
        .annotate(case_count=Count("cases"))
        .order_by("-arrived_at", "-id")
    )


def batch_get(*, request: Any, batch_id: Any) -> ArrivalBatch:
    return visible_or_404(request, ArrivalBatch.objects.visible_to(request.user), batch_id)


def manifest_import_get(*, request: Any, import_id: Any) -> ManifestImport:
    visible = ManifestImport.objects.filter(
        batch__in=ArrivalBatch.objects.visible_to(request.user)
    ).select_related("batch")
    return visible_or_404(request, visible, import_id)


def candidate_people(*, user: Any, person_ids: list[int]) -> dict[int, Person]:
    """The candidates this user may see by name; others are shown without identity."""
    return {
        person.pk: person
        for person in Person.objects.visible_to(user)
        .filter(pk__in=person_ids)
        .select_related("origin_region")
    }
