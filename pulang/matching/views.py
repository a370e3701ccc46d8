from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.fields import present
from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.access.scope import agreement_categories_of
from pulang.audit.models import AuditEvent
from pulang.people.models import Person
from pulang.people.services import person_disclosure_record

from .models import DuplicateCandidate
from .selectors import duplicate_candidate_get, duplicate_candidates_visible_to
from .services import MergeError, duplicate_dismiss, person_merge

COMPARED = [
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "origin_region",
    "nik",
    "travel_document_number",
    "phone_id",
    "phone_my",
    "kin_name",
]


@declare(Capability.PERSON_CHANGE)
def duplicate_list_view(request: HttpRequest) -> HttpResponse:
    """The data-quality review: pairs that may be one person, side by side."""
    pairs = list(
        duplicate_candidates_visible_to(request.user).filter(status=DuplicateCandidate.Status.OPEN)[
            :50
        ]
    )
    # Someone reached only through a referral is shown only as far as its agreement goes.
    allowed = agreement_categories_of(
        request.user, [p.pk for pair in pairs for p in (pair.person_a, pair.person_b)]
    )
    shown = []
    for pair in pairs:
        rows = []
        for field in COMPARED:
            category = Person.FIELD_CATEGORIES[field]
            left = present(
                request.user, pair.person_a, field, category, allowed=allowed[pair.person_a_id]
            )
            right = present(
                request.user, pair.person_b, field, category, allowed=allowed[pair.person_b_id]
            )
            rows.append((left.label, left, right, left.value == right.value))
        shown.append({"pair": pair, "percent": round(pair.match_probability * 100), "rows": rows})
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        people=[p for pair in pairs for p in (pair.person_a, pair.person_b)],
        summary="duplicate review",
    )
    return render(request, "matching/duplicates.html", {"pairs": shown})


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def duplicate_decide_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    pair = duplicate_candidate_get(request=request, candidate_id=candidate_id)
    decision = request.POST.get("decision", "")
    try:
        if decision == "keep_a":
            person_merge(actor=request.user, keep=pair.person_a, absorb=pair.person_b)
        elif decision == "keep_b":
            person_merge(actor=request.user, keep=pair.person_b, absorb=pair.person_a)
        elif decision == "different":
            duplicate_dismiss(actor=request.user, candidate=pair)
        else:
            messages.error(request, _("Pilih gabungkan atau bukan orang yang sama."))
            return redirect("matching:duplicates")
    except MergeError as error:
        messages.error(request, str(error))
        return redirect("matching:duplicates")
    messages.success(
        request,
        _("Catatan digabung; semua kasus kini pada satu orang.")
        if decision != "different"
        else _("Ditandai sebagai dua orang berbeda."),
    )
    return redirect("matching:duplicates")
