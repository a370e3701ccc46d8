from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record

from .models import ApiToken, token_hash


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str, days: int | None = 365) -> str:
    """Issue a token for a service account; returns the token, which is never shown again."""
    if not user.is_service_account:
        raise ValueError(
            "API tokens are for service accounts only: staff log in with a second factor."
        )
    key_id, token = ApiToken.new_secret()
    record = ApiToken.objects.create(
        user=user,
        name=name,
        key_id=key_id,
        key_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=record, summary=name)
    return token


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=AuditEvent.Action.CHANGE, target=token, summary="revoked")
