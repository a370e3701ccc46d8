"""Lists as consulates, migrant-protection offices and shelters really send them: the same
list twice, a person twice in one list, headers and dates written their way, totals and
signatures under the people, the home region only in the address."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pulang.arrivals.manifest import manifest_parse_row, manifest_read
from pulang.arrivals.services import manifest_check, manifest_commit
from pulang.cases.models import Case
from pulang.people.models import Person
from pulang.regions.tests.factories import regions as make_regions

from .factories import BatchFactory
from .test_services import preview, worker  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

HEADER = "Nama Lengkap;Jenis Kelamin;Tanggal Lahir;No Paspor\n"
ROWS = "Rahmat Hidayat;L;10/10/1990;A3334445\nSulastri;P;11/11/1991;A3334446\n"


def read(text: str):
    table = manifest_read(text.encode("utf-8"), filename="daftar.csv")
    return table, [manifest_parse_row(row, table.columns) for row in table.rows]


def test_the_same_list_sent_again_into_its_batch_opens_no_second_case(worker):  # noqa: F811
    """The consulate sends the list again, saved anew (other bytes, same people). Its rows
    start as skipped, and a worker who links them anyway gets no second case in the batch,
    and the first cases keep their outcome."""
    batch = BatchFactory(receiving_agency=worker.agency)
    first, _ = preview(worker, HEADER + ROWS, batch=batch)
    manifest_commit(actor=worker, manifest_import=first)

    again, is_new = preview(worker, HEADER + ROWS + "\n", batch=batch)
    assert is_new
    rows = again.preview["rows"]
    assert [row["action"] for row in rows] == ["skip", "skip"]
    assert all("sudah terdaftar di rombongan ini" in row["issues"][-1]["message"] for row in rows)

    forced = {row["number"]: f"link:{row['candidates'][0]['person_id']}" for row in rows}
    summary = manifest_commit(actor=worker, manifest_import=again, actions=forced)
    assert summary.linked == 0 and summary.already_in_batch == [2, 3]
    assert Case.objects.filter(batch=batch).count() == 2
    assert not Case.objects.filter(outcome=Case.Outcome.ABROAD_IRREGULAR).exists()


def test_someone_registered_before_elsewhere_is_still_linked(worker):  # noqa: F811
    earlier = BatchFactory(
        receiving_agency=worker.agency, arrived_at=timezone.now() - timedelta(days=400)
    )
    manifest_commit(actor=worker, manifest_import=preview(worker, HEADER + ROWS, batch=earlier)[0])
    record, _ = preview(worker, HEADER + ROWS + "\n")
    assert all(row["action"].startswith("link:") for row in record.preview["rows"])
    summary = manifest_commit(actor=worker, manifest_import=record)
    assert summary.linked == 2
    assert Case.objects.filter(is_returning=True).count() == 2


def test_a_person_listed_twice_in_one_file_is_registered_once(worker):  # noqa: F811
    record, _ = preview(worker, HEADER + ROWS + "Rahmat Hidayat;L;10/10/1990;A3334445\n")
    repeat = record.preview["rows"][-1]
    assert repeat["action"] == "skip"
    assert "tercantum juga di baris 2" in repeat["issues"][-1]["message"]
    manifest_commit(actor=worker, manifest_import=record)
    assert Person.objects.filter(travel_document_number="A3334445").count() == 1


def test_two_lists_previewed_before_either_is_saved_register_a_person_once(worker):  # noqa: F811
    """The consulate's list and the shelter's list of one boat, both previewed, then saved
    one after the other: the second preview was made before the first was saved."""
    batch = BatchFactory(receiving_agency=worker.agency)
    consulate, _ = preview(worker, HEADER + ROWS, batch=batch)
    shelter, _ = preview(
        worker, HEADER + "Sulastri;P;11/11/1991;A3334446\nSiti Rohani;P;1/1/1995;\n", batch=batch
    )
    assert [row["action"] for row in shelter.preview["rows"]] == ["create", "create"]
    manifest_commit(actor=worker, manifest_import=consulate)
    summary = manifest_commit(actor=worker, manifest_import=shelter)
    assert summary.created == 1 and summary.already_in_batch == [2]
    assert Person.objects.filter(full_name="Sulastri").count() == 1
    assert Case.objects.filter(batch=batch).count() == 3


def test_a_preview_saved_after_the_same_people_were_saved_in_another_batch_skips_them(
    worker,  # noqa: F811
):
    """Two lists of one boat, each put into its own batch: the first is previewed and left
    open, the second saved; saving the first then does not register those people again."""
    first_batch, second_batch = (BatchFactory(receiving_agency=worker.agency) for _ in "12")
    left_open, _ = preview(worker, HEADER + ROWS, batch=first_batch)
    saved, _ = preview(
        worker,
        HEADER + "Sulastri;P;11/11/1991;A3334446\nSiti Rohani;P;1/1/1995;\n",
        batch=second_batch,
    )
    manifest_commit(actor=worker, manifest_import=saved)
    summary = manifest_commit(actor=worker, manifest_import=left_open)
    assert summary.registered_since == [3] and summary.created == len(ROWS.splitlines()) - 1
    assert Person.objects.filter(full_name="Sulastri").count() == 1
    assert Case.objects.filter(person__full_name="Sulastri").count() == 1


def test_a_save_in_flight_when_the_preview_began_is_checked_too(worker):  # noqa: F811
    """Another list's save had stamped its people before this preview began but committed
    after it: the preview could not see them, and the save still finds them."""
    from datetime import datetime

    from pulang.people.tests.factories import PersonFactory

    record, _ = preview(worker, HEADER + ROWS)
    began = datetime.fromisoformat(record.preview["checked_from"])
    sulastri = PersonFactory(
        full_name="Sulastri", sex="F", birth_date=date(1991, 11, 11), registered_by=worker.agency
    )
    Person.objects.filter(pk=sulastri.pk).update(created_at=began - timedelta(minutes=5))
    summary = manifest_commit(actor=worker, manifest_import=record)
    assert summary.registered_since == [3]
    assert Person.objects.filter(full_name="Sulastri").count() == 1


def test_one_document_number_on_two_different_people_registers_both(worker):  # noqa: F811
    """A number copied onto the wrong row: another sex and age say it is someone else, so the
    number is in doubt, not the person."""
    record, _ = preview(
        worker,
        "Nama;JK;Tgl Lahir;No SPLP\nSiti Maryam;P;1/2/1992;SPLP/JHR/0042\n"
        "Budi Santoso;L;3/4/1980;SPLP/JHR/0042\n",
    )
    budi = record.preview["rows"][1]
    assert budi["action"] == "create"
    assert "sama dengan baris 2, tetapi orangnya tampak berbeda" in (budi["issues"][-1]["message"])
    manifest_commit(actor=worker, manifest_import=record)
    assert Person.objects.count() == 2


def test_names_spelt_alike_with_one_birth_date_are_pointed_out_not_skipped(worker):  # noqa: F811
    record, _ = preview(
        worker, "Nama;JK;Tgl Lahir\nAhmad Fauzi;L;5/6/1990\nAhmad Fauzy;L;5/6/1990\n"
    )
    fauzy = record.preview["rows"][1]
    assert fauzy["action"] == "create"  # perhaps a spelling, perhaps a twin
    assert "mirip dengan baris 2" in fauzy["issues"][-1]["message"]


def test_the_page_names_the_rows_it_did_not_save(client, login_verified, worker):  # noqa: F811
    login_verified(client, worker)
    batch = BatchFactory(receiving_agency=worker.agency)
    registered, _ = preview(worker, HEADER + ROWS, batch=batch)
    manifest_commit(actor=worker, manifest_import=registered)
    record, _ = preview(
        worker, HEADER + "Sulastri;P;11/11/1991;\nMa'ruf Amin;L;31/02/1990;\n", batch=batch
    )
    choices = {"action_2": "create", "action_3": "create"}
    page = client.post(f"/kedatangan/impor/{record.pk}/simpan/", choices, follow=True).text
    assert "masih ada kesalahan: baris 3 (Ma&#x27;ruf Amin)" in page
    assert "sudah ada di rombongan ini: baris 2" in page
    assert Case.objects.filter(batch=batch).count() == 2


def test_totals_and_signatures_below_the_people_are_not_rows(worker):  # noqa: F811
    table, _ = read(
        "Nama;JK;Alamat\nSiti;P;Sampang\nWati;P;Sampang\n;;\nJUMLAH 2 ORANG;;\n"
        ";;Johor Bahru, 20 November 2026\n;;Konsul Jenderal RI\n;;NIP. 19700101\n"
    )
    assert [row.values["full_name"] for row in table.rows] == ["Siti", "Wati"]
    assert any("di akhir daftar dilewati" in warning for warning in table.warnings)


def test_a_consulates_closing_block_in_any_column_is_not_people_to_fix(worker):  # noqa: F811
    """The total in the name column with its count in the sex column, the place and date,
    and the signature in the NIK column: none of it is a row with errors, and one warning
    says what was left out."""
    from pulang.arrivals.services import manifest_preview, manifest_upload

    def build(sheet):
        sheet.append(["DAFTAR WNI DEPORTASI - KJRI KUCHING"])
        sheet.append(["No.", "NAMA", "L/P", "TANGGAL LAHIR", "NIK", "ALAMAT"])
        sheet.append([1, "SITI RAHAYU", "P", "12-03-1990", "3527014203900001", "Sampang"])
        sheet.append([2, "BUDI HARTONO", "L", "01-07-1985", "3527010107850002", "Sampang"])
        sheet.append([3, "WATI NINGSIH", "P", "1988", None, "Sreseh"])
        sheet.append([None])
        sheet.append([None, "Jumlah: 3 orang", 3])  # =COUNTA(C3:C5), as Excel cached it
        sheet.append([None, None, None, None, "Kuching, 27 November 2026"])
        sheet.append([None, None, None, None, "Konsul Jenderal,"])
        sheet.append([None, None, None, None, "ttd"])
        sheet.append([None, None, None, None, "Sigit Wibowo"])
        sheet.append([None, None, None, None, "NIP. 19700101 199503 1 001"])

    batch = BatchFactory(receiving_agency=worker.agency)
    record, _ = manifest_upload(
        actor=worker, batch=batch, data=workbook_bytes(build), filename="kuching.xlsx"
    )
    manifest_preview(manifest_import=record)
    record.refresh_from_db()
    rows = record.preview["rows"]
    assert [row["raw"]["full_name"] for row in rows] == [
        "SITI RAHAYU",
        "BUDI HARTONO",
        "WATI NINGSIH",
    ]
    assert all(row["status"] != "error" for row in rows)
    [footer] = [w for w in record.preview["file_warnings"] if "di akhir daftar" in w]
    assert footer.startswith("Baris 7, 8, 9, 10, 11, 12 di akhir daftar dilewati")
    for text in ("Jumlah: 3 orang", "Kuching, 27 November 2026", "Konsul Jenderal,", "ttd"):
        assert f"“{text}" in footer
    assert "Sigit Wibowo" in footer and "NIP. 19700101" in footer
    summary = manifest_commit(actor=worker, manifest_import=record)
    assert summary.created == 3 and not summary.errors


def test_a_list_that_goes_on_after_a_subtotal_is_read_to_its_end():
    table, parsed = read(
        "No;Nama;JK;Tanggal Lahir\n"
        "1;Siti Rahayu;P;12/03/1990\n2;Budi Hartono;L;01/07/1985\n"
        ";Sub total: 2 orang;2;\n"
        "3;Wati Ningsih;P;\n4;Joko Susilo;L;1979\n"
        ";Jumlah: 4 orang;4;\n;Tawau, 28-11-2026;;\n;(ttd);;\n;( Sigit Wibowo );;\n"
    )
    assert [row.values["full_name"] for row in table.rows] == [
        "Siti Rahayu",
        "Budi Hartono",
        "Wati Ningsih",
        "Joko Susilo",
    ]
    assert not any(row.has_errors for row in parsed)
    [footer] = [w for w in table.warnings if "di akhir daftar" in w]
    assert footer.startswith("Baris 4, 7, 8, 9, 10 di akhir daftar dilewati")


def test_a_person_without_a_name_is_still_a_row_to_fix_not_a_signature():
    """A place and date of birth is no signature, and a name that opens like "a.n." is a
    name."""
    table, parsed = read(
        "Nama;JK;TTL\nSiti Rahayu;P;Sampang, 12-03-1990\n;L;Sampang, 01-07-1985\n"
        "An Nisa Rahmawati;;\n"
    )
    assert [row.number for row in table.rows] == [2, 3, 4]
    assert "nama wajib diisi" in parsed[1].errors[0].message
    assert "jenis kelamin wajib diisi" in parsed[2].errors[0].message
    assert not any("di akhir daftar" in warning for warning in table.warnings)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NO. PASPOR/SPLP", "document_number"),
        ("Paspor/SPLP", "document_number"),
        ("IC/NIK No.", "nik"),
        ("Address in Indonesia", "address"),
        ("No HP (Malaysia)", "phone_my"),
        ("Phone (Malaysia)", "phone_my"),
        ("No HP (Indonesia)", "phone_id"),
        ("Tanggal Lahir (dd/mm/yyyy)", "birth_date"),
        ("JENIS KELAMIN (L/P)", "sex"),
        ("No. Telp Keluarga", "kin_phone"),
        ("No HP Wali", "kin_phone"),
        ("Asal (Provinsi)", "province"),
        ("Asal (Kab/Kota)", "regency"),
        ("Daerah Asal (Kecamatan)", "district"),
        ("Alamat (Desa)", "village"),
        ("Alamat (RT/RW)", "address"),
        ("ULASAN", "notes"),  # Malay remarks
        ("Kenyataan", "notes"),
        ("TGL LAHIR / UMUR", "birth_date"),
        ("Umur/Tanggal Lahir", "birth_date"),
        ("TTL/Umur", "birth_place_date"),
        ("Nama Bin/Binti", "full_name"),
    ],
)
def test_headers_as_lists_write_them(header, field):
    text = {
        "sex": f"Nama;{header}\nA;P\n",
        "full_name": f"{header};L/P\nA;P\n",
    }.get(field, f"Nama;L/P;{header}\nSuparmi;P;x\n")
    table, _ = read(text)
    assert table.columns.get(field) == header


def test_home_province_and_regency_under_one_heading_are_two_columns(worker):  # noqa: F811
    make_regions(("52", "Nusa Tenggara Barat"), ("52.03", "Kabupaten Lombok Timur"))
    record, _ = preview(
        worker, "Nama;JK;Asal (Provinsi);Asal (Kabupaten)\nSiti;P;NTB;Lombok Timur\n"
    )
    assert record.preview["file_warnings"] == []
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == "52.03"
    assert row["status"] == "ok"


def test_a_list_without_a_document_type_column_is_not_warned_on_every_row():
    _, [passport, splp, none] = read(
        "Nama;L/P;No Paspor/SPLP\nA;P;B1234567\nB;P;SPLP/123/2026\nC;P;\n"
    )
    assert passport.values["document_kind"] == "passport" and not passport.issues
    assert splp.values["document_kind"] == "splp" and not splp.issues
    assert none.values["document_kind"] is None


@pytest.mark.parametrize(
    ("written", "born", "year_only"),
    [
        ("12 Mrt 1990", "1990-03-12", False),
        ("12 Agst 1990", "1990-08-12", False),
        ("Sabtu, 12 Maret 1990", "1990-03-12", False),
        ("± 1990", "1990-01-01", True),
        ("sekitar 1985", "1985-01-01", True),
        ("Maret 1990", "1990-01-01", True),
        # Malay, as depots write them: Mac, Julai, Ogos, Disember, and "hb" after the day.
        ("12 Ogos 1990", "1990-08-12", False),
        ("3 Mac 1985", "1985-03-03", False),
        ("5 JULAI 1991", "1991-07-05", False),
        ("9-Dis-1988", "1988-12-09", False),
        ("12hb Januari 1990", "1990-01-12", False),
        ("12th August 1990", "1990-08-12", False),  # a Malaysian list in English
        ("1st Jan 1985", "1985-01-01", False),
        ("12-01-1990.", "1990-01-12", False),  # a full stop after the year
    ],
)
def test_birth_dates_as_lists_write_them(written, born, year_only):
    _, [row] = read(f"Nama;L/P;Tanggal Lahir\nA;P;{written}\n")
    assert row.values["birth_date"].isoformat() == born
    assert row.values["birth_year_only"] is year_only
    assert not row.errors


def test_place_and_month_of_birth_in_one_column_keep_the_place_clean():
    _, [row] = read("Nama;L/P;Tempat/Tgl Lahir\nSuparmi;P;Indramayu, Mei 1995\n")
    assert row.values["birth_place"] == "Indramayu"
    assert row.values["birth_date"].year == 1995 and row.values["birth_year_only"]
    assert "tidak menyebut hari" in row.warnings[0].message


def test_an_abbreviated_province_does_not_hide_its_regency(worker):  # noqa: F811
    make_regions(("32", "Jawa Barat"), ("32.03", "Kabupaten Cianjur"))
    record, _ = preview(worker, "Nama;JK;Kab/Kota;Provinsi\nRusmini;P;Kab. Cianjur;Jabar\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == "32.03"
    assert row["status"] == "ok"


def test_a_regency_not_found_under_its_province_is_said_and_kept_as_written(worker):  # noqa: F811
    # The regency's capital written for the regency: only the province is known for sure.
    make_regions(("52", "Nusa Tenggara Barat"), ("52.03", "Kabupaten Lombok Timur"))
    record, _ = preview(
        worker, "Nama;JK;Kabupaten;Provinsi;Alamat\nSiti;P;SELONG;NTB;RT 02\nRina;P;Selong;NTB;\n"
    )
    first, second = record.preview["rows"]
    assert first["status"] == second["status"] == "warning"
    [issue] = first["issues"]
    assert issue["message"].startswith("Baris 2, kolom “Kabupaten”: kabupaten/kota “SELONG”")
    assert "yang dicatat hanya Nusa Tenggara Barat" in issue["message"]
    manifest_commit(actor=worker, manifest_import=record)
    homes = dict(Person.objects.values_list("full_name", "origin_region_id"))
    addresses = dict(Person.objects.values_list("full_name", "origin_address"))
    assert homes == {"Siti": "52", "Rina": "52"}
    assert addresses == {"Siti": "RT 02, SELONG", "Rina": "Selong"}


def test_a_district_not_found_in_its_regency_is_said_and_kept(worker):  # noqa: F811
    make_regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"), ("35.27.01", "Sreseh"))
    record, _ = preview(worker, "Nama;JK;Kabupaten;Kecamatan;Desa\nSiti;P;Sampang;Sresseh;Noreh\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == "35.27"
    assert row["values"]["address"] == "Noreh, Sresseh"
    [issue] = row["issues"]
    assert (
        "kolom “Kecamatan”: kecamatan “Sresseh” tidak ditemukan di Kabupaten Sampang"
        in (issue["message"])
    )


def test_a_village_is_kept_without_a_warning_when_no_villages_are_loaded(worker):  # noqa: F811
    make_regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"), ("35.27.01", "Sreseh"))
    text = "Nama;JK;Kabupaten;Kecamatan;Desa\nSiti;P;Sampang;Sreseh;Noreh\n"
    record, _ = preview(worker, text)
    [row] = record.preview["rows"]
    assert (row["values"]["origin_region"], row["values"]["address"]) == ("35.27.01", "Noreh")
    assert row["status"] == "ok"
    make_regions(("35.27.01.2001", "Labuhan"))  # villages loaded: one not found is said
    record, _ = preview(worker, text.replace("Siti", "Sari"))
    [row] = record.preview["rows"]
    assert "desa/kelurahan “Noreh” tidak ditemukan di Sreseh" in row["issues"][0]["message"]


def test_a_home_region_not_found_at_all_is_kept_in_the_address(worker):  # noqa: F811
    record, _ = preview(worker, "Nama;JK;Kabupaten;Provinsi\nSiti;P;Selong;Nusa Tengara Barat\n")
    [row] = record.preview["rows"]
    assert "daerah asal tidak ditemukan" in row["issues"][0]["message"]
    manifest_commit(actor=worker, manifest_import=record)
    assert Person.objects.get().origin_address == "Selong, Nusa Tengara Barat"


def nusa_tenggara():
    return make_regions(
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
        ("52.06", "Kabupaten Bima"),
        ("52.08", "Kabupaten Lombok Utara"),
        ("52.72", "Kota Bima"),
        ("53", "Nusa Tenggara Timur"),
        ("53.01", "Kabupaten Kupang"),
        ("53.02", "Kabupaten Timor Tengah Selatan"),
        ("53.03", "Kabupaten Timor Tengah Utara"),
        ("53.71", "Kota Kupang"),
    )


@pytest.mark.parametrize(
    ("regency", "province", "home"),
    [
        ("LOTIM", "NTB", "52.03"),
        ("Lotim", "", "52.03"),
        ("KAB.LOTIM", "NTB", "52.03"),
        ("Kab Lotim", "Nusa Tenggara Barat", "52.03"),
        ("KLU", "NTB", "52.08"),
        ("Lombok Utara", "NTB", "52.08"),
        ("TTS", "NTT", "53.02"),
        ("ttu", "", "53.03"),
        ("KOTA BIMA", "NTB", "52.72"),
        ("Kodya Kupang", "NTT", "53.71"),
    ],
)
def test_regencies_as_their_people_shorten_them_are_found(worker, regency, province, home):  # noqa: F811
    nusa_tenggara()
    record, _ = preview(worker, f"Nama;JK;Kabupaten;Provinsi\nSiti;P;{regency};{province}\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == home
    assert row["status"] == "ok", row["issues"]


def test_a_short_name_of_another_provinces_regency_is_not_taken(worker):  # noqa: F811
    nusa_tenggara()
    record, _ = preview(worker, "Nama;JK;Kabupaten;Provinsi\nSiti;P;TTS;NTB\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == "52"
    assert "“TTS” tidak ditemukan di Nusa Tenggara Barat" in row["issues"][0]["message"]


@pytest.mark.parametrize(
    ("origin", "home"), [("Lotim, NTB", "52.03"), ("TTS", "53.02"), ("Desa Gondang, KLU", "52.08")]
)
def test_a_short_regency_name_in_the_home_town_is_found(worker, origin, home):  # noqa: F811
    nusa_tenggara()
    record, _ = preview(worker, f"Nama;JK;Daerah Asal\nSiti;P;{origin}\n")
    assert record.preview["rows"][0]["values"]["origin_region"] == home


def test_a_name_both_a_regency_and_a_city_have_is_taken_as_the_regency_and_said(worker):  # noqa: F811
    nusa_tenggara()
    record, _ = preview(
        worker,
        "Nama;JK;Kabupaten;Provinsi\n"
        "Satu;L;Kupang;NTT\nDua;L;Kota Kupang;NTT\nTiga;L;Kab. Kupang;NTT\nEmpat;L;BIMA;\n",
    )
    rows = record.preview["rows"]
    assert [row["values"]["origin_region"] for row in rows] == ["53.01", "53.71", "53.01", "52.06"]
    assert [row["status"] for row in rows] == ["warning", "ok", "ok", "warning"]
    assert rows[0]["issues"][0]["message"] == (
        "Baris 2, kolom “Kabupaten”: “Kupang” bisa berarti Kabupaten Kupang atau Kota Kupang; "
        "yang dicatat Kabupaten Kupang. Bila yang dimaksud Kota Kupang, tulis “Kota Kupang”."
    )
    assert "Kota Bima" in rows[3]["issues"][0]["message"]


def test_a_home_town_both_a_regency_and_a_city_have_is_said(worker):  # noqa: F811
    nusa_tenggara()
    record, _ = preview(worker, "Nama;JK;Daerah Asal\nSatu;L;Kupang, NTT\nDua;L;Kota Kupang\n")
    first, second = record.preview["rows"]
    assert first["values"]["origin_region"] == "53.01"
    assert "kolom “Daerah Asal”: “Kupang, NTT” bisa berarti" in first["issues"][0]["message"]
    assert second["values"]["origin_region"] == "53.71" and second["status"] == "ok"


def test_a_city_of_a_name_another_province_uses_for_a_regency_is_not_doubted(worker):  # noqa: F811
    make_regions(
        ("32", "Jawa Barat"),
        ("32.79", "Kota Banjar"),
        ("63", "Kalimantan Selatan"),
        ("63.03", "Kabupaten Banjar"),
    )
    record, _ = preview(worker, "Nama;JK;Kabupaten;Provinsi\nSatu;L;Banjar;Jawa Barat\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == "32.79" and row["status"] == "ok"


def provinces():
    return make_regions(
        ("15", "Jambi"),
        ("15.71", "Kota Jambi"),
        ("31", "Daerah Khusus Ibukota Jakarta"),
        ("31.75", "Kota Administrasi Jakarta Timur"),
        ("32", "Jawa Barat"),
        ("51", "Bali"),
        ("52", "Nusa Tenggara Barat"),
    )


@pytest.mark.parametrize(
    ("origin", "home"),
    [
        ("Jawa Barat", "32"),
        ("Prov. Bali", "51"),
        ("PROVINSI BALI", "51"),
        ("DKI Jakarta", "31"),
        ("Nusa Tenggara Barat", "52"),
        ("Lombok, NTB", "52"),
        ("Desa Sukamaju, Jawa Barat", "32"),
        ("Jambi", "15"),  # the province, not the city of its name
        ("Jakarta Timur", "31.75"),
        ("Kota Jambi", "15.71"),
    ],
)
def test_a_province_alone_in_the_home_town_column_is_the_home(worker, origin, home):  # noqa: F811
    provinces()
    record, _ = preview(worker, f"Nama;JK;Daerah Asal\nSiti;P;{origin}\n")
    [row] = record.preview["rows"]
    assert row["values"]["origin_region"] == home
    assert row["status"] == "ok", row["issues"]


@pytest.mark.parametrize("column", ["Provinsi", "Daerah Asal"])
def test_a_province_written_as_a_province_in_any_home_column_is_found(worker, column):  # noqa: F811
    provinces()
    record, _ = preview(worker, f"Nama;JK;{column}\nSiti;P;Prov. Bali\nRina;P;Prop. Jawa Barat\n")
    assert [row["values"]["origin_region"] for row in record.preview["rows"]] == ["51", "32"]


@pytest.mark.parametrize("column", ["Daerah Asal", "Alamat"])
def test_a_street_named_after_a_province_is_not_the_home(worker, column):  # noqa: F811
    provinces()
    record, _ = preview(
        worker, f"Nama;JK;{column}\nSiti;P;Jl. Bali No. 3\nRina;P;Gg. Jawa Barat 2\n"
    )
    assert [row["values"].get("origin_region") for row in record.preview["rows"]] == [None, None]


def test_the_regency_named_in_the_address_is_the_home_region(worker):  # noqa: F811
    make_regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"))
    record, _ = preview(
        worker, "Nama;JK;Alamat\nSiti Aminah;P;Desa Noreh Kec. Sreseh Kab. Sampang\n"
    )
    assert record.preview["rows"][0]["values"]["origin_region"] == "35.27"


def test_the_remarks_and_pregnancy_of_a_list_are_on_the_case_page(client, login_verified, worker):  # noqa: F811
    record, _ = preview(
        worker, "Nama;JK;Hamil;Keterangan\nSulastri;P;Ya, 7 minggu;Deportasi via Pasir Gudang\n"
    )
    manifest_commit(actor=worker, manifest_import=record)
    case = Case.objects.get()
    assert case.is_pregnant
    login_verified(client, worker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Deportasi via Pasir Gudang" in page
    assert "7 minggu" in page


def test_a_pregnancy_written_in_the_remarks_is_saved_on_the_case(worker):  # noqa: F811
    record, _ = preview(
        worker, "NAMA;L/P;KETERANGAN\nNUR HAYATI;P;HAMIL 5 BULAN\nANDI;L;TIDAK HAMIL\n"
    )
    manifest_commit(actor=worker, manifest_import=record)
    nur, andi = Case.objects.order_by("person__full_name").reverse()
    assert nur.is_pregnant and nur.notes == "HAMIL 5 BULAN"
    assert not andi.is_pregnant


def test_the_dry_run_reports_what_the_import_would_skip(tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "Nama;JK;NIK;Pekerjaan\nSarinah;P;3527014101900000\nSarinah;P;3527014101900000\nWati;P;\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_manifest", str(path), dry_run=True, format="json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["dry_run"] and summary["rows_read"] == 3
    assert [error["row"] for error in summary["errors"]] == [2, 3], "the NIK's date is impossible"
    assert summary["created"] == 1 and summary["skipped"] == 2
    assert any("Pekerjaan" in warning for warning in summary["file_warnings"])
    assert Person.objects.count() == 0


def test_a_failed_import_still_answers_in_json(tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text("Nama;Alamat\nSarinah;Sampang\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_manifest", str(path), dry_run=True, format="json", stdout=out)
    assert "Jenis Kelamin" in json.loads(out.getvalue())["error"]


def test_the_terminal_answers_in_indonesian(tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "Nama;JK;Tgl Lahir;No. Telp Keluarga\nSarinah;P;31/02/1990;0812 3456 7890\n"
        "Wati;P;1/2/1991;\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_manifest", str(path), dry_run=True, stdout=out)
    text = out.getvalue()
    assert "Baris dibaca: 2  baru: 1  ditautkan: 0  dilewati: 1" in text
    assert "Uji coba: tidak ada yang disimpan" in text
    assert "galat: Baris 2" in text and "tidak ada di kalender" in text
    assert "tidak dikenal" not in text, "the family phone column is read"
    with pytest.raises(CommandError, match="Rombongan kedatangan “TIDAK-ADA” tidak ada"):
        call_command("import_manifest", str(path), batch="TIDAK-ADA", stdout=StringIO())


def test_a_dry_run_checks_the_batch_the_user_and_names_each_warnings_row(tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text("Nama;JK;Tgl Lahir\nWati;P;1/2/1991\nWati;P;1/2/1991\n", encoding="utf-8")
    for options, refused in (
        ({"batch": "99999"}, "Rombongan kedatangan “99999” tidak ada"),
        ({"user": "nobody"}, "Pengguna “nobody” tidak ada"),
        ({"link_above": 1.5}, "--link-above adalah peluang di antara 0 dan 1"),
    ):
        with pytest.raises(CommandError, match=refused):
            call_command("import_manifest", str(path), dry_run=True, stdout=StringIO(), **options)
    out = StringIO()
    call_command("import_manifest", str(path), dry_run=True, stdout=out)
    assert "peringatan: Baris 3: Orang yang sama tampaknya tercantum juga di baris 2" in (
        out.getvalue()
    )


def test_a_full_birth_date_makes_a_year_only_registration_precise(client, login_verified, worker):  # noqa: F811
    from datetime import date

    from pulang.people.tests.factories import PersonFactory

    dewi = PersonFactory(
        full_name="Dewi Anjani",
        birth_date=date(1992, 1, 1),
        birth_year_only=True,
        travel_document_number="C1122334",
        registered_by=worker.agency,
    )
    login_verified(client, worker)
    page = client.get(reverse("people:detail", args=[dewi.pk])).content.decode()
    assert "1992" in page and "01/01/1992" not in page, "the year is all that is known"

    record, _ = preview(worker, HEADER + "Dewi Anjani;P;21/02/1992;C1122334\n")
    [row] = record.preview["rows"]
    assert row["action"] == f"link:{dewi.pk}"
    manifest_commit(actor=worker, manifest_import=record)
    dewi.refresh_from_db()
    assert dewi.birth_date == date(1992, 2, 21) and not dewi.birth_year_only


@pytest.mark.parametrize(
    ("written", "name", "aliases"),
    [
        ("DEWI ANJANI (DEWI)", "Dewi Anjani", ["Dewi"]),
        ("ANDI SAPUTRA ALS. ANDIK", "Andi Saputra", ["Andik"]),
        ("Kasim alias Ujang", "Kasim", ["Ujang"]),
        ("Siti binti Abdullah", "Siti binti Abdullah", []),
    ],
)
def test_another_name_written_with_the_name_becomes_an_alias(written, name, aliases):
    _, [row] = read(f"Nama;L/P\n{written};P\n")
    assert row.values["full_name"] == name
    assert row.values["aliases"] == aliases


def test_a_nik_whose_last_digits_excel_rounded_away_is_an_error():
    import openpyxl

    from pulang.arrivals.manifest import manifest_read as read_file

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama", "JK", "NIK"])
    sheet.append(["Sarinah", "P", 3527014101900000])  # typed as a number: 15 digits kept
    buffer = __import__("io").BytesIO()
    book.save(buffer)
    table = read_file(buffer.getvalue(), filename="daftar.xlsx")
    [row] = [manifest_parse_row(raw, table.columns) for raw in table.rows]
    assert row.values["nik"] is None
    assert "0000" in row.errors[0].message


def test_a_malaysian_number_in_the_only_phone_column_is_kept_as_malaysian():
    _, [local, international, indonesian] = read(
        "Nama;L/P;No HP\nA;P;012-345 6789\nB;P;+60 12-345 6789\nC;P;0812 3456 7890\n"
    )
    assert local.values["phone_my"] == "+60123456789" and local.values["phone_id"] is None
    assert international.values["phone_my"] == "+60123456789"
    assert indonesian.values["phone_id"] == "+6281234567890"
    assert indonesian.values["phone_my"] is None


def workbook_bytes(build) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    build(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_remark_merged_down_a_family_reaches_every_member():
    def build(sheet):
        sheet.append(["Nama", "JK", "Keterangan"])
        sheet.append(["Siti", "P", "Satu keluarga, dari Tawau"])
        sheet.append(["Budi", "L", None])
        sheet.append(["Ani", "P", None])
        sheet.append(["Wati", "P", "Sendiri"])
        sheet.merge_cells("C2:C4")

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    assert [row.values["notes"] for row in table.rows] == [
        "Satu keluarga, dari Tawau",
        "Satu keluarga, dari Tawau",
        "Satu keluarga, dari Tawau",
        "Sendiri",
    ]


def test_a_hidden_old_column_gives_way_to_the_visible_one():
    def build(sheet):
        sheet.append(["Nama", "JK", "Tgl Lahir (lama)", "Tanggal Lahir"])
        sheet.append(["Bambang", "L", "17/04/1980", "17/04/1978"])
        sheet.column_dimensions["C"].hidden = True

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    assert table.columns["birth_date"] == "Tanggal Lahir"
    assert table.rows[0].values["birth_date"] == "17/04/1978"


def test_formulas_saved_without_their_value_are_named():
    def build(sheet):
        sheet.append(["Nama", "JK", "NIK"])
        sheet.append(["Siti", "P", '=TEXT(3527014101900001,"0")'])  # no value stored

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    assert any("C2" in warning and "tanpa hasilnya" in warning for warning in table.warnings)


@pytest.mark.parametrize("header", ["No.", "S/No", "Bil.", "No Urut"])
def test_a_row_number_column_is_not_an_unknown_column(header):
    table, _ = read(f"{header};Nama;JK\n1;Siti;P\n2;Wati;P\n")
    assert table.unknown_headers == []
    assert len(table.rows) == 2


def test_a_header_of_two_rows_names_the_columns_it_groups():
    def build(sheet):
        sheet.append(["DAFTAR WNI DEPORTASI - KJRI KOTA KINABALU"])
        sheet.append(["NO", "NAMA", "L/P", "TEMPAT / TGL LAHIR", None, "ALAMAT", None, None])
        sheet.append([None, None, None, "TEMPAT", "TANGGAL", "DESA", "KECAMATAN", "KABUPATEN"])
        sheet.append([1, "Siti Aminah", "P", "Sampang", "12/03/1990", "Noreh", "Sreseh", "Sampang"])
        for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:H2"):
            sheet.merge_cells(cells)

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    assert {
        key: table.columns.get(key)
        for key in ("birth_place", "birth_date", "village", "district", "regency")
    } == {
        "birth_place": "TEMPAT LAHIR",
        "birth_date": "TANGGAL LAHIR",
        "village": "DESA",
        "district": "KECAMATAN",
        "regency": "KABUPATEN",
    }
    [row] = table.rows
    assert row.values["birth_date"] == "12/03/1990" and row.values["regency"] == "Sampang"
    assert table.unknown_headers == []


def test_groups_above_a_header_that_names_enough_columns_by_itself():
    """A depot's sheet: "IDENTITAS", "DOKUMEN" and "DAERAH ASAL" merged over the columns they
    group. The second row alone names the name and sex, so it was taken for the header, and
    "NOMOR" under "DOKUMEN" was an unknown column whose passport numbers were not read."""

    def build(sheet):
        sheet.append(["DATA PMI DEPORTASI DARI DEPOT IMIGRESEN PEKAN NENAS"])
        sheet.append([])
        sheet.append(["NO", "IDENTITAS", None, None, "DOKUMEN", None, "DAERAH ASAL", None])
        sheet.append([None, "NAMA", "JK", "UMUR", "JENIS", "NOMOR", "KAB/KOTA", "PROVINSI"])
        sheet.append([1, "RUSMINI BINTI KASIM", "P", 34, "PASPOR", "C1234567", "LOTENG", "NTB"])
        for cells in ("B3:D3", "E3:F3", "G3:H3"):
            sheet.merge_cells(cells)

    table = manifest_read(workbook_bytes(build), filename="depot.xlsx")
    assert table.unknown_headers == []
    [row] = table.rows
    assert (row.values["document_kind"], row.values["document_number"]) == ("PASPOR", "C1234567")
    assert (row.values["full_name"], row.values["regency"]) == ("RUSMINI BINTI KASIM", "LOTENG")


def test_a_name_under_the_family_group_is_the_next_of_kin():
    def build(sheet):
        sheet.append(["NO", "NAMA", "L/P", "KELUARGA", None])
        sheet.append([None, None, None, "NAMA", "NO HP"])
        sheet.append([1, "Siti Aminah", "P", "Ahmad (ayah)", "0812 3456 7890"])
        for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1"):
            sheet.merge_cells(cells)

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    [row] = table.rows
    assert row.values["full_name"] == "Siti Aminah"
    assert (row.values["kin_name"], row.values["kin_phone"]) == ("Ahmad (ayah)", "0812 3456 7890")


def test_a_malaysian_depot_list_with_another_national_and_an_alias():
    """BIL, JANTINA, TARIKH LAHIR, KESALAHAN, DEPOH and WARGANEGARA, as a Johor depot writes
    them: a Chinese national deported with the Indonesians is pointed out, and "SITI @ CICI
    BINTI HASAN" keeps her father's name under both her names."""
    table, rows = read(
        "BIL,NAMA,JANTINA,TARIKH LAHIR,WARGANEGARA,KESALAHAN,DEPOH\n"
        "1,SITI @ CICI BINTI HASAN,PEREMPUAN,03/04/1988,INDONESIA,SEK. 6(1)(C),DEPOH TENGGARA\n"
        "2,LI MEI,PEREMPUAN,01/01/1995,CHINA,SEK 6(1)(C),DEPOH PEKAN NENAS\n"
        "3,ANDI,LELAKI,2015,-,SEK 6(1)(C),DEPOH PEKAN NENAS\n"
    )
    assert table.unknown_headers == []
    siti, li, andi = rows
    assert siti.values["full_name"] == "Siti binti Hasan"
    assert siti.values["aliases"] == ["Cici binti Hasan"]
    assert siti.warnings == [] and "WARGANEGARA" not in siti.values["notes"]
    assert siti.values["notes"] == "KESALAHAN: SEK. 6(1)(C)\nDEPOH: DEPOH TENGGARA"
    [warning] = li.warnings
    assert warning.column == "WARGANEGARA" and "“CHINA”, bukan Indonesia" in warning.message
    assert li.values["notes"].endswith("WARGANEGARA: CHINA")
    assert andi.warnings == [], "a dash says nothing"


