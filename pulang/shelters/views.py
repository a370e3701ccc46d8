from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case
from pulang.cases.services import CaseError
from pulang.people.services import page_disclosure_record

from .forms import (
    AdmitForm,
    BoardFilterForm,
    DischargeForm,
    MealRollCallForm,
    ProvisionForm,
    SessionForm,
    TransferForm,
)
from .models import ActivitySession, Provision, Stay
from .selectors import (
    day_sheet,
    present_during,
    session_get,
    shelter_board,
    shelter_get,
    shelter_list,
    stay_get,
)
from .services import (
    attendance_mark,
    meal_roll_call,
    provision_issue,
    session_create,
    stay_admit,
    stay_discharge,
    stay_transfer,
)


def _disclose(request: HttpRequest, people: list[Any], summary: str, target: Any) -> None:
    page_disclosure_record(actor=request.user, people=people, summary=summary, target=target)


@declare(Capability.PERSON_VIEW)
def shelter_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "shelters/list.html", {"shelters": shelter_list(user=request.user)})


@declare(Capability.PERSON_VIEW)
def shelter_board_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    form = BoardFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "day": form.cleaned_data["tanggal"],
            "query": form.cleaned_data["q"],
            "flag": form.cleaned_data["tanda"],
            "sex": form.cleaned_data["jk"],
        }
    board = shelter_board(user=request.user, shelter=shelter, **filters)
    _disclose(
        request,
        [r.case.person for r in board.residents],
        f"shelter board {shelter.code} {board.day.isoformat()}",
        shelter,
    )
    return render(
        request,
        "shelters/board.html",
        {
            "shelter": shelter,
            "board": board,
            "rows": _board_rows(board),
            "form": form,
            "is_today": board.day == timezone.localdate(),
        },
    )


FLAG_LABELS = {
    "child": gettext_lazy("Anak"),
    "pregnant": gettext_lazy("Hamil"),
    "disability": gettext_lazy("Disabilitas"),
    "ill": gettext_lazy("Sakit"),
    "trafficking": gettext_lazy("Korban TPPO"),
    "waiting": gettext_lazy("Menunggu pulang terlalu lama"),
}

# The board's narrow sex column: the reader's letter, not the stored code (M/F).
SEX_LETTERS = {
    "M": pgettext_lazy("sex, one letter", "L"),
    "F": pgettext_lazy("sex, one letter", "P"),
}


def _board_rows(board: Any) -> list[dict[str, Any]]:
    """The board's rows with their text ready: a shelter of a thousand residents renders
    three times faster than with a link, a plural and five conditions per row in the template."""
    case_url = reverse("cases:detail", kwargs={"case_id": 0})[:-2]
    days = ngettext("%(n)s hari", "%(n)s hari", 2)
    one_day = ngettext("%(n)s hari", "%(n)s hari", 1)
    flag_labels = {flag: str(label) for flag, label in FLAG_LABELS.items()}
    sex_letters = {sex: str(letter) for sex, letter in SEX_LETTERS.items()}
    return [
        {
            "href": f"{case_url}{r.case.pk}/",
            "name": r.case.person.full_name,
            "sex": sex_letters.get(r.case.person.sex, "?"),
            "age": "—" if r.age is None else r.age,
            "since": f"{timezone.localtime(r.stay.admitted_at):%d/%m/%Y} "
            f"({(one_day if r.days == 1 else days) % {'n': r.days}})",
            "flags": [(flag_labels[flag], flag in ("trafficking", "waiting")) for flag in r.flags],
            "tasks_due": r.tasks_due,
        }
        for r in board.residents
    ]


def _waiting_cases(user: Any) -> Any:
    """Cases this user's agency holds that are not in a shelter now."""
    return (
        Case.objects.visible_to(user)
        .filter(status__in=[Case.Status.REGISTERED, Case.Status.REFERRED, Case.Status.LEFT])
        .exclude(pk__in=Stay.objects.filter(discharged_at__isnull=True).values("case_id"))
        .select_related("person", "batch")
        .order_by("batch__arrived_at", "batch_id", "person__full_name")
    )


