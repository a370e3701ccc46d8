"""Large exports: a job with progress, its owner's alone, audited from request to download."""

import csv
import io

import openpyxl
import pytest

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.audit.models import AuditEvent
from pulang.exports.models import ExportJob
from pulang.exports.services import export_job_run
from pulang.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def head(agency, client, login_verified):
    return login_verified(client, UserFactory(agency=agency, roles=["shelter_head"]))


@pytest.fixture
def many(agency, settings):
    settings.PULANG_EXPORT_INLINE_ROWS = 5
    people = [PersonFactory(full_name=f"Orang {i:02d}", registered_by=agency) for i in range(12)]
    PersonFactory(full_name="=1+1 Rumus", registered_by=agency)
    PersonFactory(full_name="Orang Lain", registered_by=AgencyFactory())
    return people


class Queued:
    """A queue whose worker has not picked the task up yet."""

    def __init__(self):
        self.jobs = []

    def enqueue(self, **kwargs):
        self.jobs.append(kwargs)


def test_a_long_list_becomes_a_job_that_shows_progress_then_a_download(
    client, head, many, monkeypatch, django_capture_on_commit_callbacks
):
    from pulang.exports import tasks

    queue = Queued()
    monkeypatch.setattr(tasks, "export_job_task", queue)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/orang/ekspor/", {"q": "orang", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ekspor/{job.pk}/"
    assert queue.jobs == [{"job_id": job.pk}], "queued once the request's writes committed"
    assert (job.owner, job.kind, job.format, job.query) == (head, "people", "xlsx", "q=orang")
    assert (job.done, job.total) == (0, 12), "the page can say how long the list is"
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(job.pk))
    assert "people xlsx" in created.summary

    page = client.get(f"/ekspor/{job.pk}/")
    assert 'hx-trigger="every 1s"' in page.text and "<script>" not in page.text
    poll = client.get(f"/ekspor/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in poll.text and "<progress" in poll.text

    from pulang.core import exports

    seen = []
    write = exports.table_write

    def watched(**kwargs):
        def progress(done, total):
            kwargs["progress"](done, total)
            seen.append(ExportJob.objects.values_list("status", "done", "total").get())

        return write(**{**kwargs, "progress": progress, "chunk_size": 4})

    monkeypatch.setattr("pulang.exports.services.table_write", watched)
    export_job_run(job_id=job.pk)  # what the worker does
    assert seen == [("running", 4, 12), ("running", 8, 12), ("running", 12, 12)]

    done = client.get(f"/ekspor/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.text and f"/ekspor/{job.pk}/unduh/" in done.text
    download = client.get(f"/ekspor/{job.pk}/unduh/")
    assert download["Content-Disposition"].startswith('attachment; filename="orang-')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert names == [f"Orang {i:02d}" for i in range(12)], "exactly the filtered list"
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id")
    assert [e.object_type for e in exported] == ["people.person", "exports.exportjob"]
    assert exported[0].changes["count"] == 12 and "downloaded" in exported[1].summary
    assert client.get("/ekspor/").text.count(f"/ekspor/{job.pk}/unduh/") == 1


def test_on_the_embedded_queue_the_job_runs_in_the_request(
    client, head, many, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/orang/ekspor/", {"format": "csv"})
    job = ExportJob.objects.get()
    assert job.status == "done" and job.total == 13
    page = client.get(response["Location"]).text
    assert "Unduh CSV" in page
    text = b"".join(client.get(f"/ekspor/{job.pk}/unduh/").streaming_content).decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert "'=1+1 Rumus" in names and "Orang Lain" not in names


def test_only_the_owner_sees_or_downloads_a_job(client, head, agency, many, login_verified):
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")
    export_job_run(job_id=job.pk)
    colleague = UserFactory(agency=agency, roles=["shelter_head"])
    login_verified(client, colleague)
    for url in (f"/ekspor/{job.pk}/", f"/ekspor/{job.pk}/unduh/"):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_id=str(job.pk)).count() == 2
    assert f"/ekspor/{job.pk}/" not in client.get("/ekspor/").text


def test_a_job_whose_owner_lost_the_right_to_export_fails_without_a_file(head, many):
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")
    head.roles = ["shelter_social_worker"]
    head.save()
    job = export_job_run(job_id=job.pk)
    assert job.status == "failed" and not job.file and "tidak lagi berhak" in job.error
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_job_runs_once_even_if_the_task_is_delivered_twice(head, many):
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")
    export_job_run(job_id=job.pk)
    export_job_run(job_id=job.pk)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_a_list_longer_than_a_worksheet_is_refused_as_xlsx_and_offered_as_csv(
    head, many, monkeypatch
):
    monkeypatch.setattr("pulang.exports.services.XLSX_MAX_ROWS", 10)
    job = ExportJob.objects.create(owner=head, kind="people", format="xlsx")
    job = export_job_run(job_id=job.pk)
    assert job.status == "failed" and "unduh CSV" in job.error and not job.file


def test_an_export_file_is_removed_after_the_days_it_is_kept(client, head, many, settings):
    """A file of names stays on the server a week (PULANG_EXPORT_KEEP_DAYS), then is removed,
    audited; the job says so and its download is gone."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.PULANG_EXPORT_KEEP_DAYS = 7
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")
    job = export_job_run(job_id=job.pk)
    stored = job.file.name
    assert job.file.storage.exists(stored) and job.finished_at is not None
    page = client.get(f"/ekspor/{job.pk}/").text
    removes = timezone.localtime(job.finished_at + timedelta(days=7))
    assert f"dihapus otomatis pada {removes:%d/%m/%Y}" in page
    assert "selama 7 hari, lalu dihapus" in client.get("/ekspor/").text

    call_command("exports_expire", stdout=io.StringIO())  # six days early: kept
    assert job.file.storage.exists(stored)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("exports_expire", stdout=out)
    assert out.getvalue().startswith("1 berkas ekspor dihapus")
    assert not job.file.storage.exists(stored)
    job.refresh_from_db()
    assert not job.file and job.file_removed_at is not None
    assert AuditEvent.objects.filter(
        object_id=str(job.pk), summary__startswith="export file removed"
    ).exists()
    assert "sudah dihapus pada" in client.get(f"/ekspor/{job.pk}/").text
    assert "berkas sudah dihapus" in client.get("/ekspor/").text
    assert client.get(f"/ekspor/{job.pk}/unduh/").status_code == 404


def test_a_job_that_stopped_can_be_queued_again_from_its_page(
    client, head, many, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker writing the file died: after ten minutes without progress the page says so
    and offers to write it again, instead of showing progress for ever."""
    from datetime import timedelta

    from django.utils import timezone

    from pulang.exports import tasks

    queue = Queued()
    monkeypatch.setattr(tasks, "export_job_task", queue)
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", done=5, total=13, progressed_at=timezone.now() - timedelta(minutes=3)
    )
    page = f"/ekspor/{job.pk}/"
    assert 'data-testid="export-progress"' in client.get(page).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{page}ulangi/")  # not stopped: nothing queued
    assert queue.jobs == []

    ExportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(minutes=11))
    status = client.get(page, HTTP_HX_REQUEST="true").text
    assert 'data-testid="export-stalled"' in status and "(5 dari 13 baris)" in status
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page}ulangi/")
    assert response.status_code == 302 and response["Location"] == page
    assert queue.jobs == [{"job_id": job.pk}]
    job.refresh_from_db()
    assert job.status == "queued" and not job.stalled
    assert AuditEvent.objects.filter(object_id=str(job.pk), summary__contains="again").exists()
    assert export_job_run(job_id=job.pk).status == "done"  # the worker, when it comes