def test_sex_ticked_in_l_and_p_columns_under_a_merged_header(worker):  # noqa: F811
    """ "JENIS KELAMIN" merged over "L" and "P", the other headers merged down over both
    rows: the second row is no person, each row's sex is the column it ticks, and a row
    ticking both or neither is one to fix, which the worker can do in the preview."""
    from pulang.arrivals.manifest import ManifestRow
    from pulang.arrivals.services import manifest_preview, manifest_row_recheck, manifest_upload

    def build(sheet):
        sheet.append(["DAFTAR NAMA WNI DEPORTASI MELALUI PELABUHAN STULANG LAUT"])
        sheet.append(["NO", "NAMA", "JENIS KELAMIN", None, "TTL", "NO. PASPOR/SPLP", "DAERAH ASAL"])
        sheet.append([None, None, "L", "P"])
        sheet.append([1, "AGUS SALIM", "✓", None, "Sampang, 12-03-1990", "C1234001", "Sampang"])
        sheet.append([2, "RINA WATI", None, "√", "Sampang, 05-06-1992", "C1234002", "Sampang"])
        sheet.append([3, "DEDI KURNIA", "V", "", "Lombok Timur, 1987", "C1234003", "Lotim"])
        sheet.append([4, "NINA SARI", "", "1", "Cilacap, 01-01-1995", "C1234004", "Cilacap"])
        sheet.append([5, "EKO PRASETYO", "x", "x", "Blitar, 02-02-1980", "C1234005", "Blitar"])
        sheet.append([6, "TUTI HANDAYANI", None, None, "Blitar, 03-03-1983", "C1234006", "Blitar"])
        sheet.append([None, "JUMLAH", 3, 3])
        for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3", "G2:G3"):
            sheet.merge_cells(cells)

    table = manifest_read(workbook_bytes(build), filename="stulang.xlsx")
    assert table.header_row == 3
    assert table.columns["sex"] == "L/P"
    assert not any("tanpa judul" in warning for warning in table.warnings)
    parsed = {row.number: manifest_parse_row(row, table.columns) for row in table.rows}
    assert list(parsed) == [4, 5, 6, 7, 8, 9]
    assert [parsed[n].values["sex"] for n in (4, 5, 6, 7)] == ["M", "F", "M", "F"]
    assert not any(parsed[n].errors for n in (4, 5, 6, 7))
    [both] = parsed[8].errors
    assert both.message.startswith(
        "Baris 8, kolom “L/P”: laki-laki dan perempuan sama-sama ditandai"
    )
    [neither] = parsed[9].errors
    assert neither.message.startswith("Baris 9, kolom “L/P”: jenis kelamin wajib diisi")

    batch = BatchFactory(receiving_agency=worker.agency)
    record, _ = manifest_upload(
        actor=worker, batch=batch, data=workbook_bytes(build), filename="stulang.xlsx"
    )
    manifest_preview(manifest_import=record)
    manifest_row_recheck(actor=worker, manifest_import=record, row=ManifestRow(8, {"sex": "L"}))
    record.refresh_from_db()
    fixed = next(row for row in record.preview["rows"] if row["number"] == 8)
    assert fixed["status"] != "error" and fixed["values"]["sex"] == "M"


