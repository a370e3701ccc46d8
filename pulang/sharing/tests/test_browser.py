"""Empowerment across agencies in a browser: a ministry worker refers a returned person to the
migrant-protection agency's regional unit; its officer accepts, sees only what the agreement
allows, enrols the person in a business-capital programme and records the 1-month follow-up."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.accounts.tests.factories import PASSWORD
from pulang.cases.models import Case
from pulang.empowerment.models import Enrolment, FollowUp

from .helpers import sharing_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()


def test_referral_to_the_regional_unit_enrolment_and_first_follow_up(page):
    world = sharing_world(categories=("identity", "case_summary"))
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.RETURNED)

    page.goto(f"/kasus/{world.case.pk}/")
    log_in(page, world.worker)
    page.get_by_role("link", name="Persetujuan", exact=True).click()
    page.get_by_label("Tujuan").select_option("empowerment")
    page.get_by_label("Dasar hukum").select_option("consent")
    page.get_by_role("button", name="Catat persetujuan").click()
    assert "Persetujuan dicatat" in page.locator(".messages").inner_text()
    page.goto(f"/kasus/{world.case.pk}/")
    page.get_by_role("link", name="Rujuk ke instansi lain").click()
    page.get_by_label("Rujuk ke").select_option(label="BP3MI Nusa Tenggara Barat")
    page.get_by_label("Tujuan").select_option("empowerment")
    page.get_by_label("Catatan untuk instansi penerima").fill("Ingin membuka warung di desa.")
    page.get_by_role("button", name="Kirim rujukan").click()
    assert "Kasus dirujuk ke BP3MI Nusa Tenggara Barat" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Keluar").click()

    page.goto("/rujukan/")
    log_in(page, world.officer)
    page.get_by_test_id("waiting").get_by_role("link", name="Siti Rahmawati").click()
    fields = page.get_by_test_id("person-fields").inner_text()
    assert "Siti Rahmawati" in fields
    assert "di luar perjanjian" in fields, "contact details are outside the agreement"
    body = page.content()
    for secret in ("+6281234567890", "5203014101900001", "Catatanmedis Rahasia", "Kisah Rahasia"):
        assert secret not in body, secret

    page.get_by_role("button", name="Terima rujukan").click()
    assert page.get_by_test_id("referral-status").inner_text() == "Diterima"
    page.get_by_label("Program").select_option(label="Bantuan modal usaha NTB")
    page.get_by_label("Jumlah (Rp)").fill("5000000")
    page.get_by_role("button", name="Daftarkan", exact=True).click()
    assert "Bantuan modal usaha NTB" in page.get_by_test_id("enrolments").inner_text()
    assert page.get_by_test_id("followups").locator("tbody tr").count() == 4

    page.get_by_test_id("followups").get_by_role("link", name="Catat").first.click()
    page.get_by_label("Berhasil dihubungi?").select_option("yes")
    page.get_by_label("Penghasilan sebulan (Rp)").fill("1500000")
    page.get_by_label("Usaha berjalan?").select_option("yes")
    page.get_by_label("Ingin bekerja ke luar negeri lagi?").select_option("no")
    page.get_by_label("Pengetahuan migrasi aman").select_option("good")
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    assert "Tindak lanjut dicatat" in page.locator(".messages").inner_text()

    enrolment = Enrolment.objects.get(case=world.case)
    assert enrolment.amount == 5000000 and enrolment.enrolled_by == world.officer
    first = FollowUp.objects.get(case=world.case, months_after=1)
    assert first.reached and first.business_running and first.monthly_income == 1500000
