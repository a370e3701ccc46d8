import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.core.exports import csv_safe
from pulang.core.text import search_query

from .selectors import person_fields, person_get, person_list
from .services import person_disclosure_record

PAGE_SIZE = 50


@declare(Capability.PERSON_VIEW)
def person_list_view(request: HttpRequest) -> HttpResponse:
    query = search_query(request.GET.get("q"))
    page = Paginator(person_list(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if query else AuditEvent.Action.VIEW,
        people=page.object_list,
        summary=f"list q={query!r} page={page.number}",
    )
    return render(request, "people/list.html", {"page": page, "query": query})


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
def person_export_view(request: HttpRequest) -> StreamingHttpResponse:
    query = search_query(request.GET.get("q"))
    people = list(person_list(user=request.user, query=query))
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        people=people,
        summary=f"CSV export q={query!r}",
    )
    header = [_("ID"), _("Nama lengkap"), _("Jenis kelamin"), _("Tanggal lahir"), _("Daerah asal")]

    def rows():  # type: ignore[no-untyped-def]
        yield header
        for person in people:
            yield [
                person.pk,
                person.full_name,
                person.get_sex_display(),
                person.birth_date.isoformat() if person.birth_date else "",
                str(person.origin_region.name) if person.origin_region else "",
            ]

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        ("\ufeff" if i == 0 else "") + writer.writerow([csv_safe(cell) for cell in row])
        for i, row in enumerate(rows())
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="orang-{stamp}.csv"'
    return response
