"""The embedded default's background work: the page that starts a task comes back at once."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import task
from django.tasks.base import TaskResultStatus

from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.core.services import task_finished

pytestmark = pytest.mark.django_db(transaction=True)  # a thread sees only what is committed

_release = threading.Event()


@task()
def waits_for_release() -> str:
    if not _release.wait(timeout=20):
        raise TimeoutError("never released")
    return threading.current_thread().name


@task()
def fails() -> None:
    raise ValueError("the file is not a list")


@pytest.fixture(autouse=True)
def threads(settings):
    settings.TASKS = {"default": {"BACKEND": "pulang.core.taskthreads.ThreadBackend"}}
    _release.clear()


def test_enqueue_returns_before_the_task_has_run_and_the_task_runs_in_a_thread():
    result = waits_for_release.enqueue()
    time.sleep(0.2)
    assert result.status in {TaskResultStatus.READY, TaskResultStatus.RUNNING}

    _release.set()
    assert task_finished(result, timeout=30).status == TaskResultStatus.SUCCESSFUL
    assert result.return_value.startswith("pulang-task-")


def test_a_failing_task_is_recorded_as_failed_with_its_error():
    result = task_finished(fails.enqueue(), timeout=30)
    assert result.status == TaskResultStatus.FAILED
    assert "the file is not a list" in result.errors[0].traceback


def test_the_worker_check_passes_without_a_queue():
    from pulang.core.models import WorkerHeartbeat
    from pulang.core.services import queue_round_trip

    beat = WorkerHeartbeat.objects.get(pk=queue_round_trip(timeout=30))
    assert beat.ran_at >= beat.requested_at


def test_an_uploaded_manifest_shows_its_progress_while_it_is_checked(
    client, login_verified, monkeypatch
):
    from pulang.arrivals import tasks
    from pulang.arrivals.models import ManifestImport
    from pulang.arrivals.services import manifest_preview
    from pulang.arrivals.tests.factories import BatchFactory

    checked = threading.Event()

    def checked_when_released(*, manifest_import):
        _release.wait(timeout=20)
        manifest_preview(manifest_import=manifest_import)
        checked.set()

    monkeypatch.setattr(tasks, "manifest_preview", checked_when_released)
    worker = login_verified(client, UserFactory(roles=[Role.SHELTER_SOCIAL_WORKER]))
    batch = BatchFactory(receiving_agency=worker.agency)
    rows = "".join(f"Orang Ke {n},L,02/01/1991\n" for n in range(1, 41))
    upload = SimpleUploadedFile(
        "m.csv", ("Nama Lengkap,Jenis Kelamin,Tanggal Lahir\n" + rows).encode("utf-8")
    )
    response = client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    assert response.status_code == 302  # back at once, the list not yet checked

    page = client.get(f"/kedatangan/impor/{record.pk}/")
    assert "Memeriksa baris" in page.text and "<progress" in page.text

    # The test database (SQLite in memory) locks a table while it is written, where the
    # embedded default's file in WAL mode would not: the page is asked again once the
    # check has finished.
    _release.set()
    assert checked.wait(timeout=30), "the preview did not finish"
    poll = client.get(f"/kedatangan/impor/{record.pk}/", HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    page = client.get(f"/kedatangan/impor/{record.pk}/")
    assert 'data-testid="import-counts"' in page.text  # the preview, with its counts
    assert "0 dengan kesalahan" in page.text
