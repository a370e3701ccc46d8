from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessGrantQuerySet(QuerySet["AccessGrant"]):
    def live(self) -> "AccessGrantQuerySet":
        """Grants in force now: started, not ended, not revoked, and — when given under an
        agreement — that agreement valid today. An agreement that expires or is revoked ends
        its grants on the next request, with nothing to clean up."""
        now = timezone.now()
        today = timezone.localdate()
        return self.filter(
            Q(revoked_at__isnull=True),
            Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            Q(agreement__isnull=True)
            | Q(
                agreement__revoked_at__isnull=True,
                agreement__valid_from__lte=today,
                agreement__valid_to__gte=today,
            ),
        )


class AccessGrant(models.Model):
    """Lets an agency other than the owner see a person, for a reason and a time.

    Handovers and referrals create grants; when a grant ends or is revoked the access ends with
    it, because the scoping chokepoint only counts live grants.
    """

    class Basis(models.TextChoices):
        HANDOVER = "handover", _("Serah terima")
        REFERRAL = "referral", _("Rujukan")
        SHELTER_RETENTION = "shelter_retention", _("Akses lanjutan shelter asal")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("orang"),
        on_delete=models.CASCADE,
        related_name="access_grants",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi penerima"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    basis = models.CharField(_("dasar"), max_length=30, choices=Basis.choices)
    starts_at = models.DateTimeField(_("berlaku sejak"), default=timezone.now)
    ends_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    agreement = models.ForeignKey(
        "sharing.Agreement",
        verbose_name=_("perjanjian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    purpose = models.CharField(_("tujuan"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemberian akses")
        verbose_name_plural = _("pemberian akses")
        indexes = [models.Index(fields=["agency", "person"])]

    def __str__(self) -> str:
        return f"{self.get_basis_display()}: {self.person_id} → {self.agency_id}"
