"""Operational checks used by the health endpoint and the `queue-check` command."""

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.tasks import TaskResult, TaskResultStatus, task_backends
from django.utils import timezone

from .tasks import worker_heartbeat


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def queue_ok() -> bool:
    """The queue is reachable: always true for the in-process backend, a PING for Redis."""
    if not settings.REDIS_URL:
        return True
    try:
        import django_rq

        return bool(django_rq.get_connection("default").ping())
    except Exception:
        return False


def queue_round_trip(*, timeout: float = 30.0) -> int:
    """Enqueue a heartbeat and wait until a worker has run it; returns the heartbeat id."""
    backend_name = type(task_backends["default"]).__name__
    result = worker_heartbeat.enqueue(backend=backend_name, requested_at=timezone.now().isoformat())
    task_finished(result, timeout=timeout)
    if result.status == TaskResultStatus.FAILED:
        raise RuntimeError(f"The task failed: {result.errors}")
    return int(result.return_value)


def task_finished(result: TaskResult[Any, Any], *, timeout: float) -> TaskResult[Any, Any]:
    """Wait until a task has succeeded or failed, refreshing its result; TimeoutError if no
    worker has run it within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while result.status not in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}:
        if time.monotonic() > deadline:
            raise TimeoutError(f"No worker ran the task within {timeout:.0f} s")
        time.sleep(0.2)
        result.refresh()
    return result