@pytest.mark.parametrize(("male", "female"), [("L", "P"), ("LK", "PR"), ("Laki-laki", "Perempuan")])
def test_sex_ticked_in_two_columns_of_a_one_row_header(male, female):
    table, [budi, ani] = read(
        f"NO;NAMA;{male};{female};TGL LAHIR\n1;Budi;✓;;01-01-1990\n2;Ani;;✓;02-02-1991\n"
    )
    assert table.columns["sex"] == f"{male}/{female}" and table.unknown_headers == []
    assert (budi.values["sex"], ani.values["sex"]) == ("M", "F")
    assert not budi.errors and not ani.errors


def test_a_second_header_row_with_a_word_no_header_has_is_not_a_person():
    def build(sheet):
        sheet.append(["NO", "NAMA", "L/P", "ALAMAT", None, "NO HP"])
        sheet.append([None, None, None, "JALAN", "RT/RW", None])
        sheet.append([1, "Siti Aminah", "P", "Jl. Mawar 5", "01/02", "0812 3456 7890"])
        for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"):
            sheet.merge_cells(cells)

    table = manifest_read(workbook_bytes(build), filename="daftar.xlsx")
    assert [row.values["full_name"] for row in table.rows] == ["Siti Aminah"]
    assert any("Baris 2 berisi judul kolom lagi" in warning for warning in table.warnings)


