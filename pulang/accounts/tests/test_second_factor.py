import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.access.roles import Role
from pulang.accounts.tests.factories import PASSWORD, UserFactory
from pulang.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def code_for(secret_b32: str) -> str:
    key = b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key):06d}"


def log_in(client, username):
    return client.post("/akun/masuk/", {"username": username, "password": PASSWORD})


def test_first_login_of_a_name_seeing_role_enrols_an_authenticator(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between the wrong and the right code
    UserFactory(username="peksos", roles=[Role.SHELTER_SOCIAL_WORKER])
    log_in(client, "peksos")
    response = client.get("/orang/")
    assert response.status_code == 302 and "/akun/dua-langkah/daftar/" in response["Location"]
    page = client.get(response["Location"]).text
    assert "<svg" in page  # the QR code
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', page).group(1)

    wrong = client.post("/akun/dua-langkah/daftar/", {"code": "000000", "next": "/orang/"})
    assert "Kode salah" in wrong.text
    done = client.post("/akun/dua-langkah/daftar/", {"code": code_for(secret), "next": "/orang/"})
    assert done.status_code == 302 and done["Location"] == "/orang/"
    assert client.get("/orang/").status_code == 200
    assert TOTPDevice.objects.get(user__username="peksos").confirmed
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SECOND_FACTOR, summary="authenticator enrolled"
    ).exists()


def test_later_logins_ask_for_the_code(client):
    user = UserFactory(username="kepala", roles=[Role.SHELTER_HEAD])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    log_in(client, "kepala")
    response = client.get("/")
    assert "/akun/dua-langkah/?next=/" in response["Location"]
    assert client.get("/wilayah/").status_code == 302  # nothing else opens before the code
    client.post("/akun/dua-langkah/", {"code": f"{totp(device.bin_key):06d}", "next": "/"})
    assert client.get("/").status_code == 200


def test_aggregate_only_role_needs_no_second_factor(client):
    UserFactory(username="analis", roles=[Role.HQ_ANALYST])
    log_in(client, "analis")
    assert client.get("/").status_code == 200


def test_repeated_wrong_passwords_lock_the_login_for_a_while(client):
    UserFactory(username="sari", roles=[Role.HQ_ANALYST])
    for _ in range(5):
        client.post("/akun/masuk/", {"username": "sari", "password": "salah"})
    locked = log_in(client, "sari")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.text
    assert client.get("/").status_code == 302  # still not logged in


def test_service_accounts_cannot_use_the_pages(client):
    UserFactory(
        username="sistem.mitra", roles=[Role.MIGRANT_PROTECTION_OFFICER], is_service_account=True
    )
    response = log_in(client, "sistem.mitra")
    assert response.status_code == 200
    assert "hanya dapat memakai API" in response.text