@declare(Capability.CARE_RECORD, methods=("GET", "POST"))
def shelter_admit_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    # Coming from a batch's page, the worker admits that batch: the batches waiting since
    # before stay out of the way (and out of the thousand this page lists).
    queryset = _waiting_cases(request.user)
    only_batch = request.GET.get("rombongan", "")
    if only_batch.isdigit() and queryset.filter(batch_id=only_batch).exists():
        queryset = queryset.filter(batch_id=only_batch)
    else:
        only_batch = ""
    waiting = list(queryset[:1000])
    form = AdmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch_id = request.POST.get("batch")
        if batch_id:
            chosen = [c for c in waiting if str(c.batch_id) == batch_id]
        else:
            wanted = set(request.POST.getlist("case"))
            chosen = [c for c in waiting if str(c.pk) in wanted]
        try:
            stays = stay_admit(
                actor=request.user,
                shelter=shelter,
                cases=chosen,
                over_capacity_reason=form.cleaned_data["over_capacity_reason"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(count)s orang diterima di %(shelter)s.")
                % {"count": len(stays), "shelter": shelter.name},
            )
            return redirect("shelters:board", shelter_id=shelter.pk)
    batches: dict[Any, list[Case]] = {}
    for case in waiting:
        batches.setdefault(case.batch, []).append(case)
    _disclose(request, [c.person for c in waiting], f"admission list {shelter.code}", shelter)
    return render(
        request,
        "shelters/admit.html",
        {
            "shelter": shelter,
            "batches": batches,
            "form": form,
            "chosen": request.POST.getlist("case"),
            "only_batch": only_batch,
        },
    )


def _day_from(request: HttpRequest) -> date:
    value = request.GET.get("tanggal") or request.POST.get("day") or ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()
    return min(day, timezone.localdate())


def _to_daily(shelter: Any, day: date) -> HttpResponse:
    url = reverse("shelters:daily", kwargs={"shelter_id": shelter.pk})
    return redirect(f"{url}?tanggal={day.isoformat()}")


@declare(Capability.PERSON_VIEW)
def shelter_daily_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    day = _day_from(request)
    sheet = day_sheet(user=request.user, shelter=shelter, day=day)
    _disclose(
        request, [stay.case.person for stay, _m, _p in sheet.rows], f"day sheet {day}", shelter
    )
    return render(
        request,
        "shelters/daily.html",
        {
            "shelter": shelter,
            "sheet": sheet,
            "rows": _sheet_rows(sheet),
            "meal_form": MealRollCallForm(initial={"day": day}),
            "item_form": ProvisionForm(initial={"day": day}),
            "meals": Provision.MEALS,
        },
    )


def _sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    """The day sheet's rows with their text ready, as for the board: a link, three meals and
    the items given per row cost a 200-resident sheet more than all its queries."""
    case_url = reverse("cases:detail", kwargs={"case_id": 0})[:-2]
    meals = [str(meal) for meal in Provision.MEALS]
    return [
        {
            "stay": stay.pk,
            "href": f"{case_url}{stay.case_id}/",
            "name": stay.case.person.full_name,
            "meals": [flags[meal] for meal in meals],
            "items": ", ".join(
                str(item.get_kind_display()) + (f" × {item.quantity}" if item.quantity > 1 else "")
                for item in items
            ),
        }
        for stay, flags, items in sheet.rows
    ]


@declare(Capability.CARE_RECORD, methods=("POST",))
def meal_roll_call_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    form = MealRollCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih tanggal dan waktu makan."))
        return redirect("shelters:daily", shelter_id=shelter.pk)
    day = form.cleaned_data["day"]
    present = set(present_during(shelter=shelter, day=day).values_list("pk", flat=True))
    served = {int(v) for v in request.POST.getlist("served") if v.isdigit()}
    try:
        result = meal_roll_call(
            actor=request.user,
            shelter=shelter,
            day=day,
            meal=form.cleaned_data["meal"],
            absent=present - served,
        )
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(meal)s: %(served)s orang makan, %(absent)s tidak hadir.")
            % {
                "meal": Provision.Kind(form.cleaned_data["meal"]).label,
                "served": result.served + result.already,
                "absent": result.absent,
            },
        )
    return _to_daily(shelter, day)


