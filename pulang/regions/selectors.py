"""Reads of the region tree. Regions are public reference data: no scoping applies."""

from django.db.models import QuerySet

from .models import Region

PICKER_LIMIT = 20


def region_search(
    *, query: str, level: int | None = None, limit: int = PICKER_LIMIT
) -> list[Region]:
    """Regions whose name, or whose district's, regency's or province's, contains every word typed.

    Villages come first when no level is given, since the picker's main use is a home address.
    """
    words = [word for word in query.lower().split() if word][:5]
    if not words or max(len(word) for word in words) < 2:
        return []
    qs: QuerySet[Region] = Region.objects.all()
    for word in words:
        qs = qs.filter(search_text__contains=word)
    qs = qs.filter(level=level) if level else qs.filter(level=Region.Level.VILLAGE)
    return list(qs.select_related("parent__parent__parent").order_by("name", "code")[:limit])


def region_path(region: Region) -> str:
    """'Desa, Kecamatan, Kabupaten, Provinsi' for showing a choice unambiguously."""
    names = []
    node: Region | None = region
    while node is not None:
        names.append(node.name)
        node = node.parent
    return ", ".join(names)
