"""Second-factor enrolment and verification, each recorded in the audit trail."""

from base64 import b32encode
from typing import Any

from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record


def otp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def otp_secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


@transaction.atomic
def otp_enrol_confirm(*, request: Any, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SECOND_FACTOR,
            target=request.user,
            summary="enrolment code rejected",
        )
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SECOND_FACTOR,
        target=request.user,
        summary="authenticator enrolled",
    )
    return True


@transaction.atomic
def otp_verify(*, request: Any, code: str) -> bool:
    device = match_token(request.user, code)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SECOND_FACTOR,
        target=request.user,
        summary="code accepted" if device else "code rejected",
    )
    if device is None:
        return False
    otp_login(request, device)
    return True
