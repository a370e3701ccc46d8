import re
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pulang.access.fields import DataCategory
from pulang.access.scope import person_scope

_NAME_PARTICLES = {"bin", "binti", "bt", "bte", "b", "al"}


def name_key(name: str) -> str:
    """A spelling-tolerant key for a name: lower case, letters only, particles such as
    bin/binti dropped, words sorted (so word order does not matter)."""
    words = re.sub(r"[^a-z\s]", " ", name.lower().replace("'", "")).split()
    return " ".join(sorted(word for word in words if word not in _NAME_PARTICLES))[:200]


def person_name_key(full_name: str, aliases: Any = ()) -> str:
    """What a person is searched and looked up by (`Person.name_key`): the name's key, then
    the words of their other names that it lacks, so that a search for the spelling of an
    earlier list finds them too."""
    key = name_key(full_name)
    words = set(key.split())
    other = {word for alias in aliases or () for word in name_key(str(alias)).split()} - words
    return " ".join([key, *sorted(other)]).strip()[:200]


class PersonQuerySet(QuerySet["Person"]):
    def visible_to(self, user: Any) -> "PersonQuerySet":
        """The scoping chokepoint for people (pulang/access/scope.py)."""
        scope = person_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def matching(self, query: str) -> "PersonQuerySet":
        """People whose names have every word of the query in them, ignoring case,
        punctuation and bin/binti: the name or the other names ("Sity" finds the Siti whose
        earlier list spelt her so). Searched in the name key, which PostgreSQL's trigram index
        answers."""
        qs = self
        for word in name_key(query).split()[:5]:
            qs = qs.filter(name_key__contains=word)
        return qs


class Person(models.Model):
    """A deported Indonesian citizen registered by an agency; one person may have many episodes.

    The arrivals work extends this with the full identity registry, contacts and next of kin.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Laki-laki")
        FEMALE = "F", _("Perempuan")

    class TravelDocument(models.TextChoices):
        PASSPORT = "passport", _("Paspor")
        SPLP = "splp", _("SPLP (Surat Perjalanan Laksana Paspor)")
        NONE = "none", _("Tidak ada")
        # A list that names no document (no column, or the cell left empty) says nothing
        # about it: not the same as a person who has none.
        UNKNOWN = "", _("Belum diketahui")

    full_name = models.CharField(_("nama lengkap"), max_length=200)
    aliases = models.JSONField(_("nama lain"), default=list, blank=True)
    # Lower-case, bin/binti and punctuation dropped, words sorted, then the words only the
    # other names have (`person_name_key`): what search and similar spellings look in.
    name_key = models.CharField(max_length=200, editable=False, default="")
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_year_only = models.BooleanField(_("hanya tahun lahir diketahui"), default=False)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    origin_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah asal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    origin_address = models.CharField(_("alamat asal"), max_length=300, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    family_card_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    travel_document = models.CharField(
        _("dokumen perjalanan"),
        max_length=10,
        choices=TravelDocument.choices,
        default=TravelDocument.UNKNOWN,
        blank=True,
    )
    travel_document_number = models.CharField(
        _("nomor dokumen perjalanan"), max_length=30, blank=True
    )
    travel_document_issuer = models.CharField(
        _("kantor penerbit dokumen"), max_length=100, blank=True
    )
    phone_id = models.CharField(_("nomor HP Indonesia"), max_length=20, blank=True)
    phone_my = models.CharField(_("nomor HP Malaysia"), max_length=20, blank=True)
    kin_name = models.CharField(_("nama keluarga yang dapat dihubungi"), max_length=200, blank=True)
    kin_relation = models.CharField(_("hubungan keluarga"), max_length=50, blank=True)
    kin_phone = models.CharField(_("nomor HP keluarga"), max_length=20, blank=True)
    languages = models.JSONField(_("bahasa"), default=list, blank=True)
    health_notes = models.TextField(_("catatan kesehatan"), blank=True)
    trafficking_account = models.TextField(_("keterangan perdagangan orang"), blank=True)
    registered_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi pencatat"),
        on_delete=models.PROTECT,
        related_name="registered_people",
        db_index=False,  # the index on (registered_by, full_name) serves it
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    # A duplicate registration is never deleted: it points to the record it was merged into.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        db_index=False,  # `person_merged_into`: the few merged-away records only
    )

    objects = PersonQuerySet.as_manager()

    # Which kind of personal data each field holds; pages and the API show fields through this.
    FIELD_CATEGORIES: dict[str, DataCategory] = {
        "full_name": DataCategory.IDENTITY,
        "aliases": DataCategory.IDENTITY,
        "sex": DataCategory.IDENTITY,
        "birth_date": DataCategory.IDENTITY,
        "birth_place": DataCategory.IDENTITY,
        "origin_region": DataCategory.IDENTITY,
        "origin_address": DataCategory.IDENTITY,
        "nik": DataCategory.IDENTITY_NUMBER,
        "family_card_number": DataCategory.IDENTITY_NUMBER,
        "travel_document": DataCategory.IDENTITY,
        "travel_document_number": DataCategory.IDENTITY_NUMBER,
        "travel_document_issuer": DataCategory.IDENTITY,
        "phone_id": DataCategory.CONTACT,
        "phone_my": DataCategory.CONTACT,
        "kin_name": DataCategory.CONTACT,
        "kin_relation": DataCategory.CONTACT,
        "kin_phone": DataCategory.CONTACT,
        "languages": DataCategory.IDENTITY,
        "health_notes": DataCategory.HEALTH,
        "trafficking_account": DataCategory.TRAFFICKING,
    }

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["registered_by", "full_name"]),
            # Lists walk the registry in name order and stop at a page: without this index a
            # scoped list of a national registry sorts a million names for fifty.
            # It carries what the list's filters read (the name key, the scope's columns), so
            # a search for a common name walks it without reading a row it turns away
            # (`KeysFirstPaginator`).
            models.Index(
                fields=["full_name", "id"],
                name="person_name_order",
                include=["name_key", "registered_by", "merged_into"],
            ),
            # Numbers are looked up by equality only, and many people have none: the empty
            # ones stay out of the index (every import writes ten thousand of them). The
            # name key has only its trigram index (matching 0001): it is searched for words
            # inside it, never compared whole.
            models.Index(fields=["nik"], name="person_nik", condition=~Q(nik="")),
            # Nearly everyone is merged into nobody; an index of them all would only mislead
            # SQLite, which has no statistics, into walking it for "merged into nobody".
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["travel_document_number"],
                name="person_travel_document",
                condition=~Q(travel_document_number=""),
            ),
            # A manifest's save checks who was registered since its preview began.
            models.Index(fields=["created_at"], name="person_created_at"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = person_name_key(self.full_name, self.aliases)
        super().save(*args, **kwargs)
