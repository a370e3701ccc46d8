from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.http import PUBLIC, declare
from pulang.access.roles import Capability
from pulang.agencies.models import Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case
from pulang.cases.selectors import case_get
from pulang.cases.services import CaseError
from pulang.people.services import page_disclosure_record, person_disclosure_record
from pulang.shelters.selectors import shelter_get

from .documents import trip_manifest_pdf
from .forms import HandoverForm, LegForm, ReturnPlanForm, TripForm, VerifyForm
from .models import ReturnPlan
from .selectors import (
    awaiting_handover,
    handover_get,
    handover_list,
    ready_to_travel,
    trip_get,
    trip_list,
    trip_members,
)
from .services import (
    handover_document,
    handover_record,
    handover_verify,
    return_plan_save,
    trip_cancel,
    trip_depart,
    trip_leg_add,
    trip_member_remove,
    trip_plan,
)


def verify_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("verify"))


@declare(Capability.PERSON_VIEW)
def trip_list_view(request: HttpRequest) -> HttpResponse:
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, object_type="returns.trip")
    return render(
        request,
        "returns/trips.html",
        {
            "trips": trip_list(user=request.user)[:200],
            "shelters": Shelter.objects.visible_to(request.user),
        },
    )


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def return_plan_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    plan = ReturnPlan.objects.filter(case=case).first()
    if plan is not None:
        initial: dict[str, Any] = {
            "destination": plan.destination.code
            if plan.destination.level == 2
            else plan.destination.parent_id,
            "destination_address": plan.destination_address,
            "receiver": plan.receiver,
            "transport": plan.transport,
            "escort": plan.escort,
            "planned_date": plan.planned_date,
            "fit_to_travel": plan.fit_to_travel_at is not None,
            "fit_to_travel_note": plan.fit_to_travel_note,
        }
    else:
        origin = case.person.origin_region
        initial = {
            "destination": origin.code[:5] if origin is not None else None,
            "planned_date": timezone.localdate() + timedelta(days=3),
        }
    form = ReturnPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            return_plan_save(actor=request.user, case=case, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Rencana kepulangan disimpan."))
            return redirect("cases:detail", case_id=case.pk)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=case.person)
    needs_fit = case.is_ill or case.is_pregnant or case.has_disability
    return render(
        request, "returns/plan_form.html", {"case": case, "form": form, "needs_fit": needs_fit}
    )


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def trip_plan_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    groups = ready_to_travel(user=request.user, shelter=shelter)
    form = TripForm(request.POST or None)
    chosen = set(request.POST.getlist("case"))
    if request.method == "POST" and form.is_valid():
        cases = [case for group in groups for case in group.cases if str(case.pk) in chosen]
        try:
            trip = trip_plan(actor=request.user, shelter=shelter, cases=cases, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Perjalanan %(ref)s direncanakan untuk %(count)s orang.")
                % {"ref": trip.reference, "count": len(cases)},
            )
            return redirect("returns:trip", trip_id=trip.pk)
    page_disclosure_record(
        actor=request.user,
        people=[case.person for group in groups for case in group.cases],
        summary=f"trip planning {shelter.code}",
        target=shelter,
    )
    return render(
        request,
        "returns/trip_form.html",
        {"shelter": shelter, "groups": groups, "form": form, "chosen": chosen},
    )


@declare(Capability.PERSON_VIEW)
def trip_detail_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    return _trip_page(request, trip_get(request=request, trip_id=trip_id))


def _trip_page(
    request: HttpRequest,
    trip: Any,
    *,
    leg_form: LegForm | None = None,
    handover_form: HandoverForm | None = None,
    chosen: set[str] | None = None,
) -> HttpResponse:
    """The trip, its legs and a handover form per destination regency. A form that came back
    with an error is shown as it was sent (`leg_form`, `handover_form` and the people
    `chosen` in it), so nothing typed is lost."""
    members = trip_members(trip=trip, user=request.user)
    groups = awaiting_handover(user=request.user, trip=trip) if trip.departed_at else []
    page_disclosure_record(
        actor=request.user,
        people=[case.person for case in members],
        summary=f"trip {trip.reference}",
        target=trip,
    )
    forms = []
    for index, group in enumerate(groups):
        form = HandoverForm(
            prefix=f"g{index}",
            initial={
                "receiver_kind": "regional_social_office" if group.office else "family",
                "place": group.office.name if group.office else "",
            },
        )
        if handover_form is not None and handover_form.prefix == form.prefix:
            form = handover_form
        picked = chosen if form is handover_form else None
        forms.append((group, form, picked))
    return render(
        request,
        "returns/trip.html",
        {
            "trip": trip,
            "members": members,
            "handover_forms": forms,
            "handovers": handover_list(user=request.user).filter(trip=trip).order_by("handed_at"),
            "members_unseen": trip.members.count() - len(members),
            "leg_form": leg_form or LegForm(),
        },
    )


