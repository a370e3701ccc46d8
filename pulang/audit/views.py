from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.core.widgets import DateInput

from .models import AuditEvent
from .selectors import audit_event_search
from .services import audit_record


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Tindakan"), required=False, choices=[("", "—"), *AuditEvent.Action.choices]
    )
    object_type = forms.CharField(label=_("Jenis data"), required=False, max_length=60)
    object_id = forms.CharField(label=_("ID data"), required=False, max_length=64)
    date_from = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DateInput())

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("date_from")
        end: date | None = cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return cleaned


@declare(Capability.AUDIT_VIEW)
def audit_search_view(request: HttpRequest) -> HttpResponse:
    """The data-protection officer's window on who did or saw what."""
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.none()
    if form.is_valid() or not request.GET:
        criteria = form.cleaned_data if form.is_bound else {}
        events = audit_event_search(user=request.user, **criteria)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            object_type=AuditEvent._meta.label_lower,
            summary="audit search",
            changes={key: value for key, value in criteria.items() if value},
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()}
    )
