from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pulang.core.progress import stalled


class ExportJobQuerySet(QuerySet["ExportJob"]):
    def owned_by(self, user: Any) -> "ExportJobQuerySet":
        """An export is its owner's alone: nobody else sees the job or downloads its file."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner_id=user.pk)


def export_upload_path(job: "ExportJob", filename: str) -> str:
    return f"exports/{timezone.now():%Y/%m}/{job.pk or 'new'}-{filename}"


class ExportJob(models.Model):
    """A list export too large to write in the request: a background task writes the file in
    chunks while the owner watches its progress, then the owner alone may download it."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("Daftar orang")
        CASES = "cases", _("Daftar kasus")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    # The owner's agency when the export was asked: the file holds that agency's list, so it
    # is written and downloaded only while the owner still belongs to it (`scope_left`).
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("lembaga"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("daftar"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The list's filters as its query string, so the job writes what the list showed.
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    language = models.CharField(_("bahasa"), max_length=10, default="id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("baris selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    file = models.FileField(_("berkas"), upload_to=export_upload_path, blank=True)
    error = models.TextField(_("galat"), blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # When the job last moved (claimed, or wrote another chunk): see `stalled`.
    progressed_at = models.DateTimeField(null=True, blank=True)
    # The file is removed PULANG_EXPORT_KEEP_DAYS after it was written (`export_files_expire`).
    file_removed_at = models.DateTimeField(_("berkas dihapus pada"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.format}) #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.agency_id is None and self.owner_id is not None:
            from django.contrib.auth import get_user_model

            owners = get_user_model().objects.filter(pk=self.owner_id)
            self.agency_id = owners.values_list("agency_id", flat=True).get()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("exports:job", kwargs={"job_id": self.pk})

    def scope_left(self, user: Any) -> bool:
        """Whether `user` (its owner) has left the agency whose list this is: moved to
        another agency since. The file is then neither written nor downloaded."""
        return self.agency_id != getattr(user, "agency_id", None)

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def stalled(self) -> bool:
        """A job that stopped moving (`pulang.core.progress`): its process stopped, or no
        worker has taken it from the queue."""
        return self.busy and stalled(self.progressed_at or self.created_at)

    @property
    def removes_at(self) -> Any:
        """When the file will be removed (None until it is written)."""
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(days=settings.PULANG_EXPORT_KEEP_DAYS)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def filename(self) -> str:
        return f"{self.kind}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.format}"