@declare(Capability.CARE_RECORD, methods=("POST",))
def trip_leg_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    form = LegForm(request.POST)
    if form.is_valid():
        try:
            trip_leg_add(actor=request.user, trip=trip, **form.cleaned_data)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Ruas perjalanan ditambahkan."))
            return redirect("returns:trip", trip_id=trip.pk)
    else:
        messages.error(request, _("Isi asal, tujuan dan moda ruas perjalanan."))
    return _trip_page(request, trip, leg_form=form)


@declare(Capability.STAY_DISCHARGE, methods=("POST",))
def trip_depart_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    try:
        trip_depart(actor=request.user, trip=trip)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Keberangkatan dicatat; masa tinggal di shelter ditutup."))
    return redirect("returns:trip", trip_id=trip.pk)


@declare(Capability.CARE_RECORD, methods=("POST",))
def trip_cancel_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    try:
        trip_cancel(actor=request.user, trip=trip, reason=request.POST.get("reason", ""))
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Perjalanan dibatalkan; pesertanya dapat ikut perjalanan lain.")
        )
    return redirect("returns:trip", trip_id=trip.pk)


@declare(Capability.CARE_RECORD, methods=("POST",))
def trip_member_remove_view(request: HttpRequest, trip_id: int, case_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    case = case_get(request=request, case_id=case_id)
    try:
        trip_member_remove(
            actor=request.user, trip=trip, case=case, reason=request.POST.get("reason", "")
        )
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s dikeluarkan dari perjalanan ini.") % {"name": case.person.full_name},
        )
    return redirect("returns:trip", trip_id=trip.pk)


@declare(Capability.STAY_DISCHARGE, methods=("POST",))
def trip_handover_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    prefix = request.POST.get("group", "")
    form = HandoverForm(request.POST, prefix=prefix or None)
    wanted = set(request.POST.getlist(f"{prefix}-case" if prefix else "case"))
    cases = list(
        Case.objects.visible_to(request.user).filter(trip_entries__trip=trip, pk__in=wanted)
    )
    if not form.is_valid():
        messages.error(request, _("Lengkapi data penerima, saksi dan tempat serah terima."))
        return _trip_page(request, trip, handover_form=form, chosen=wanted)
    try:
        handover = handover_record(
            actor=request.user,
            shelter=trip.shelter,
            trip=trip,
            cases=cases,
            **form.cleaned_data,
        )
    except CaseError as error:
        messages.error(request, str(error))
        return _trip_page(request, trip, handover_form=form, chosen=wanted)
    messages.success(
        request,
        _("Serah terima %(number)s dicatat untuk %(count)s orang.")
        % {"number": handover.number, "count": len(cases)},
    )
    return redirect("returns:trip", trip_id=trip.pk)


@declare(Capability.PERSON_VIEW)
def trip_manifest_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = trip_get(request=request, trip_id=trip_id)
    members = trip_members(trip=trip, user=request.user)
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        people=[case.person for case in members],
        summary=f"trip manifest {trip.reference}",
    )
    response = HttpResponse(
        trip_manifest_pdf(trip=trip, cases=members), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{trip.reference}.pdf"'
    return response


@declare(Capability.PERSON_VIEW)
def handover_document_view(request: HttpRequest, handover_id: int) -> FileResponse:
    handover = handover_document(
        handover=handover_get(request=request, handover_id=handover_id),
        verify_url=verify_url(request),
    )
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        people=[member.case.person for member in handover.members.select_related("case__person")],
        summary=f"handover record {handover.number}",
    )
    return FileResponse(
        handover.document.open("rb"),
        as_attachment=True,
        filename=handover.number.replace("/", "-") + ".pdf",
        content_type="application/pdf",
    )


@declare(PUBLIC, methods=("GET", "POST"))
def verify_view(request: HttpRequest) -> HttpResponse:
    """Anyone holding a handover record can check it: genuine or not, never whose it is."""
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "kode" in request.GET else None)
    )
    form = VerifyForm(data, request.FILES or None)
    result: dict[str, Any] | None = None
    if data is not None and form.is_valid():
        upload = form.cleaned_data.get("berkas")
        content = upload.read(20 * 1024 * 1024 + 1) if upload else None
        handover, same = handover_verify(code=form.cleaned_data["kode"], document=content)
        result = {
            "found": handover is not None,
            "checked_file": content is not None,
            "same_file": same,
        }
        if handover is not None:
            result.update(
                number=handover.number,
                handed_at=handover.handed_at,
                place=handover.place,
                shelter=handover.shelter.name,
                people=handover.members.count(),
            )
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            object_type="returns.handover",
            object_id=str(handover.pk) if handover else "",
            summary="public verification: " + ("genuine" if handover and same else "not genuine"),
        )
    return render(request, "returns/verify.html", {"form": form, "result": result})
