import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.arrivals import services as arrival_services
from pulang.arrivals.manifest import ManifestRow
from pulang.arrivals.models import ManifestImport
from pulang.arrivals.services import (
    batch_create,
    manifest_commit,
    manifest_preview,
    manifest_row_recheck,
    manifest_upload,
)
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.people.models import Person
from pulang.people.tests.factories import PersonFactory
from pulang.regions.tests.factories import regions as make_regions

from .factories import BatchFactory

pytestmark = pytest.mark.django_db

HEADER = "Nama Lengkap;Jenis Kelamin;Tanggal Lahir;NIK;Kabupaten/Kota;No HP Indonesia\n"
GOOD = (
    "SITI AMINAH BINTI AHMAD;P;14/03/1990;;Lombok Timur;0812 3456 7890\n"
    "Budi Santoso;L;1985;;Lombok Timur;\n"
)
BAD = "Tanpa Kelamin;X;31/02/1990;;;\n"


@pytest.fixture
def regions():
    return make_regions(("52", "Nusa Tenggara Barat"), ("52.03", "Kabupaten Lombok Timur"))


@pytest.fixture
def worker():
    return UserFactory(roles=[Role.SHELTER_SOCIAL_WORKER])


def new_batch(worker):
    return batch_create(
        actor=worker,
        entry_point="tanjung_pinang",
        transport="ship",
        arrived_at=datetime(2026, 11, 27, 14, 30, tzinfo=ZoneInfo("Asia/Jakarta")),
    )


def test_a_new_batch_takes_the_next_free_number_of_its_entry_point_and_day(worker):
    BatchFactory(reference="TAN-20261127-02")  # e.g. numbered by hand, out of turn
    assert new_batch(worker).reference == "TAN-20261127-03"
    assert new_batch(worker).reference == "TAN-20261127-04"


def test_a_number_taken_meanwhile_by_another_worker_is_no_error(worker, monkeypatch):
    """Two staff recording batches at the same moment both read the same next number."""
    BatchFactory(reference="TAN-20261127-01")
    real = arrival_services._next_reference
    answers = iter(["TAN-20261127-01"])  # what the slower of the two read
    monkeypatch.setattr(
        arrival_services,
        "_next_reference",
        lambda *args: next(answers, None) or real(*args),
    )
    assert new_batch(worker).reference == "TAN-20261127-02"


def preview(worker, text, *, batch=None, name="manifest.csv"):
    batch = batch or BatchFactory(receiving_agency=worker.agency)
    record, is_new = manifest_upload(
        actor=worker, batch=batch, data=text.encode("utf-8"), filename=name
    )
    if is_new:
        manifest_preview(manifest_import=record)
        record.refresh_from_db()
    return record, is_new


def test_preview_then_commit_creates_the_good_rows_and_skips_the_bad(worker, regions):
    record, _ = preview(worker, HEADER + GOOD + BAD)
    rows = {row["number"]: row for row in record.preview["rows"]}
    assert record.status == ManifestImport.Status.PREVIEWED
    assert rows[2]["status"] == "ok" and rows[2]["values"]["origin_region"] == "52.03"
    assert rows[4]["status"] == "error"
    columns = {issue["column"] for issue in rows[4]["issues"] if issue["level"] == "error"}
    assert {"Jenis Kelamin", "Tanggal Lahir"} <= columns
    assert not Person.objects.exists()  # the preview writes nothing

    summary = manifest_commit(actor=worker, manifest_import=record)
    assert (summary.created, summary.linked, summary.skipped) == (2, 0, 1)
    assert summary.errors[0]["row"] == 4
    siti = Person.objects.get(full_name="Siti Aminah binti Ahmad")
    assert siti.phone_id == "+6281234567890" and siti.origin_region_id == "52.03"
    budi = Person.objects.get(full_name="Budi Santoso")
    assert budi.birth_year_only and budi.birth_date.year == 1985
    assert Case.objects.filter(batch=record.batch).count() == 2
    assert AuditEvent.objects.filter(action="create", object_type="cases.case").count() == 2


def test_the_same_file_twice_creates_nothing_the_second_time(worker, regions):
    record, _ = preview(worker, HEADER + GOOD)
    manifest_commit(actor=worker, manifest_import=record)
    again, is_new = preview(worker, HEADER + GOOD, batch=record.batch)
    assert not is_new and again.pk == record.pk
    assert manifest_commit(actor=worker, manifest_import=again).created == 0
    assert Person.objects.count() == 2 and Case.objects.count() == 2


def test_a_failure_half_way_writes_nothing(worker, regions, monkeypatch):
    record, _ = preview(worker, HEADER + GOOD)
    from pulang.arrivals import services

    def full_disk(**kwargs):
        raise RuntimeError("disk full")

    # People and cases are already inserted when the audit append fails.
    monkeypatch.setattr(services, "audit_record_many", full_disk)
    with pytest.raises(RuntimeError):
        manifest_commit(actor=worker, manifest_import=record)
    assert not Person.objects.exists() and not Case.objects.exists()
    record.refresh_from_db()
    assert record.status == ManifestImport.Status.PREVIEWED


