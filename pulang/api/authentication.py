import hmac
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import TOKEN_PREFIX, ApiToken, token_hash


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
        record = ApiToken.objects.select_related("user").filter(key_id=key_id).first()
        if record is None or not hmac.compare_digest(record.key_hash, token_hash(token)):
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal."))
        if not record.is_live or not record.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token sudah dicabut atau kedaluwarsa."))
        if record.last_used_at is None or (timezone.now() - record.last_used_at).seconds > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        return record.user, record

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
