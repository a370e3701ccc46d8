from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """An organisation whose staff use Pulang; records belong to agencies, users to one agency."""

    class Kind(models.TextChoices):
        MINISTRY_UNIT = "ministry_unit", _("Unit kementerian")
        SHELTER_OPERATOR = "shelter_operator", _("Pengelola shelter")
        MIGRANT_PROTECTION = "migrant_protection", _("Badan pelindungan pekerja migran (pusat)")
        MIGRANT_PROTECTION_REGIONAL = (
            "migrant_protection_regional",
            _("Unit daerah pelindungan pekerja migran"),
        )
        REGIONAL_SOCIAL_OFFICE = "regional_social_office", _("Dinas Sosial daerah")
        POLICE = "police", _("Kepolisian")
        VICTIM_PROTECTION = "victim_protection", _("Lembaga perlindungan saksi dan korban")
        PARTNER = "partner", _("Mitra internasional/LSM")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=40, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, null=True
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShelterQuerySet(QuerySet["Shelter"]):
    def visible_to(self, user: Any) -> "ShelterQuerySet":
        """The scoping chokepoint for shelters (pulang/access/scope.py)."""
        from pulang.access.scope import shelter_scope

        scope = shelter_scope(user)
        return self.none() if scope is None else self.filter(scope)


class Shelter(models.Model):
    """A place where deported people stay before going home, run by an agency."""

    class Kind(models.TextChoices):
        RPTC = "rptc", _("RPTC (Rumah Perlindungan dan Trauma Center)")
        BALAI = "balai", _("Balai")
        POS = "pos", _("Pos pemulangan")
        SENTRA = "sentra", _("Sentra")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("instansi pengelola"),
        on_delete=models.PROTECT,
        related_name="shelters",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, null=True
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    capacity_men = models.PositiveIntegerField(_("kapasitas laki-laki"), default=0)
    capacity_women = models.PositiveIntegerField(_("kapasitas perempuan"), default=0)
    capacity_children = models.PositiveIntegerField(_("kapasitas anak"), default=0)

    objects = ShelterQuerySet.as_manager()

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def capacity_total(self) -> int:
        return self.capacity_men + self.capacity_women + self.capacity_children
