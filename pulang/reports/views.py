from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record

from .figures import figures, report_shelters, small_cell_threshold, suppressed


class PeriodForm(forms.Form):
    dari = forms.DateField(label=_("Dari"), widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("Sampai"), widget=forms.DateInput(attrs={"type": "date"}))
    per = forms.DateField(
        label=_("Penghuni per tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal sesudah tanggal akhir."))
        return data

    def period(self) -> tuple[date, date, date]:
        """(start, end, as-of day): the chosen ones, else this year up to today."""
        today = timezone.localdate()
        if not self.is_valid():
            return date(today.year, 1, 1), today, today
        data = self.cleaned_data
        return data["dari"], data["sampai"], data["per"] or data["sampai"]


def _bars(counts: dict[str, Any]) -> list[tuple[str, Any, int]]:
    numbers = [v for v in counts.values() if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    return [(k, v, round(100 * v / top) if isinstance(v, int) else 0) for k, v in counts.items()]


@declare(Capability.AGGREGATE_VIEW)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Aggregates only, for the user's scope; small cells suppressed for roles that see no
    names (headquarters analysts), as in anything published."""
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None, initial={"dari": date(today.year, 1, 1), "sampai": today}
    )
    start, end, as_of = form.period()
    shelters = report_shelters(request.user)
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
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "f": shown,
            "exact": exact,
            "threshold": small_cell_threshold(),
            "charts": [
                (_("Dipulangkan menurut shelter"), _bars(shown["returned_by_shelter"])),
                (_("Penghuni menurut shelter"), _bars(shown["present_by_shelter"])),
                (_("Dipulangkan menurut provinsi asal"), _bars(shown["returned_by_province"])),
                (_("Dipulangkan menurut jenis kelamin"), _bars(shown["returned_by_sex"])),
                (_("Dipulangkan menurut kelompok umur"), _bars(shown["returned_by_age_group"])),
                (_("Diterima menurut tempat masuk"), _bars(shown["received_by_entry_point"])),
                (
                    _("Diterima menurut negara yang mendeportasi"),
                    _bars(shown["received_by_country"]),
                ),
                (
                    _("Diterima menurut penetapan perdagangan orang"),
                    _bars(shown["received_by_determination"]),
                ),
                (_("Hasil akhir pemberdayaan"), _bars(shown["outcomes"])),
            ],
        },
    )


@declare(Capability.AGGREGATE_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV or XLSX: always suppressed (an export leaves the building),
    formula-safe, and audited."""
    import csv
    import io

    from openpyxl import Workbook

    from pulang.core.exports import csv_safe

    start, end, as_of = PeriodForm(request.GET or None).period()
    data = suppressed(
        figures(shelters=report_shelters(request.user), start=start, end=end, as_of=as_of)
    )
    rows: list[list[Any]] = [["figure", "group", "value"]]
    for key, value in data.items():
        if isinstance(value, dict):
            rows += [[key, str(group), count] for group, count in value.items()]
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

    start, end, _as_of = PeriodForm(request.GET or None).period()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for row in ctdc_rows(shelters=report_shelters(request.user), start=start, end=end):
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
