from datetime import datetime

from django.tasks import task

from .models import WorkerHeartbeat


@task()
def worker_heartbeat(*, backend: str, requested_at: str) -> int:
    """Prove a round trip through the task queue: runs in whichever worker picks it up."""
    beat = WorkerHeartbeat.objects.create(
        backend=backend, requested_at=datetime.fromisoformat(requested_at)
    )
    return beat.pk
