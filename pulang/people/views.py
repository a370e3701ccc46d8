from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.core.paging import KeysFirstPaginator
from pulang.core.text import search_query
from pulang.exports.views import export_response, list_query

from .selectors import person_fields, person_get, person_sounding_like
from .services import person_disclosure_record
from .tables import person_table

PAGE_SIZE = 50


@declare(Capability.PERSON_VIEW)
def person_list_view(request: HttpRequest) -> HttpResponse:
    query = search_query(request.GET.get("q"))
    table = person_table(user=request.user, params=request.GET)
    page = KeysFirstPaginator(table.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if query else AuditEvent.Action.VIEW,
        people=page.object_list,
        summary=f"list q={query!r} page={page.number}",
    )
    # No name spelt so: the names that sound alike ("Hutapia" for Hutapea), as lists spell
    # the same person differently.
    alike = (
        person_sounding_like(user=request.user, query=query)
        if query and not page.object_list
        else []
    )
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH,
        people=alike,
        summary=f"list q={query!r} sounding alike",
    )
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "query": query,
            "headers": table.page_headers(),
            "rows": table.page_rows(page.object_list),
            "alike": table.page_rows(alike),
            "filters": list_query(request),
        },
    )


@declare(Capability.PERSON_VIEW)
def person_detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_get(request=request, person_id=person_id)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=person)
    fields = person_fields(user=request.user, person=person)
    return render(
        request,
        "people/detail.html",
        {"person": person, "fields": fields, "cases": _episodes(request, person)},
    )


def _episodes(request: HttpRequest, person: Any) -> Any:
    from pulang.cases.models import Case

    return Case.objects.visible_to(request.user).filter(person=person).select_related("batch")


@declare(Capability.IDENTITY_REVEAL, methods=("POST",))
def person_reveal_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_get(request=request, person_id=person_id)
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.REVEAL,
        people=person,
        summary="identity numbers revealed",
    )
    fields = person_fields(user=request.user, person=person, revealed=True)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "fields": fields,
            "revealed": True,
            "cases": _episodes(request, person),
        },
    )


@declare(Capability.PERSON_EXPORT)
def person_export_view(request: HttpRequest) -> HttpResponseBase:
    """The people list as filtered, as CSV or XLSX (`?format=`); long lists as a job."""
    return export_response(request, kind="people")
