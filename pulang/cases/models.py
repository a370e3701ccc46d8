from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pulang.access.scope import case_scope


class CaseQuerySet(QuerySet["Case"]):
    def visible_to(self, user: Any) -> "CaseQuerySet":
        """The scoping chokepoint for cases (pulang/access/scope.py)."""
        scope = case_scope(user)
        return self.none() if scope is None else self.filter(scope)


class Case(models.Model):
    """One episode of one person, from arrival to closure. A person deported again later gets
    a new case, linked to the earlier one, which is itself an outcome worth counting."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Terdaftar")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="cases"
    )
    owning_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    batch = models.ForeignKey(
        "arrivals.ArrivalBatch",
        verbose_name=_("rombongan kedatangan"),
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.REGISTERED
    )
    opened_at = models.DateTimeField(_("dibuka pada"))
    previous_case = models.ForeignKey(
        "self",
        verbose_name=_("kasus sebelumnya"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_returning = models.BooleanField(_("pernah dideportasi sebelumnya"), default=False)
    is_child = models.BooleanField(_("anak"), default=False)
    is_pregnant = models.BooleanField(_("hamil"), default=False)
    has_disability = models.BooleanField(_("disabilitas"), default=False)
    disability_note = models.CharField(_("keterangan disabilitas"), max_length=200, blank=True)
    is_ill = models.BooleanField(_("sakit"), default=False)
    illness_note = models.CharField(_("keterangan sakit"), max_length=200, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    manifest_import = models.ForeignKey(
        "arrivals.ManifestImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    manifest_row = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["owning_agency", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["manifest_import", "manifest_row"], name="case_once_per_manifest_row"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person}"
