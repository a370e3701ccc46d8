"""A shelter head filters the case list to the people handed over this period, downloads it
as XLSX, and then asks for a list long enough to be written in the background."""

import csv
import io

import openpyxl
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pulang.accounts.tests.factories import PASSWORD
from pulang.cases.models import Case
from pulang.exports.models import ExportJob
from pulang.exports.services import export_job_run

from .helpers import recent_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()


class Queued:
    """A queue whose worker has not picked the job up yet."""

    def enqueue(self, **kwargs):
        return None


def test_filter_the_case_list_export_it_and_wait_for_a_long_export(
    page, tmp_path, settings, monkeypatch
):
    history = recent_history(seed=2)
    handed_over = sorted(
        Case.objects.filter(handover_entry__isnull=False).values_list(
            "person__full_name", flat=True
        )
    )
    page.goto("/kasus/")
    log_in(page, history.world.head)

    page.get_by_label("Peristiwa").select_option("dipulangkan")
    page.get_by_label("Dari").fill(history.start.isoformat())
    page.get_by_label("Sampai").fill(history.end.isoformat())
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**peristiwa=dipulangkan**")
    listed = page.get_by_test_id("case-list").locator("tbody tr td:first-child a")
    expect(listed).to_have_count(len(handed_over))  # waits for the filtered page to render
    assert sorted(listed.all_inner_texts()) == handed_over
    assert "Rahasia" not in page.content()

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == handed_over

    # The whole list is now longer than what is written at once: a job, with progress.
    settings.PULANG_EXPORT_INLINE_ROWS = 3
    from pulang.exports import tasks

    monkeypatch.setattr(tasks, "export_job_task", Queued())
    page.goto("/kasus/")
    page.get_by_test_id("export-csv").click()
    progress = page.get_by_test_id("export-progress")
    progress.wait_for()
    assert "Menunggu giliran" in progress.inner_text()
    assert f"0 dari {len(history.cases)} baris" in progress.inner_text()
    job = ExportJob.objects.get()

    export_job_run(job_id=job.pk)  # what a worker does; the page polls and sees it finish
    link = page.get_by_test_id("export-download")
    link.wait_for(timeout=10_000)
    with page.expect_download() as download:
        link.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) - 1 == len(history.cases), "every case of the shelter, no one else"
