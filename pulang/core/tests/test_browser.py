import pytest
from playwright.sync_api import expect

from pulang.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_language_and_the_greeting_changes(page):
    UserFactory(username="sari", first_name="Sari")
    page.goto("/")
    page.get_by_label("Nama pengguna").fill("sari")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    greeting = page.get_by_test_id("greeting")
    assert greeting.inner_text() == "Selamat datang, Sari"

    page.get_by_test_id("lang-en").click()
    assert page.get_by_test_id("greeting").inner_text() == "Welcome, Sari"
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_test_id("lang-id").click()
    assert page.get_by_test_id("greeting").inner_text() == "Selamat datang, Sari"


def test_a_social_worker_must_give_the_second_factor_before_seeing_names(page):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pulang.access.roles import Role
    from pulang.people.tests.factories import PersonFactory

    worker = UserFactory(username="peksos", first_name="Sari", roles=[Role.SHELTER_SOCIAL_WORKER])
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    PersonFactory(full_name="Siti Aminah binti Ahmad", registered_by=worker.agency)

    page.goto("/orang/")
    page.get_by_label("Nama pengguna").fill("peksos")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_contain_text("Verifikasi dua langkah")
    assert "Siti Aminah" not in page.content()

    page.get_by_label("Kode 6 angka").fill("000000")
    page.get_by_role("button", name="Lanjutkan").click()
    # The answer is a new page: wait for it, rather than read the one being left.
    expect(page.get_by_text("Kode salah")).to_be_visible()

    # django-otp backs off after a wrong code; wait it out as a person would.
    page.wait_for_timeout(1100)
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("link", name="Siti Aminah binti Ahmad")).to_be_visible()


def test_on_a_phone_the_lists_scroll_in_their_own_box_not_the_whole_page(page):
    """At 375px, a wide table (the case list has eight columns) used to push the whole page
    sideways: the menu, the filters and the headings all slid off with it."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pulang.access.roles import Role
    from pulang.cases.tests.factories import CaseFactory

    worker = UserFactory(username="peksos", roles=[Role.SHELTER_SOCIAL_WORKER])
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    CaseFactory(owning_agency=worker.agency, person__full_name="Siti Aminah binti Ahmad")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/kasus/")
    page.get_by_label("Nama pengguna").fill("peksos")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("link", name="Siti Aminah binti Ahmad")).to_be_visible()

    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways == 0, f"the page scrolls {sideways}px sideways"
    table = page.locator("main table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth"), "the table scrolls itself"
    expect(page.get_by_role("heading", name="Kasus")).to_be_in_viewport()
