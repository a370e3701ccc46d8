from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.agencies.models import Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case
from pulang.people.models import Person
from pulang.people.services import person_disclosure_record
from pulang.regions.models import Region

from .forms import BatchForm, ManifestUploadForm, PersonArrivalForm
from .manifest import (
    TEMPLATE_COLUMNS,
    ManifestRow,
    listed,
    manifest_template_csv,
    manifest_template_xlsx,
)
from .models import ArrivalBatch, ManifestImport
from .selectors import batch_get, batch_list, candidate_people, manifest_import_get
from .services import (
    ImportError_,
    batch_create,
    manifest_check_restart,
    manifest_commit,
    manifest_discard,
    manifest_row_recheck,
    manifest_upload,
    person_check,
    person_register,
)
from .tasks import manifest_preview_task


@declare(Capability.PERSON_VIEW)
def batch_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "arrivals/batch_list.html", {"batches": batch_list(user=request.user)})


@declare(Capability.PERSON_CHANGE, methods=("GET", "POST"))
def batch_create_view(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = batch_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Rombongan %(ref)s dicatat.") % {"ref": batch.reference})
        return redirect("arrivals:batch", batch_id=batch.pk)
    return render(request, "arrivals/batch_form.html", {"form": form})


@declare(Capability.PERSON_VIEW)
def batch_detail_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batch_get(request=request, batch_id=batch_id)
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(batch=batch)
        .select_related("person__origin_region")
        .order_by("person__full_name")
    )
    if cases:
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            people=[c.person for c in cases],
            summary=f"batch {batch.reference}",
        )
    else:
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=batch)
    return render(
        request,
        "arrivals/batch_detail.html",
        {
            "batch": batch,
            "cases": cases,
            "returning": sum(1 for c in cases if c.is_returning),
            "waiting": any(c.status == Case.Status.REGISTERED for c in cases),
            "shelters": Shelter.objects.visible_to(request.user),
            "imports": batch.manifest_imports.order_by("-created_at"),
            "upload_form": ManifestUploadForm(),
        },
    )


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def manifest_upload_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batch_get(request=request, batch_id=batch_id)
    form = ManifestUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect("arrivals:batch", batch_id=batch.pk)
    upload = form.cleaned_data["file"]
    record, is_new = manifest_upload(
        actor=request.user, batch=batch, data=upload.read(), filename=upload.name
    )
    if (
        not is_new
        and not ArrivalBatch.objects.visible_to(request.user).filter(pk=record.batch_id).exists()
    ):
        # Saved into another agency's batch: that batch is not named, nor its import opened.
        messages.warning(
            request,
            _("Berkas ini sudah pernah diimpor oleh instansi lain; tidak ada yang dibuat lagi."),
        )
        return redirect("arrivals:batch", batch_id=batch.pk)
    if not is_new and record.status == ManifestImport.Status.COMMITTED:
        messages.warning(
            request,
            _("Berkas ini sudah pernah diimpor ke rombongan %(ref)s; tidak ada yang dibuat lagi.")
            % {"ref": record.batch.reference},
        )
    elif is_new:
        manifest_preview_task.enqueue(manifest_import_id=record.pk)
    else:  # the same bytes, perhaps under another name, waiting to be saved
        messages.info(
            request,
            _(
                "Isi berkas ini sama dengan “%(name)s” yang sudah diunggah dan belum disimpan; "
                "pratinjaunya dibuka kembali."
            )
            % {"name": record.original_name},
        )
    return redirect("arrivals:import", import_id=record.pk)


def _shown_candidates(
    request: HttpRequest, rows: list[dict[str, Any]], *, summary: str
) -> list[list[dict[str, Any]]]:
    """Each row's candidates with the person where the user may see them by name (others stay
    anonymous) and a percentage; showing the names is recorded."""
    ids = [c["person_id"] for row in rows for c in row.get("candidates", [])]
    visible = candidate_people(user=request.user, person_ids=ids)
    if visible:
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            people=list(visible.values()),
            summary=summary,
        )
    return [
        [
            {**c, "person": visible.get(c["person_id"]), "percent": round(c["probability"] * 100)}
            for c in row.get("candidates", [])
        ]
        for row in rows
    ]


