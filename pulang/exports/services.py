"""Exports of lists: written at once when small, by a background job when large, audited
either way. Both paths go through `export_write`, which goes through `table_write`."""

import logging
import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.core.exports import FORMATS, Table, table_pks, table_write

from .models import ExportJob

log = logging.getLogger(__name__)

# How many ids the audit event lists; the count is always exact.
AUDIT_ID_LIMIT = 200
# A worksheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575


class ExportError(Exception):
    """An export that cannot be written, with a reason the owner understands."""


def _kinds() -> dict[str, Callable[..., Table]]:
    from pulang.cases.tables import case_table
    from pulang.people.tables import person_table

    return {ExportJob.Kind.PEOPLE: person_table, ExportJob.Kind.CASES: case_table}


def export_inline_limit() -> int:
    """Lists up to this many rows are written in the request; longer ones by a job."""
    return int(settings.PULANG_EXPORT_INLINE_ROWS)


def export_table(*, user: Any, kind: str, query: str) -> Table:
    """The table of list `kind` for this user, filtered by the list's query string."""
    return _kinds()[kind](user=user, params=QueryDict(query))


def export_filename(*, table: Table, fmt: str, at: Any = None) -> str:
    return f"{table.name}-{timezone.localtime(at):%Y%m%d-%H%M}.{fmt}"


def export_write(
    *,
    actor: Any,
    table: Table,
    kind: str,
    query: str,
    fmt: str,
    out: IO[bytes],
    pks: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    job: ExportJob | None = None,
) -> int:
    """Write the table to `out` and record the export of everyone in it; return the rows."""
    if fmt not in FORMATS:
        raise ExportError(_("Format ekspor tidak dikenal."))
    pks = table_pks(table) if pks is None else pks
    if fmt == "xlsx" and len(pks) > XLSX_MAX_ROWS:
        raise ExportError(
            _("Daftar ini lebih panjang dari yang dapat dimuat satu lembar XLSX; unduh CSV.")
        )
    people = table_write(table=table, fmt=fmt, out=out, pks=pks, progress=progress)
    from pulang.people.models import Person

    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type=Person._meta.label_lower,
        summary=(f"export job {job.pk}: " if job else "")
        + f"{kind} {fmt}, {len(people)} rows, filter {query or '-'}",
        changes={
            "ids": sorted(set(people))[:AUDIT_ID_LIMIT],
            "count": len(people),
            "kind": kind,
            "format": fmt,
            "query": query,
        },
    )
    return len(people)


SCOPE_LEFT = gettext_lazy(
    "Anda sudah pindah lembaga sejak ekspor ini diminta: daftar lembaga sebelumnya tidak "
    "dibuat atau diunduh lagi. Ekspor lagi dari daftar lembaga Anda sekarang bila perlu."
)


def export_job_create(*, actor: Any, kind: str, query: str, fmt: str, total: int = 0) -> ExportJob:
    """Queue the export of a long list (`total` rows as the request counted them); the owner
    follows it on the job's page."""
    if kind not in ExportJob.Kind.values or fmt not in FORMATS:
        raise ExportError(_("Format ekspor tidak dikenal."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor,
            agency_id=actor.agency_id,
            kind=kind,
            format=fmt,
            query=query[:2000],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            total=total,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=job,
            summary=f"export queued: {kind} {fmt}, filter {query or '-'}",
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    try:  # also run daily (`pulang exports-expire`); here too, in case no one does
        export_files_expire()
    except Exception:  # the export is queued all the same; the next one tries again
        log.exception("removing old export files failed")
    return job


def export_job_restart(*, actor: Any, job: ExportJob) -> bool:
    """Queue a stalled job again (`ExportJob.stalled`); False when it is not stalled (it has
    moved, or finished, since the page was shown)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if not job.stalled:
            return False
        job.status, job.done, job.progressed_at = ExportJob.Status.QUEUED, 0, timezone.now()
        job.save(update_fields=["status", "done", "progressed_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target=job,
            summary="export queued again after it stalled",
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return True


def export_files_expire(*, now: Any = None) -> int:
    """Remove the files of exports written more than PULANG_EXPORT_KEEP_DAYS ago: lists of
    names and identities are not kept on the server longer than their owner needs them.
    The jobs stay, saying when their file was removed. Returns how many were removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PULANG_EXPORT_KEEP_DAYS)
    expired = ExportJob.objects.filter(
        finished_at__lt=cutoff, file_removed_at__isnull=True
    ).exclude(file="")
    removed = 0
    for job_id in list(expired.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            # Two removals at once (two exports started together): each job once.
            job = expired.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None:
                continue
            job.file.delete(save=False)
            job.file_removed_at = now
            job.save(update_fields=["file", "file_removed_at"])
            removed += 1
            audit_record(
                actor=None,
                action=AuditEvent.Action.CHANGE,
                target=job,
                summary=f"export file removed {settings.PULANG_EXPORT_KEEP_DAYS} days after "
                "it was written",
            )
    return removed


def _enqueue(job_id: int) -> None:
    from .tasks import export_job_task

    export_job_task.enqueue(job_id=job_id)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write a queued job's file chunk by chunk, keeping its progress current, as its owner
    may see the list now. A job that already ran is left as it is (a retried task)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, progressed_at=timezone.now()
    )
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if not claimed:
        return job
    owner = job.owner

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(
            done=done, total=total, progressed_at=timezone.now()
        )

    try:
        if not owner.has_capability(Capability.PERSON_EXPORT):
            raise ExportError(_("Anda tidak lagi berhak mengekspor daftar ini."))
        if job.scope_left(owner):
            raise ExportError(str(SCOPE_LEFT))
        with translation.override(job.language), tempfile.TemporaryFile() as out:
            table = export_table(user=owner, kind=job.kind, query=job.query)
            pks = table_pks(table)
            progress(0, len(pks))
            # Not in one transaction: the owner's page must see the progress as it grows.
            rows = export_write(
                actor=owner,
                table=table,
                kind=job.kind,
                query=job.query,
                fmt=job.format,
                out=out,
                pks=pks,
                progress=progress,
                job=job,
            )
            out.seek(0)
            with transaction.atomic():
                # A job queued again after it stalled may have been written meanwhile by its
                # first run: one file only, or the other would lie on disk unreferenced.
                current = ExportJob.objects.select_for_update().get(pk=job_id)
                if current.file or current.status != ExportJob.Status.RUNNING:
                    return current
                job.file.save(export_filename(table=table, fmt=job.format), File(out), save=False)
                job.status = ExportJob.Status.DONE
                job.done = job.total = rows
                job.finished_at = timezone.now()
                job.save(update_fields=["file", "status", "done", "total", "finished_at"])
    except Exception as error:
        if not isinstance(error, ExportError):
            log.exception("export job %s failed", job_id)
        job.status = ExportJob.Status.FAILED
        job.error = str(error) if isinstance(error, ExportError) else _("Ekspor gagal dibuat.")
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return job


def export_job_download_record(*, actor: Any, job: ExportJob) -> None:
    """The file of a finished export leaves Pulang: recorded like the export itself."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        target=job,
        summary=f"export job {job.pk} downloaded: {job.kind} {job.format}, {job.total} rows",
    )
