"""The case list as a table: what the list page shows and what its export writes."""

from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pulang.access.fields import CATEGORY_CAPABILITY, DataCategory, present_value
from pulang.access.scope import agreement_categories_of
from pulang.core.exports import Column, Table
from pulang.people.tables import born

from .forms import CaseFilterForm
from .models import Case
from .selectors import case_list

D = DataCategory


def _flag(value: bool) -> str:
    return _("ya") if value else ""


def _day(value: Any) -> Any:
    return timezone.localtime(value).date() if value else None


# (header, category, on the page, value); a column whose category the user's role may not
# see at all is left out of the page and the file, not written empty.
FIELDS: list[tuple[Any, DataCategory, bool, Callable[[Case], Any]]] = [
    (_l("Nama lengkap"), D.IDENTITY, True, lambda c: c.person.full_name),
    (_l("Jenis kelamin"), D.IDENTITY, True, lambda c: c.person.get_sex_display()),
    (_l("Tanggal lahir"), D.IDENTITY, False, lambda c: born(c.person)),
    (
        _l("Daerah asal"),
        D.IDENTITY,
        False,
        lambda c: c.person.origin_region.name if c.person.origin_region else "",
    ),
    (_l("Status"), D.CASE_SUMMARY, True, lambda c: c.get_status_display()),
    (_l("Dibuka"), D.CASE_SUMMARY, True, lambda c: _day(c.opened_at)),
    (_l("Rombongan"), D.CASE_SUMMARY, True, lambda c: c.batch.reference if c.batch else ""),
    (_l("Shelter"), D.CASE_SUMMARY, True, lambda c: getattr(c, "last_shelter", "") or ""),
    (_l("Pernah datang"), D.CASE_SUMMARY, True, lambda c: _flag(c.is_returning)),
    (_l("Anak"), D.CASE_SUMMARY, True, lambda c: _flag(c.is_child)),
    (_l("Hamil"), D.HEALTH, False, lambda c: _flag(c.is_pregnant)),
    (_l("Disabilitas"), D.HEALTH, False, lambda c: _flag(c.has_disability)),
    (_l("Sakit"), D.HEALTH, False, lambda c: _flag(c.is_ill)),
    (_l("Diserahterimakan"), D.CASE_SUMMARY, False, lambda c: _day(c.returned_at)),
    (
        _l("Hasil akhir"),
        D.CASE_SUMMARY,
        False,
        lambda c: c.get_outcome_display() if c.outcome else "",
    ),
]


def case_filter_form(*, params: QueryDict) -> CaseFilterForm:
    return CaseFilterForm(params)


def case_table(*, user: Any, params: QueryDict) -> Table:
    """The cases this user may see that pass the list's filters, each field through the same
    masking as the pages: health flags only for roles that see health data, fields outside
    an agreement marked so."""
    from pulang.shelters.models import Stay

    fields = [field for field in FIELDS if user.has_capability(CATEGORY_CAPABILITY[field[1]])]
    last_shelter = Stay.objects.filter(case=OuterRef("pk")).order_by("-admitted_at", "-id")
    cases = case_list(user=user, filters=case_filter_form(params=params).filters()).annotate(
        last_shelter=Subquery(last_shelter.values("shelter__name")[:1])
    )

    def cells(rows: list[Case]) -> list[list[Any]]:
        allowed = agreement_categories_of(user, list({c.person_id for c in rows}))
        return [
            [case.pk]
            + [
                present_value(
                    user, str(label), value(case), category, allowed=allowed[case.person_id]
                )
                for label, category, _page, value in fields
            ]
            for case in rows
        ]

    return Table(
        name="kasus",
        columns=[Column(_("ID kasus"), on_page=False)]
        + [Column(str(label), on_page=page) for label, _category, page, _value in fields],
        queryset=cases,
        cells=cells,
        person_of=lambda case: case.person_id,
    )
