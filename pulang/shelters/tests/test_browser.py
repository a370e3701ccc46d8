"""A day in the shelter: admit a batch, a lunch roll call with two absent, futsal attendance,
a trafficking screening, and a second worker's review of the determination."""

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.access.roles import Role
from pulang.accounts.tests.factories import PASSWORD, UserFactory
from pulang.agencies.tests.factories import ShelterFactory
from pulang.arrivals.tests.factories import BatchFactory
from pulang.cases.models import Case, Screening
from pulang.cases.tests.factories import CaseFactory
from pulang.shelters.models import ActivityKind, ActivitySession, Attendance, Provision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()


def test_a_day_in_the_shelter(page):
    # A transactional test's database is flushed between tests, seeded kinds included.
    ActivityKind.objects.get_or_create(
        code="sport-futsal", defaults={"name": "Futsal", "group": "sport"}
    )
    worker = UserFactory(username="peksos", roles=[Role.SHELTER_SOCIAL_WORKER])
    head = UserFactory(username="kepala", roles=[Role.SHELTER_HEAD], agency=worker.agency)
    shelter = ShelterFactory(
        agency=worker.agency, name="RPTC Tanjung Pinang", capacity_men=20, capacity_women=20
    )
    batch = BatchFactory(receiving_agency=worker.agency, reference="TPI-20261128-01")
    cases = [
        CaseFactory(
            owning_agency=worker.agency,
            batch=batch,
            person__full_name=f"Penghuni {letter} Uji",
            person__sex="F" if index % 2 else "M",
        )
        for index, letter in enumerate("ABCDEFGHIJKL")
    ]

    page.goto(f"/shelter/{shelter.pk}/terima/")
    log_in(page, worker)
    page.get_by_test_id(f"admit-batch-{batch.pk}").click()
    assert page.get_by_test_id("present-total").inner_text() == "12"
    assert page.get_by_test_id("resident").count() == 12

    # Lunch: everyone is ticked; two are out at the clinic.
    page.get_by_role("link", name="Layanan harian").first.click()
    page.get_by_label("Penghuni B Uji").uncheck()
    page.get_by_label("Penghuni C Uji").uncheck()
    page.get_by_label("Absen makan").select_option("lunch")
    page.get_by_role("button", name="Simpan absen makan").click()
    assert "10 orang makan, 2 tidak hadir" in page.locator(".messages").inner_text()
    assert "Makan siang: 10" in page.get_by_test_id("served").inner_text()
    lunch = Provision.objects.filter(kind="lunch", provided_on=timezone.localdate())
    assert lunch.count() == 10
    assert not lunch.filter(stay__case__person__full_name__in=["Penghuni B Uji", "Penghuni C Uji"])

    # Futsal in the afternoon: three play.
    page.get_by_role("link", name="Kegiatan", exact=True).click()
    page.get_by_label("Kegiatan:", exact=True).select_option(label="Futsal")
    page.get_by_label("Waktu").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fasilitator").fill("Pak Darto")
    # On a slow line a worker clicks again while the first click is on its way: the form is
    # sent once, and one session is made, not two.
    sent = []  # held until both clicks are done
    page.route("**/kegiatan/baru/", lambda route: sent.append(route))
    box = page.get_by_role("button", name="Buat sesi").bounding_box()
    for _ in range(2):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
    assert len(sent) == 1
    sent[0].continue_()
    page.wait_for_url("**/shelter/kegiatan/*/")
    assert ActivitySession.objects.count() == 1
    for name in ("Penghuni A Uji", "Penghuni D Uji", "Penghuni E Uji"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    assert page.get_by_test_id("attendance-count").inner_text() == "3 hadir"
    assert Attendance.objects.count() == 3

    # A screening of A: recruited by an unlicensed agent, passport held, forced labour.
    case = cases[0]
    page.goto(f"/kasus/{case.pk}/")
    page.get_by_role("link", name="Skrining perdagangan orang").click()
    page.get_by_label("Cara direkrut").select_option("unlicensed_agent")
    page.get_by_label("Hubungan dengan perekrut").select_option("other")
    page.get_by_label("Dokumen ditahan").check()
    page.get_by_label("Jeratan utang").check()
    page.get_by_label("Kerja paksa").check()
    page.get_by_label("Sektor pekerjaan").select_option("agriculture")
    page.get_by_label("Penetapan:", exact=True).select_option("presumed")
    page.get_by_role("button", name="Simpan skrining").click()
    assert "belum ditinjau" in page.get_by_test_id("determination").inner_text()
    assert page.get_by_test_id("review-link").count() == 0, "nobody reviews their own screening"
    timeline = page.get_by_test_id("timeline").inner_text()
    for line in (
        "Tiba dengan rombongan TPI-20261128-01",
        "Masuk RPTC Tanjung Pinang",
        "Makan siang",
        "Mengikuti Futsal",
        "Skrining perdagangan orang",
    ):
        assert line in timeline, line

    page.goto(f"/shelter/{shelter.pk}/?tanda=trafficking")
    assert page.get_by_test_id("resident").count() == 1

    # The shelter head reviews it.
    page.get_by_role("button", name="Keluar").click()
    page.goto(f"/kasus/{case.pk}/")
    log_in(page, head)
    page.get_by_test_id("review-link").click()
    page.get_by_label("Penetapan setelah ditinjau").select_option("confirmed")
    page.get_by_label("Catatan peninjauan").fill("Paspor ditahan majikan; upah tidak dibayar.")
    page.get_by_role("button", name="Simpan peninjauan").click()
    assert page.get_by_test_id("determination").inner_text() == "Korban (terkonfirmasi)"
    assert "Skrining ditinjau" in page.get_by_test_id("timeline").inner_text()
    screening = Screening.objects.get(case=case)
    assert (screening.screened_by, screening.reviewed_by) == (worker, head)
    assert Case.objects.filter(status=Case.Status.IN_SHELTER).count() == 12