def test_a_workbook_with_a_list_on_each_sheet_is_imported_one_sheet_per_upload(worker):  # noqa: F811
    import io

    import openpyxl

    from pulang.arrivals.services import manifest_preview, manifest_upload

    book = openpyxl.Workbook()
    men = book.active
    men.title = "LAKI-LAKI"
    for row in (["Nama", "JK"], ["Bambang", "L"], ["Joko", "L"]):
        men.append(row)
    women = book.create_sheet("PEREMPUAN")
    for row in (["Nama", "JK"], ["Siti", "P"]):
        women.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    batch = BatchFactory(receiving_agency=worker.agency)

    def upload():
        record, is_new = manifest_upload(actor=worker, batch=batch, data=data, filename="kbri.xlsx")
        if is_new:
            manifest_preview(manifest_import=record)
            record.refresh_from_db()
            manifest_commit(actor=worker, manifest_import=record)
        return record, is_new

    first, _ = upload()
    assert first.sheet == "LAKI-LAKI"
    assert any("PEREMPUAN" in warning for warning in first.preview["file_warnings"])
    second, is_new = upload()
    assert is_new and second.sheet == "PEREMPUAN"
    # The sheet already saved is not pointed out as still to read.
    assert not any("LAKI-LAKI" in warning for warning in second.preview["file_warnings"])
    _third, is_new = upload()
    assert not is_new, "every sheet read: the file is imported"
    assert sorted(Case.objects.filter(batch=batch).values_list("person__full_name", flat=True)) == [
        "Bambang",
        "Joko",
        "Siti",
    ]


