"""The way home: a return plan per case, trips that carry many cases together, and the
handover record (Berita Acara Serah Terima) that ends the journey."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transport(models.TextChoices):
    SHIP = "ship", _("Kapal")
    BUS = "bus", _("Bus")
    AIR = "air", _("Pesawat")
    TRAIN = "train", _("Kereta api")
    CAR = "car", _("Mobil")
    OTHER = "other", _("Lainnya")


class ReturnPlan(models.Model):
    """Where and how one person goes home, and to whom."""

    class Receiver(models.TextChoices):
        FAMILY = "family", _("Keluarga")
        REGIONAL_SOCIAL_OFFICE = "regional_social_office", _("Dinas Sosial daerah asal")

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="return_plan")
    destination = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah tujuan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_address = models.CharField(_("alamat tujuan"), max_length=300, blank=True)
    transport = models.CharField(_("moda transportasi"), max_length=20, choices=Transport.choices)
    escort = models.CharField(_("pendamping"), max_length=200, blank=True)
    planned_date = models.DateField(_("rencana tanggal berangkat"))
    receiver = models.CharField(
        _("pihak penerima"), max_length=30, choices=Receiver.choices, default=Receiver.FAMILY
    )
    fit_to_travel_at = models.DateTimeField(
        _("layak bepergian dikonfirmasi pada"), null=True, blank=True
    )
    fit_to_travel_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fit_to_travel_note = models.CharField(_("keterangan kelayakan"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("diperbarui pada"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rencana kepulangan")
        verbose_name_plural = _("rencana kepulangan")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.destination_id}"

    @property
    def needs_fit_to_travel(self) -> bool:
        """Health requires a confirmation before travel: ill, pregnant or with a disability."""
        case = self.case
        return bool(case.is_ill or case.is_pregnant or case.has_disability)


class Trip(models.Model):
    """Many cases travelling home the same way, escorted, leaving one shelter together."""

    reference = models.CharField(_("nomor perjalanan"), max_length=40, unique=True)
    shelter = models.ForeignKey(
        "agencies.Shelter",
        verbose_name=_("shelter asal"),
        on_delete=models.PROTECT,
        related_name="trips",
    )
    destination = models.CharField(_("tujuan"), max_length=200)
    transport = models.CharField(_("moda transportasi"), max_length=20, choices=Transport.choices)
    escort = models.CharField(_("pendamping"), max_length=200)
    planned_departure = models.DateTimeField(_("rencana berangkat"))
    departed_at = models.DateTimeField(_("berangkat"), null=True, blank=True)
    departed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat pada"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A trip that will not leave (the ship was cancelled, the money did not come): its people
    # are free for another trip, and the record stays with why.
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("perjalanan pulang")
        verbose_name_plural = _("perjalanan pulang")
        ordering = ["-planned_departure", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Planned and still going to leave: people may join, leave it, or see it cancelled."""
        return self.departed_at is None and self.cancelled_at is None


# Members of trips still to leave (`Trip.is_open`), as a filter on trip members.
OPEN_TRIP_MEMBER = models.Q(trip__departed_at__isnull=True, trip__cancelled_at__isnull=True)


class TripLeg(models.Model):
    """One leg of a trip: Tanjung Pinang to Jakarta by ship, then Jakarta to Surabaya by bus."""

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="legs")
    sequence = models.PositiveSmallIntegerField(_("urutan"))
    origin = models.CharField(_("dari"), max_length=200)
    destination = models.CharField(_("ke"), max_length=200)
    transport = models.CharField(_("moda transportasi"), max_length=20, choices=Transport.choices)
    departs_at = models.DateTimeField(_("berangkat"), null=True, blank=True)

    class Meta:
        verbose_name = _("ruas perjalanan")
        verbose_name_plural = _("ruas perjalanan")
        ordering = ["trip", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "sequence"], name="trip_leg_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination}"


class TripMember(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="members")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="trip_entries")

    class Meta:
        verbose_name = _("peserta perjalanan")
        verbose_name_plural = _("peserta perjalanan")
        constraints = [models.UniqueConstraint(fields=["trip", "case"], name="trip_member_once")]

    def __str__(self) -> str:
        return f"{self.trip_id}: {self.case_id}"


class Handover(models.Model):
    """The Berita Acara Serah Terima: people handed to their family or to the regional social
    office, before a witness. Its number and verification code are printed on the document;
    anyone holding the paper can check the code on a public page that shows no names."""

    class ReceiverKind(models.TextChoices):
        FAMILY = "family", _("Keluarga")
        REGIONAL_SOCIAL_OFFICE = "regional_social_office", _("Dinas Sosial daerah")

    number = models.CharField(_("nomor berita acara"), max_length=60, unique=True)
    shelter = models.ForeignKey(
        "agencies.Shelter",
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    trip = models.ForeignKey(
        Trip, on_delete=models.PROTECT, null=True, blank=True, related_name="handovers"
    )
    place = models.CharField(_("tempat"), max_length=200)
    handed_at = models.DateTimeField(_("waktu serah terima"))
    receiver_kind = models.CharField(_("penerima"), max_length=30, choices=ReceiverKind.choices)
    receiver_name = models.CharField(_("nama penerima"), max_length=200)
    receiver_relation = models.CharField(_("hubungan/jabatan penerima"), max_length=100)
    receiver_document = models.CharField(
        _("dokumen identitas penerima"), max_length=100, blank=True
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("Dinas Sosial daerah tujuan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_received",
    )
    witness_name = models.CharField(_("nama saksi"), max_length=200)
    witness_role = models.CharField(_("jabatan saksi"), max_length=100, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64)
    verification_code = models.CharField(_("kode verifikasi"), max_length=24, unique=True)
    document = models.FileField(_("dokumen"), upload_to="handovers/%Y/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("berita acara serah terima")
        verbose_name_plural = _("berita acara serah terima")
        ordering = ["-handed_at", "-id"]
        indexes = [models.Index(fields=["handed_at"], name="handover_handed_at")]

    def __str__(self) -> str:
        return self.number


class HandoverMember(models.Model):
    """A case handed over; a case is handed over once."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="members")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="handover_entry"
    )

    class Meta:
        verbose_name = _("orang yang diserahterimakan")
        verbose_name_plural = _("orang yang diserahterimakan")

    def __str__(self) -> str:
        return f"{self.handover_id}: {self.case_id}"
