"""The people list as a table: what the list page shows and what its export writes."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from pulang.access.fields import DataCategory, present_value
from pulang.access.scope import agreement_categories_of
from pulang.core.exports import Column, Table
from pulang.core.text import search_query

from .models import Person
from .selectors import person_list

D = DataCategory


def born(person: Person) -> Any:
    """The birth date, or the year alone when that is all that is known."""
    if person.birth_date is not None and person.birth_year_only:
        return str(person.birth_date.year)
    return person.birth_date


def person_table(*, user: Any, params: QueryDict) -> Table:
    """The people this user may see that match the list's search, every field through the
    same masking as the person page: identity numbers masked, fields outside an agreement
    marked so, health and trafficking accounts never in a list."""
    query = search_query(params.get("q"))
    fields: list[tuple[str, DataCategory, bool]] = [
        (_("Nama lengkap"), D.IDENTITY, True),
        (_("Jenis kelamin"), D.IDENTITY, True),
        (_("Tanggal lahir"), D.IDENTITY, True),
        (_("Tempat lahir"), D.IDENTITY, False),
        (_("Daerah asal"), D.IDENTITY, True),
        (_("NIK"), D.IDENTITY_NUMBER, False),
        (_("Dokumen perjalanan"), D.IDENTITY, False),
        (_("Nomor dokumen perjalanan"), D.IDENTITY_NUMBER, False),
        (_("Nomor HP Indonesia"), D.CONTACT, False),
        (_("Nomor HP Malaysia"), D.CONTACT, False),
    ]

    def raw(person: Person) -> list[Any]:
        return [
            person.full_name,
            person.get_sex_display(),
            born(person),
            person.birth_place,
            person.origin_region.name if person.origin_region else "",
            person.nik,
            person.get_travel_document_display() if person.travel_document else "",
            person.travel_document_number,
            person.phone_id,
            person.phone_my,
        ]

    def cells(people: list[Person]) -> list[list[Any]]:
        allowed = agreement_categories_of(user, [p.pk for p in people])
        return [
            [person.pk]
            + [
                present_value(user, label, value, category, allowed=allowed[person.pk])
                for (label, category, _page), value in zip(fields, raw(person), strict=True)
            ]
            for person in people
        ]

    return Table(
        name="orang",
        columns=[Column(_("ID"), on_page=False)]
        + [Column(label, on_page=page) for label, _category, page in fields],
        queryset=person_list(user=user, query=query),
        cells=cells,
        person_of=lambda person: person.pk,
    )
