from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.arrivals.models import ArrivalBatch, ManifestImport
from pulang.cases.models import Case
from pulang.people.models import Person

from .factories import BatchFactory

pytestmark = pytest.mark.django_db

CSV = (
    "Nama Lengkap,Jenis Kelamin,Tanggal Lahir\n"
    "Ahmad Fauzi,L,02/01/1991\n"
    "Nur Hasanah,P,1993\n"
    "Tanpa Tanggal,L,32/01/1990\n"
)


@pytest.fixture
def worker(client, login_verified):
    return login_verified(client, UserFactory(roles=[Role.SHELTER_SOCIAL_WORKER]))


def test_a_worker_records_a_batch(client, worker):
    response = client.post(
        "/kedatangan/baru/",
        {
            "entry_point": "tanjung_pinang",
            "transport": "ship",
            "arrived_at": "2026-11-27T14:30",
            "deporting_country": "my",
            "expected_count": "120",
            "consulate": "KJRI Johor Bahru",
        },
    )
    batch = ArrivalBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kedatangan/{batch.pk}/"
    assert batch.receiving_agency == worker.agency and batch.deporting_country == "MY"
    assert batch.reference.startswith("TAN-20261127")


def test_batch_form_explains_what_is_wrong(client, worker):
    response = client.post(
        "/kedatangan/baru/", {"entry_point": "tanjung_pinang", "deporting_country": "Malaisia"}
    )
    assert response.status_code == 200
    assert "Tulis kode negara dua huruf" in response.text
    assert "Bidang ini harus diisi" in response.text  # Django's own, in Indonesian


def test_upload_preview_fix_and_commit(client, worker):
    batch = BatchFactory(receiving_agency=worker.agency, expected_count=1, escort="Brigpol Sari")
    upload = SimpleUploadedFile("manifest.csv", CSV.encode("utf-8"), content_type="text/csv")
    response = client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    assert response["Location"] == f"/kedatangan/impor/{record.pk}/"
    page = client.get(response["Location"]).text
    assert "2 baris baik, 0 dengan peringatan, 1 dengan kesalahan" in page
    assert "Tanggal Lahir" in page

    client.post(f"/kedatangan/impor/{record.pk}/baris/4/", {"raw_birth_date": "31/01/1990"})
    page = client.get(f"/kedatangan/impor/{record.pk}/").text
    assert "3 baris baik" in page

    response = client.post(
        f"/kedatangan/impor/{record.pk}/simpan/",
        {"action_2": "create", "action_3": "skip", "action_4": "create"},
    )
    assert response["Location"] == f"/kedatangan/{batch.pk}/"
    batch_page = client.get(response["Location"]).text
    assert "2 orang terdaftar" in batch_page and "Ahmad Fauzi" in batch_page
    assert "Brigpol Sari" in batch_page
    assert "lebih banyak dari surat" in batch_page, "2 registered, the letter says 1"
    assert "Nur Hasanah" not in batch_page


def test_a_forged_link_to_an_unproposed_person_is_ignored(client, worker):
    from pulang.people.tests.factories import PersonFactory

    stranger = PersonFactory()
    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    client.post(f"/kedatangan/impor/{record.pk}/simpan/", {"action_2": f"link:{stranger.pk}"})
    assert not Case.objects.filter(person=stranger).exists()


def test_oversized_or_empty_uploads_are_refused_with_a_message(client, worker):
    batch = BatchFactory(receiving_agency=worker.agency)
    empty = SimpleUploadedFile("m.csv", b"", content_type="text/csv")
    response = client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": empty}, follow=True)
    assert "kosong" in response.text.lower()
    assert not ManifestImport.objects.exists()


def test_a_binary_file_fails_with_an_explanation(client, worker):
    batch = BatchFactory(receiving_agency=worker.agency)
    junk = SimpleUploadedFile("m.xlsx", b"%PDF-1.7\n" + bytes(range(256)) * 10)
    response = client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": junk}, follow=True)
    record = ManifestImport.objects.get()
    assert record.status == ManifestImport.Status.FAILED
    assert "PDF" in response.text


