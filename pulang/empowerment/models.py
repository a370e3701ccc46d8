"""Empowerment after the return: programmes run by agencies, enrolments, and the follow-ups
that show whether people became independent or went abroad irregularly again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_followup_months() -> list[int]:
    return [1, 3, 6, 12]


class Programme(models.Model):
    """A programme an agency runs with a budget; administrators add new kinds as they come."""

    class Kind(models.TextChoices):
        BUSINESS_CAPITAL = "business_capital", _("Bantuan modal usaha")
        JOINT_BUSINESS_GROUP = "joint_business_group", _("Kelompok usaha bersama")
        SKILLS_TRAINING = "skills_training", _("Pelatihan keterampilan")
        JOB_PLACEMENT = "job_placement", _("Penempatan kerja melalui jalur resmi")
        HEALTH_INSURANCE = "health_insurance", _("Pendaftaran jaminan kesehatan")
        OTHER = "other", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi pelaksana"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=16, decimal_places=0, default=0)
    followup_months = models.JSONField(
        _("tindak lanjut setelah (bulan)"), default=default_followup_months
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A person in a programme, with the amount given where there is one."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="enrolments")
    referral = models.ForeignKey(
        "sharing.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    enrolled_on = models.DateField(_("tanggal"))
    amount = models.DecimalField(
        _("jumlah (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kepesertaan program")
        verbose_name_plural = _("kepesertaan program")
        ordering = ["-enrolled_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "case"], name="enrolment_once")]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.programme_id}"


class FollowUp(models.Model):
    """A follow-up due on a date, by an agency, and what it found once done."""

    class Channel(models.TextChoices):
        LEGAL = "legal", _("Melalui jalur resmi")
        IRREGULAR = "irregular", _("Nonprosedural")
        UNDECIDED = "undecided", _("Belum tahu")

    class Knowledge(models.TextChoices):
        GOOD = "good", _("Baik")
        SOME = "some", _("Sebagian")
        NONE = "none", _("Tidak tahu")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="followups")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    months_after = models.PositiveSmallIntegerField(_("bulan ke"))
    due_on = models.DateField(_("jatuh tempo"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    done_at = models.DateTimeField(_("dilakukan pada"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reached = models.BooleanField(_("berhasil dihubungi"), null=True)
    monthly_income = models.DecimalField(
        _("penghasilan sebulan (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    business_running = models.BooleanField(_("usaha berjalan"), null=True, blank=True)
    wants_abroad = models.BooleanField(
        _("ingin bekerja ke luar negeri lagi"), null=True, blank=True
    )
    abroad_channel = models.CharField(
        _("melalui"), max_length=20, choices=Channel.choices, blank=True
    )
    safe_migration_knowledge = models.CharField(
        _("pengetahuan migrasi aman"), max_length=10, choices=Knowledge.choices, blank=True
    )
    needs = models.CharField(_("kebutuhan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["agency", "due_on"],
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
                name="followup_open_due",
            ),
            # Counting a day's follow-ups into the daily figures (pulang/reports/rollup.py).
            models.Index(fields=["due_on"], name="followup_due_on"),
            models.Index(fields=["done_at"], name="followup_done_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.months_after}m"
