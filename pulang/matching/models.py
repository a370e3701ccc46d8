from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DuplicateCandidate(models.Model):
    """Two registrations that `match-persons` thinks are one person, waiting for a worker to
    merge them or say they are different people."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu tinjauan")
        MERGED = "merged", _("Digabung")
        DISMISSED = "dismissed", _("Bukan orang yang sama")

    person_a = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang A")
    )
    person_b = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang B")
    )
    match_probability = models.FloatField(_("peluang sama"))
    cluster_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    found_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kemungkinan data ganda")
        verbose_name_plural = _("kemungkinan data ganda")
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_probability:.2f})"


class BlockKey(models.Model):
    """A key under which a registered person is looked up at intake: two words of a name
    together, one word with the birth year, the birth date with the regency, ... (the keys of
    `tokens.stored_keys`). A new record is looked up under the same keys (`probe_keys`), so
    finding candidates is an exact match on an index, however large the registry. Derived
    from Person, kept beside the match rows (pulang/matching/tokens.py)."""

    # No foreign-key constraint in the database: ten keys a person, checked one by one at
    # every import's commit, for rows that are derived and deleted with their person anyway
    # (decision 0013).
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="blockkey_key_person")]

    def __str__(self) -> str:
        return f"{self.key} → {self.person_id}"


class MatchRow(models.Model):
    """A registered person as the matcher compares them: the Splink input row of `match_row`
    (name keys, skeletons, cleaned numbers, phones, regency) as compact JSON, so that scoring
    reads candidates straight into DuckDB instead of rebuilding each row in Python. Derived
    from Person and kept beside the block keys (pulang/matching/tokens.py)."""

    person = models.OneToOneField(  # no constraint in the database, as for BlockKey
        "people.Person",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    row = models.TextField()

    def __str__(self) -> str:
        return f"{self.person_id}: {self.row[:60]}"
