from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.core.text import search_query

from .models import Region
from .selectors import region_path, region_search


@declare(Capability.REGION_VIEW)
def region_picker(request: HttpRequest) -> HttpResponse:
    """Find a village by typing part of its name or its district's; htmx swaps in the results."""
    query = search_query(request.GET.get("q"))
    try:
        level = int(request.GET.get("level", "")) or None
    except ValueError:
        level = None
    if level not in {None, *Region.Level.values}:
        level = None
    results = [(r, region_path(r)) for r in region_search(query=query, level=level)]
    template = "regions/_results.html" if request.htmx else "regions/picker.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"query": query, "results": results, "level": level, "levels": Region.Level.choices},
    )