def test_a_person_who_came_before_is_proposed_and_linking_opens_a_new_episode(worker, regions):
    earlier = PersonFactory(
        full_name="Siti Aminah",
        sex="F",
        birth_date=date(1990, 3, 14),
        nik="5203015403900001",
        registered_by=worker.agency,
    )
    first_case = Case.objects.create(
        person=earlier, owning_agency=worker.agency, opened_at="2025-01-05T10:00:00+07:00"
    )
    text = HEADER + "Siti Aminah binti Ahmad;P;03/14/1990;5203015403900001;Lombok Timur;\n"
    record, _ = preview(worker, text)
    row = record.preview["rows"][0]
    assert row["candidates"] and row["candidates"][0]["person_id"] == earlier.pk
    assert any("sebelum hari" in issue["message"] for issue in row["issues"])  # 03/14 swapped

    summary = manifest_commit(
        actor=worker, manifest_import=record, actions={2: f"link:{earlier.pk}"}
    )
    assert summary.linked == 1 and Person.objects.count() == 1
    # The list's spelling is kept as another name, and a search for it finds her.
    earlier.refresh_from_db()
    assert earlier.aliases == ["Siti Aminah binti Ahmad"]
    assert list(Person.objects.matching("aminah ahmad")) == [earlier]
    case = Case.objects.exclude(pk=first_case.pk).get()
    assert case.is_returning and case.previous_case == first_case
    first_case.refresh_from_db()
    assert first_case.outcome == Case.Outcome.ABROAD_IRREGULAR, "the new arrival is evidence"
    assert f"kasus #{case.pk}" in first_case.outcome_evidence


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain's lock is PostgreSQL's")
def test_saving_a_list_takes_the_audit_chains_lock_only_at_the_end(worker, regions):
    """Every user's page view appends to the audit chain under one lock; a save of thousands
    of rows takes it after writing its people and cases, not before."""
    from django.test.utils import CaptureQueriesContext

    earlier = PersonFactory(full_name="Budi Santoso", sex="M", birth_date=date(1985, 6, 1))
    record, _ = preview(worker, HEADER + GOOD)
    actions = {3: f"link:{earlier.pk}"}  # Budi came before: his new case is written first
    with CaptureQueriesContext(connection) as queries:
        summary = manifest_commit(actor=worker, manifest_import=record, actions=actions)
    assert summary.created == 1 and summary.linked == 1
    sql = [query["sql"] for query in queries.captured_queries]
    locks = [n for n, text in enumerate(sql) if "pg_advisory_xact_lock" in text]
    cases = [n for n, text in enumerate(sql) if "cases_case" in text and "INSERT" in text]
    assert len(locks) == 1 and cases and locks[0] > max(cases)
    assert AuditEvent.objects.filter(summary__startswith="manifest committed").exists()


def test_a_row_fixed_in_the_preview_is_checked_again(worker, regions):
    record, _ = preview(worker, HEADER + BAD)
    manifest_row_recheck(
        actor=worker,
        manifest_import=record,
        row=ManifestRow(2, {"sex": "P", "birth_date": "28/02/1990"}),
    )
    record.refresh_from_db()
    row = record.preview["rows"][0]
    assert row["status"] == "ok" and row["values"]["birth_date"] == "1990-02-28"
    assert manifest_commit(actor=worker, manifest_import=record).created == 1


def test_nik_that_disagrees_with_the_record_is_a_warning_not_an_error(worker, regions):
    # A man's NIK (day 14) on a woman's row.
    text = HEADER + "Rina;P;14/03/1990;5203011403900002;Lombok Timur;\n"
    record, _ = preview(worker, text)
    row = record.preview["rows"][0]
    assert row["status"] == "warning"
    issues = [i for i in row["issues"] if i["field"] == "nik"]
    assert issues and all(i["level"] == "warning" for i in issues)
    assert all(i["message"].startswith("Baris 2, kolom “NIK”: ") for i in issues)  # row, column


def test_import_manifest_command_prints_a_json_summary(worker, regions, tmp_path):
    batch = BatchFactory(receiving_agency=worker.agency, reference="TPI-20260110-01")
    path = tmp_path / "manifest.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8-sig")
    out = StringIO()
    call_command("import_manifest", str(path), batch="TPI-20260110-01", format="json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["created"] == 2 and summary["skipped"] == 1
    assert summary["errors"][0]["row"] == 4
    out = StringIO()
    call_command("import_manifest", str(path), batch=str(batch.pk), format="json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 0
    assert Case.objects.count() == 2


def test_import_manifest_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="cp1252")
    out = StringIO()
    call_command("import_manifest", str(path), dry_run=True, format="json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rows_read"] == 3 and summary["errors"][0]["row"] == 4
    assert not Person.objects.exists()


def test_a_list_as_consulates_write_it_ttl_age_and_free_text_origin(worker):
    make_regions(
        ("35", "Jawa Timur"),
        ("35.27", "Kabupaten Sampang"),
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
        ("52.71", "Kota Mataram"),
    )
    text = (
        "NO;NAMA;L/P;TTL;UMUR;ASAL;NO PASPOR\n"
        "1;MUHAMMAD RIZKI;L;SAMPANG, 12-05-1990;;KAB. SAMPANG JATIM;B1234567\n"
        "2;SITI FATIMAH;P;;34 TH;Lombok Timur, NTB;\n"
        "3;ANI;P;Mataram 3/4/1999;24;kota mataram;\n"
    )
    record, _ = preview(worker, text)
    rows = {row["number"]: row for row in record.preview["rows"]}
    rizki = rows[2]["values"]
    assert (rizki["birth_place"], rizki["birth_date"]) == ("Sampang", "1990-05-12")
    assert rizki["origin_region"] == "35.27"
    siti = rows[3]["values"]
    assert siti["birth_year_only"] and siti["origin_region"] == "52.03"
    assert any("umur 34" in issue["message"] for issue in rows[3]["issues"])
    ani = rows[4]["values"]
    assert ani["birth_date"] == "1999-04-03" and ani["origin_region"] == "52.71"
    assert all(row["status"] != "error" for row in rows.values())
    assert manifest_commit(actor=worker, manifest_import=record).created == 3