def test_the_template_has_indonesian_headers(client, worker):
    response = client.get("/kedatangan/templat/")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "Nama Lengkap"
    assert {"Jenis Kelamin", "Tanggal Lahir", "NIK", "Kabupaten/Kota"} <= set(headers)
    csv_text = client.get("/kedatangan/templat/?format=csv").content.decode("utf-8-sig")
    assert csv_text.startswith("Nama Lengkap")


def test_one_person_registered_by_hand(client, worker):
    batch = BatchFactory(receiving_agency=worker.agency)
    data = {"full_name": "Yohanes Bria", "sex": "L", "birth_date": "1988"}
    form = client.get(f"/kedatangan/{batch.pk}/daftar/").text
    assert "L atau P" in form and "misalnya 25/03/1990" in form  # how to fill each field in
    checked = client.post(f"/kedatangan/{batch.pk}/daftar/", {**data, "check": "1"})
    assert "Tidak ada masalah" in checked.text
    bad = client.post(f"/kedatangan/{batch.pk}/daftar/", {**data, "sex": "X", "check": "1"})
    assert "Kolom “Jenis Kelamin”" in bad.text and "Baris 0" not in bad.text
    response = client.post(
        f"/kedatangan/{batch.pk}/daftar/", {**data, "save": "1", "action": "create"}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.batch == batch and case.person.birth_year_only
    again = client.post(
        f"/kedatangan/{batch.pk}/daftar/", {**data, "save": "1", "action": "create"}
    )
    assert "sudah terdaftar di rombongan ini" in again.text
    assert Case.objects.count() == 1, "typed twice, registered once"


def test_by_hand_someone_not_yet_home_or_a_number_held_is_not_saved_by_default(client, worker):
    """The form chooses as the preview does: a person still open in another batch, or a
    NIK someone else holds, is pointed out and nothing is pre-chosen; saving without a
    choice saves nothing."""
    from datetime import date

    from pulang.people.tests.factories import PersonFactory

    earlier_batch = BatchFactory(receiving_agency=worker.agency, reference="TAN-20261128-01")
    ahmad = PersonFactory(
        full_name="Ahmad Fauzi bin Abdullah",
        sex="M",
        birth_date=date(1990, 3, 12),
        registered_by=worker.agency,
    )
    open_case = Case.objects.create(
        person=ahmad,
        owning_agency=worker.agency,
        batch=earlier_batch,
        opened_at=earlier_batch.arrived_at,
    )
    nuraini = PersonFactory(
        full_name="Nur'aini binti Ismail",
        sex="F",
        birth_date=date(1992, 3, 12),
        nik="3301025203920004",
        registered_by=worker.agency,
    )
    batch = BatchFactory(receiving_agency=worker.agency, arrived_at=earlier_batch.arrived_at)
    url = f"/kedatangan/{batch.pk}/daftar/"

    ahmad_again = {"full_name": "Ahmad Fauzi", "sex": "L", "birth_date": "12/03/1990"}
    page = client.post(url, {**ahmad_again, "check": "1"}).text
    assert f"kasus #{open_case.pk} di rombongan TAN-20261128-01" in page
    choices = page.split("Simpan sebagai")[1].split("</fieldset>")[0]
    assert "Ahmad Fauzi bin Abdullah" in choices and " checked" not in choices
    refused = client.post(url, {**ahmad_again, "save": "1"})
    assert refused.status_code == 200 and "Pilih dulu" in refused.text
    assert Case.objects.count() == 1

    same_nik = {"full_name": "Siti Nur Aini", "sex": "P", "birth_date": "1993", "nik": nuraini.nik}
    page = client.post(url, {**same_nik, "check": "1"}).text
    assert "sudah tercatat untuk orang lain" in page and "Nur&#x27;aini binti Ismail" in page
    client.post(url, {**same_nik, "save": "1"})
    assert Person.objects.filter(nik=nuraini.nik).count() == 1
    # Chosen on purpose (the number was a slip for this one), it is saved.
    assert client.post(url, {**same_nik, "save": "1", "action": "create"}).status_code == 302


def test_after_saving_the_rows_not_saved_are_listed_and_can_be_registered_one_by_one(
    client, worker
):
    """A row left out for its error is not lost with the preview: the saved list names it
    with why, and opens the one-by-one form filled from it (by POST: no names in URLs)."""
    import re

    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    client.post(f"/kedatangan/impor/{record.pk}/simpan/")
    page = client.get(f"/kedatangan/impor/{record.pk}/").text
    assert "Baris yang tidak disimpan" in page
    cards = re.findall(r'data-testid="unsaved" data-row="(\d+)"', page)
    assert cards == ["4"] and "tidak ada di kalender" in page
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    fields.pop("csrfmiddlewaretoken")
    assert fields == {"full_name": "Tanpa Tanggal", "sex": "L", "birth_date": "32/01/1990"}
    assert f'action="/kedatangan/{batch.pk}/daftar/"' in page

    form = client.post(f"/kedatangan/{batch.pk}/daftar/", {**fields, "check": "1"}).text
    assert 'value="Tanpa Tanggal"' in form and "tidak ada di kalender" in form

    # A list whose columns the form has not (place and date of birth together, home town):
    # the form is filled from what was read of them.
    other = BatchFactory(receiving_agency=worker.agency)
    text = 'Nama,L/P,Tempat/Tgl Lahir,Asal,NIK\nWati,P,"Sampang, 12-05-1990",Desa Banyuates,123\n'
    upload = SimpleUploadedFile("ttl.csv", text.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{other.pk}/manifest/", {"file": upload})
    listed = ManifestImport.objects.get(batch=other)
    client.post(f"/kedatangan/impor/{listed.pk}/simpan/")
    page = client.get(f"/kedatangan/impor/{listed.pk}/").text
    filled = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    assert filled["birth_date"] == "12/05/1990" and filled["birth_place"] == "Sampang"
    assert filled["address"] == "Desa Banyuates" and filled["nik"] == "123"
    fixed = {**fields, "birth_date": "31/01/1990", "save": "1", "action": "create"}
    assert client.post(f"/kedatangan/{batch.pk}/daftar/", fixed).status_code == 302
    assert Case.objects.filter(batch=batch).count() == 3


def test_a_preview_not_to_be_saved_can_be_thrown_away(client, worker):
    """The wrong file, or a corrected list coming instead: thrown away, it stops waiting as
    "ready to review", registers no one, and cannot be saved by an old page."""
    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("salah.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    page = f"/kedatangan/impor/{record.pk}/"
    assert 'data-testid="discard"' in client.get(page).text
    response = client.post(f"{page}buang/")
    assert response.status_code == 302 and response["Location"] == f"/kedatangan/{batch.pk}/"
    record.refresh_from_db()
    assert record.status == ManifestImport.Status.DISCARDED and record.file
    assert "salah.csv</a> — Dibuang" in client.get(f"/kedatangan/{batch.pk}/").text
    assert "sudah dibuang" in client.get(page).text
    client.post(f"{page}simpan/")  # a page left open elsewhere
    assert not Case.objects.exists()
    # A discarded preview of the same bytes is not reopened: uploading again checks anew.
    again = SimpleUploadedFile("benar.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": again})
    assert ManifestImport.objects.filter(status=ManifestImport.Status.PREVIEWED).count() == 1


def test_the_batch_page_names_the_sheet_each_import_read(client, worker):
    """A workbook with a list on each sheet is imported once per sheet: the batch page
    says which sheet each import read, not the same file name twice."""
    book = openpyxl.Workbook()
    men = book.active
    men.title = "LAKI-LAKI"
    for row in (["Nama", "JK"], ["Bambang", "L"]):
        men.append(row)
    women = book.create_sheet("PEREMPUAN")
    for row in (["Nama", "JK"], ["Siti", "P"]):
        women.append(row)
    buffer = BytesIO()
    book.save(buffer)
    batch = BatchFactory(receiving_agency=worker.agency)
    for _sheet in "12":
        upload = SimpleUploadedFile("kbri.xlsx", buffer.getvalue())
        client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
        record = ManifestImport.objects.order_by("-pk").first()
        client.post(f"/kedatangan/impor/{record.pk}/simpan/")
    page = client.get(f"/kedatangan/{batch.pk}/").text
    assert "kbri.xlsx</a> (lembar “LAKI-LAKI”)" in page
    assert "kbri.xlsx</a> (lembar “PEREMPUAN”)" in page


def test_select_boxes_offer_an_indonesian_blank_choice(client, worker):
    page = client.get("/kedatangan/baru/").text
    assert "- Pilih -" in page and "Select an option" not in page


def test_while_a_worker_checks_the_file_the_page_shows_progress(client, worker, monkeypatch):
    from pulang.arrivals import views

    class Queued:  # a queue whose worker has not picked the task up yet
        def enqueue(self, **kwargs):
            return None

    monkeypatch.setattr(views, "manifest_preview_task", Queued())
    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    assert record.status == ManifestImport.Status.PREVIEWING
    page = client.get(f"/kedatangan/impor/{record.pk}/")
    assert "Memeriksa baris" in page.text and 'hx-trigger="every 1s"' in page.text
    poll = client.get(f"/kedatangan/impor/{record.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in poll.text and "<progress" in poll.text

    from pulang.arrivals.services import manifest_preview

    manifest_preview(manifest_import=record)  # what the worker does
    done = client.get(f"/kedatangan/impor/{record.pk}/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_check_that_stopped_can_be_started_again_from_its_page(client, worker, monkeypatch):
    """The process checking a file died (a restart): the page says so after ten minutes
    without progress and offers to check the file again, instead of showing progress
    forever."""
    from datetime import timedelta

    from django.utils import timezone

    from pulang.arrivals import views
    from pulang.audit.models import AuditEvent

    queued: list[int] = []

    class Queue:  # a queue whose worker never comes
        def enqueue(self, *, manifest_import_id):
            queued.append(manifest_import_id)

    monkeypatch.setattr(views, "manifest_preview_task", Queue())
    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    page = f"/kedatangan/impor/{record.pk}/"
    assert 'data-testid="stalled"' not in client.get(page).text
    # Too soon: nothing to start again.
    client.post(f"{page}ulangi/")
    assert queued == [record.pk]

    ManifestImport.objects.filter(pk=record.pk).update(
        progress=2, total_rows=3, progressed_at=timezone.now() - timedelta(minutes=11)
    )
    poll = client.get(page, HTTP_HX_REQUEST="true").text
    assert 'data-testid="stalled"' in poll and "tidak bergerak sejak" in poll
    assert "(2 dari 3 baris)" in poll and f'action="{page}ulangi/"' in poll

    response = client.post(f"{page}ulangi/")
    assert response.status_code == 302 and response["Location"] == page
    assert queued == [record.pk, record.pk]
    assert AuditEvent.objects.filter(
        object_id=str(record.pk), summary__contains="started again"
    ).exists()
    record.refresh_from_db()
    assert not record.stalled and record.progress == 0
    assert "Memeriksa baris" in client.get(page).text

    from pulang.arrivals.tasks import manifest_preview_task

    manifest_preview_task.call(manifest_import_id=record.pk)  # what the worker does
    record.refresh_from_db()
    assert record.status == ManifestImport.Status.PREVIEWED and record.progress == 3
    # A second copy of the task, queued before the first ran, finds it checked.
    ManifestImport.objects.filter(pk=record.pk).update(preview={})
    manifest_preview_task.call(manifest_import_id=record.pk)
    record.refresh_from_db()
    assert record.preview == {}

    # A copy that got past that test just before the list was saved: it leaves it saved.
    from pulang.arrivals.services import manifest_commit, manifest_preview

    manifest_preview(manifest_import=record)
    manifest_commit(actor=worker, manifest_import=record)
    manifest_preview(manifest_import=record)
    record.refresh_from_db()
    assert record.status == ManifestImport.Status.COMMITTED


def test_a_worker_who_chose_english_reads_the_checks_messages_in_english(
    client, worker, settings, monkeypatch
):
    """The check runs in the background, outside the request: it still writes its messages
    in the uploader's language."""
    from pulang.arrivals import views
    from pulang.arrivals.services import manifest_preview

    class Later:  # the worker runs it after the request, in no request's language
        def enqueue(self, *, manifest_import_id):
            pass

    monkeypatch.setattr(views, "manifest_preview_task", Later())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    batch = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    manifest_preview(manifest_import=record)
    record.refresh_from_db()
    [message] = [issue["message"] for row in record.preview["rows"] for issue in row["issues"]]
    assert message.startswith("Row 4, column") and "Baris" not in message


_WORDS = [
    "".join(letters).title()
    for letters in __import__("itertools").product("bdgkmprst", "aiu", "lnrs", "aio")
][:300]


def test_a_list_of_more_than_a_thousand_rows_can_be_saved_from_the_page(client, worker):
    from pulang.arrivals.manifest import MAX_ROWS

    batch = BatchFactory(receiving_agency=worker.agency)
    lines = ["Nama Lengkap,Jenis Kelamin,Tanggal Lahir"]
    # Names of letters only, all different, as names are (digits are no part of a name).
    names = [f"{a} {b}" for a in ("Ahmad", "Budi", "Citra", "Dewi") for b in _WORDS][:1200]
    lines += [f"{name},{'LP'[n % 2]},01/01/{1960 + n % 40}" for n, name in enumerate(names)]
    upload = SimpleUploadedFile("besar.csv", "\n".join(lines).encode(), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    # What the page posts: one choice for every row, and the most a list may have.
    choices = {f"action_{row['number']}": row["action"] for row in record.preview["rows"]}
    assert len(choices) == 1200
    response = client.post(f"/kedatangan/impor/{record.pk}/simpan/", choices)
    assert response.status_code == 302, response.status_code
    assert Case.objects.filter(batch=batch).count() == 1200
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS > MAX_ROWS + 10


def test_the_preview_shows_what_each_row_will_register_and_can_show_only_what_to_check(
    client, worker
):
    from pulang.regions.tests.factories import regions

    regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"))
    batch = BatchFactory(receiving_agency=worker.agency)
    text = (
        "Nama;JK;Tgl Lahir;No Dokumen;Alamat Asal;No HP\n"
        "Siti Aminah;P;12/03/1990;SPLP No. JHR0123456;Desa Noreh Kab. Sampang;0812 3456 7890\n"
        "Wati;P;1/2/1991;;;\n"
        "Rudi;L;31/02/1990;;;\n"
    )
    upload = SimpleUploadedFile("m.csv", text.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": upload})
    record = ManifestImport.objects.get()
    page = client.get(f"/kedatangan/impor/{record.pk}/").text
    assert (
        "Perempuan · SPLP JHR0123456 · Kabupaten Sampang (Desa Noreh Kab. Sampang) · +6281234567890"
    ) in page
    only = client.get(f"/kedatangan/impor/{record.pk}/", {"perlu": "1"}).text
    assert 'id="baris-4"' in only and 'id="baris-3"' not in only
    assert 'name="action_3"' in only, "every row is still saved from the filtered page"


def test_the_same_file_under_another_name_reopens_its_preview_and_says_so(client, worker):
    batch = BatchFactory(receiving_agency=worker.agency)
    first = SimpleUploadedFile("daftar.csv", CSV.encode("utf-8"), content_type="text/csv")
    client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": first})
    again = SimpleUploadedFile("daftar (1).csv", CSV.encode("utf-8"), content_type="text/csv")
    page = client.post(f"/kedatangan/{batch.pk}/manifest/", {"file": again}, follow=True).text
    assert "sama dengan “daftar.csv” yang sudah diunggah" in page
    assert ManifestImport.objects.count() == 1


def test_a_file_another_agency_saved_is_not_opened_nor_its_batch_named(
    client, worker, login_verified
):
    """The same consulate list saved by another agency: nothing is created again, but its
    batch stays out of sight, as if it did not exist, and no probing is recorded."""
    from pulang.arrivals.services import manifest_commit, manifest_preview, manifest_upload
    from pulang.audit.models import AuditEvent

    theirs = BatchFactory(reference="TPI-LUAR-0001")
    other = UserFactory(agency=theirs.receiving_agency, roles=[Role.SHELTER_SOCIAL_WORKER])
    record, _new = manifest_upload(actor=other, batch=theirs, data=CSV.encode(), filename="a.csv")
    manifest_preview(manifest_import=record)
    manifest_commit(actor=other, manifest_import=record)

    ours = BatchFactory(receiving_agency=worker.agency)
    upload = SimpleUploadedFile("daftar.csv", CSV.encode("utf-8"), content_type="text/csv")
    response = client.post(f"/kedatangan/{ours.pk}/manifest/", {"file": upload})
    assert response["Location"] == f"/kedatangan/{ours.pk}/"
    page = client.get(response["Location"]).text
    assert "TPI-LUAR-0001" not in page and "instansi lain" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()
