import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pulang.access.http import declare
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.core.exports import CONTENT_TYPES, FORMATS, table_pks

from .selectors import export_job_get, export_job_list
from .services import (
    SCOPE_LEFT,
    export_filename,
    export_inline_limit,
    export_job_create,
    export_job_download_record,
    export_job_restart,
    export_table,
    export_write,
)

# Kept in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def list_query(request: HttpRequest) -> str:
    """The list's filters as a query string, without the page number or the format."""
    params = request.GET.copy()
    for key in ("page", "format"):
        params.pop(key, None)
    return params.urlencode()


def export_response(request: HttpRequest, *, kind: str) -> HttpResponseBase:
    """The filtered list as a file: written now when it is short, otherwise queued as a job
    whose page shows its progress. Either way exactly the rows the list shows."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    query = list_query(request)
    table = export_table(user=request.user, kind=kind, query=query)
    pks = table_pks(table)
    if len(pks) > export_inline_limit():
        job = export_job_create(actor=request.user, kind=kind, query=query, fmt=fmt, total=len(pks))
        return redirect(job)
    # FileResponse closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    export_write(actor=request.user, table=table, kind=kind, query=query, fmt=fmt, out=out, pks=pks)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=export_filename(table=table, fmt=fmt),
        content_type=CONTENT_TYPES[fmt],
    )


@declare(Capability.PERSON_EXPORT)
def export_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exports/list.html",
        {
            "jobs": export_job_list(user=request.user),
            "keep_days": settings.PULANG_EXPORT_KEEP_DAYS,
            "agency_id": request.user.agency_id,  # type: ignore[union-attr]
        },
    )


@declare(Capability.PERSON_EXPORT)
def export_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = export_job_get(request=request, job_id=job_id)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "exports/_status.html", _job_context(request, job))
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=job)
    return render(request, "exports/job.html", _job_context(request, job))


def _job_context(request: HttpRequest, job: Any) -> dict[str, Any]:
    # Why the file is not offered, when its owner has moved to another agency since.
    return {"job": job, "scope_left": SCOPE_LEFT if job.scope_left(request.user) else None}


@declare(Capability.PERSON_EXPORT, methods=("POST",))
def export_restart_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Queue a stalled job again (its worker stopped, or none took it)."""
    job = export_job_get(request=request, job_id=job_id)
    if export_job_restart(actor=request.user, job=job):
        messages.info(request, _("Ekspor diantrekan lagi."))
    return redirect("exports:job", job_id=job.pk)


@declare(Capability.PERSON_EXPORT)
def export_download_view(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = export_job_get(request=request, job_id=job_id)
    if job.status != job.Status.DONE or not job.file:
        raise Http404
    if job.scope_left(request.user):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.DENIED,
            target=job,
            summary="export download refused: the owner has left the agency whose list it is",
        )
        messages.error(request, SCOPE_LEFT)
        return redirect("exports:job", job_id=job.pk)
    export_job_download_record(actor=request.user, job=job)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=(job.file.name or "").rsplit("/", 1)[-1].split("-", 1)[-1],
        content_type=CONTENT_TYPES[job.format],
    )