def _rows_for_display(request: HttpRequest, record: ManifestImport) -> list[dict[str, Any]]:
    rows = record.preview.get("rows", [])
    headers = record.preview.get("columns", {})
    shown_candidates = _shown_candidates(request, rows, summary=f"manifest {record.pk} candidates")
    for row, candidates in zip(rows, shown_candidates, strict=True):
        for c in candidates:  # the action the preview chose (`_choose_actions`)
            c["chosen"] = row.get("action") == f"link:{c['person_id']}"
    codes = {row["values"].get("origin_region") for row in rows} - {None, ""}
    regions = dict(Region.objects.filter(pk__in=codes).values_list("code", "name"))
    return [
        {
            **row,
            "candidates": candidates,
            "editable": [(key, headers.get(key, key), value) for key, value in row["raw"].items()],
            "born": _born(row["values"]),
            "read": _what_was_read(row["values"], regions),
        }
        for row, candidates in zip(rows, shown_candidates, strict=True)
    ]


def _rows_not_saved(record: ManifestImport) -> list[dict[str, Any]]:
    """The rows of a saved list that registered no one (errors, repeats, people already
    there), each with why and its values as the one-by-one form takes them, so a worker can
    register one after fixing it instead of typing it again."""
    saved = set(Case.objects.filter(manifest_import=record).values_list("manifest_row", flat=True))
    fields = {column.field for column in TEMPLATE_COLUMNS}
    return [
        {
            "number": row["number"],
            "name": row["values"].get("full_name") or row["raw"].get("full_name", ""),
            "messages": [issue["message"] for issue in row["issues"]],
            "form": list(_form_values(row, fields).items()),
        }
        for row in record.preview.get("rows", [])
        if row["number"] not in saved
    ]


def _form_values(row: dict[str, Any], fields: set[str]) -> dict[str, str]:
    """A row's cells as the one-by-one form's fields. Columns the form has not (a combined
    "Tempat/Tgl Lahir", an age, "Asal", "Kasus", a father's name) give what was read from
    them: nothing is lost."""
    form = {key: value for key, value in row["raw"].items() if key in fields and value}
    values = row["values"]
    father = values.get("father_name") or ""
    if father and values.get("full_name"):
        # The form has no father's column: the name as read, "bin"/"binti" and all.
        form["full_name"] = values["full_name"]
        if values.get("aliases"):
            form["aliases"] = "; ".join(values["aliases"])
    if not form.get("birth_date") and values.get("birth_date"):
        form["birth_date"] = _born(values)
    if not form.get("birth_place") and values.get("birth_place"):
        form["birth_place"] = values["birth_place"]
    if not form.get("address") and (values.get("address") or values.get("origin")):
        form["address"] = values.get("address") or values["origin"]
    if values.get("notes"):  # with what the list's case column or depot column said
        form["notes"] = values["notes"]
    if father and father.casefold() not in (values.get("full_name") or "").casefold():
        # Not joined (no sex to choose bin or binti by): kept where the worker sees it.
        line = _("Nama ayah: %(name)s") % {"name": father}
        form["notes"] = "\n".join(text for text in (form.get("notes"), line) if text)
    return form


def _what_was_read(values: dict[str, Any], regions: dict[str, str]) -> list[str]:
    """What the row will register, beyond name and birth date, as it was read: so a value
    read wrongly (a number with its kind in it, an address lost) is seen before saving."""
    sex = str(dict(Person.Sex.choices).get(values.get("sex") or "", ""))
    kinds = {"passport": _("Paspor"), "splp": "SPLP", "none": _("Tanpa dokumen")}
    document = " ".join(
        part
        for part in (
            kinds.get(values.get("document_kind") or "", ""),
            values.get("document_number") or "",
        )
        if part
    )
    home = regions.get(values.get("origin_region") or "", "")
    address = values.get("address") or values.get("origin") or ""
    phones = [str(values[key]) for key in ("phone_id", "phone_my") if values.get(key)]
    parts = [
        sex,
        _("NIK %(nik)s") % {"nik": values["nik"]} if values.get("nik") else "",
        document,
        f"{home} ({address})" if home and address and address != home else home or address,
        ", ".join(phones),
    ]
    return [part for part in parts if part]