def test_a_long_list_naming_regions_reads_each_region_once(worker):  # noqa: F811
    # Consulate lists name provinces and regencies, not codes; looking them up row by row
    # made a list of thousands take minutes.
    make_regions(
        ("32", "Jawa Barat"),
        ("32.01", "Kabupaten Bogor"),
        ("32.71", "Kota Bogor"),
        ("32.01.05", "Cibinong"),
        ("52", "Nusa Tenggara Barat"),
        ("52.03", "Kabupaten Lombok Timur"),
    )
    places = [
        ("Jawa Barat", "Kab. Bogor", "Cibinong", "32.01.05"),
        ("Jawa Barat", "Kota Bogor", "", "32.71"),
        ("NTB", "Lombok Timur", "", "52.03"),
        ("Jabar", "Bogor", "", "32.01"),  # "Kota" not written: the regency
    ]
    lines = ["Nama;JK;Provinsi;Kabupaten;Kecamatan"]
    for number in range(200):
        province, regency, district, _ = places[number % len(places)]
        lines.append(f"Orang {number:03d} Binti Kasan;P;{province};{regency};{district}")
    with CaptureQueriesContext(connection) as queries:
        record, _ = preview(worker, "\n".join(lines) + "\n")
    region_queries = [q for q in queries if "regions_region" in q["sql"]]
    assert len(region_queries) < 15
    found = [row["values"].get("origin_region") for row in record.preview["rows"]]
    assert found == [place[3] for place in places] * 50


def test_a_list_that_says_nothing_of_documents_does_not_record_none(worker):  # noqa: F811
    record, _ = preview(
        worker,
        "Nama;JK;Jenis Dokumen;No Dokumen\nSarinah;P;;\nWati;P;Tidak ada;\nRina;P;;A1234567\n",
    )
    manifest_commit(actor=worker, manifest_import=record)
    kinds = dict(Person.objects.values_list("full_name", "travel_document"))
    assert kinds == {"Sarinah": "", "Wati": "none", "Rina": "passport"}
    assert Person.objects.get(full_name="Sarinah").get_travel_document_display() == (
        "Belum diketahui"
    )


@pytest.mark.parametrize(
    ("written", "number", "kind"),
    [
        ("SPLP No. JHR0123456", "JHR0123456", "splp"),
        ("SPLP JHR0123459", "JHR0123459", "splp"),
        ("Paspor: C1234567", "C1234567", "passport"),
        ("Passport No.A7654321", "A7654321", "passport"),
        ("SPLP/KL/0042", "SPLP/KL/0042", "splp"),  # the word is part of this number
        ("C 123 4567", "C1234567", "passport"),
    ],
)
def test_the_document_kind_written_before_its_number_is_read_apart(written, number, kind):
    _, [row] = read(f"Nama;L/P;No Dokumen\nSarinah;P;{written}\n")
    assert (row.values["document_number"], row.values["document_kind"]) == (number, kind)
    assert not row.issues


