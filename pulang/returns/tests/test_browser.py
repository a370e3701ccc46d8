"""The way home in a browser: a trip for 25 people to three regencies, departure, three group
handovers with their PDFs, and the public check of a handover record."""

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pypdf import PdfReader

from pulang.accounts.tests.factories import PASSWORD
from pulang.cases.models import Case
from pulang.returns.models import Handover

from .helpers import residents_going_home, return_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shelter_head_sends_25_people_home_to_three_regencies(page, tmp_path):
    world = return_world()
    cases = residents_going_home(world, {"52.03": 10, "52.02": 8, "35.27": 7})
    device = TOTPDevice.objects.create(user=world.head, name="phone", confirmed=True)

    page.goto(f"/pulang/shelter/{world.shelter.pk}/perjalanan-baru/")
    page.get_by_label("Nama pengguna").fill("kepala")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()

    for case in cases:
        page.get_by_label(case.person.full_name).check()
    page.get_by_label("Tujuan perjalanan").fill("NTB dan Jawa Timur")
    page.get_by_label("Moda transportasi").select_option("ship")
    page.get_by_label("Pendamping").fill("Pak Darto")
    page.get_by_label("Rencana berangkat").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Buat perjalanan").click()
    assert page.get_by_test_id("member-count").inner_text() == "25"

    with page.expect_download() as manifest:
        page.get_by_test_id("manifest-pdf").click()
    manifest_text = PdfReader(manifest.value.path()).pages[0].extract_text()
    assert "DAFTAR PESERTA PERJALANAN PULANG" in manifest_text

    page.get_by_role("button", name="Catat keberangkatan").click()
    assert "rencana" not in page.get_by_test_id("departure").inner_text()
    assert Case.objects.filter(status=Case.Status.IN_TRANSIT).count() == 25

    receivers = {
        "Kab. Lombok Tengah": "Lalu Ahmad",
        "Kab. Lombok Timur": "Baiq Rahmi",
        "Kab. Sampang": "Moh. Hasan",
    }
    groups = page.get_by_test_id("handover-group")
    for left in (2, 1, 0):
        group = groups.first
        heading = group.get_by_role("heading").inner_text()
        regency = heading.removeprefix("Serah terima di ")
        group.get_by_label("Nama penerima").fill(receivers[regency])
        group.get_by_label("Hubungan keluarga atau jabatan penerima").fill("Kepala Seksi")
        group.get_by_label("Nama saksi").fill("Baiq Nurul")
        group.get_by_label("Tempat serah terima").fill(f"Kantor Dinas Sosial {regency}")
        group.get_by_role("button", name="Catat serah terima").click()
        expect(groups).to_have_count(left)  # the recorded group is gone from the new page
        assert "dicatat untuk" in page.locator(".messages").inner_text()
    assert Case.objects.filter(status=Case.Status.RETURNED).count() == 25

    links = page.get_by_test_id("handover-pdf")
    assert links.count() == 3
    for index in range(3):
        with page.expect_download() as download:
            links.nth(index).click()
        path = tmp_path / f"bast-{index}.pdf"
        download.value.save_as(path)
        text = " ".join(p.extract_text() for p in PdfReader(path).pages)
        number = links.nth(index).inner_text()
        assert number in text and "BERITA ACARA SERAH TERIMA" in text
    handover = Handover.objects.get(receiver_name="Moh. Hasan")
    assert handover.members.count() == 7 and handover.receiving_agency == world.offices["35.27"]

    page.get_by_role("button", name="Keluar").click()
    page.goto("/verifikasi/")
    page.get_by_label("Kode verifikasi").fill(handover.verification_code.lower())
    page.get_by_role("button", name="Periksa").click()
    result = page.get_by_test_id("verify-result").inner_text()
    assert "Dokumen asli" in result and handover.number in result
    assert "Pulang 35.27" not in page.content(), "the check shows no names"
    code = handover.verification_code
    altered = code[:5] + ("B" if code[5] != "B" else "C") + code[6:]
    page.get_by_label("Kode verifikasi").fill(altered)
    page.get_by_role("button", name="Periksa").click()
    assert "Kode tidak dikenal" in page.get_by_test_id("verify-result").inner_text()


def test_a_plan_shows_its_date_and_a_refused_handover_keeps_what_was_typed(page):
    """Found walking the way home in Indonesian: the return plan's date picker was empty when
    the plan was opened again, and a refused handover came back as an empty form."""
    from datetime import timedelta

    from pulang.returns.services import trip_depart, trip_plan

    world = return_world()
    first, second = residents_going_home(world, {"52.03": 2})
    trip = trip_plan(
        actor=world.head,
        shelter=world.shelter,
        cases=[first, second],
        destination="Lombok",
        transport="ship",
        escort="Pak Darto",
        planned_departure=timezone.now(),
    )
    trip_depart(actor=world.head, trip=trip)
    device = TOTPDevice.objects.create(user=world.head, name="phone", confirmed=True)

    page.goto(f"/pulang/rencana/{first.pk}/")
    page.get_by_label("Nama pengguna").fill("kepala")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_label("Rencana tanggal berangkat")).to_have_value("2026-12-01")

    page.goto(f"/pulang/perjalanan/{trip.pk}/")
    group = page.get_by_test_id("handover-group")
    group.get_by_label(second.person.full_name).uncheck()
    group.get_by_label("Nama penerima").fill("Lalu Ahmad")
    group.get_by_label("Hubungan keluarga atau jabatan penerima").fill("Kepala Seksi")
    group.get_by_label("Nama saksi").fill("Baiq Nurul")
    tomorrow = timezone.localtime() + timedelta(days=1)
    group.get_by_label("Waktu serah terima").fill(f"{tomorrow:%Y-%m-%dT%H:%M}")
    group.get_by_role("button", name="Catat serah terima").click()
    expect(page.locator(".messages")).to_contain_text("tidak boleh di masa depan")
    group = page.get_by_test_id("handover-group")
    expect(group.get_by_label("Nama penerima")).to_have_value("Lalu Ahmad")
    expect(group.get_by_label("Nama saksi")).to_have_value("Baiq Nurul")
    expect(group.get_by_label(second.person.full_name)).not_to_be_checked()
    expect(group.get_by_label(first.person.full_name)).to_be_checked()

    group.get_by_label("Waktu serah terima").fill("")
    group.get_by_role("button", name="Catat serah terima").click()
    expect(page.locator(".messages")).to_contain_text("dicatat untuk 1 orang")
    handover = Handover.objects.get()
    assert [m.case for m in handover.members.all()] == [first]
