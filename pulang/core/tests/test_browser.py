import pytest

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
