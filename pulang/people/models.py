from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """A deported Indonesian citizen registered by an agency; one person may have many episodes.

    The arrivals work extends this with identity documents, contacts and next of kin.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Laki-laki")
        FEMALE = "F", _("Perempuan")

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
    registered_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi pencatat"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name
