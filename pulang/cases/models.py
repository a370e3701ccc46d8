from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
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
        IN_SHELTER = "in_shelter", _("Di shelter")
        IN_TRANSIT = "in_transit", _("Dalam perjalanan pulang")
        REFERRED = "referred", _("Dirujuk")
        RETURNED = "returned", _("Sudah dipulangkan")
        LEFT = "left", _("Keluar dari layanan")
        DIED = "died", _("Meninggal")
        CLOSED = "closed", _("Ditutup")

    class Outcome(models.TextChoices):
        INDEPENDENT = "independent", _("Mandiri secara ekonomi")
        ABROAD_LEGAL = "abroad_legal", _("Bekerja di luar negeri melalui jalur resmi")
        ABROAD_IRREGULAR = (
            "abroad_irregular",
            _("Kembali bekerja di luar negeri secara nonprosedural"),
        )
        TRAFFICKED_AGAIN = "trafficked_again", _("Menjadi korban perdagangan orang lagi")
        LOST_CONTACT = "lost_contact", _("Hilang kontak")
        DIED = "died", _("Meninggal")
        OTHER = "other", _("Lainnya")

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
    outcome = models.CharField(_("hasil akhir"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_evidence = models.CharField(_("bukti hasil akhir"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    returned_at = models.DateTimeField(_("diserahterimakan pada"), null=True, blank=True)
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
        indexes = [
            models.Index(fields=["owning_agency", "status"]),
            # The case list walks cases newest first and stops at a page.
            models.Index(fields=["opened_at", "id"], name="case_opened_order"),
            # The people scope asks which persons an agency has cases of, on every person
            # query: answered from this index alone, not from the cases' pages.
            models.Index(fields=["owning_agency", "person"], name="case_agency_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["manifest_import", "manifest_row"], name="case_once_per_manifest_row"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"case_id": self.pk})


class StatusChange(models.Model):
    """A case's move from one status to another, with who, when and why: the case's history
    is read from these, never from the current status alone."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("dari"), max_length=30, choices=Case.Status.choices)
    to_status = models.CharField(_("menjadi"), max_length=30, choices=Case.Status.choices)
    reason = models.CharField(_("alasan"), max_length=500)
    changed_at = models.DateTimeField(_("waktu"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class Screening(models.Model):
    """A trafficking screening: the indicators named after IOM's Human Trafficking Case Data
    Standard and the CTDC codebook, and a determination a second person reviews."""

    class Recruitment(models.TextChoices):
        UNLICENSED_AGENT = "unlicensed_agent", _("Calo/sponsor tidak resmi")
        LICENSED_AGENCY = "licensed_agency", _("Perusahaan penempatan resmi (P3MI)")
        FAMILY_OR_FRIEND = "family_or_friend", _("Keluarga atau teman")
        ONLINE = "online", _("Lowongan daring/media sosial")
        SELF = "self", _("Berangkat sendiri")
        UNKNOWN = "unknown", _("Tidak diketahui")

    class Control(models.TextChoices):
        DEBT_BONDAGE = "debt_bondage", _("Jeratan utang")
        TAKES_EARNINGS = "takes_earnings", _("Upah ditahan/diambil")
        WITHHOLDS_DOCUMENTS = "withholds_documents", _("Dokumen ditahan")
        RESTRICTS_MOVEMENT = "restricts_movement", _("Kebebasan bergerak dibatasi")
        THREATS = "threats", _("Ancaman")
        PHYSICAL_ABUSE = "physical_abuse", _("Kekerasan fisik")
        SEXUAL_ABUSE = "sexual_abuse", _("Kekerasan seksual")
        PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Kekerasan psikis")
        FALSE_PROMISES = "false_promises", _("Janji palsu")
        EXCESSIVE_HOURS = "excessive_hours", _("Jam kerja berlebihan")
        WITHHOLDS_NECESSITIES = "withholds_necessities", _("Kebutuhan dasar tidak diberikan")
        THREAT_OF_LAW_ENFORCEMENT = "threat_of_law_enforcement", _("Ancaman dilaporkan ke aparat")
        OTHER = "other", _("Lainnya")

    class Exploitation(models.TextChoices):
        FORCED_LABOUR = "forced_labour", _("Kerja paksa")
        SEXUAL = "sexual", _("Eksploitasi seksual")
        FORCED_MARRIAGE = "forced_marriage", _("Kawin paksa")
        ORGAN_REMOVAL = "organ_removal", _("Pengambilan organ")
        SLAVERY = "slavery", _("Perbudakan dan praktik serupa")
        OTHER = "other", _("Lainnya")

    class Sector(models.TextChoices):
        DOMESTIC_WORK = "domestic_work", _("Pekerja rumah tangga")
        AGRICULTURE = "agriculture", _("Perkebunan/pertanian")
        CONSTRUCTION = "construction", _("Konstruksi")
        MANUFACTURING = "manufacturing", _("Pabrik")
        FISHING = "fishing", _("Perikanan/kapal")
        HOSPITALITY = "hospitality", _("Rumah makan/perhotelan")
        BEGGING = "begging", _("Mengemis")
        OTHER = "other", _("Lainnya")
        UNKNOWN = "unknown", _("Tidak diketahui")

    class RecruiterRelation(models.TextChoices):
        INTIMATE_PARTNER = "intimate_partner", _("Pasangan")
        FAMILY = "family", _("Keluarga")
        FRIEND = "friend", _("Teman")
        OTHER = "other", _("Lainnya/tidak dikenal")
        UNKNOWN = "unknown", _("Tidak diketahui")

    class Determination(models.TextChoices):
        CONFIRMED = "confirmed", _("Korban (terkonfirmasi)")
        PRESUMED = "presumed", _("Diduga korban")
        NOT_VICTIM = "not_victim", _("Bukan korban")
        UNDETERMINED = "undetermined", _("Belum dapat ditentukan")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screenings")
    recruitment = models.CharField(_("cara direkrut"), max_length=30, choices=Recruitment.choices)
    recruiter_relation = models.CharField(
        _("hubungan dengan perekrut"), max_length=30, choices=RecruiterRelation.choices
    )
    means_of_control = models.JSONField(_("cara pengendalian"), default=list, blank=True)
    exploitation_types = models.JSONField(_("jenis eksploitasi"), default=list, blank=True)
    sector = models.CharField(_("sektor"), max_length=30, choices=Sector.choices)
    country_of_exploitation = models.CharField(
        _("negara tempat eksploitasi"), max_length=2, default="MY"
    )
    determination = models.CharField(_("penetapan"), max_length=20, choices=Determination.choices)
    account = models.TextField(_("keterangan"), blank=True)
    screened_at = models.DateTimeField(_("waktu skrining"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("waktu peninjauan"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_determination = models.CharField(
        _("penetapan setelah ditinjau"), max_length=20, choices=Determination.choices, blank=True
    )
    review_note = models.CharField(_("catatan peninjauan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("skrining perdagangan orang")
        verbose_name_plural = _("skrining perdagangan orang")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_determination_display()}"

    @property
    def final_determination(self) -> str:
        """The reviewed determination once reviewed, else the screener's."""
        return self.reviewed_determination or self.determination


class NeedsAssessment(models.Model):
    """What the person needs before and after going home, and how vulnerable they are."""

    class Need(models.TextChoices):
        MEDICAL = "medical", _("Perawatan kesehatan")
        PSYCHOSOCIAL = "psychosocial", _("Dukungan psikososial")
        LEGAL = "legal", _("Bantuan hukum")
        DOCUMENTS = "documents", _("Dokumen kependudukan")
        FAMILY_TRACING = "family_tracing", _("Penelusuran keluarga")
        WAGES = "wages", _("Upah yang belum dibayar")
        LIVELIHOOD = "livelihood", _("Usaha/pekerjaan")
        CHILD_PROTECTION = "child_protection", _("Perlindungan anak")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="needs_assessments")
    needs = models.JSONField(_("kebutuhan"), default=list, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    assessed_at = models.DateTimeField(_("waktu asesmen"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("asesmen kebutuhan")
        verbose_name_plural = _("asesmen kebutuhan")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {', '.join(self.needs)}"


class CaseNote(models.Model):
    """A social worker's note on a case; a correction is a new note, never an edit."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_notes")
    text = models.TextField(_("catatan"))
    written_at = models.DateTimeField(_("waktu"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("catatan kasus")
        verbose_name_plural = _("catatan kasus")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    """A step of the case plan: a goal's task due by a date, done or not."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    goal = models.CharField(_("tujuan"), max_length=200, blank=True)
    title = models.CharField(_("tugas"), max_length=200)
    due_on = models.DateField(_("tenggat"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=models.Q(done_at__isnull=True), name="task_open_due"
            )
        ]

    def __str__(self) -> str:
        return self.title