@declare(Capability.CARE_RECORD, methods=("POST",))
def provision_issue_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    form = ProvisionForm(request.POST)
    day = _day_from(request)
    if form.is_valid():
        stay = (
            Stay.objects.visible_to(request.user)
            .filter(shelter=shelter, pk=form.cleaned_data["stay"])
            .first()
        )
        try:
            if stay is None:
                raise CaseError(_("Pilih penghuni shelter ini."))
            provision_issue(
                actor=request.user,
                stay=stay,
                kind=form.cleaned_data["kind"],
                quantity=form.cleaned_data["quantity"],
                description=form.cleaned_data["description"],
                day=form.cleaned_data["day"],
            )
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Pemberian barang dicatat."))
    else:
        messages.error(request, _("Periksa isian barang: jenis, jumlah dan tanggal."))
    return _to_daily(shelter, day)


@declare(Capability.PERSON_VIEW)
def session_list_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    sessions = (
        ActivitySession.objects.filter(shelter=shelter)
        .select_related("kind")
        .order_by("-starts_at")[:100]
    )
    audit_record(
        actor=request.user, action=AuditEvent.Action.VIEW, target=shelter, summary="sessions"
    )
    return render(
        request,
        "shelters/sessions.html",
        {"shelter": shelter, "sessions": sessions, "form": SessionForm()},
    )


@declare(Capability.CARE_RECORD, methods=("POST",))
def session_create_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(request=request, shelter_id=shelter_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = session_create(actor=request.user, shelter=shelter, **form.cleaned_data)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            return redirect("shelters:session", session_id=session.pk)
    else:
        messages.error(request, _("Isi jenis kegiatan, waktu dan fasilitator."))
    return redirect("shelters:sessions", shelter_id=shelter.pk)


@declare(Capability.PERSON_VIEW)
def session_detail_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_get(request=request, session_id=session_id)
    day = timezone.localtime(session.starts_at).date()
    stays = list(
        present_during(shelter=session.shelter, day=day)
        .filter(case__in=Case.objects.visible_to(request.user))
        .select_related("case__person")
        .only("case", "case__person", "case__person__full_name")
        .order_by("case__person__full_name")
    )
    marked = set(session.attendance.values_list("stay_id", flat=True))
    _disclose(request, [s.case.person for s in stays], f"session {session.pk}", session)
    return render(
        request,
        "shelters/session.html",
        {
            "session": session,
            # (stay, name, marked already) ready for the template, as on the board
            "rows": [(s.pk, s.case.person.full_name, s.pk in marked) for s in stays],
            "marked": marked,
        },
    )


@declare(Capability.CARE_RECORD, methods=("POST",))
def attendance_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_get(request=request, session_id=session_id)
    ids = {int(v) for v in request.POST.getlist("stay") if v.isdigit()}
    try:
        added = attendance_mark(actor=request.user, session=session, stay_ids=ids)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s kehadiran dicatat.") % {"count": added})
    return redirect("shelters:session", session_id=session.pk)


@declare(Capability.STAY_DISCHARGE, methods=("GET", "POST"))
def stay_discharge_view(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = stay_get(request=request, stay_id=stay_id)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stay_discharge(
                actor=request.user,
                stay=stay,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                at=form.cleaned_data["at"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Keluarnya dari shelter dicatat."))
            return redirect("cases:detail", case_id=stay.case_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=stay.case.person)
    return render(request, "shelters/discharge.html", {"stay": stay, "form": form})


@declare(Capability.STAY_DISCHARGE, methods=("GET", "POST"))
def stay_transfer_view(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = stay_get(request=request, stay_id=stay_id)
    form = TransferForm(request.POST or None, exclude=stay.shelter_id)
    if request.method == "POST" and form.is_valid():
        try:
            stay_transfer(actor=request.user, stay=stay, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Pemindahan dicatat."))
            return redirect("cases:detail", case_id=stay.case_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=stay.case.person)
    return render(request, "shelters/transfer.html", {"stay": stay, "form": form})