def test_a_malay_and_bilingual_list_is_read():
    table, [row] = read(
        "Nama / Name;Jantina;Tarikh Lahir / Date of Birth;No. Pasport;Kab/Kota Asal;No. HP/WA\n"
        "Sarinah binti Amat;P;12/03/1990;B1234567;Sampang;0812 3456 7890\n"
    )
    assert table.unknown_headers == []
    assert row.values["full_name"] == "Sarinah binti Amat"
    assert row.values["birth_date"].isoformat() == "1990-03-12"
    assert row.values["document_number"] == "B1234567"
    assert row.values["regency"] == "Sampang" and row.values["phone_id"] == "+6281234567890"


def test_the_home_address_as_written_is_kept_beside_its_region(worker):  # noqa: F811
    make_regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"))
    record, _ = preview(
        worker, "Nama;JK;Alamat Asal\nSiti Aminah;P;Desa Banyuates Kec. Banyuates Kab. Sampang\n"
    )
    manifest_commit(actor=worker, manifest_import=record)
    person = Person.objects.get()
    assert person.origin_region_id == "35.27"
    assert person.origin_address == "Desa Banyuates Kec. Banyuates Kab. Sampang"


def test_a_returning_persons_new_spelling_is_kept_as_another_name(worker):  # noqa: F811
    first = BatchFactory(
        receiving_agency=worker.agency, arrived_at=timezone.now() - timedelta(days=400)
    )
    header = "Nama;JK;Tgl Lahir;NIK\n"
    record, _ = preview(
        worker, header + "Adithya Manulang;L;01/02/1990;1271010102900001\n", batch=first
    )
    manifest_commit(actor=worker, manifest_import=record)
    again, _ = preview(worker, header + "Aditya Manullang;L;01/02/1990;1271010102900001\n")
    assert again.preview["rows"][0]["action"].startswith("link:")
    manifest_commit(actor=worker, manifest_import=again)
    person = Person.objects.get()
    assert person.full_name == "Adithya Manulang"
    assert person.aliases == ["Aditya Manullang"]


def test_a_number_someone_else_holds_is_shown_whatever_the_names_say(
    client,
    login_verified,
    worker,  # noqa: F811
):
    from pulang.people.tests.factories import PersonFactory

    holder = PersonFactory(
        full_name="Kasim Pangestu",
        sex="M",
        birth_date=date(1986, 1, 1),
        birth_year_only=True,
        travel_document_number="C3231694",
        registered_by=worker.agency,
    )
    record, _ = preview(worker, "Nama;JK;Tgl Lahir;No Paspor\nRahman Hakim;L;7/8/1979;C3231694\n")
    [row] = record.preview["rows"]
    assert [c["person_id"] for c in row["candidates"]] == [holder.pk]
    # A second person with that passport would make every later look-up by it ambiguous:
    # the worker chooses (the holder, or new if the number is a slip).
    assert row["candidates"][0]["probability"] < 0.5 and row["action"] == "skip"
    assert any("sudah tercatat untuk orang lain" in i["message"] for i in row["issues"])
    login_verified(client, worker)
    page = client.get(f"/kedatangan/impor/{record.pk}/").text
    assert "Kasim Pangestu</a>, 1986," in page, "a year-only birth date shows as its year"
    assert "nomor paspor/SPLP sama" in page


def test_someone_not_yet_home_from_another_batch_is_not_linked_by_default(worker):  # noqa: F811
    """Two lists of one arrival, put into two batches: the second would give everyone a
    second open case. Someone not yet returned home cannot have been deported again."""
    nunukan = BatchFactory(receiving_agency=worker.agency)
    manifest_commit(actor=worker, manifest_import=preview(worker, HEADER + ROWS, batch=nunukan)[0])
    record, _ = preview(worker, HEADER + ROWS + "\n")
    rows = record.preview["rows"]
    assert [row["action"] for row in rows] == ["skip", "skip"]
    assert "belum dipulangkan" in rows[0]["issues"][-1]["message"]
    assert nunukan.reference in rows[0]["issues"][-1]["message"]


def test_a_relatives_number_in_the_persons_phone_column_is_kept_as_the_relatives():
    _, [row, own] = read(
        "Nama;L/P;No HP\nSarinah;P;0812 3456 7890 (istri)\nWati;P;0812 3456 7891\n"
    )
    assert row.values["phone_id"] is None and row.values["kin_phone"] == "+6281234567890"
    assert row.values["kin_relation"] == "istri"
    assert "dicatat sebagai nomor keluarga" in row.warnings[0].message
    assert own.values["phone_id"] == "+6281234567891" and not own.values["kin_phone"]


@pytest.mark.parametrize(
    ("second", "repeats"),
    [
        ("Wati;P;5/5/1990;Paspor: -", False),  # no number at all
        ("Wati;P;1/1/1990;SPLP 0042", False),  # one number, another name: a copied number
        ("Siti;P;;SPLP 0043", False),  # one name, no birth date: perhaps someone else
        ("Siti;L;1/1/1990;", False),  # one name and birth date, another sex
        ("Siti;P;1/1/1990;SPLP 0042", True),
    ],
)
def test_who_in_one_list_is_the_same_person(second, repeats):
    first = "Siti;P;1/1/1990;SPLP 0042" if "0043" not in second else "Siti;P;;SPLP 0044"
    rows = manifest_check(read(f"Nama;JK;Tgl Lahir;No Dokumen\n{first}\n{second}\n")[0])
    assert bool(rows[1].get("repeats")) is repeats
    assert rows[1]["action"] == ("skip" if repeats else "create")


def test_a_placeholder_after_the_document_kind_is_no_number():
    _, rows = read("Nama;L/P;No Dokumen\nA;P;Paspor: -\nB;P;SPLP: tidak ada\nC;P;Paspor hilang\n")
    assert [(r.values["document_number"], r.values["document_kind"]) for r in rows] == [
        ("", None)
    ] * 3


def test_a_corrected_copy_of_a_row_with_an_error_is_the_one_kept():
    rows = manifest_check(read("Nama;JK;Tgl Lahir\nSiti;P;31/02/1990\nSiti;P;28/02/1990\n")[0])
    assert rows[0]["status"] == "error" and rows[1]["action"] == "create"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("No HP/WA Keluarga", "kin_phone"),
        ("No Tel/HP Majikan", None),  # the employer's phone is no one's own
        ("No HP (Malaysia)/WA", None),
    ],
)
def test_a_header_with_a_slash_names_a_field_only_when_every_part_does(header, field):
    from pulang.arrivals.manifest import header_field

    assert header_field(header) == field


@pytest.mark.parametrize(
    ("written", "kin"),
    [
        ("0812 3456 7890 / 0813 1111 2222 (istri)", "+6281311112222"),
        ("081234567890 a/n Ibu Wati", None),
    ],
)
def test_a_relatives_mark_moves_only_the_marked_number(written, kin):
    """The person's own first number stays hers; a second number marked as a relative's is
    the kin's; "a/n" (in the name of) marks no relative's number."""
    _, [row] = read(f"Nama;L/P;No HP\nSarinah;P;{written}\n")
    assert row.values["phone_id"] == "+6281234567890" and row.values["kin_phone"] == kin


def test_someone_not_yet_home_from_another_agencys_batch_is_not_named(worker):  # noqa: F811
    # Another agency's batch, recorded a day later for the same boat.
    elsewhere = BatchFactory(arrived_at=timezone.now() + timedelta(days=1))
    manifest_commit(
        actor=worker, manifest_import=preview(worker, HEADER + ROWS, batch=elsewhere)[0]
    )
    record, _ = preview(worker, HEADER + ROWS + "\n")
    message = record.preview["rows"][0]["issues"][-1]["message"]
    assert "belum dipulangkan: kasus di instansi lain" in message
    assert elsewhere.reference not in message


def test_a_shared_phone_and_birth_date_under_another_name_is_not_taken_as_the_same(
    worker,  # noqa: F811
):
    """Twins, or a family's one phone: however likely the model finds them alike, a name
    with no word in common is neither linked nor skipped by itself."""
    from pulang.people.tests.factories import PersonFactory

    ahmad = PersonFactory(
        full_name="Ahmad Fauzi",
        sex="M",
        birth_date=date(1990, 3, 12),
        phone_my="+60123456789",
        registered_by=worker.agency,
    )
    record, _ = preview(
        worker, "Nama;JK;Tgl Lahir;No HP Malaysia\nSatria Lukman;L;12/03/1990;012-345 6789\n"
    )
    [row] = record.preview["rows"]
    [candidate] = row["candidates"]
    assert candidate["person_id"] == ahmad.pk and candidate["probability"] >= 0.9
    assert row["action"] == "create"
    assert any("namanya sama sekali berbeda" in issue["message"] for issue in row["issues"])


