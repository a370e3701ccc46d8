import csv
import gzip
from datetime import date

import pytest
from django.utils import translation

from pulang.people.nik import (
    PROVINCE_CODES,
    NikFacts,
    nik_check,
    nik_normalise,
    nik_parse,
)
from pulang.regions.loader import data_dir
from pulang.regions.tests.factories import regions as make_regions

TODAY = date(2026, 5, 15)
# 31.71.01 (Gambir, Jakarta Pusat), born 15 January 1990, serial 0001.
MAN = "3171011501900001"
# The same district and date for a woman: the day is 15 + 40.
WOMAN = "3171015501900002"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def known(*codes):
    return lambda code: code in codes


def jakarta_only(code):
    return code == "31.71.01"


def levels(issues):
    return sorted((issue.level, issue.code) for issue in issues)


def check(value, **kwargs):
    kwargs.setdefault("known_region_codes", jakarta_only)
    kwargs.setdefault("today", TODAY)
    return nik_check(value, **kwargs)


# --- reading a valid NIK --------------------------------------------------------------------


def test_a_mans_nik_gives_region_birth_date_sex_and_serial():
    facts, issues = nik_parse(MAN, today=TODAY)
    assert issues == []
    assert facts == NikFacts(
        region_code="31.71.01", birth_date=date(1990, 1, 15), sex="M", serial=1
    )
    assert facts.province_code == "31" and facts.regency_code == "31.71"


def test_a_womans_day_has_forty_added():
    facts, issues = nik_parse(WOMAN, today=TODAY)
    assert issues == []
    assert facts == NikFacts(
        region_code="31.71.01", birth_date=date(1990, 1, 15), sex="F", serial=2
    )


@pytest.mark.parametrize(
    ("day_digits", "day", "sex"),
    [("01", 1, "M"), ("31", 31, "M"), ("41", 1, "F"), ("71", 31, "F")],
)
def test_the_edges_of_the_day_ranges(day_digits, day, sex):
    facts, issues = nik_parse(f"317101{day_digits}12900001", today=TODAY)
    assert issues == []
    assert facts is not None
    assert (facts.birth_date, facts.sex) == (date(1990, 12, day), sex)


def test_a_high_serial_is_read_as_a_number():
    facts, _ = nik_parse("3171011501909999", today=TODAY)
    assert facts is not None and facts.serial == 9999


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["317101150190001", "31710115019000011", "", "   "])
def test_anything_but_sixteen_digits_is_a_length_error(value):
    facts, issues = nik_parse(value, today=TODAY)
    assert facts is None
    assert levels(issues) == [("error", "length")]
    assert "NIK harus 16 angka" in issues[0].message
    assert str(len(nik_normalise(value))) in issues[0].message


def test_letters_are_an_error_that_mentions_o_for_zero():
    facts, issues = nik_parse("31710115O1900001", today=TODAY)  # letter O for zero
    assert facts is None
    assert levels(issues) == [("error", "not_digits")]
    assert "hanya boleh berisi angka" in issues[0].message


def test_letters_and_the_wrong_length_are_both_reported():
    facts, issues = nik_parse("3171A", today=TODAY)
    assert facts is None
    assert levels(issues) == [("error", "length"), ("error", "not_digits")]


def test_superscript_digits_are_not_digits():
    facts, issues = nik_parse("317101150190000²", today=TODAY)
    assert facts is None
    assert levels(issues) == [("error", "not_digits")]


@pytest.mark.parametrize(
    "date_digits",
    [
        "000190",  # day 00
        "320190",  # day 32
        "400190",  # day 40: a woman's day 0
        "720190",  # day 72: a woman's day 32
        "151390",  # month 13
        "150090",  # month 00
        "310290",  # 31 February
        "710490",  # a woman's 31 April
        "290201",  # 29 February 2001, not a leap year
    ],
)
def test_digits_that_form_no_date_are_an_error(date_digits):
    facts, issues = nik_parse(f"317101{date_digits}0001", today=TODAY)
    assert levels(issues) == [("error", "bad_date")]
    assert date_digits in issues[0].message
    assert "tanggal lahir" in issues[0].message
    # The rest of the NIK is still read, so the form can show it.
    assert facts is not None
    assert facts.birth_date is None
    assert facts.region_code == "31.71.01"


