"""After the demo, the dashboard shows the July 2020 report's figures."""

import pytest

from pulang.demo.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_tells_the_2020_story(page):
    demo_load(people=20, story_2020=True)
    page.goto("/laporan/?dari=2020-01-01&sampai=2020-07-02")
    page.get_by_label("Nama pengguna").fill("analis.pusat")
    page.get_by_label("Sandi").fill("pulang-demo-2026")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_test_id("returned-home").inner_text() == "4340"
    assert page.get_by_test_id("in-shelters").inner_text() == "157"
    assert "RPTC Tanjung Pinang" in page.content()
