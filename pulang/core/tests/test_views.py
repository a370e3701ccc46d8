import json
import logging
import re

import pytest
from django.urls import reverse

from pulang.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_health_answers_ok_when_database_and_queue_answer(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "queue": True}}


def test_health_answers_503_when_the_queue_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.RQ_QUEUES = {"default": {"URL": settings.REDIS_URL}}
    response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] is False


def test_every_response_carries_a_request_id_and_logs_carry_it(client, caplog):
    response = client.get(reverse("core:health"), HTTP_X_REQUEST_ID="lb-req-12345678")
    assert response["X-Request-ID"] == "lb-req-12345678"
    # A malformed incoming id is replaced, never echoed.
    response = client.get(reverse("core:health"), HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32

    from pulang.core.logging import JsonFormatter, RequestIdFilter

    caplog.set_level(logging.WARNING, logger="django.request")
    client.get("/tidak-ada/", HTTP_X_REQUEST_ID="trace-abcdef12")
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-abcdef12"
    assert line["level"] == "WARNING"


def test_unknown_page_is_an_indonesian_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text


def test_language_switch_translates_our_strings_and_djangos(client):
    client.force_login(UserFactory(first_name="Sari"))
    assert "Selamat datang, Sari" in client.get(reverse("core:home")).text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Welcome, Sari" in client.get(reverse("core:home")).text
    client.post(reverse("accounts:logout"))
    login_page = client.get(reverse("accounts:login")).text
    assert "Log in to Pulang" in login_page
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    login_page = client.get(reverse("accounts:login")).text
    assert "Masuk ke Pulang" in login_page
    assert "Nama pengguna" in login_page  # Django's own form label, translated by Django


def test_static_files_are_served_without_a_separate_web_server(client):
    # whitenoise serves what collectstatic gathered; in tests the finders serve it.
    response = client.get("/static/pulang/pulang.css")
    assert response.status_code == 200


def test_an_english_browser_still_gets_indonesian_until_the_user_switches(client):
    client.force_login(UserFactory(first_name="Sari"))
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Selamat datang, Sari" in response.text
    assert response["Content-Language"] == "id"


def test_the_home_page_offers_each_role_its_next_steps(client, login_verified):
    """The home page used to say only that pages for the role 'will appear here': a dead end
    for someone on their first day."""
    from pulang.access.roles import Role

    login_verified(client, UserFactory(roles=[Role.SHELTER_SOCIAL_WORKER]))
    body = client.get(reverse("core:home")).text
    assert "akan tampil di sini" not in body
    assert 'href="/kedatangan/baru/"' in body, "record a batch that just arrived"
    assert 'href="/shelter/"' in body
    assert 'action="/orang/"' in body and 'name="q"' in body, "search someone by name"
    assert 'href="/laporan/"' not in body

    client.force_login(UserFactory(roles=[Role.HQ_ANALYST]))
    body = client.get(reverse("core:home")).text
    assert 'href="/laporan/"' in body
    assert 'href="/kedatangan/baru/"' not in body and 'action="/orang/"' not in body


def test_an_office_that_follows_people_up_starts_from_its_follow_ups(client, login_verified):
    """A regional social office's home page led with "record a batch that just arrived",
    which it never does; its follow-ups were the last button."""
    from pulang.access.roles import Role

    for role in (Role.REGIONAL_SOCIAL_OFFICER, Role.MIGRANT_PROTECTION_OFFICER):
        login_verified(client, UserFactory(roles=[role]))
        steps = client.get(reverse("core:home")).text.split('data-testid="next-steps"')[1]
        first = re.search(r'<a class="([^"]*)" href="([^"]*)"', steps)
        assert first is not None and first.groups() == ("button-link primary", "/tindak-lanjut/")
        assert 'href="/rujukan/"' in steps
        assert 'href="/kedatangan/baru/"' not in steps