def test_29_february_of_a_leap_year_is_a_date():
    facts, issues = nik_parse("3171012902000001", today=TODAY)
    assert issues == []
    assert facts is not None and facts.birth_date == date(2000, 2, 29)


def test_serial_0000_is_an_error():
    facts, issues = nik_parse("3171011501900000", today=TODAY)
    assert levels(issues) == [("error", "serial")]
    assert "0000" in issues[0].message
    assert facts is not None and facts.serial == 0


@pytest.mark.parametrize("province", ["00", "10", "99", "97"])
def test_an_impossible_province_is_an_error(province):
    facts, issues = nik_parse(f"{province}71011501900001", today=TODAY)
    assert levels(issues) == [("error", "province")]
    assert f"({province})" in issues[0].message
    assert "kode provinsi" in issues[0].message
    assert facts is not None


def test_several_errors_are_reported_together():
    _, issues = nik_parse("0071013201900000", today=TODAY)
    assert levels(issues) == [("error", "bad_date"), ("error", "province"), ("error", "serial")]


def test_province_codes_are_the_current_editions_38():
    with gzip.open(data_dir() / "provinces.csv.gz", "rt", encoding="utf-8") as handle:
        shipped = {row["id"].strip() for row in csv.DictReader(handle)}
    assert len(PROVINCE_CODES) == 38
    assert shipped == PROVINCE_CODES


# --- what people type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3171 0141 0190 0001",
        "'3171014101900001",
        "3171-0141-0190-0001",
        "31.71.01.410190.0001",
        " 3171014101900001 ",
        "\u20193171014101900001",  # the curly apostrophe word processors make
        "' 3171 0141 0190 0001",
        "3171\u00a00141\u00a00190\u00a00001",  # no-break spaces from a spreadsheet
        "3171\u20130141\u20130190\u20130001",  # en dashes
        "３１７１０１４１０１９００００１",  # full-width digits
    ],
)
def test_spreadsheet_and_hand_formatting_is_removed(typed):
    assert nik_normalise(typed) == "3171014101900001"
    facts, issues = nik_parse(typed, today=TODAY)
    assert issues == []
    assert facts == NikFacts(region_code="31.71.01", birth_date=date(1990, 1, 1), sex="F", serial=1)


def test_normalising_keeps_letters_so_they_are_not_silently_dropped():
    assert nik_normalise("3171 O141") == "3171O141"


def test_an_apostrophe_inside_the_number_is_not_formatting():
    facts, issues = nik_parse("3171'014101900001", today=TODAY)
    assert facts is None
    assert ("error", "not_digits") in levels(issues)


# --- the century of a two-digit year ----------------------------------------------------------


@pytest.mark.parametrize(
    ("date_digits", "expected"),
    [
        ("150190", date(1990, 1, 15)),
        ("150100", date(2000, 1, 15)),
        ("150126", date(2026, 1, 15)),  # earlier this year
        ("140526", date(2026, 5, 14)),  # yesterday
        ("150526", date(2026, 5, 15)),  # today: the newborn, not the centenarian
        ("160526", date(1926, 5, 16)),  # tomorrow would be in the future, so 99 years ago
        ("010626", date(1926, 6, 1)),
        ("311227", date(1927, 12, 31)),
    ],
)
def test_the_century_puts_the_birth_date_in_the_last_hundred_years(date_digits, expected):
    facts, issues = nik_parse(f"317101{date_digits}0001", today=TODAY)
    assert issues == []
    assert facts is not None and facts.birth_date == expected


def test_29_february_with_no_leap_year_in_the_window_is_an_error():
    # On 1 January 2101 the years ending in 00 within a hundred years are 2100 (not a leap
    # year) and 2000 (more than a hundred years ago).
    facts, issues = nik_parse("3171012902000001", today=date(2101, 1, 1))
    assert levels(issues) == [("error", "bad_date")]
    assert facts is not None and facts.birth_date is None


def test_today_defaults_to_the_current_date():
    facts, issues = nik_parse(MAN)
    assert issues == []
    assert facts is not None and facts.birth_date == date(1990, 1, 15)


# --- consistency with the record --------------------------------------------------------------


def test_a_nik_that_agrees_with_the_record_has_no_issues():
    facts, issues = check(
        WOMAN, sex="F", birth_date=date(1990, 1, 15), origin_region_code="31.71.01.1001"
    )
    assert issues == []
    assert facts is not None and facts.sex == "F"


