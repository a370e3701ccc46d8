"""Life in a shelter: stays, what is given to residents, and rehabilitation activities.

Every figure about a shelter is read from these dated rows: who was present on a date is the
set of stays admitted before the end of that day and not discharged by then.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pulang.access.scope import case_scope


class StayQuerySet(QuerySet["Stay"]):
    def visible_to(self, user: Any) -> "StayQuerySet":
        """Stays of the cases this user may see (pulang/access/scope.py)."""
        scope = case_scope(user)
        if scope is None:
            return self.none()
        from pulang.cases.models import Case

        return self.filter(case__in=Case.objects.filter(scope))

    def open(self) -> "StayQuerySet":
        return self.filter(discharged_at__isnull=True)


class Stay(models.Model):
    """A case in a shelter from admission to discharge. A case has at most one open stay; a
    transfer closes one stay and opens the next."""

    class DischargeReason(models.TextChoices):
        RETURNED_HOME = "returned_home", _("Dipulangkan ke daerah asal")
        TRANSFERRED = "transferred", _("Dipindahkan ke shelter lain")
        REFERRED_HOSPITAL = "referred_hospital", _("Dirujuk ke rumah sakit")
        REFERRED_POLICE = "referred_police", _("Dirujuk ke kepolisian")
        REFERRED_CHILD_PROTECTION = (
            "referred_child_protection",
            _("Dirujuk ke layanan perlindungan anak"),
        )
        REFUSED_SERVICES = "refused_services", _("Menolak layanan (surat pernyataan)")
        ABSCONDED = "absconded", _("Melarikan diri")
        DIED = "died", _("Meninggal")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="stays")
    shelter = models.ForeignKey(
        "agencies.Shelter",
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="stays",
    )
    admitted_at = models.DateTimeField(_("masuk"))
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    over_capacity_reason = models.CharField(
        _("alasan melebihi kapasitas"), max_length=300, blank=True
    )
    discharged_at = models.DateTimeField(_("keluar"), null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discharge_reason = models.CharField(
        _("alasan keluar"), max_length=30, choices=DischargeReason.choices, blank=True
    )
    discharge_note = models.CharField(_("keterangan keluar"), max_length=500, blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        verbose_name = _("masa tinggal")
        verbose_name_plural = _("masa tinggal")
        ordering = ["-admitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(discharged_at__isnull=True),
                name="one_open_stay_per_case",
            ),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(discharged_at__gte=models.F("admitted_at")),
                name="stay_discharged_after_admitted",
            ),
        ]
        indexes = [
            models.Index(fields=["shelter", "admitted_at"]),
            # Counting a day's admissions and discharges (pulang/reports/rollup.py).
            models.Index(fields=["admitted_at"], name="stay_admitted_at"),
            models.Index(fields=["discharged_at"], name="stay_discharged_at"),
            models.Index(
                fields=["shelter"],
                condition=Q(discharged_at__isnull=True),
                name="stay_open_by_shelter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.shelter_id}"


class Provision(models.Model):
    """An item given to a resident or a meal served, on a date. A meal is recorded at most once
    per resident, day and meal, so a repeated roll call changes nothing."""

    class Kind(models.TextChoices):
        BREAKFAST = "breakfast", _("Makan pagi")
        LUNCH = "lunch", _("Makan siang")
        DINNER = "dinner", _("Makan malam")
        CLOTHING = "clothing", _("Pakaian")
        HYGIENE_KIT = "hygiene_kit", _("Perlengkapan mandi")
        WOMENS_KIT = "womens_kit", _("Perlengkapan perempuan")
        CHILDRENS_KIT = "childrens_kit", _("Perlengkapan anak")
        OTHER = "other", _("Lainnya")

    MEALS = (Kind.BREAKFAST, Kind.LUNCH, Kind.DINNER)

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="provisions")
    shelter = models.ForeignKey("agencies.Shelter", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    quantity = models.PositiveIntegerField(_("jumlah"), default=1)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    provided_on = models.DateField(_("tanggal"))
    recorded_at = models.DateTimeField(_("dicatat pada"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pemberian")
        verbose_name_plural = _("pemberian")
        ordering = ["provided_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "provided_on", "kind"],
                condition=Q(kind__in=["breakfast", "lunch", "dinner"]),
                name="one_meal_per_resident_day",
            )
        ]
        indexes = [models.Index(fields=["shelter", "provided_on", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.quantity} ({self.provided_on})"


class ActivityKind(models.Model):
    """A kind of rehabilitation session; administrators add kinds as shelters run new ones."""

    class Group(models.TextChoices):
        SOCIALIZATION = "socialization", _("Sosialisasi migrasi aman")
        SPORT = "sport", _("Terapi olahraga")
        LIVELIHOOD = "livelihood", _("Terapi penghidupan")
        COUNSELLING = "counselling", _("Konseling")
        OTHER = "other", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    group = models.CharField(_("kelompok"), max_length=20, choices=Group.choices)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("jenis kegiatan")
        verbose_name_plural = _("jenis kegiatan")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class ActivitySession(models.Model):
    """One rehabilitation session in a shelter, with its facilitator and who attended."""

    shelter = models.ForeignKey(
        "agencies.Shelter",
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kegiatan"), on_delete=models.PROTECT)
    starts_at = models.DateTimeField(_("waktu"))
    facilitator = models.CharField(_("fasilitator"), max_length=200)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sesi kegiatan")
        verbose_name_plural = _("sesi kegiatan")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["shelter", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%d/%m/%Y %H:%M}"


class Attendance(models.Model):
    """A resident's presence at a session."""

    session = models.ForeignKey(
        ActivitySession, on_delete=models.PROTECT, related_name="attendance"
    )
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="attendance")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        constraints = [
            models.UniqueConstraint(fields=["session", "stay"], name="attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.stay_id}"
