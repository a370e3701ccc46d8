"""Background work for the embedded default, which has no queue and no worker.

Django's `ImmediateBackend` runs a task inside the request that asks for it: a 5,000-row
manifest kept the upload waiting about 12 s on a blank page, with none of the progress the
page shows when a worker does the checking. `ThreadBackend` runs each task in a thread of the
web process instead, once the transaction that asked for it has committed, so the page comes
back at once and follows the task's progress like it does with a worker. It is meant for one
machine and a few users; a deployment runs Redis and a worker (docs/operations.md).
"""

import threading
from collections import OrderedDict
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import TaskResult
from django.tasks.exceptions import TaskResultDoesNotExist

KEPT_RESULTS = 1000  # the latest results, for `TaskResult.refresh()`


class ThreadBackend(ImmediateBackend):
    supports_get_result = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self._results: OrderedDict[str, TaskResult[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def _execute_task(self, result: TaskResult[Any, Any]) -> None:
        """`ImmediateBackend.enqueue` makes the result and hands it here: kept for
        `get_result`, and run in a thread once the request's transaction commits (the task
        reads what the request has just written)."""
        with self._lock:
            self._results[result.id] = result
            while len(self._results) > KEPT_RESULTS:
                self._results.popitem(last=False)
        transaction.on_commit(lambda: self._start(result))

    def _start(self, result: TaskResult[Any, Any]) -> None:
        thread = threading.Thread(
            target=self._run, args=(result,), name=f"pulang-task-{result.id[:8]}", daemon=True
        )
        thread.start()

    def _run(self, result: TaskResult[Any, Any]) -> None:
        close_old_connections()
        try:
            # Runs the task and records a failure on the result, as a worker would (not in
            # django-stubs).
            super()._execute_task(result)  # type: ignore[misc]
        finally:
            connections.close_all()  # this thread's connections

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        with self._lock:
            try:
                return self._results[result_id]
            except KeyError:
                raise TaskResultDoesNotExist(result_id) from None
