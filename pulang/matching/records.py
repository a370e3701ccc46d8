"""The record that matching compares, and how each field is normalised before comparison.

A `MatchRecord` holds plain values, so a manifest row, a form, a CSV line or a `Person` can all
be matched the same way. `match_row` turns it into the columns of the Splink input table
(see `model.py`): name keys, birth year and date, numbers without separators, phones in one
international form, and the region code cut to its regency and province.
"""

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pulang.people.models import name_key

# The columns of the table Splink reads, in order, with their DuckDB types.
COLUMNS: dict[str, str] = {
    "unique_id": "BIGINT",
    "name_key": "VARCHAR",
    "name_keys": "VARCHAR[]",
    "given_key": "VARCHAR",
    "given_words": "VARCHAR[]",
    "given_skeletons": "VARCHAR[]",
    "given_skeleton": "VARCHAR",
    "name_tokens": "VARCHAR[]",
    "sex": "VARCHAR",
    "birth_date": "DATE",
    "birth_year": "INTEGER",
    "birth_day_month": "VARCHAR",
    "nik": "VARCHAR",
    "family_card_number": "VARCHAR",
    "travel_document_number": "VARCHAR",
    "phones": "VARCHAR[]",
    "kin_phones": "VARCHAR[]",
    "all_phones": "VARCHAR[]",
    "regency": "VARCHAR",
    "province": "VARCHAR",
}

_NUMBER_SEPARATORS = re.compile(r"[\s.\-/'\u2018\u2019`]+")
# Spelling variants that sound alike in Indonesian names, folded before the consonant skeleton.
_SOUND_FOLDS = (
    ("dj", "j"),
    ("tj", "c"),
    ("oe", "u"),
    ("ch", "h"),
    ("kh", "h"),
    ("sy", "s"),
    ("ph", "f"),
    ("q", "k"),
    ("y", "i"),
    ("v", "f"),
)
_VOWELS = re.compile(r"[aeiou]")
# Words that start the father's name ("Siti Aminah binti Ahmad"): what follows is shared with
# brothers and sisters, so the person's own name ends before them.
_PATRONYMIC_MARKERS = {"bin", "binti", "bt", "bte", "b"}
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class MatchRecord:
    """One person as the matcher sees them; every field may be empty.

    `birth_date` with `birth_year_only` means only its year is known (as on `Person`).
    `origin_region_code` is a region code at any level ("35.25.01.2001", "35.25" or "3525").
    `phones` are the person's own numbers; `kin_phones` those of their next of kin, which
    relatives share, so they count for less.
    """

    full_name: str = ""
    aliases: tuple[str, ...] | list[str] = ()
    sex: str = ""
    birth_date: date | None = None
    birth_year_only: bool = False
    nik: str = ""
    family_card_number: str = ""
    travel_document_number: str = ""
    phones: tuple[str, ...] | list[str] = field(default_factory=tuple)
    origin_region_code: str = ""
    kin_phones: tuple[str, ...] | list[str] = field(default_factory=tuple)


def clean_number(value: str | None) -> str | None:
    """An identity number without spaces, dots and dashes, upper case; None when empty."""
    if not value:
        return None
    cleaned = _NUMBER_SEPARATORS.sub("", str(value)).upper()
    return cleaned or None