def test_a_sheet_per_sex_without_a_sex_column_gives_each_sheet_its_sex():
    """KBRI lists often put men and women on sheets of their own, "LAKI-LAKI" and
    "PEREMPUAN", with no sex column. Each sheet is read with the sex its name says, and the
    worker is told so, to correct anyone on the wrong sheet."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    men = book.active
    men.title = "LAKI-LAKI"
    men.append(["NO", "NAMA", "TGL LAHIR"])
    men.append([1, "BUDI SANTOSO", "12/03/1990"])
    women = book.create_sheet("PEREMPUAN")
    women.append(["NO", "NAMA", "TGL LAHIR"])
    women.append([1, "SRI WAHYUNI", "02/02/1992"])
    women.append([None, "JUMLAH 1"])
    buffer = io.BytesIO()
    book.save(buffer)

    first = manifest_read(buffer.getvalue(), filename="kbri.xlsx")
    assert first.sheet == "LAKI-LAKI" and first.other_sheets == ["PEREMPUAN"]
    [budi] = [manifest_parse_row(row, first.columns) for row in first.rows]
    assert budi.values["sex"] == "M" and not budi.errors
    assert any("dicatat laki-laki" in w and "“LAKI-LAKI”" in w for w in first.warnings)

    second = manifest_read(buffer.getvalue(), filename="kbri.xlsx", sheet="PEREMPUAN")
    assert second.sheet == "PEREMPUAN"
    [sri] = [manifest_parse_row(row, second.columns) for row in second.rows]
    assert sri.values["sex"] == "F" and not sri.errors


def test_a_title_naming_one_sex_stands_for_the_missing_sex_column():
    table, [siti] = read("DAFTAR WNI DEPORTASI PEREMPUAN KM KELUD\nNama;Umur\nSiti;30\n")
    assert siti.values["sex"] == "F" and not siti.errors
    assert any("judul daftarnya menyebut “PEREMPUAN”" in w for w in table.warnings)


@pytest.mark.parametrize(
    "title", ["DAFTAR WNI DEPORTASI PEREMPUAN DAN ANAK", "DAFTAR WNI LAKI-LAKI DAN PEREMPUAN"]
)
def test_a_title_naming_children_or_both_sexes_still_asks_for_the_sex_column(title):
    from pulang.arrivals.manifest import ManifestError

    with pytest.raises(ManifestError, match="Kolom wajib tidak ada: “Jenis Kelamin”"):
        read(f"{title}\nNama;Umur\nSiti;30\n")


def test_why_and_where_a_person_was_held_are_kept_in_the_case_notes(client, login_verified, worker):  # noqa: F811
    """Consulate lists say why someone was deported ("KASUS": overstay, PATI; Malay
    "KESALAHAN") and the depot they came from; both reach the case's notes under the list's
    own heading, and the form of a row not saved keeps them too."""
    record, _ = preview(
        worker,
        "NO.;NAMA LENGKAP;L/P;KASUS;DEPO/PTS;KETERANGAN\n"
        "1;AHMAD FAUZI;L;Overstay;Semenyih;sakit kaki\n"
        "2;SITI AMINAH;X;PATI;KLIA;\n",
    )
    assert record.preview["file_warnings"] == []
    login_verified(client, worker)
    client.post(f"/kedatangan/impor/{record.pk}/simpan/", {"action_2": "create"})
    case = Case.objects.get()
    assert case.notes == "sakit kaki\nKASUS: Overstay\nDEPO/PTS: Semenyih"
    page = client.get(reverse("arrivals:import", args=[record.pk])).text
    assert "KASUS: PATI\nDEPO/PTS: KLIA" in page  # the row to fix, in the one-by-one form

    _, [malay] = read("BIL;NAMA;JANTINA;KESALAHAN\n1;ANDI BASO;LELAKI;Seksyen 6(1)(c)\n")
    assert malay.values["notes"] == "KESALAHAN: Seksyen 6(1)(c)"


@pytest.mark.parametrize(
    ("written", "kind", "note"),
    [
        ("DITAHAN MAJIKAN", None, "NO. PASPOR: DITAHAN MAJIKAN"),
        ("Paspor ditahan agen", None, "NO. PASPOR: Paspor ditahan agen"),
        ("TANPA DOKUMEN", "none", ""),
        ("TIADA", None, ""),
    ],
)
def test_words_in_the_passport_column_are_no_document_number(written, kind, note):
    """ "DITAHAN MAJIKAN" (held by the employer) was stored as document number
    "DITAHANMAJIKAN", of kind SPLP; "TIADA" (Malay: none) as number "TIADA"."""
    _, [row] = read(f"NAMA;L/P;NO. PASPOR\nSITI;P;{written}\n")
    assert row.values["document_number"] == ""
    assert row.values["document_kind"] == kind
    assert row.values["notes"] == note
    assert bool(note) == any("bukan nomor dokumen" in w.message for w in row.warnings)


def test_children_listed_under_a_parent_keep_their_names_and_ages():
    """Children are written under their mother: "- ANDI (ANAK)", aged "5 th" or "8 bln".
    The dash was kept in the name and "ANAK" (child) became an alias; an age in months
    could not be read, so a baby was registered without a birth year."""
    _, [mother, andi, sari] = read(
        "NO;NAMA LENGKAP;L/P;UMUR;KETERANGAN\n"
        "1;WATI BINTI SAMSUDIN;P;34;membawa 2 anak\n"
        ";- ANDI (ANAK);L;5 th;\n"
        ";• SARI (anak);P;8 bln;anak dari no 1\n"
    )
    assert [row.values["full_name"] for row in (mother, andi, sari)] == [
        "Wati binti Samsudin",
        "Andi",
        "Sari",
    ]
    assert andi.values["aliases"] == [] and sari.values["aliases"] == []
    assert andi.values["notes"] == "NAMA LENGKAP: (ANAK)"
    assert sari.values["notes"] == "anak dari no 1\nNAMA LENGKAP: (anak)"
    today = date.today()
    assert sari.values["age"] == 0 and sari.values["birth_year_only"]
    assert sari.values["birth_date"].year in (today.year, today.year - 1)
    assert not any("tidak dapat dibaca" in w.message for w in sari.warnings)


def test_a_header_typed_on_two_lines_in_its_cell_is_named_on_one():
    """Headers wrapped with Alt+Enter ("NO.⏎PASPOR") were named with the line break in
    every message, splitting "Baris 2, kolom “NO." from its problem in the terminal."""
    table, [row] = read('"NAMA\nLENGKAP";"JENIS\nKELAMIN";"TGL.\nLAHIR"\nSiti;P;31/02/1990\n')
    assert table.columns == {
        "full_name": "NAMA LENGKAP",
        "sex": "JENIS KELAMIN",
        "birth_date": "TGL. LAHIR",
    }
    assert row.errors[0].message.startswith("Baris 2, kolom “TGL. LAHIR”: tanggal")


def test_a_namesake_is_proposed_not_chosen_unless_a_number_is_shared(worker, tmp_path):  # noqa: F811
    """Among a million, another Sulastri from Sampang born in 1991 is as likely a stranger
    as the same woman, though the model says 99%. Without a shared NIK or document, or the
    same birth date, she is shown first and the row starts as someone new; with the same
    passport she starts as linked."""
    from pulang.people.tests.factories import PersonFactory

    make_regions(("35", "Jawa Timur"), ("35.27", "Kabupaten Sampang"))
    namesake = PersonFactory(
        full_name="Sulastri",
        sex="F",
        birth_date=date(1991, 11, 11),
        origin_region_id="35.27",
        travel_document_number="A1112223",
        registered_by=worker.agency,
    )
    header = "Nama Lengkap;Jenis Kelamin;Tanggal Lahir;No Paspor;Daerah Asal\n"
    record, _ = preview(worker, header + "Sulastri;P;3/5/1991;;Kabupaten Sampang\n")
    [row] = record.preview["rows"]
    first = row["candidates"][0]
    assert first["person_id"] == namesake.pk and first["probability"] >= 0.99, first
    assert row["action"] == "create"
    assert "tidak ada NIK atau nomor dokumen yang sama" in row["issues"][-1]["message"]

    record, _ = preview(worker, header + "Sulastri;P;3/5/1991;A1112223;Kabupaten Sampang\n\n")
    [row] = record.preview["rows"]
    assert row["action"] == f"link:{namesake.pk}"
    # Nor does an unattended import link her, though 99% passes its bar.
    path = tmp_path / "daftar.csv"
    path.write_text(header + "Sulastri;P;3/5/1991;;Kabupaten Sampang\n", encoding="utf-8")
    out = StringIO()
    call_command("import_manifest", str(path), dry_run=True, format="json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["linked"] == 0 and summary["created"] == 1
    # Born on her birth date too (day and month either way round): linked.
    record, _ = preview(worker, header + "Sulastri;P;11/11/1991;;Kabupaten Sampang\n\n\n")
    [row] = record.preview["rows"]
    assert row["action"] == f"link:{namesake.pk}"


@pytest.mark.parametrize("header", ["Bin/Binti", "Nama Ayah", "BIN", "Father's name"])
def test_a_fathers_name_in_its_own_column_joins_the_name(header):
    """Lists from Malaysia write the father's name apart; it was dropped as an unknown
    column, and "Siti Aminah" was registered without the "binti Ahmad" by which the next
    list names her."""
    table, rows = read(
        f"NAMA;{header};L/P\nSITI AMINAH;AHMAD;P\nBUDI;SANTOSO;L\nWATI BINTI ALI;ALI;P\n"
    )
    assert table.warnings == []
    assert [row.values["full_name"] for row in rows] == [
        "Siti Aminah binti Ahmad",
        "Budi bin Santoso",
        "Wati binti Ali",  # the name said it already
    ]
    assert not any(row.issues for row in rows)


@pytest.mark.parametrize(
    ("sex", "father", "name", "warned"),
    [
        ("P", "BIN AHMAD", "Siti binti Ahmad", "tertulis “BIN”, padahal jenis kelaminnya"),
        ("L", "bt. Ahmad", "Siti bin Ahmad", "tertulis “bt”, padahal jenis kelaminnya"),
        ("P", "AHMAD (ALM)", "Siti binti Ahmad", ""),
        ("P", "-", "Siti", ""),
        ("P", "BINTI", "Siti", ""),
        ("X", "BIN/BINTI AHMAD", "Siti bin/binti Ahmad", ""),  # no sex: the cell's word
        ("X", "BT AHMAD", "Siti bt Ahmad", ""),
        ("X", "AHMAD", "Siti", ""),  # no word to join with until the sex is corrected
    ],
)
def test_the_word_joining_a_fathers_name_follows_the_sex(sex, father, name, warned):
    _, [row] = read(f"NAMA;BIN/BINTI;L/P\nSITI;{father};{sex}\n")
    assert row.values["full_name"] == name
    said = [w.message for w in row.warnings if w.field == "father_name"]
    assert len(said) == bool(warned)
    assert all(m.startswith(f"Baris 2, kolom “BIN/BINTI”: {warned}") for m in said)


def test_a_fathers_name_unlike_the_one_in_the_name_is_pointed_out():
    _, [row] = read("NAMA;NAMA AYAH;L/P\nRINA BINTI ALI;YUSUF;P\n")
    assert row.values["full_name"] == "Rina binti Ali"
    [warning] = row.warnings
    assert warning.column == "NAMA AYAH"
    assert "nama ayah “Yusuf” tidak sama dengan yang tertulis di nama (“Rina binti Ali”)" in (
        warning.message
    )


def test_the_name_with_its_fathers_is_registered_and_offered_again_if_not_saved(
    client,
    login_verified,
    worker,  # noqa: F811
):
    record, _ = preview(
        worker,
        "NO;NAMA;BIN/BINTI;L/P\n1;SITI AMINAH;AHMAD;P\n2;BUDI;SANTOSO;X\n",
        name="kjri.csv",
    )
    assert record.preview["rows"][0]["values"]["full_name"] == "Siti Aminah binti Ahmad"
    manifest_commit(actor=worker, manifest_import=record)
    assert Person.objects.get().full_name == "Siti Aminah binti Ahmad"
    # Budi's sex is wrong, so he was not saved: the one-by-one form keeps his father.
    login_verified(client, worker)
    page = client.get(reverse("arrivals:import", args=[record.pk])).text
    assert 'name="full_name" value="Budi"' in page
    assert 'name="notes" value="Nama ayah: Santoso"' in page


def test_a_man_marked_pregnant_is_told_and_not_saved_pregnant(client, login_verified, worker):  # noqa: F811
    """A tick under "Hamil" on a man's row was saved: the shelter board counted a pregnant
    man, and his return plan asked that he be confirmed fit to travel. One of the two cells
    is wrong; the preview says so, the case is not marked pregnant, and what the cell said
    is in the case's notes. A woman entered as a man, her sex corrected in the preview, is
    recorded pregnant."""
    from pulang.arrivals.manifest import ManifestRow
    from pulang.arrivals.services import manifest_row_recheck

    record, _ = preview(worker, "Nama;L/P;Hamil\nBudi Santoso;L;✓\nSulastri;P;✓\nDewi;L;✓\n")
    budi, sulastri, dewi = record.preview["rows"]
    assert dewi["status"] == "warning"
    assert budi["status"] == "warning" and sulastri["status"] == "ok"
    assert "jadi tidak dicatat hamil" in budi["issues"][0]["message"]
    login_verified(client, worker)
    page = client.get(reverse("arrivals:import", args=[record.pk])).text
    assert "padahal jenis kelaminnya laki-laki, jadi tidak dicatat hamil" in page
    manifest_row_recheck(actor=worker, manifest_import=record, row=ManifestRow(4, {"sex": "P"}))
    record.refresh_from_db()

    manifest_commit(actor=worker, manifest_import=record)
    by_name = {case.person.full_name: case for case in Case.objects.select_related("person")}
    assert not by_name["Budi Santoso"].is_pregnant
    assert by_name["Budi Santoso"].notes == "Hamil: ✓"
    assert by_name["Sulastri"].is_pregnant
    assert by_name["Dewi"].is_pregnant and by_name["Dewi"].notes == ""


@pytest.mark.parametrize(
    "total",
    [
        "JUMLAH;2 ORANG;;",  # the word in the number column, the count under the names
        "TOTAL;= 2 orang;;",
        "JUMLAH;2;;",
        "TOTAL;;;\n;2;;",
    ],
)
def test_a_total_written_from_the_number_column_is_no_person(total):
    """ "JUMLAH" stood in the "NO." column and "2 ORANG" under the names: a person named
    "2 Orang" with no sex, an error to fix in every preview of the list."""
    table, rows = read(f"NO.;NAMA;L/P;UMUR\n1;SITI;P;30\n2;BUDI;L;31\n{total}\n")
    assert [row.values["full_name"] for row in rows] == ["Siti", "Budi"]
    assert not any(row.errors for row in rows)
    assert any("di akhir daftar dilewati" in warning for warning in table.warnings)


@pytest.mark.parametrize(
    "closing",
    [
        ";Dikeluarkan di : Johor Bahru;;\n;Pada tanggal : 12 November 2026;;\n;Konsul;;",
        ";Disediakan oleh:;;\n;(AHMAD BIN ALI);;\n;Pegawai Imigresen;;\n;Tarikh: 12/11/2026;;",
        ";Kuala Lumpur, 12hb November 2026;;\n;Pegawai Imigresen;;",
        ";Johor Bahru, 12 Disember 2026;;\n;SIGIT WIBOWO;;",
        ";Demikian daftar ini kami buat dengan sebenarnya.;;",
        ";Keterangan: L = Laki-laki, P = Perempuan;;",
        ";Catatan : 1 orang dirawat di RS;;\n;Cop dan tandatangan;;",
    ],
)
def test_a_signature_block_in_the_name_column_is_no_person(closing):
    """How consulates and Malaysian depots close a list, in Indonesian or Malay, below the
    people: each line was a person with no sex to fix."""
    table, rows = read(f"NO;NAMA;L/P;UMUR\n1;SITI;P;30\n2;BUDI;L;31\n;;;\n{closing}\n")
    assert [row.values["full_name"] for row in rows] == ["Siti", "Budi"]
    assert not any(row.errors for row in rows)
    [footer] = [w for w in table.warnings if "di akhir daftar dilewati" in w]
    assert closing.split(";")[1] in footer


@pytest.mark.parametrize(
    ("written", "age"),
    [("35-TH", 35), ("(35)", 35), ("35 tahun 2 bulan", 35), ("5 th 3 bln", 5)],
)
def test_ages_as_lists_write_them(written, age):
    _, [row] = read(f"NAMA;L/P;UMUR\nSITI;P;{written}\n")
    assert row.values["age"] == age
    assert row.values["birth_date"] == date(date.today().year - age, 1, 1)
    assert not any("tidak dapat dibaca" in warning.message for warning in row.warnings)


def test_a_birth_date_column_that_may_hold_the_age_reads_either():
    """ "TGL LAHIR / UMUR" was an unknown column: neither the dates nor the ages in it were
    read."""
    table, [dated, both, aged, bare] = read(
        "NAMA;L/P;TGL LAHIR / UMUR\nA;P;12-01-1990\nB;P;12-01-1990 / 35 th\nC;L;35 TH\nD;L;35\n"
    )
    assert table.warnings == []
    assert dated.values["birth_date"] == both.values["birth_date"] == date(1990, 1, 12)
    year = date.today().year - 35
    assert aged.values["birth_date"] == bare.values["birth_date"] == date(year, 1, 1)
    assert aged.values["birth_year_only"] and bare.values["birth_year_only"]
    assert "“35” adalah umur" in bare.warnings[0].message
    _, [placed] = read("NAMA;L/P;TTL/UMUR\nA;P;Sampang, 35\n")
    assert placed.values["birth_place"] == "Sampang"
    assert placed.values["birth_date"] == date(year, 1, 1)
    # Under a birth date alone, a bare number is still a slip to fix.
    _, [slip] = read("NAMA;L/P;TGL LAHIR\nD;L;35\n")
    assert "tampaknya umur" in slip.errors[0].message


def test_a_malaysian_depots_list_is_imported_whole(worker):  # noqa: F811
    """A depot's list in Malay: a title, "BIL.", the father apart, Malay dates and remarks,
    the total under the number column and the officer's signature. Every person is saved,
    and nothing below them is."""
    from pulang.arrivals.services import manifest_preview, manifest_upload

    def build(sheet):
        sheet.append(["SENARAI TAHANAN WARGANEGARA INDONESIA UNTUK DIHANTAR PULANG"])
        sheet.append(["DEPOT IMIGRESEN SEMENYIH"])
        sheet.append([])
        sheet.append(
            ["BIL.", "NAMA PENUH", "BIN/BINTI", "JANTINA", "TARIKH LAHIR", "UMUR", "ULASAN"]
        )
        sheet.append([1, "ANDI", "BASO", "LELAKI", "12 Ogos 1990", None, "Sakit kaki"])
        sheet.append([2, "NURHAYATI", "BINTI RAHMAN", "PEREMPUAN", "3 Mac 1985", None, None])
        sheet.append([3, "SITI", "YUSUF", "PEREMPUAN", None, "35 TAHUN", "Tiada pasport"])
        sheet.append([])
        sheet.append(["JUMLAH", 3])
        sheet.append([])
        sheet.append([None, "Disediakan oleh:"])
        sheet.append([None, "(AHMAD BIN ALI)"])
        sheet.append([None, "Pegawai Imigresen"])
        sheet.append([None, "Tarikh: 12hb November 2026"])

    batch = BatchFactory(receiving_agency=worker.agency)
    record, _ = manifest_upload(
        actor=worker, batch=batch, data=workbook_bytes(build), filename="semenyih.xlsx"
    )
    manifest_preview(manifest_import=record)
    record.refresh_from_db()
    assert all(row["status"] != "error" for row in record.preview["rows"])
    summary = manifest_commit(actor=worker, manifest_import=record)
    assert (summary.created, summary.skipped) == (3, 0)
    people = {person.full_name: person for person in Person.objects.all()}
    assert set(people) == {"Andi bin Baso", "Nurhayati binti Rahman", "Siti binti Yusuf"}
    assert people["Andi bin Baso"].birth_date == date(1990, 8, 12)
    assert people["Nurhayati binti Rahman"].birth_date == date(1985, 3, 3)
    assert Case.objects.get(person=people["Andi bin Baso"]).notes == "Sakit kaki"
