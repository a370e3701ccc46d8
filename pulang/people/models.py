from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pulang.access.fields import DataCategory
from pulang.access.scope import person_scope


class PersonQuerySet(QuerySet["Person"]):
    def visible_to(self, user: Any) -> "PersonQuerySet":
        """The scoping chokepoint for people (pulang/access/scope.py)."""
        scope = person_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def matching(self, query: str) -> "PersonQuerySet":
        qs = self
        for word in query.split()[:5]:
            qs = qs.filter(full_name__icontains=word)
        return qs


class Person(models.Model):
    """A deported Indonesian citizen registered by an agency; one person may have many episodes.

    The arrivals work extends this with the full identity registry, contacts and next of kin.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Laki-laki")
        FEMALE = "F", _("Perempuan")

    class TravelDocument(models.TextChoices):
        PASSPORT = "passport", _("Paspor")
        SPLP = "splp", _("SPLP (Surat Perjalanan Laksana Paspor)")
        NONE = "none", _("Tidak ada")

    full_name = models.CharField(_("nama lengkap"), max_length=200)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    origin_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah asal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    travel_document = models.CharField(
        _("dokumen perjalanan"),
        max_length=10,
        choices=TravelDocument.choices,
        default=TravelDocument.NONE,
    )
    travel_document_number = models.CharField(
        _("nomor dokumen perjalanan"), max_length=30, blank=True
    )
    health_notes = models.TextField(_("catatan kesehatan"), blank=True)
    trafficking_account = models.TextField(_("keterangan perdagangan orang"), blank=True)
    registered_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi pencatat"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    # Which kind of personal data each field holds; pages and the API show fields through this.
    FIELD_CATEGORIES: dict[str, DataCategory] = {
        "full_name": DataCategory.IDENTITY,
        "sex": DataCategory.IDENTITY,
        "birth_date": DataCategory.IDENTITY,
        "origin_region": DataCategory.IDENTITY,
        "nik": DataCategory.IDENTITY_NUMBER,
        "travel_document": DataCategory.IDENTITY,
        "travel_document_number": DataCategory.IDENTITY_NUMBER,
        "health_notes": DataCategory.HEALTH,
        "trafficking_account": DataCategory.TRAFFICKING,
    }

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["registered_by", "full_name"])]

    def __str__(self) -> str:
        return self.full_name
