import hmac
import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import TOKEN_PREFIX, ApiToken, token_hash

KEY_ID = re.compile(r"[0-9a-f]{12}")  # ApiToken.new_secret's token_hex(6)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer pul_…` — a partner system's token, bound to a service account."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in {"bearer", "token"}:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Format token tidak valid."))
        token = header[1]
        key_id = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
        if not KEY_ID.fullmatch(key_id):  # e.g. a NUL, which PostgreSQL refuses (a 500)
            raise exceptions.AuthenticationFailed(_("Format token tidak valid."))
        record = ApiToken.objects.select_related("user").filter(key_id=key_id).first()
        if record is None or not hmac.compare_digest(record.key_hash, token_hash(token)):
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal."))
        if not record.user.is_service_account:
            # Staff log in with a second factor; a token must never be a way around it.
            raise exceptions.AuthenticationFailed(_("Token hanya berlaku untuk akun sistem mitra."))
        if not record.is_live or not record.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token sudah dicabut atau kedaluwarsa."))
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        return record.user, record

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