def _born(values: dict[str, Any]) -> str:
    """A birth date as staff write it (dd/mm/yyyy), or the year alone when that is all."""
    text = values.get("birth_date") or ""
    if len(text) != 10:
        return ""
    year, month, day = text.split("-")
    return year if values.get("birth_year_only") else f"{day}/{month}/{year}"


@declare(Capability.PERSON_VIEW)
def manifest_import_view(request: HttpRequest, import_id: int) -> HttpResponse:
    record = manifest_import_get(request=request, import_id=import_id)
    busy = record.status in {ManifestImport.Status.PREVIEWING, ManifestImport.Status.COMMITTING}
    context = {
        "record": record,
        "batch": record.batch,
        "busy": busy,
        "stalled": record.stalled,
        "percent": round(100 * record.progress / record.total_rows) if record.total_rows else 0,
    }
    if request.htmx and busy:  # type: ignore[attr-defined]
        return render(request, "arrivals/_progress.html", context)
    # The preview shows the names on the list, registered or not.
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=record)
    if record.status == ManifestImport.Status.COMMITTED:
        context["unsaved"] = _rows_not_saved(record)
    if record.status == ManifestImport.Status.PREVIEWED:
        rows = _rows_for_display(request, record)
        attention = request.GET.get("perlu", "") not in ("", "0")  # only the rows to look at
        to_check = [r for r in rows if r["status"] != "ok" or r["candidates"]]
        context.update(
            rows=rows,
            attention=attention,
            cards=to_check if attention else rows,
            counts={
                status: sum(1 for r in rows if r["status"] == status)
                for status in ("ok", "warning", "error")
            },
            returning=sum(1 for r in rows if r["candidates"]),
        )
    response = render(request, "arrivals/import.html", context)
    if request.htmx and not busy:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"  # the check finished: show the whole preview
    return response


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def manifest_discard_view(request: HttpRequest, import_id: int) -> HttpResponse:
    """Throw away a preview that will not be saved."""
    record = manifest_import_get(request=request, import_id=import_id)
    if manifest_discard(actor=request.user, manifest_import=record):
        messages.info(
            request,
            _("Pratinjau “%(name)s” dibuang; tidak ada yang disimpan darinya.")
            % {"name": record.original_name},
        )
    return redirect("arrivals:batch", batch_id=record.batch_id)


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def manifest_restart_view(request: HttpRequest, import_id: int) -> HttpResponse:
    """Queue a stalled check again (its worker stopped, or none took it)."""
    record = manifest_import_get(request=request, import_id=import_id)
    if manifest_check_restart(actor=request.user, manifest_import=record):
        manifest_preview_task.enqueue(manifest_import_id=record.pk)
        messages.info(request, _("Pemeriksaan berkas dimulai lagi."))
    return redirect("arrivals:import", import_id=record.pk)


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def manifest_row_fix_view(request: HttpRequest, import_id: int, row_number: int) -> HttpResponse:
    record = manifest_import_get(request=request, import_id=import_id)
    if record.status != ManifestImport.Status.PREVIEWED:
        raise Http404
    raw = {
        key[len("raw_") :]: request.POST.get(key, "").strip()
        for key in request.POST
        if key.startswith("raw_")
    }
    try:
        manifest_row_recheck(
            actor=request.user, manifest_import=record, row=ManifestRow(row_number, raw)
        )
    except KeyError as error:
        raise Http404 from error
    record.refresh_from_db()
    return redirect(f"{request.path.rsplit('/baris/', 1)[0]}/#baris-{row_number}")


