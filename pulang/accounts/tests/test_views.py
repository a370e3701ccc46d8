from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_then_greeting_then_logout(client):
    user = UserFactory(username="sari", first_name="Sari")
    response = client.post(reverse("accounts:login"), {"username": "sari", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert "Selamat datang, Sari" in home.text
    assert str(user.agency) in home.text
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_shows_an_indonesian_error(client):
    UserFactory(username="sari")
    response = client.post(reverse("accounts:login"), {"username": "sari", "password": "salah"})
    assert response.status_code == 200
    assert "nama pengguna dan sandi yang benar" in response.text.lower()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_session_ends_after_inactivity(client, settings):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("core:home")).status_code == 200
    # Every request renews the session; one left idle past its age is gone.
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 60
    )
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change_rejects_weak_password_field_by_field(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:password_change")
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    assert 'class="field-error"' in response.text
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "rumah-panggung-biru-77",
            "new_password2": "rumah-panggung-biru-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("rumah-panggung-biru-77")
