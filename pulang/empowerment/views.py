from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.cases.selectors import case_get
from pulang.cases.services import CaseError
from pulang.people.services import page_disclosure_record, person_disclosure_record
from pulang.sharing.selectors import referral_get

from .forms import EnrolForm, FollowUpForm, OutcomeForm
from .selectors import (
    RECENTLY_RECEIVED_DAYS,
    followup_get,
    followups_due,
    programmes_for,
    recently_received,
)
from .services import enrol, followup_record, outcome_set


@declare(Capability.EMPOWERMENT_RECORD, methods=("POST",))
def enrol_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = referral_get(request=request, referral_id=referral_id)
    form = EnrolForm(request.POST, programmes=programmes_for(user=request.user))
    if form.is_valid():
        try:
            enrol(
                actor=request.user,
                case=referral.case,
                referral=referral,
                **form.cleaned_data,
            )
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Terdaftar di %(programme)s; tindak lanjut dijadwalkan.")
                % {"programme": form.cleaned_data["programme"].name},
            )
    else:
        messages.error(request, _("Pilih program dan periksa jumlahnya."))
    return redirect("sharing:referral", referral_id=referral.pk)


@declare(Capability.PERSON_VIEW)
def followups_view(request: HttpRequest) -> HttpResponse:
    due = followups_due(user=request.user)
    received = recently_received(user=request.user)
    page_disclosure_record(
        actor=request.user,
        people=[f.case.person for f in due["overdue"] + due["due"]]
        + [row["case"].person for row in received],
        summary="follow-ups due",
        target=request.user,
    )
    return render(
        request,
        "empowerment/followups.html",
        {**due, "received": received, "received_days": RECENTLY_RECEIVED_DAYS},
    )


@declare(Capability.EMPOWERMENT_RECORD, methods=("GET", "POST"))
def followup_record_view(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = followup_get(request=request, followup_id=followup_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followup_record(actor=request.user, followup=followup, **form.service_arguments())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Tindak lanjut dicatat."))
            return redirect("empowerment:followups")
    person_disclosure_record(
        actor=request.user, action=AuditEvent.Action.VIEW, people=followup.case.person
    )
    return render(request, "empowerment/followup_form.html", {"followup": followup, "form": form})


@declare(Capability.EMPOWERMENT_RECORD, methods=("POST",))
def outcome_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            outcome_set(actor=request.user, case=case, **form.cleaned_data)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Hasil akhir dicatat."))
    else:
        messages.error(request, _("Pilih hasil akhir."))
    return redirect("cases:detail", case_id=case.pk)
