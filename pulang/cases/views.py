from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.access.scope import agreement_categories
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.core.paging import CappedPaginator
from pulang.exports.views import export_response, list_query
from pulang.people.services import person_disclosure_record

from .forms import CloseForm, NeedsForm, NoteForm, ReviewForm, ScreeningForm, TaskForm
from .models import Case
from .selectors import case_get, case_timeline, screening_get, task_get
from .services import (
    CaseError,
    case_close,
    needs_assess,
    note_add,
    screening_record,
    screening_review,
    task_add,
    task_done,
)
from .tables import case_filter_form, case_table

CLOSABLE = (Case.Status.RETURNED, Case.Status.LEFT, Case.Status.REFERRED, Case.Status.DIED)
PAGE_SIZE = 50


@declare(Capability.PERSON_VIEW)
def case_list_view(request: HttpRequest) -> HttpResponse:
    """Cases in the user's scope, filtered; the dashboard links here for the cases behind a
    figure."""
    form = case_filter_form(params=request.GET)
    table = case_table(user=request.user, params=request.GET)
    page = CappedPaginator(table.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = list_query(request)
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if filters else AuditEvent.Action.VIEW,
        people=[case.person for case in page.object_list],
        summary=f"case list {filters or '-'} page={page.number}",
    )
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "headers": table.page_headers(),
            "rows": table.page_rows(page.object_list),
            "filters": filters,
        },
    )


@declare(Capability.PERSON_EXPORT)
def case_export_view(request: HttpRequest) -> HttpResponseBase:
    """The case list as filtered, as CSV or XLSX (`?format=`); long lists as a job."""
    return export_response(request, kind="cases")


@declare(Capability.PERSON_VIEW)
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    person_disclosure_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        people=case.person,
        summary=f"case {case.pk}",
    )
    allowed = agreement_categories(request.user, case.person_id)
    summary_allowed = allowed is None or "case_summary" in allowed
    stay = case.stays.filter(discharged_at__isnull=True).select_related("shelter").first()
    screenings = list(case.screenings.select_related("screened_by", "reviewed_by"))
    user: Any = request.user
    can_sensitive = user.has_capability(Capability.SENSITIVE_VIEW)
    from pulang.empowerment.forms import OutcomeForm
    from pulang.returns.models import HandoverMember, ReturnPlan
    from pulang.returns.services import waiting_too_long

    entry = HandoverMember.objects.filter(case=case).select_related("handover").first()
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "plan": ReturnPlan.objects.filter(case=case).select_related("destination").first(),
            "handover": entry.handover if entry else None,
            "waiting": waiting_too_long(case=case),
            "referrals": case.referrals.select_related("to_agency").order_by("-sent_at"),
            "days_to_handover": (case.returned_at - case.opened_at).days
            if case.returned_at
            else None,
            "target_days": settings.PULANG_RETURN_TARGET_DAYS,
            "person": case.person,
            "stay": stay,
            "timeline": case_timeline(user=request.user, case=case) if summary_allowed else [],
            "summary_allowed": summary_allowed,
            "screenings": screenings if can_sensitive and summary_allowed else [],
            "health_notes_allowed": can_sensitive and summary_allowed,
            "open_tasks": case.tasks.filter(done_at__isnull=True),
            "note_form": NoteForm(),
            "task_form": TaskForm(),
            "outcome_form": OutcomeForm(
                initial={"outcome": case.outcome, "evidence": case.outcome_evidence}
            ),
            "closable": case.status in CLOSABLE,
        },
    )


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def screening_create_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screening_record(actor=request.user, case=case, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Skrining dicatat. Penetapannya perlu ditinjau oleh petugas lain.")
            )
            return redirect("cases:detail", case_id=case.pk)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=case.person)
    return render(request, "cases/screening_form.html", {"case": case, "form": form})


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def screening_review_view(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = screening_get(request=request, screening_id=screening_id)
    form = ReviewForm(request.POST or None, initial={"determination": screening.determination})
    if request.method == "POST" and form.is_valid():
        try:
            screening_review(actor=request.user, screening=screening, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Penetapan ditinjau."))
            return redirect("cases:detail", case_id=screening.case_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=screening)
    return render(
        request,
        "cases/screening_review.html",
        {
            "screening": screening,
            "case": screening.case,
            "form": form,
            "controls": [
                dict(screening.Control.choices).get(c, c) for c in screening.means_of_control
            ],
            "exploitation": [
                dict(screening.Exploitation.choices).get(c, c) for c in screening.exploitation_types
            ],
        },
    )


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def needs_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    flags = ("is_child", "is_pregnant", "has_disability", "is_ill")
    form = NeedsForm(request.POST or None, initial={f: getattr(case, f) for f in flags})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            needs_assess(
                actor=request.user,
                case=case,
                needs=data["needs"],
                notes=data["notes"],
                flags={f: data[f] for f in flags},
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Asesmen kebutuhan dicatat."))
            return redirect("cases:detail", case_id=case.pk)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=case.person)
    return render(request, "cases/needs_form.html", {"case": case, "form": form})


@declare(Capability.CARE_RECORD, methods=("POST",))
def note_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseError(_("Catatan kosong."))
        note_add(actor=request.user, case=case, text=form.cleaned_data["text"])
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Catatan disimpan."))
    return redirect("cases:detail", case_id=case.pk)


@declare(Capability.CARE_RECORD, methods=("POST",))
def task_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            task_add(actor=request.user, case=case, **form.cleaned_data)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Tugas ditambahkan ke rencana kasus."))
    else:
        messages.error(request, _("Isi tugas dan tenggatnya."))
    return redirect("cases:detail", case_id=case.pk)


@declare(Capability.CARE_RECORD, methods=("POST",))
def task_done_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get(request=request, task_id=task_id)
    task_done(actor=request.user, task=task)
    messages.success(request, _("Tugas selesai."))
    return redirect("cases:detail", case_id=task.case_id)


@declare(Capability.STAY_DISCHARGE, methods=("GET", "POST"))
def case_close_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request=request, case_id=case_id)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_close(actor=request.user, case=case, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Kasus ditutup."))
            return redirect("cases:detail", case_id=case.pk)
    person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=case.person)
    return render(request, "cases/close_form.html", {"case": case, "form": form})
