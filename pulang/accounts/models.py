from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pulang.access.roles import (
    SECOND_FACTOR_CAPABILITIES,
    Capability,
    Role,
    capabilities_of,
    role_choices,
)


def validate_roles(value: object) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or any(role not in Role.__members__.values() for role in value):
        raise ValidationError(_("Peran tidak dikenal."))


class User(AbstractUser):
    """A member of staff or a partner system. Belongs to one agency, through which records
    become visible, and holds roles that grant capabilities (pulang/access/roles.py)."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    roles = models.JSONField(
        _("peran"),
        default=list,
        blank=True,
        validators=[validate_roles],
        help_text=format_lazy(
            _("Satu atau lebih dari: {roles}"), roles=", ".join(role.value for role in Role)
        ),
    )
    is_service_account = models.BooleanField(
        _("akun sistem mitra"),
        default=False,
        help_text=_(
            "Akun untuk sistem mitra yang memakai API dengan token; tidak bisa masuk ke halaman."
        ),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def capabilities(self) -> frozenset[Capability]:
        if not self.is_active:
            return frozenset()
        return capabilities_of(self.roles or [])

    def has_capability(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.capabilities & SECOND_FACTOR_CAPABILITIES)

    def role_labels(self) -> list[str]:
        labels = dict(role_choices())
        return [str(labels.get(role, role)) for role in self.roles or []]