def test_a_womans_nik_on_a_mans_record_is_a_warning():
    facts, issues = check(WOMAN, sex="M")
    assert levels(issues) == [("warning", "sex_mismatch")]
    assert "perempuan" in issues[0].message and "laki-laki" in issues[0].message
    assert facts is not None


def test_a_mans_nik_on_a_womans_record_is_a_warning_that_explains_the_forty():
    _, issues = check(MAN, sex="F")
    assert levels(issues) == [("warning", "sex_mismatch")]
    assert "ditambah 40" in issues[0].message


@pytest.mark.parametrize("sex", [None, ""])
def test_an_unknown_sex_is_not_compared(sex):
    _, issues = check(WOMAN, sex=sex)
    assert issues == []


def test_sex_is_not_compared_when_the_day_digits_are_no_day():
    # Day 35 is neither a man's day nor a woman's; the bad date is the only thing to fix.
    _, issues = check("3171013501900001", sex="F")
    assert levels(issues) == [("error", "bad_date")]


def test_a_different_birth_date_is_a_warning():
    _, issues = check(MAN, birth_date=date(1990, 1, 16))
    assert levels(issues) == [("warning", "birth_date_mismatch")]
    assert "15 Januari 1990" in issues[0].message
    assert "16 Januari 1990" in issues[0].message
    assert "tertukar" not in issues[0].message


def test_a_different_birth_year_is_a_warning():
    _, issues = check(MAN, birth_date=date(1991, 1, 15))
    assert levels(issues) == [("warning", "birth_date_mismatch")]


def test_a_day_month_swap_is_a_warning_with_a_hint():
    # The NIK says 3 February 1990; the record says 2 March 1990.
    _, issues = check("3171010302900001", birth_date=date(1990, 3, 2))
    assert levels(issues) == [("warning", "birth_date_mismatch")]
    assert "tanggal dan bulannya tertukar" in issues[0].message
    assert "3 Februari 1990" in issues[0].message and "2 Maret 1990" in issues[0].message


def test_a_swap_in_a_different_year_gets_no_swap_hint():
    _, issues = check("3171010302900001", birth_date=date(1991, 3, 2))
    assert levels(issues) == [("warning", "birth_date_mismatch")]
    assert "tertukar" not in issues[0].message


def test_when_only_the_year_is_known_only_the_year_is_compared():
    # The record keeps 1 January as a placeholder for "some day in 1990".
    _, issues = check(MAN, birth_date=date(1990, 1, 1), birth_year_only=True)
    assert issues == []


def test_a_different_year_is_a_warning_when_only_the_year_is_known():
    _, issues = check(MAN, birth_date=date(1991, 1, 1), birth_year_only=True)
    assert levels(issues) == [("warning", "birth_date_mismatch")]
    assert "Tahun lahir" in issues[0].message
    assert "1990" in issues[0].message and "1991" in issues[0].message


def test_a_century_apart_is_not_a_disagreement_with_the_nik():
    # The NIK has only "25"; nik_parse reads 2025, but the record's 1925 fits the digits too.
    facts, issues = check("3171010103250001", birth_date=date(1925, 3, 1))
    assert facts is not None and facts.birth_date == date(2025, 3, 1)
    assert issues == []


def test_birth_date_is_not_compared_when_the_nik_has_no_date():
    _, issues = check("3171013102900001", birth_date=date(1990, 1, 1))
    assert levels(issues) == [("error", "bad_date")]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("31.71.01.1001", []),  # same village's district
        ("31.71.05", []),  # moved within the city: not worth a warning
        ("31.71", []),
        ("31", []),  # the record knows only the province
        ("31.74.01", [("warning", "region_mismatch")]),  # other city, same province
        ("32.01", [("warning", "region_mismatch")]),
        ("32", [("warning", "region_mismatch")]),
    ],
)
def test_origin_is_compared_at_regency_level_or_province_level(origin, expected):
    _, issues = check(MAN, origin_region_code=origin)
    assert levels(issues) == expected


def test_a_region_mismatch_names_both_codes():
    _, issues = check(MAN, origin_region_code="32.01.01")
    assert "(31.71)" in issues[0].message and "(32.01)" in issues[0].message
    assert "pindah" in issues[0].message


def test_a_province_only_origin_is_named_at_province_level():
    _, issues = check(MAN, origin_region_code="32")
    assert "(31)" in issues[0].message and "(32)" in issues[0].message


