"""The documents of the way home as PDF (WeasyPrint): the handover record and the trip
manifest. They are legal papers in Indonesian, whatever language the user reads."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from pulang.cases.models import Case

from .models import Handover, Trip


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("id"):
        html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def handover_pdf(*, handover: Handover, verify_url: str) -> bytes:
    members = [
        member.case
        for member in handover.members.select_related(
            "case__person__origin_region", "case__return_plan__destination"
        ).order_by("case__person__full_name")
    ]
    return _pdf(
        "returns/pdf/handover.html",
        {"handover": handover, "cases": members, "verify_url": verify_url},
    )


def trip_manifest_pdf(*, trip: Trip, cases: list[Case]) -> bytes:
    """The trip's list for its escort: `cases` (those the reader sees), by destination."""
    members = sorted(
        cases,
        key=lambda case: (
            case.return_plan.destination.name if hasattr(case, "return_plan") else "",
            case.person.full_name,
        ),
    )
    return _pdf("returns/pdf/trip_manifest.html", {"trip": trip, "cases": members})
