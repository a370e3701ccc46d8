"""An anonymised case-level export in the variable names of the Counter Trafficking Data
Collaborative (CTDC) codebook: one row per screened case, no name, number, date of birth,
place or free text; age in the codebook's broad bands and the year of registration only."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from pulang.agencies.models import Shelter
from pulang.cases.models import Case, Screening
from pulang.shelters.selectors import age_on, day_bounds

AGE_BANDS = (
    ("0--8", 0, 8),
    ("9--17", 9, 17),
    ("18--20", 18, 20),
    ("21--23", 21, 23),
    ("24--26", 24, 26),
    ("27--29", 27, 29),
    ("30--38", 30, 38),
    ("39--47", 39, 47),
    ("48+", 48, 200),
)
CONTROL = {
    "debt_bondage": "meansOfControlDebtBondage",
    "takes_earnings": "meansOfControlTakesEarnings",
    "threats": "meansOfControlThreats",
    "psychological_abuse": "meansOfControlPsychologicalAbuse",
    "physical_abuse": "meansOfControlPhysicalAbuse",
    "sexual_abuse": "meansOfControlSexualAbuse",
    "false_promises": "meansOfControlFalsePromises",
    "restricts_movement": "meansOfControlRestrictsMovement",
    "excessive_hours": "meansOfControlExcessiveWorkingHours",
    "threat_of_law_enforcement": "meansOfControlThreatOfLawEnforcement",
    "withholds_necessities": "meansOfControlWithholdsNecessities",
    "withholds_documents": "meansOfControlWithholdsDocuments",
    "other": "meansOfControlOther",
}
EXPLOITATION = {
    "forced_labour": "isForcedLabour",
    "sexual": "isSexualExploit",
    "forced_marriage": "isForcedMarriage",
    "organ_removal": "isOrganRemoval",
    "slavery": "isSlaveryAndPractices",
    "other": "isOtherExploit",
}
LABOUR = {
    "agriculture": "typeOfLabourAgriculture",
    "begging": "typeOfLabourBegging",
    "construction": "typeOfLabourConstruction",
    "domestic_work": "typeOfLabourDomesticWork",
    "hospitality": "typeOfLabourHospitality",
    "manufacturing": "typeOfLabourManufacturing",
    "fishing": "typeOfLabourAquafarming",
    "other": "typeOfLabourOther",
    "unknown": "typeOfLabourNotSpecified",
}
RELATION = {
    "intimate_partner": "recruiterRelationIntimatePartner",
    "friend": "recruiterRelationFriend",
    "family": "recruiterRelationFamily",
    "other": "recruiterRelationOther",
    "unknown": "recruiterRelationUnknown",
}
COLUMNS = [
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    *CONTROL.values(),
    "meansOfControlNotSpecified",
    *EXPLOITATION.values(),
    *LABOUR.values(),
    *RELATION.values(),
    "CountryOfExploitation",
]


def _band(age: int | None) -> str:
    if age is None:
        return ""
    return next(band for band, low, high in AGE_BANDS if low <= age <= high)


def ctdc_rows(*, shelters: QuerySet[Shelter], start: date, end: date) -> Iterator[dict[str, Any]]:
    """One row per case registered in the period in these shelters whose trafficking
    determination (after review) is confirmed or presumed."""
    period_start, _ = day_bounds(start)
    _, period_end = day_bounds(end)
    cases = Case.objects.filter(
        opened_at__gte=period_start, opened_at__lt=period_end, stays__shelter__in=shelters
    ).distinct()
    latest: dict[int, Screening] = {}
    for screening in (
        Screening.objects.filter(case__in=cases)
        .select_related("case__person")
        .order_by("case_id", "screened_at", "id")
    ):
        latest[screening.case_id] = screening
    for screening in latest.values():
        if screening.final_determination not in ("confirmed", "presumed"):
            continue
        case = screening.case
        age = age_on(case.person.birth_date, case.opened_at.date())
        row: dict[str, Any] = dict.fromkeys(COLUMNS, 0)
        row.update(
            yearOfRegistration=case.opened_at.year,
            Datasource="Case Management",
            gender={"F": "Female", "M": "Male"}.get(case.person.sex, ""),
            ageBroad=_band(age),
            majorityStatus="" if age is None else ("Adult" if age >= 18 else "Minor"),
            citizenship="ID",
            CountryOfExploitation=screening.country_of_exploitation,
        )
        for code in screening.means_of_control:
            if code in CONTROL:
                row[CONTROL[code]] = 1
        row["meansOfControlNotSpecified"] = int(not screening.means_of_control)
        for code in screening.exploitation_types:
            if code in EXPLOITATION:
                row[EXPLOITATION[code]] = 1
        if screening.sector in LABOUR:
            row[LABOUR[screening.sector]] = 1
        if screening.recruiter_relation in RELATION:
            row[RELATION[screening.recruiter_relation]] = 1
        yield row