def test_a_stalled_run_finishing_after_its_restart_leaves_one_file(head, many, monkeypatch):
    """The first run was only slow: the run queued again finished first. The first writes no
    second file, which nothing would point to and nothing would ever remove."""
    from pulang.exports import services

    written = services.export_write
    job = ExportJob.objects.create(owner=head, kind="people", format="csv")

    def slow_first_run(**kwargs):
        rows = written(**kwargs)
        # Meanwhile the run queued again has written its file.
        ExportJob.objects.filter(pk=job.pk).update(status="done", file="exports/other.csv")
        return rows

    monkeypatch.setattr(services, "export_write", slow_first_run)
    saved = []
    monkeypatch.setattr(
        type(job.file), "save", lambda self, name, content, save=True: saved.append(name)
    )
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.file.name == "exports/other.csv" and saved == []


def test_an_export_of_an_agency_its_owner_has_left_is_neither_written_nor_downloaded(
    client, head, many
):
    written = ExportJob.objects.create(owner=head, kind="people", format="csv")
    export_job_run(job_id=written.pk)
    queued = ExportJob.objects.create(owner=head, kind="people", format="csv")
    assert written.agency_id == queued.agency_id == head.agency_id
    head.agency = AgencyFactory()  # moved to another office, same role
    head.save()

    page = client.get(f"/ekspor/{written.pk}/")
    assert "pindah lembaga" in page.text and f"/ekspor/{written.pk}/unduh/" not in page.text
    assert f"/ekspor/{written.pk}/unduh/" not in client.get("/ekspor/").text
    refused = client.get(f"/ekspor/{written.pk}/unduh/")
    assert refused.status_code == 302 and refused["Location"] == f"/ekspor/{written.pk}/"
    assert AuditEvent.objects.filter(action="denied", object_id=str(written.pk)).exists()
    assert not AuditEvent.objects.filter(summary__contains="downloaded").exists()

    queued = export_job_run(job_id=queued.pk)
    assert queued.status == "failed" and not queued.file and "pindah lembaga" in queued.error
