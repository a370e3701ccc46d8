"""A ship of 300: upload the consulate's list, fix the bad rows, save, see everyone."""

import random
from datetime import date, timedelta

import openpyxl
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from pulang.access.roles import Role
from pulang.accounts.tests.factories import PASSWORD, UserFactory
from pulang.cases.models import Case
from pulang.people.tests.factories import PersonFactory

from .factories import BatchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["No", "Nama Lengkap", "Jenis Kelamin", "Tanggal Lahir", "No Paspor", "No HP Malaysia"]
BAD_ROWS = {10: ("sex", "X"), 150: ("birth_date", "31/02/1990"), 299: ("sex", "?")}
RETURNING_ROW = 77


def write_manifest(path):
    rng = random.Random(7)
    fake = Faker("id_ID")
    fake.seed_instance(7)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    people = []
    for number in range(2, 302):
        sex = rng.choice("LP")
        first = fake.first_name_male() if sex == "L" else fake.first_name_female()
        name = f"{first} {fake.last_name()}"
        birth = date(1970, 1, 1) + timedelta(days=rng.randint(0, 12000))
        row = [
            number - 1,
            name,
            sex,
            birth.strftime("%d/%m/%Y"),
            f"C{rng.randint(10**6, 10**7 - 1)}",
            f"+6012{rng.randint(1000000, 9999999)}",
        ]
        if number in BAD_ROWS:
            row[{"sex": 2, "birth_date": 3}[BAD_ROWS[number][0]]] = BAD_ROWS[number][1]
        sheet.append(row)
        people.append((name, sex, birth, row[4]))
    book.save(path)
    return people


def test_a_social_worker_registers_a_ship_of_300(page, tmp_path):
    worker = UserFactory(username="peksos", roles=[Role.SHELTER_SOCIAL_WORKER])
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    batch = BatchFactory(receiving_agency=worker.agency, expected_count=300)
    manifest = tmp_path / "manifest-kjri-johor.xlsx"
    people = write_manifest(manifest)
    name, sex, birth, passport = people[RETURNING_ROW - 2]
    PersonFactory(  # deported once before, with the same passport
        full_name=name.upper(),
        sex="M" if sex == "L" else "F",
        birth_date=birth,
        travel_document="passport",
        travel_document_number=passport,
    )

    page.goto(f"/kedatangan/{batch.pk}/")
    page.get_by_label("Nama pengguna").fill("peksos")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()

    page.get_by_label("Berkas manifest").set_input_files(str(manifest))
    page.get_by_role("button", name="Periksa manifest").click()
    counts = page.get_by_test_id("import-counts")
    counts.wait_for(timeout=60_000)
    assert "3 dengan kesalahan" in counts.inner_text()
    assert "1 orang mungkin pernah terdaftar" in counts.inner_text()

    fixes = {
        10: ("Jenis Kelamin", "L"),
        150: ("Tanggal Lahir", "28/02/1990"),
        299: ("Jenis Kelamin", "P"),
    }
    for number, (column, value) in fixes.items():
        row = page.locator(f"#baris-{number}")
        field = {"Jenis Kelamin": "sex", "Tanggal Lahir": "birth_date"}[column]
        row.locator(f"#r{number}-{field}").fill(value)
        row.get_by_role("button", name="Periksa ulang").click()
        page.get_by_test_id("import-counts").wait_for()
    assert "0 dengan kesalahan" in page.get_by_test_id("import-counts").inner_text()

    returning = page.locator(f"#baris-{RETURNING_ROW}")
    assert returning.get_by_test_id("maybe-returning").is_visible()
    page.get_by_role("button", name="Simpan semua").click()

    assert page.get_by_test_id("case-count").inner_text().startswith("300 orang terdaftar")
    assert "1 pernah datang sebelumnya" in page.get_by_test_id("case-count").inner_text()
    assert page.get_by_test_id("returning").count() == 1
    assert Case.objects.filter(batch=batch).count() == 300
    assert Case.objects.get(batch=batch, is_returning=True).person.full_name == name.upper()
