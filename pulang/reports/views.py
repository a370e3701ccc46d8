import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.agencies.models import Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.core.widgets import DateInput

from .documents import monthly_pdf
from .figures import figure_dates, figures, report_shelters, small_cell_threshold, suppressed
from .rollup import days_to_roll
from .tasks import figures_rollup_task


class PeriodForm(forms.Form):
    dari = forms.DateField(label=_("Dari"), widget=DateInput())
    sampai = forms.DateField(label=_("Sampai"), widget=DateInput())
    per = forms.DateField(
        label=_("Penghuni per tanggal"),
        required=False,
        widget=DateInput(),
    )
    shelter: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Shelter"), required=False, queryset=None, empty_label=_("Semua")
    )

    def __init__(self, *args: Any, shelters: QuerySet[Shelter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_shelters = shelters
        self.fields["shelter"].queryset = shelters.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal sesudah tanggal akhir."))
        earliest, latest = figure_dates()
        for name in ("dari", "sampai", "per"):
            if data.get(name) and not earliest <= data[name] <= latest:
                self.add_error(
                    name,
                    _("Pilih tanggal antara %(earliest)s dan %(latest)s.")
                    % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
                )
        return data

    def period(self) -> tuple[date, date, date]:
        """(start, end, as-of day): the chosen ones, else this year up to today."""
        today = timezone.localdate()
        if not self.is_valid():
            return date(today.year, 1, 1), today, today
        data = self.cleaned_data
        return data["dari"], data["sampai"], data["per"] or data["sampai"]

    def shelters(self) -> QuerySet[Shelter]:
        """The chosen shelter, else every shelter the user's figures cover."""
        chosen = self.cleaned_data.get("shelter") if self.is_valid() else None
        return self.all_shelters.filter(pk=chosen.pk) if chosen else self.all_shelters


class MonthForm(forms.Form):
    bulan = forms.CharField(label=_("Bulan (TTTT-BB)"), max_length=7, required=False)
    shelter: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Shelter"), required=False, queryset=None
    )

    def __init__(self, *args: Any, shelters: QuerySet[Shelter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_shelters = shelters
        self.fields["shelter"].queryset = shelters  # type: ignore[attr-defined]

    def clean_bulan(self) -> date:
        text = (self.cleaned_data.get("bulan") or "").strip()
        if not text:
            today = timezone.localdate()
            return date(today.year, today.month, 1)
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(
                _("Tulis bulan sebagai TTTT-BB, misalnya 2020-06.")
            ) from None


@dataclass
class Bar:
    key: str
    label: str
    value: Any
    width: int
    url: str = ""


@dataclass
class Chart:
    figure: str  # the key in `figures()`
    title: Any  # a lazy translation on the page
    bars: list[Bar]


def _bars(counts: dict[str, Any], labels: dict[str, Any] | None = None) -> list[Bar]:
    numbers = [v for v in counts.values() if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    return [
        Bar(
            key=k,
            label=str((labels or {}).get(k, k)),
            value=v,
            width=round(100 * v / top) if isinstance(v, int) else 0,
        )
        for k, v in counts.items()
    ]


def _charts(shown: dict[str, Any]) -> list[Chart]:
    """The dashboard's tables, in order, with readable labels for coded groups."""
    from pulang.arrivals.models import ArrivalBatch
    from pulang.cases.models import Case, Screening
    from pulang.people.models import Person

    determinations = {**dict(Screening.Determination.choices), "unscreened": _("Belum diskrining")}
    charts = [
        ("returned_by_shelter", _("Dipulangkan menurut shelter"), None),
        ("present_by_shelter", _("Penghuni menurut shelter"), None),
        ("returned_by_province", _("Dipulangkan menurut provinsi asal"), None),
        ("returned_by_sex", _("Dipulangkan menurut jenis kelamin"), dict(Person.Sex.choices)),
        ("returned_by_age_group", _("Dipulangkan menurut kelompok umur"), None),
        (
            "received_by_entry_point",
            _("Diterima menurut tempat masuk"),
            dict(ArrivalBatch.EntryPoint.choices),
        ),
        ("received_by_country", _("Diterima menurut negara yang mendeportasi"), None),
        (
            "received_by_determination",
            _("Diterima menurut penetapan perdagangan orang"),
            determinations,
        ),
        ("outcomes", _("Hasil akhir pemberdayaan"), dict(Case.Outcome.choices)),
    ]
    return [Chart(key, title, _bars(shown[key], labels)) for key, title, labels in charts]


def _case_links(
    charts: list[Chart],
    *,
    start: date,
    end: date,
    as_of: date,
    shelters: QuerySet[Shelter],
    chosen: Shelter | None,
) -> dict[str, str]:
    """Point each bar at the case list filtered to the cases behind it, and return the links
    of the headline counts. Only for roles that may see cases."""
    from pulang.regions.models import Region

    period = {"dari": start.isoformat(), "sampai": end.isoformat()}
    returned = {"peristiwa": "dipulangkan", **period}
    received = {"peristiwa": "diterima", **period}
    present = {"peristiwa": "di_shelter", "per": as_of.isoformat()}
    where = {"shelter": str(chosen.pk)} if chosen else {}
    by_name = {name: str(pk) for pk, name in shelters.values_list("pk", "name")}
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("name", "code"))
    base = reverse("cases:list")

    def url(**params: str) -> str:
        return f"{base}?{urlencode(params)}"

    # The latest screening's determination is no filter of the list: those bars link nowhere.
    per_figure: dict[str, Any] = {
        "returned_by_shelter": lambda k: (
            url(**returned, shelter=by_name[k]) if k in by_name else ""
        ),
        "present_by_shelter": lambda k: url(**present, shelter=by_name[k]) if k in by_name else "",
        "returned_by_province": lambda k: (
            url(**returned, **where, provinsi=provinces[k]) if k in provinces else ""
        ),
        "returned_by_sex": lambda k: url(**returned, **where, jk=k) if k != "?" else "",
        "returned_by_age_group": lambda k: url(**returned, **where, umur=k),
        "received_by_entry_point": lambda k: (
            url(**received, **where, tempat_masuk=k) if k != "-" else ""
        ),
        "received_by_country": lambda k: url(**received, **where, negara=k) if k != "-" else "",
        "outcomes": lambda k: url(**where, hasil=k),
    }
    for chart in charts:
        link = per_figure.get(chart.figure)
        for bar in chart.bars:
            bar.url = link(bar.key) if link and bar.value else ""
    return {
        "received": url(**received, **where),
        "returned_home": url(**returned, **where),
        "in_shelters": url(**present, **where),
        "returned_children": url(**returned, **where, umur="0-17"),
    }


def _preparing(request: HttpRequest, *, until: date, what: str) -> HttpResponse | None:
    """When figures up to `until` would first need more closed days counted into the daily
    rollups than a request should wait for (after an upgrade or a bulk load), count them in
    the background and say so, instead of the figures; None when the figures can be shown."""
    limit = settings.PULANG_ROLLUP_INLINE_DAYS
    if days_to_roll(until) <= limit:
        return None
    figures_rollup_task.enqueue()  # harmless twice: a second run finds nothing left
    pending = days_to_roll(until)  # an in-process task backend has counted them already
    if pending <= limit:
        return None
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="reports.dashboard",
        summary=f"{what}: figures being prepared ({pending} days to count)",
    )
    response = render(request, "reports/preparing.html", {"days": pending}, status=503)
    response["Refresh"] = response["Retry-After"] = "15"
    return response


@declare(Capability.AGGREGATE_VIEW)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Aggregates only, for the user's scope; small cells suppressed for roles that see no
    names (headquarters analysts), as in anything published. Roles that see cases get links
    from each figure to the cases behind it."""
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None,
        initial={"dari": date(today.year, 1, 1), "sampai": today},
        shelters=report_shelters(request.user),
    )
    start, end, as_of = form.period()
    shelters = form.shelters()
    waiting = _preparing(request, until=max(end, as_of), what="dashboard")
    if waiting is not None:
        return waiting
    data: Any = figures(shelters=shelters, start=start, end=end, as_of=as_of)
    user: Any = request.user
    exact = user.has_capability(Capability.PERSON_VIEW)
    shown = data.as_dict() if exact else suppressed(data)
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="reports.dashboard",
        summary=f"dashboard {start}..{end} as of {as_of}" + ("" if exact else " (suppressed)"),
    )
    charts = _charts(shown)
    links: dict[str, str] = {}
    if exact:
        links = _case_links(
            charts,
            start=start,
            end=end,
            as_of=as_of,
            shelters=shelters,
            chosen=form.cleaned_data.get("shelter") if form.is_valid() else None,
        )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "f": shown,
            "exact": exact,
            "threshold": small_cell_threshold(),
            "charts": charts,
            "links": links,
            "month": end.strftime("%Y-%m"),
        },
    )


@declare(Capability.AGGREGATE_VIEW)
def monthly_pdf_view(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures for one month as an Indonesian PDF: exact for roles that see
    cases, small cells suppressed for those that see aggregates only. Audited as an export."""
    form = MonthForm(request.GET, shelters=report_shelters(request.user))
    if not form.is_valid():
        raise BadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    first = form.cleaned_data["bulan"]
    last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    chosen = form.cleaned_data.get("shelter")
    shelters = form.all_shelters.filter(pk=chosen.pk) if chosen else form.all_shelters
    as_of = min(last, timezone.localdate())
    user: Any = request.user
    exact = user.has_capability(Capability.PERSON_VIEW)
    waiting = _preparing(request, until=max(last, as_of), what="monthly report")
    if waiting is not None:
        return waiting
    data: Any = figures(shelters=shelters, start=first, end=last, as_of=as_of)
    shown = data.as_dict() if exact else suppressed(data)
    pdf = monthly_pdf(
        figures=shown,
        charts=_charts_in_indonesian(shown),
        month=first,
        exact=exact,
        threshold=small_cell_threshold(),
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        object_type="reports.monthly",
        summary=f"monthly report {first:%Y-%m}"
        + (f" shelter {chosen.code}" if chosen else "")
        + ("" if exact else " (suppressed)"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-bulanan-{first:%Y-%m}.pdf"'
    return response


def _charts_in_indonesian(shown: dict[str, Any]) -> list[Chart]:
    """The charts with their titles and labels fixed in Indonesian, for the PDF."""
    with translation.override("id"):
        charts = _charts(shown)
        for chart in charts:
            chart.title = str(chart.title)
        return charts


@declare(Capability.AGGREGATE_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV or XLSX: always suppressed (an export leaves the building),
    formula-safe, and audited."""
    import csv
    import io

    from openpyxl import Workbook

    from pulang.core.exports import csv_safe

    form = PeriodForm(request.GET or None, shelters=report_shelters(request.user))
    start, end, as_of = form.period()
    waiting = _preparing(request, until=max(end, as_of), what="aggregate export")
    if waiting is not None:
        return waiting
    data = suppressed(figures(shelters=form.shelters(), start=start, end=end, as_of=as_of))
    rows: list[list[Any]] = [["figure", "group", "value"]]
    for key, value in data.items():
        if isinstance(value, dict):
            rows += [[key, str(group), count] for group, count in value.items()]
        elif key == "empowerment_by_month":
            rows += [
                [f"{key}.{name}", row["month"], count]
                for row in value
                for name, count in row.items()
                if name != "month"
            ]
        elif key != "shelters":
            rows.append([key, "", value])
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reports.dashboard",
        summary=f"aggregate export {start}..{end} as of {as_of} (suppressed)",
    )
    name = f"pulang-{start}-{end}"
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append([csv_safe(v) if isinstance(v, str) else v for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else v for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@declare(Capability.AGGREGATE_VIEW)
def ctdc_export_view(request: HttpRequest) -> HttpResponse:
    """The anonymised case-level export in the CTDC codebook's variable names, audited."""
    import csv
    import io

    from .ctdc import COLUMNS, ctdc_rows

    form = PeriodForm(request.GET or None, shelters=report_shelters(request.user))
    start, end, _as_of = form.period()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for row in ctdc_rows(shelters=form.shelters(), start=start, end=end):
        writer.writerow(row)
        count += 1
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reports.ctdc",
        summary=f"CTDC anonymised export {start}..{end}: {count} rows",
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ctdc-{start}-{end}.csv"'
    return response
