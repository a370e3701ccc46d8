from django.db import models
from django.utils.translation import gettext_lazy as _


def region_search_text(name: str, parent_search_text: str = "") -> str:
    """The region's name followed by its ancestors' names, lower-cased: what the finder
    matches, so a village is found by part of its own name or its district's."""
    return " ".join(part for part in (name.lower(), parent_search_text) if part)[:400]


class Region(models.Model):
    """An Indonesian administrative region, keyed by the interior ministry's code (PP.KK.CC.DDDD).

    Origins, destinations and agencies all point here, so figures by province or regency are a
    prefix match on the code.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    name = models.CharField(_("nama"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Lower-cased "village district regency province" so one LIKE finds a village by any part.
    search_text = models.CharField(max_length=400, editable=False, db_index=False)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if self.level >= self.Level.REGENCY else None
