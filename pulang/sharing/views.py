from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.selectors import case_get
from pulang.cases.services import CaseError
from pulang.people.selectors import person_fields
from pulang.people.services import page_disclosure_record, person_disclosure_record

from .forms import AnswerForm, ConsentForm, ReferralForm
from .models import CONSENT_PURPOSES, Consent
from .selectors import consent_get, inbox, referral_get
from .services import (
    consent_live,
    consent_record,
    consent_withdraw,
    partner_agencies,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
)


@declare(Capability.PERSON_VIEW)
def inbox_view(request: HttpRequest) -> HttpResponse:
    boxes = inbox(user=request.user)
    people = [r.case.person for key in ("waiting", "active", "sent") for r in boxes[key]]
    page_disclosure_record(
        actor=request.user, people=people, summary="referral inbox", target=request.user
    )
    return render(request, "sharing/inbox.html", boxes)


@declare(Capability.REFERRAL_SEND, methods=("GET", "POST"))
def referral_create_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    user: Any = request.user
    agencies = partner_agencies(agency=user.agency) if user.agency else []
    form = ReferralForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_send(actor=user, case=case, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Kasus dirujuk ke %(agency)s.") % {"agency": referral.to_agency.name},
            )
            return redirect("cases:detail", case_id=case.pk)
    person_disclosure_record(actor=user, action=AuditEvent.Action.VIEW, people=case.person)
    consents = {
        purpose: consent_live(person=case.person, purpose=purpose) for purpose in CONSENT_PURPOSES
    }
    return render(
        request,
        "sharing/referral_form.html",
        {"case": case, "form": form, "agencies": agencies, "consents": consents},
    )


@declare(Capability.PERSON_VIEW)
def referral_detail_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    from pulang.empowerment.forms import EnrolForm
    from pulang.empowerment.selectors import programmes_for

    referral = referral_get(request=request, referral_id=referral_id)
    user: Any = request.user
    person = referral.case.person
    receiving = user.agency_id == referral.to_agency_id
    person_disclosure_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        people=person,
        summary=f"referral {referral.pk} under agreement {referral.agreement.reference}"
        if receiving
        else f"referral {referral.pk}",
    )
    return render(
        request,
        "sharing/referral.html",
        {
            "referral": referral,
            "person": person,
            "fields": person_fields(user=user, person=person),
            "receiving": receiving,
            "enrolments": referral.enrolments.select_related("programme"),
            "followups": referral.case.followups.filter(agency_id=user.agency_id).order_by(
                "due_on"
            ),
            "enrol_form": EnrolForm(programmes=programmes_for(user=user)),
            "categories": referral.agreement.categories,
        },
    )


@declare(Capability.EMPOWERMENT_RECORD, methods=("POST",))
def referral_answer_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = referral_get(request=request, referral_id=referral_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih terima, tolak atau selesai."))
        return redirect("sharing:referral", referral_id=referral.pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "accept":
            referral_accept(actor=request.user, referral=referral, note=note)
            messages.success(request, _("Rujukan diterima."))
        elif action == "decline":
            referral_decline(actor=request.user, referral=referral, reason=note)
            messages.success(request, _("Rujukan ditolak."))
            return redirect("sharing:inbox")
        else:
            referral_complete(actor=request.user, referral=referral, note=note)
            messages.success(request, _("Rujukan selesai."))
    except CaseError as error:
        messages.error(request, str(error))
    return redirect("sharing:referral", referral_id=referral.pk)


@declare(Capability.PERSON_CHANGE, methods=("GET", "POST"))
def consent_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    initial = {"given_by": case.person.full_name}
    if case.is_child:
        initial = {"given_by": case.person.kin_name, "given_by_relation": case.person.kin_relation}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(actor=request.user, person=case.person, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Persetujuan dicatat."))
            return redirect("sharing:consent", case_id=case.pk)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=case.person)
    return render(
        request,
        "sharing/consent.html",
        {
            "case": case,
            "form": form,
            "consents": Consent.objects.filter(person=case.person),
        },
    )


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def consent_withdraw_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = consent_get(request=request, consent_id=consent_id)
    try:
        consent_withdraw(actor=request.user, consent=consent)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Persetujuan ditarik; pemrosesan yang dicakupnya dihentikan."))
    case = consent.person.cases.order_by("-opened_at").first()
    if case is None:
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=consent)
        return redirect("sharing:inbox")
    return redirect("sharing:consent", case_id=case.pk)
