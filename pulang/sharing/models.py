"""How a case is shared with another agency: under an agreement (the MoU as data), with the
person's consent where the law asks for it, through a referral the other agency accepts."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    EMPOWERMENT = "empowerment", _("Pemberdayaan")
    FOLLOW_UP = "follow_up", _("Pendampingan lanjutan")
    LAW_ENFORCEMENT = "law_enforcement", _("Penegakan hukum")


class Category(models.TextChoices):
    """The categories of personal data an agreement may open to the other party."""

    IDENTITY = "identity", _("Identitas")
    CONTACT = "contact", _("Kontak")
    CASE_SUMMARY = "case_summary", _("Ringkasan kasus")
    HEALTH = "health", _("Kesehatan")
    TRAFFICKING_ACCOUNT = "trafficking_account", _("Keterangan perdagangan orang")


# Purposes the person must consent to; the others rest on a legal duty.
CONSENT_PURPOSES = frozenset({Purpose.EMPOWERMENT})


class AgreementQuerySet(QuerySet["Agreement"]):
    def valid(self, on: date | None = None) -> "AgreementQuerySet":
        day = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day)


class Agreement(models.Model):
    """An agreement between agencies: for which purposes, which categories of data, from when to
    when. Sharing happens under a valid agreement or not at all; the access it gives ends the
    moment it expires or is revoked (the scoping chokepoint checks it on every request)."""

    reference = models.CharField(_("nomor"), max_length=100, unique=True)
    title = models.CharField(_("judul"), max_length=300)
    parties = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("para pihak"), related_name="agreements"
    )
    purposes = models.JSONField(_("tujuan"), default=list)
    categories = models.JSONField(_("kategori data"), default=list)
    valid_from = models.DateField(_("berlaku sejak"))
    valid_to = models.DateField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    signed_document = models.FileField(
        _("dokumen yang ditandatangani"), upload_to="agreements/", blank=True
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("perjanjian kerja sama")
        verbose_name_plural = _("perjanjian kerja sama")
        ordering = ["-valid_from", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def is_valid(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to


class ConsentQuerySet(QuerySet["Consent"]):
    def live(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A person's consent to a purpose (or the legal duty it rests on), who gave it — a guardian
    for a child — and its withdrawal, which ends what it covered at once."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Persetujuan")
        LEGAL_DUTY = "legal_duty", _("Kewajiban hukum")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("tujuan"), max_length=30, choices=Purpose.choices)
    basis = models.CharField(_("dasar hukum"), max_length=20, choices=Basis.choices)
    given_by = models.CharField(_("diberikan oleh"), max_length=200)
    given_by_relation = models.CharField(_("hubungan"), max_length=100, default="diri sendiri")
    given_at = models.DateTimeField(_("diberikan pada"))
    withdrawn_at = models.DateTimeField(_("ditarik pada"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.purpose} ({self.basis})"


class Referral(models.Model):
    """A case sent to another agency for a purpose, under an agreement."""

    class Status(models.TextChoices):
        SENT = "sent", _("Dikirim")
        ACCEPTED = "accepted", _("Diterima")
        DECLINED = "declined", _("Ditolak")
        COMPLETED = "completed", _("Selesai")
        ENDED = "ended", _("Dihentikan")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("dirujuk ke"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    purpose = models.CharField(_("tujuan"), max_length=30, choices=Purpose.choices)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("perjanjian"), on_delete=models.PROTECT, related_name="referrals"
    )
    note = models.TextField(_("catatan rujukan"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    sent_at = models.DateTimeField(_("dikirim pada"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("ditanggapi pada"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_note = models.CharField(_("alasan/catatan tanggapan"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id} ({self.purpose})"

    def waiting_days(self, now: Any = None) -> int:
        now = now or timezone.now()
        return (now - self.sent_at).days
