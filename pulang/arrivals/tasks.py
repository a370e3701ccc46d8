from django.tasks import task

from .models import ManifestImport
from .services import manifest_preview


@task()
def manifest_preview_task(*, manifest_import_id: int) -> int:
    """Check a manifest in the background; the page polls the import's progress."""
    record = ManifestImport.objects.get(pk=manifest_import_id)
    if record.status == ManifestImport.Status.PREVIEWING:  # not checked since it was queued
        manifest_preview(manifest_import=record)
    return record.pk