def normalize_phone(value: str | None) -> str | None:
    """A phone number as international digits without "+": 0812… → 62812…, 012… → 6012….

    Indonesian numbers start with 0 followed by 2–9 at home, Malaysian mobiles with 01.
    Too short to be a phone number (fewer than 8 digits): None.
    """
    if not value:
        return None
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        pass
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("01"):
        digits = "60" + digits[1:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if len(digits) >= 8 else None


def phone_spellings(normalized: str) -> list[str]:
    """The ways a normalised number may have been stored: 62812…, +62812… and 0812…."""
    spellings = [normalized, "+" + normalized]
    if normalized.startswith(("62", "60")):
        spellings.append("0" + normalized[2:])
    return spellings


@functools.lru_cache(maxsize=1 << 16)  # names repeat their words: Siti, Nur, Muhammad
def name_skeleton_word(word: str) -> str:
    """A word's consonant skeleton: sound variants folded, vowels after the first letter and
    doubled letters dropped (Muhammad, Mohammad and Muhamad all give "mhmd")."""
    for old, new in _SOUND_FOLDS:
        word = word.replace(old, new)
    if not word:
        return ""
    return _REPEATS.sub(r"\1", word[0] + _VOWELS.sub("", word[1:]))


_SEX_LETTERS = {"M": "M", "L": "M", "F": "F", "P": "F", "W": "F"}


# Words whose first letter would say otherwise: "pria" is a man.
_SEX_WORDS = {"pria": "M", "man": "M", "male": "M", "lelaki": "M", "woman": "F", "female": "F"}


def normalize_sex(value: str | None) -> str | None:
    """M or F from M/F, L/P (laki-laki/perempuan), W (wanita) or the words; else None."""
    text = (value or "").strip()
    word = re.sub(r"[^a-z]", "", text.lower())
    return _SEX_WORDS.get(word) or _SEX_LETTERS.get(text.upper()[:1])


def given_name_key(full_name: str) -> str:
    """The name key of the person's own names: the part before bin/binti, if any."""
    words = re.sub(r"[^a-z\s]", " ", full_name.lower().replace("'", "")).split()
    for index, word in enumerate(words):
        if index > 0 and word in _PATRONYMIC_MARKERS:
            words = words[:index]
            break
    return name_key(" ".join(words))


def region_digits(code: str | None) -> str:
    return re.sub(r"\D", "", code or "")


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def match_row(record: MatchRecord, unique_id: int) -> dict[str, Any]:
    """The Splink input row of a record (the columns of `COLUMNS`)."""
    key = name_key(record.full_name or "") or None
    keys = _unique([key, *(name_key(alias) for alias in record.aliases or ())])
    words = key.split() if key else []
    skeleton_words = [name_skeleton_word(word) for word in words]
    tokens = _unique(s for s in skeleton_words if len(s) >= 2)
    given = given_name_key(record.full_name or "") or None
    given_words = given.split() if given else []
    given_skeletons = [name_skeleton_word(word) for word in given_words]
    birth = record.birth_date
    full_date = birth if birth is not None and not record.birth_year_only else None
    day_month = None
    if full_date is not None:
        low, high = sorted((full_date.day, full_date.month))
        day_month = f"{full_date.year}-{low:02d}-{high:02d}"
    own_phones = _unique(normalize_phone(phone) for phone in record.phones or ())
    kin_phones = _unique(normalize_phone(phone) for phone in record.kin_phones or ())
    region = region_digits(record.origin_region_code)
    sex = normalize_sex(record.sex)
    return {
        "unique_id": unique_id,
        "name_key": key,
        "name_keys": keys or None,
        "given_key": given,
        "given_words": given_words or None,
        "given_skeletons": _unique(given_skeletons) or None,
        "given_skeleton": " ".join(sorted(given_skeletons)) or None,
        "name_tokens": tokens or None,
        "sex": sex,
        "birth_date": full_date,
        "birth_year": birth.year if birth is not None else None,
        "birth_day_month": day_month,
        "nik": clean_number(record.nik),
        "family_card_number": clean_number(record.family_card_number),
        "travel_document_number": clean_number(record.travel_document_number),
        "phones": own_phones or None,
        "kin_phones": kin_phones or None,
        "all_phones": _unique([*own_phones, *kin_phones]) or None,
        "regency": region[:4] if len(region) >= 4 else None,
        "province": region[:2] if len(region) >= 2 else None,
    }


def match_row_json(row: Mapping[str, Any]) -> str:
    """A `match_row` without its unique_id as compact JSON (dates in ISO form), as kept in
    `MatchRow` and read into DuckDB with `json_transform(row, MATCH_ROW_STRUCT)`."""
    return json.dumps(
        {
            column: value.isoformat() if isinstance(value, date) else value
            for column, value in row.items()
            if column != "unique_id"
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


# The DuckDB structure of `match_row_json`, for json_transform.
MATCH_ROW_STRUCT = json.dumps(
    {column: sql_type for column, sql_type in COLUMNS.items() if column != "unique_id"}
)


# The Person fields that make a MatchRecord, for `.values()` queries.
PERSON_FIELDS = (
    "id",
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "birth_year_only",
    "nik",
    "family_card_number",
    "travel_document_number",
    "phone_id",
    "phone_my",
    "kin_phone",
    "origin_region_id",
)


def record_from_person_values(values: Mapping[str, Any]) -> MatchRecord:
    """A MatchRecord from a `Person.objects.values(*PERSON_FIELDS)` row."""
    aliases = values.get("aliases") or []
    return MatchRecord(
        full_name=values.get("full_name") or "",
        aliases=tuple(str(alias) for alias in aliases if alias)
        if isinstance(aliases, list)
        else (),
        sex=values.get("sex") or "",
        birth_date=values.get("birth_date"),
        birth_year_only=bool(values.get("birth_year_only")),
        nik=values.get("nik") or "",
        family_card_number=values.get("family_card_number") or "",
        travel_document_number=values.get("travel_document_number") or "",
        phones=tuple(phone for phone in (values.get("phone_id"), values.get("phone_my")) if phone),
        kin_phones=(values["kin_phone"],) if values.get("kin_phone") else (),
        origin_region_code=values.get("origin_region_id") or "",
    )
