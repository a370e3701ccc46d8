"""The monthly report as PDF (WeasyPrint), in Indonesian whatever language the user reads:
it is a paper the ministry files and forwards."""

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation


def monthly_pdf(
    *, figures: dict[str, Any], charts: list[Any], month: date, exact: bool, threshold: int
) -> bytes:
    from weasyprint import HTML

    with translation.override("id"):
        html = render_to_string(
            "reports/pdf/monthly.html",
            {
                "f": figures,
                "charts": charts,
                "month": month,
                "exact": exact,
                "threshold": threshold,
                "made_at": timezone.localtime(),
            },
        )
    return bytes(HTML(string=html).write_pdf())
