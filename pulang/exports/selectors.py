from typing import Any

from django.db.models import QuerySet

from pulang.access.http import visible_or_404

from .models import ExportJob

RECENT = 20


def export_job_list(*, user: Any) -> QuerySet[ExportJob]:
    """The user's own recent exports, newest first."""
    return ExportJob.objects.owned_by(user)[:RECENT]


def export_job_get(*, request: Any, job_id: Any) -> ExportJob:
    """The job if the user owns it; anyone else's looks exactly like a missing one."""
    return visible_or_404(request, ExportJob.objects.owned_by(request.user), job_id)
