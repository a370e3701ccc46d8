import hashlib
import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One thing someone did or saw, kept forever and chained by hash to the event before it.

    The chain makes tampering evident: change or remove a row and `pulang audit-verify` names
    the first event whose hash no longer follows.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Membuat")
        CHANGE = "change", _("Mengubah")
        TRANSITION = "transition", _("Mengubah status")
        VIEW = "view", _("Melihat data identitas")
        SEARCH = "search", _("Mencari")
        REVEAL = "reveal", _("Membuka nomor identitas")
        EXPORT = "export", _("Mengekspor")
        LOGIN = "login", _("Masuk")
        LOGIN_FAILED = "login_failed", _("Gagal masuk")
        LOGOUT = "logout", _("Keluar")
        SECOND_FACTOR = "second_factor", _("Faktor kedua")
        DENIED = "denied", _("Akses ditolak")

    occurred_at = models.DateTimeField(_("waktu"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    agency_id_at_time = models.BigIntegerField(_("instansi"), null=True, blank=True)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("jenis data"), max_length=60, blank=True)
    object_id = models.CharField(_("id data"), max_length=64, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=300, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    request_id = models.CharField(_("id permintaan"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("peristiwa audit")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit events are append-only")

    def content(self) -> dict[str, Any]:
        """What the hash covers: everything but the id and the hash itself."""
        return event_content(self._values())

    def compute_hash(self) -> str:
        return event_hash(self._values())

    def _values(self) -> dict[str, Any]:
        return {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}


def event_content(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an event's hash covers, from its field values by attname (`actor_id`), as kept
    on an instance or in a row about to be written."""
    return {
        "occurred_at": values["occurred_at"].astimezone(UTC).isoformat(),
        "actor_id": values["actor_id"],
        "actor_username": values["actor_username"],
        "agency_id": values["agency_id_at_time"],
        "action": values["action"],
        "object_type": values["object_type"],
        "object_id": values["object_id"],
        "summary": values["summary"],
        "changes": values["changes"],
        "ip_address": values["ip_address"],
        "request_id": values["request_id"],
        "prev_hash": values["prev_hash"],
    }


def event_hash(values: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        event_content(values), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