def test_an_old_papua_nik_against_a_new_papua_origin_mentions_the_split():
    # Registered in Merauke as 91.01 before 2022; Merauke is 93.01 now.
    _, issues = check(
        "9101011501900001",
        origin_region_code="93.01",
        known_region_codes=known("93.01.01"),
    )
    assert levels(issues) == [("warning", "region_mismatch"), ("warning", "region_old_papua")]
    mismatch = next(issue for issue in issues if issue.code == "region_mismatch")
    assert "pemekaran" in mismatch.message


def test_warnings_are_not_errors():
    _, issues = check(
        WOMAN,
        sex="M",
        birth_date=date(1991, 1, 15),
        origin_region_code="32.01",
        known_region_codes=known(),
    )
    assert levels(issues) == [
        ("warning", "birth_date_mismatch"),
        ("warning", "region_mismatch"),
        ("warning", "region_unknown"),
        ("warning", "sex_mismatch"),
    ]
    assert not any(issue.is_error for issue in issues)


def test_errors_come_back_from_nik_check_too():
    facts, issues = check("12345", sex="M")
    assert facts is None
    assert levels(issues) == [("error", "length")]


@pytest.mark.parametrize("sex", ["L", "P", "male", "m"])
def test_a_sex_value_that_is_not_m_or_f_is_a_programming_error(sex):
    with pytest.raises(ValueError, match="sex"):
        check(MAN, sex=sex)


@pytest.mark.parametrize("origin", ["3171", "31.7", "Jakarta", "31.71.01.1"])
def test_an_origin_that_is_not_a_dotted_code_is_a_programming_error(origin):
    with pytest.raises(ValueError, match="region code"):
        check(MAN, origin_region_code=origin)


# --- region codes -----------------------------------------------------------------------------


def test_the_lookup_is_given_the_dotted_district_code():
    asked = []

    def lookup(code):
        asked.append(code)
        return True

    _, issues = check(MAN, known_region_codes=lookup)
    assert issues == []
    assert asked == ["31.71.01"]


def test_an_unknown_code_outside_papua_is_a_warning():
    facts, issues = check("3171991501900001")
    assert levels(issues) == [("warning", "region_unknown")]
    assert "31.71.99" in issues[0].message
    assert "tidak ditemukan dalam daftar wilayah terbaru" in issues[0].message
    assert facts is not None and facts.region_code == "31.71.99"


@pytest.mark.parametrize("nik", ["9101011501900001", "9201011501900001"])
def test_an_old_papua_code_is_a_warning_not_an_error(nik):
    facts, issues = check(nik)
    assert levels(issues) == [("warning", "region_old_papua")]
    assert "Papua" in issues[0].message and "2022" in issues[0].message
    assert facts is not None


def test_a_papua_code_that_still_exists_has_no_warning():
    _, issues = check("9103011501900001", known_region_codes=known("91.03.01"))
    assert issues == []


def test_an_unknown_code_in_a_new_papua_province_is_not_called_old():
    _, issues = check("9301991501900001")
    assert levels(issues) == [("warning", "region_unknown")]


def test_an_impossible_province_is_not_looked_up():
    def lookup(code):
        raise AssertionError(f"looked up {code}")

    _, issues = check("9971011501900001", known_region_codes=lookup)
    assert levels(issues) == [("error", "province")]


@pytest.fixture
def regions():
    make_regions(
        ("31", "DKI Jakarta"),
        ("31.71", "Kota Jakarta Pusat"),
        ("31.71.01", "Gambir"),
        ("91", "Papua"),
        ("91.03", "Kabupaten Jayapura"),
        ("91.03.01", "Sentani"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        (MAN, []),
        ("9103011501900001", []),
        ("3171991501900001", [("warning", "region_unknown")]),
        ("3171", [("error", "length")]),
        ("9101011501900001", [("warning", "region_old_papua")]),
    ],
)
def test_the_default_lookup_reads_the_regions_table(regions, nik, expected):
    _, issues = nik_check(nik, today=TODAY)
    assert levels(issues) == expected


@pytest.mark.django_db
def test_the_default_lookup_matches_districts_not_their_parents(regions):
    # "31.71" exists, but a NIK always names a district, and "31.71.02" does not exist.
    _, issues = nik_check("3171021501900001", today=TODAY)
    assert levels(issues) == [("warning", "region_unknown")]
