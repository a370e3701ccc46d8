from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pulang.access.scope import naming_agency
from pulang.core.progress import stalled


class ArrivalBatchQuerySet(QuerySet["ArrivalBatch"]):
    def visible_to(self, user: Any) -> "ArrivalBatchQuerySet":
        """Batches of the user's own agency (a batch lists names, so name-seeing roles only)."""
        agency_id = naming_agency(user)
        return self.none() if agency_id is None else self.filter(receiving_agency_id=agency_id)


class ArrivalBatch(models.Model):
    """People deported together: one ship, bus or flight, usually with one consulate list."""

    class EntryPoint(models.TextChoices):
        TANJUNG_PINANG = "tanjung_pinang", _("Tanjung Pinang (Pelabuhan Sri Bintan Pura)")
        BATAM = "batam", _("Batam")
        DUMAI = "dumai", _("Dumai")
        ENTIKONG = "entikong", _("Entikong (PLBN)")
        PONTIANAK = "pontianak", _("Pontianak")
        NUNUKAN = "nunukan", _("Nunukan")
        JAKARTA_AIR = "jakarta_air", _("Jakarta (Bandara Soekarno-Hatta)")
        TANJUNG_PRIOK = "tanjung_priok", _("Jakarta (Pelabuhan Tanjung Priok)")
        OTHER = "other", _("Lainnya")

    class Transport(models.TextChoices):
        SHIP = "ship", _("Kapal")
        LAND = "land", _("Darat (bus)")
        AIR = "air", _("Pesawat")

    reference = models.CharField(_("nomor rombongan"), max_length=40, unique=True)
    deporting_country = models.CharField(_("negara yang mendeportasi"), max_length=2, default="MY")
    detention_depot = models.CharField(_("depot tahanan imigrasi"), max_length=200, blank=True)
    consulate = models.CharField(_("perwakilan RI (KBRI/KJRI)"), max_length=200, blank=True)
    consulate_letter_number = models.CharField(
        _("nomor surat perwakilan"), max_length=100, blank=True
    )
    entry_point = models.CharField(_("tempat masuk"), max_length=30, choices=EntryPoint.choices)
    transport = models.CharField(_("moda transportasi"), max_length=10, choices=Transport.choices)
    arrived_at = models.DateTimeField(_("waktu tiba"))
    escort = models.CharField(_("pendamping"), max_length=200, blank=True)
    expected_count = models.PositiveIntegerField(
        _("jumlah orang menurut surat"), null=True, blank=True
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi penerima"),
        on_delete=models.PROTECT,
        related_name="arrival_batches",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArrivalBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("rombongan kedatangan")
        verbose_name_plural = _("rombongan kedatangan")
        ordering = ["-arrived_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_entry_point_display()}, {self.arrived_at:%d/%m/%Y})"


def manifest_upload_path(instance: "ManifestImport", filename: str) -> str:
    return f"manifests/{instance.batch_id}/{instance.sha256[:16]}-{filename[-80:]}"


class ManifestImport(models.Model):
    """One uploaded manifest file, kept with its batch, and what became of each row."""

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Sedang diperiksa")
        PREVIEWED = "previewed", _("Siap ditinjau")
        COMMITTING = "committing", _("Sedang disimpan")
        COMMITTED = "committed", _("Tersimpan")
        FAILED = "failed", _("Gagal")
        # A preview the worker threw away (the wrong file, a list sent again corrected).
        DISCARDED = "discarded", _("Dibuang")

    batch = models.ForeignKey(
        ArrivalBatch,
        verbose_name=_("rombongan"),
        on_delete=models.PROTECT,
        related_name="manifest_imports",
    )
    file = models.FileField(_("berkas"), upload_to=manifest_upload_path)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    # The sheet of a workbook this import reads ("" for CSV, or the one found by itself): a
    # workbook with a list on each of several sheets is imported once per sheet.
    sheet = models.CharField(_("lembar"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWING
    )
    # The uploader's language: the check runs in the background, and writes its messages in it.
    language = models.CharField(_("bahasa"), max_length=10, default="id")
    progress = models.PositiveIntegerField(default=0)
    # When the check last moved (started, or read another part of the file): a check that
    # stops moving has lost its worker (`stalled`).
    progressed_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    # The preview: every row with its values, issues and duplicate candidates.
    preview = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor manifest")
        verbose_name_plural = _("impor manifest")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.batch.reference}"

    @property
    def stalled(self) -> bool:
        """A check that stopped moving (`pulang.core.progress`): its process stopped, or no
        worker has taken it from the queue."""
        if self.status != self.Status.PREVIEWING:
            return False
        return stalled(self.progressed_at or self.created_at)
