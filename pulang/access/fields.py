"""Field-level protection: which categories of personal data a field holds, and how a field is
shown to a user — in full, masked until revealed, or not at all."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from .roles import Capability


class DataCategory(StrEnum):
    IDENTITY = "identity"  # names, sex, birth date, origin
    IDENTITY_NUMBER = "identity_number"  # NIK, passport, SPLP
    CONTACT = "contact"
    HEALTH = "health"
    TRAFFICKING = "trafficking"
    CASE_SUMMARY = "case_summary"  # a case's status, dates, flags and outcome


# What a user must hold to see a category at all; identity numbers also need a reveal.
CATEGORY_CAPABILITY: dict[DataCategory, Capability] = {
    DataCategory.IDENTITY: Capability.PERSON_VIEW,
    DataCategory.IDENTITY_NUMBER: Capability.PERSON_VIEW,
    DataCategory.CONTACT: Capability.PERSON_VIEW,
    DataCategory.HEALTH: Capability.SENSITIVE_VIEW,
    DataCategory.TRAFFICKING: Capability.SENSITIVE_VIEW,
    DataCategory.CASE_SUMMARY: Capability.PERSON_VIEW,
}


# The agreement category (pulang/sharing) that opens each field category to another agency.
AGREEMENT_CATEGORY: dict[DataCategory, str] = {
    DataCategory.IDENTITY: "identity",
    DataCategory.IDENTITY_NUMBER: "identity",
    DataCategory.CONTACT: "contact",
    DataCategory.HEALTH: "health",
    DataCategory.TRAFFICKING: "trafficking_account",
    DataCategory.CASE_SUMMARY: "case_summary",
}


@dataclass(frozen=True)
class Shown:
    label: str
    value: str
    state: str  # "shown", "masked", "hidden", "empty"

    @property
    def hint(self) -> str:
        if self.state == "masked":
            return str(_("disamarkan"))
        if self.state == "hidden":
            return str(_("tidak untuk peran Anda"))
        if self.state == "outside":
            return str(_("di luar perjanjian"))
        return ""

    @property
    def text(self) -> str:
        """The cell of an export: the value as shown (masked where masked), the reason for a
        field outside the agreement, nothing for an empty or hidden one."""
        if self.state in ("shown", "masked"):
            return self.value
        return self.hint if self.state == "outside" else ""


def mask(value: str, *, keep: int = 4) -> str:
    value = value.strip()
    if not value:
        return ""
    return "•" * max(len(value) - keep, 4) + value[-keep:] if len(value) > keep else "•" * 4


def present(
    user: Any,
    obj: Any,
    field: str,
    category: DataCategory,
    *,
    revealed: bool = False,
    allowed: frozenset[str] | None = None,
) -> Shown:
    """How one field is shown; `allowed` is the agreement's categories when the user reaches
    the person only through one (see `agreement_categories`), None otherwise."""
    label = str(obj._meta.get_field(field).verbose_name)
    raw = getattr(obj, f"get_{field}_display", lambda: getattr(obj, field))()
    if field == "birth_date" and raw and getattr(obj, "birth_year_only", False):
        raw = str(raw.year)  # the year is all that is known: no invented 1 January
    return present_value(user, label, raw, category, revealed=revealed, allowed=allowed)


def present_value(
    user: Any,
    label: str,
    raw: Any,
    category: DataCategory,
    *,
    revealed: bool = False,
    allowed: frozenset[str] | None = None,
) -> Shown:
    """`present` for a value that is not one model field (a list column, an export cell)."""
    if allowed is not None and AGREEMENT_CATEGORY[category] not in allowed:
        return Shown(label, "", "outside")
    value = raw.strftime("%d/%m/%Y") if isinstance(raw, date) else str(raw or "")
    if not user.has_capability(CATEGORY_CAPABILITY[category]):
        return Shown(label, "", "hidden")
    if not value:
        return Shown(label, "—", "empty")
    if category == DataCategory.IDENTITY_NUMBER and not (
        revealed and user.has_capability(Capability.IDENTITY_REVEAL)
    ):
        return Shown(label, mask(value), "masked")
    return Shown(label, value, "shown")