@declare(Capability.PERSON_CHANGE, methods=("POST",))
def manifest_commit_view(request: HttpRequest, import_id: int) -> HttpResponse:
    record = manifest_import_get(request=request, import_id=import_id)
    actions = {
        int(key.removeprefix("action_")): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("action_") and key.removeprefix("action_").isdigit()
    }
    allowed = _allowed_actions(record)
    actions = {row: action for row, action in actions.items() if action in allowed.get(row, ())}
    try:
        summary = manifest_commit(actor=request.user, manifest_import=record, actions=actions)
    except ImportError_ as error:
        messages.error(request, str(error))
        return redirect("arrivals:import", import_id=record.pk)
    messages.success(
        request,
        _(
            "Tersimpan: %(created)s orang baru, %(linked)s pernah datang sebelumnya, "
            "%(skipped)s baris dilewati."
        )
        % summary.as_dict(),
    )
    if summary.errors:
        messages.warning(
            request,
            _("Tidak disimpan karena masih ada kesalahan: %(rows)s.")
            % {"rows": _rows_named(summary.errors)},
        )
    if summary.registered_since:
        messages.warning(
            request,
            _(
                "Tidak disimpan karena orangnya sudah didaftarkan sejak pratinjau ini dibuat "
                "(dari daftar lain): baris %(rows)s."
            )
            % {"rows": listed([str(n) for n in summary.registered_since], 20)},
        )
    if summary.already_in_batch:
        messages.warning(
            request,
            _("Tidak disimpan karena orangnya sudah ada di rombongan ini: baris %(rows)s.")
            % {"rows": listed([str(n) for n in summary.already_in_batch], 20)},
        )
    return redirect("arrivals:batch", batch_id=record.batch_id)


def _rows_named(errors: list[dict[str, Any]], limit: int = 20) -> str:
    """'baris 4 (Ma'ruf Amin), baris 7 (…)', the first `limit` of them."""
    named = [
        _("baris %(row)s (%(name)s)") % {"row": error["row"], "name": error["name"]}
        if error.get("name")
        else _("baris %(row)s") % {"row": error["row"]}
        for error in errors
    ]
    return listed(named, limit)


def _allowed_actions(record: ManifestImport) -> dict[int, set[str]]:
    """What the form may ask for each row: never a person the preview did not propose."""
    return {
        row["number"]: {"create", "skip"}
        | {f"link:{c['person_id']}" for c in row.get("candidates", [])}
        for row in record.preview.get("rows", [])
    }


@declare(Capability.REGION_VIEW)
def manifest_template_view(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = HttpResponse(manifest_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="templat-manifest.csv"'
        return response
    response = HttpResponse(
        manifest_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-manifest.xlsx"'
    return response


@declare(Capability.PERSON_CHANGE, methods=("GET", "POST"))
def person_register_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Register one arrival: check first (errors, warnings, people registered before), then
    save as a new person or as a new episode of one of them."""
    batch = batch_get(request=request, batch_id=batch_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=batch)
    form = PersonArrivalForm(request.POST or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        raw = form.raw_values()
        if "save" in request.POST:
            try:
                case = person_register(
                    actor=request.user,
                    batch=batch,
                    raw=raw,
                    action=request.POST.get("action", ""),
                )
            except ImportError_ as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("%(name)s terdaftar.") % {"name": case.person.full_name}
                )
                return redirect("arrivals:batch", batch_id=batch.pk)
        checked = person_check(raw=raw, batch=batch)
        [checked["candidates"]] = _shown_candidates(
            request, [checked], summary="registration candidates"
        )
        for c in checked["candidates"]:  # the action the check chose (`_choose_actions`)
            c["chosen"] = checked["action"] == f"link:{c['person_id']}"
    return render(
        request, "arrivals/person_form.html", {"batch": batch, "form": form, "checked": checked}
    )
