from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pulang.access.fields import present
from pulang.agencies.models import Shelter
from pulang.cases.models import Case, Screening
from pulang.cases.selectors import Event
from pulang.people.models import Person
from pulang.regions.models import Region
from pulang.shelters.models import Provision, Stay
from pulang.shelters.selectors import FLAGS


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "level", "name", "parent"]


class PersonSerializer(serializers.Serializer):
    """A person as this caller may see them: identity numbers masked unless revealed, health and
    trafficking accounts null for roles that do not work the case."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Person.Sex.choices)
    birth_date = serializers.DateField(allow_null=True)
    origin_region = serializers.CharField(allow_null=True, help_text="Interior-ministry code")
    nik = serializers.CharField(allow_null=True, help_text="Masked unless revealed")
    travel_document = serializers.ChoiceField(choices=Person.TravelDocument.choices)
    travel_document_number = serializers.CharField(allow_null=True)
    health_notes = serializers.CharField(allow_null=True)
    trafficking_account = serializers.CharField(allow_null=True)
    identity_numbers_revealed = serializers.BooleanField()

    def to_representation(self, person: Person) -> dict[str, Any]:
        user = self.context["request"].user
        revealed = bool(self.context.get("revealed"))
        shown = {
            field: present(user, person, field, category, revealed=revealed)
            for field, category in Person.FIELD_CATEGORIES.items()
        }

        def value(field: str) -> str | None:
            item = shown[field]
            return item.value if item.state in {"shown", "masked"} else None

        return {
            "id": person.pk,
            "full_name": person.full_name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "origin_region": person.origin_region_id,
            "nik": value("nik"),
            "travel_document": person.travel_document,
            "travel_document_number": value("travel_document_number"),
            "health_notes": value("health_notes"),
            "trafficking_account": value("trafficking_account"),
            "identity_numbers_revealed": revealed and shown["nik"].state != "masked",
        }


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())


# --- shelter life ---------------------------------------------------------------------------

# Before any record Pulang could hold; also keeps day arithmetic far from datetime's limits.
EARLIEST_DAY = date(1900, 1, 1)
FLAG_CHOICES = [(flag, flag) for flag in FLAGS]
CASE_FLAGS = ("returning", "child", "pregnant", "disability", "ill")


def _not_too_early(day: date) -> None:
    if day < EARLIEST_DAY:
        raise serializers.ValidationError(_("Tanggal terlalu jauh di masa lalu."))


def _not_in_future(day: date) -> None:
    if day > timezone.localdate():
        raise serializers.ValidationError(_("Tanggal tidak boleh di masa depan."))


def _ids(help_text: str, *, required: bool = True) -> serializers.ListField:
    """A list of record ids: required and not empty, or optional and empty by default."""
    optional: dict[str, Any] = {} if required else {"required": False, "default": list}
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        allow_empty=not required,
        max_length=1000,
        help_text=help_text,
        **optional,
    )


class ShelterSerializer(serializers.ModelSerializer):
    present = serializers.IntegerField(read_only=True, help_text="Residents in the shelter now")

    class Meta:
        model = Shelter
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "capacity_men",
            "capacity_women",
            "capacity_children",
            "present",
        ]
        read_only_fields = fields


class BoardQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False,
        validators=[_not_too_early, _not_in_future],
        help_text="The day to show (YYYY-MM-DD); today when left out",
    )


class ResidentSerializer(serializers.Serializer):
    """A resident as the board shows them: no identity numbers, health or trafficking account."""

    stay_id = serializers.IntegerField(source="stay.pk")
    case_id = serializers.IntegerField(source="case.pk")
    person_id = serializers.IntegerField(source="case.person_id")
    full_name = serializers.CharField(source="case.person.full_name")
    sex = serializers.ChoiceField(source="case.person.sex", choices=Person.Sex.choices)
    age = serializers.IntegerField(allow_null=True, help_text="Years, on the day shown")
    admitted_at = serializers.DateTimeField(source="stay.admitted_at")
    days = serializers.IntegerField(help_text="Days in the shelter by the day shown")
    flags = serializers.ListField(child=serializers.ChoiceField(choices=FLAG_CHOICES))
    tasks_due = serializers.IntegerField(help_text="Open tasks of the case plan due by today")


class BoardSerializer(serializers.Serializer):
    """Who was in a shelter at the end of a day, with the counts of everyone present."""

    shelter_id = serializers.IntegerField(source="shelter.pk")
    date = serializers.DateField(source="day")
    total = serializers.IntegerField()
    by_sex = serializers.DictField(child=serializers.IntegerField(), help_text="M, F")
    by_age = serializers.DictField(
        child=serializers.IntegerField(), help_text="Age groups, and ? for an unknown age"
    )
    by_category = serializers.DictField(
        child=serializers.IntegerField(), help_text="The capacities taken: men, women, children"
    )
    residents = ResidentSerializer(many=True)


class AdmissionSerializer(serializers.Serializer):
    cases = _ids("Ids of the cases to admit, all in one step")
    over_capacity_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Needed, and recorded, only when the admission overfills the shelter",
    )


class StaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    shelter_id = serializers.IntegerField()
    admitted_at = serializers.DateTimeField()
    over_capacity_reason = serializers.CharField()


class MealRollCallSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[_not_too_early, _not_in_future])
    meal = serializers.ChoiceField(choices=[(m.value, m.label) for m in Provision.MEALS])
    absent = _ids("Stay ids of the residents present that day who did not eat", required=False)


class RollCallSerializer(serializers.Serializer):
    served = serializers.IntegerField(help_text="Meals recorded by this call")
    absent = serializers.IntegerField(help_text="Residents present that day who did not eat")
    already = serializers.IntegerField(help_text="Residents whose meal was recorded before")


class AttendanceSerializer(serializers.Serializer):
    stays = _ids("Stay ids of the residents who attended")


class AttendanceResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Residents newly marked present")


class ScreeningCreateSerializer(serializers.Serializer):
    """The trafficking screening form's fields (pulang/cases/forms.py ScreeningForm)."""

    recruitment = serializers.ChoiceField(choices=Screening.Recruitment.choices)
    recruiter_relation = serializers.ChoiceField(choices=Screening.RecruiterRelation.choices)
    sector = serializers.ChoiceField(choices=Screening.Sector.choices)
    determination = serializers.ChoiceField(choices=Screening.Determination.choices)
    means_of_control = serializers.ListField(
        child=serializers.ChoiceField(choices=Screening.Control.choices),
        required=False,
        default=list,
        max_length=len(Screening.Control.choices),
    )
    exploitation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Screening.Exploitation.choices),
        required=False,
        default=list,
        max_length=len(Screening.Exploitation.choices),
    )
    country_of_exploitation = serializers.CharField(
        min_length=2, max_length=2, help_text="Two-letter country code, e.g. MY"
    )
    account = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)

    def validate_country_of_exploitation(self, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 2 or not value.isascii() or not value.isalpha():
            raise serializers.ValidationError(_("Tulis kode negara dua huruf, misalnya MY."))
        return value


class ScreeningSerializer(serializers.Serializer):
    """A recorded screening, without the person's account."""

    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    recruitment = serializers.ChoiceField(choices=Screening.Recruitment.choices)
    recruiter_relation = serializers.ChoiceField(choices=Screening.RecruiterRelation.choices)
    sector = serializers.ChoiceField(choices=Screening.Sector.choices)
    determination = serializers.ChoiceField(choices=Screening.Determination.choices)
    means_of_control = serializers.ListField(
        child=serializers.ChoiceField(choices=Screening.Control.choices)
    )
    exploitation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Screening.Exploitation.choices)
    )
    country_of_exploitation = serializers.CharField()
    screened_at = serializers.DateTimeField()


class CurrentStaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shelter_id = serializers.IntegerField()
    shelter_name = serializers.CharField(source="shelter.name")
    admitted_at = serializers.DateTimeField()


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(
        help_text="arrival, status, stay, care, activity, assessment, note or plan"
    )
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True, help_text="Who recorded it, when known")


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    stay: Stay | None
    timeline: list[Event]


class CaseDetailSerializer(serializers.Serializer):
    """A case and its whole episode, oldest event first. Screening determinations appear in the
    timeline only for roles that may see sensitive data."""

    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    full_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices, allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=[(flag, flag) for flag in CASE_FLAGS])
    )
    stay = CurrentStaySerializer(allow_null=True, help_text="The open stay, if in a shelter now")
    timeline = TimelineEventSerializer(many=True)

    def to_representation(self, detail: CaseDetail) -> dict[str, Any]:
        case = detail.case
        flags = {
            "returning": case.is_returning,
            "child": case.is_child,
            "pregnant": case.is_pregnant,
            "disability": case.has_disability,
            "ill": case.is_ill,
        }
        return {
            "id": case.pk,
            "person_id": case.person_id,
            "full_name": case.person.full_name,
            "status": case.status,
            "outcome": case.outcome or None,
            "opened_at": self.fields["opened_at"].to_representation(case.opened_at),
            "closed_at": self.fields["closed_at"].to_representation(case.closed_at)
            if case.closed_at
            else None,
            "flags": [flag for flag in CASE_FLAGS if flags[flag]],
            "stay": CurrentStaySerializer(detail.stay).data if detail.stay else None,
            "timeline": TimelineEventSerializer(detail.timeline, many=True).data,
        }
