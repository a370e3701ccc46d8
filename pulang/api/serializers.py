from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pulang.access.fields import Shown, present
from pulang.agencies.models import Agency, Shelter
from pulang.cases.models import Case, NeedsAssessment, Screening
from pulang.cases.selectors import Event
from pulang.empowerment.models import Enrolment, FollowUp, Programme
from pulang.people.models import Person
from pulang.regions.models import Region
from pulang.sharing.models import Consent, Purpose, Referral
from pulang.shelters.models import ActivityKind, Provision, Stay
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
CASE_FLAG_CHOICES = [(flag, flag) for flag in CASE_FLAGS]


def case_flags(case: Case) -> list[str]:
    flags = {
        "returning": case.is_returning,
        "child": case.is_child,
        "pregnant": case.is_pregnant,
        "disability": case.has_disability,
        "ill": case.is_ill,
    }
    return [flag for flag in CASE_FLAGS if flags[flag]]


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
    flags = serializers.ListField(child=serializers.ChoiceField(choices=CASE_FLAG_CHOICES))
    stay = CurrentStaySerializer(allow_null=True, help_text="The open stay, if in a shelter now")
    timeline = TimelineEventSerializer(many=True)

    def to_representation(self, detail: CaseDetail) -> dict[str, Any]:
        case = detail.case
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
            "flags": case_flags(case),
            "stay": CurrentStaySerializer(detail.stay).data if detail.stay else None,
            "timeline": TimelineEventSerializer(detail.timeline, many=True).data,
        }


# --- the day sheet, items and sessions ------------------------------------------------------


class DayQuerySerializer(BoardQuerySerializer):
    """The same `date` as the board: today when left out, never in the future."""


ITEM_KINDS = [(kind.value, kind.label) for kind in Provision.Kind if kind not in Provision.MEALS]


class ItemGivenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ITEM_KINDS)
    quantity = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)


class DayRowSerializer(serializers.Serializer):
    """One resident's day: no identity numbers, health or trafficking account."""

    stay_id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    full_name = serializers.CharField()
    breakfast = serializers.BooleanField()
    lunch = serializers.BooleanField()
    dinner = serializers.BooleanField()
    items = ItemGivenSerializer(many=True, help_text="Items given that day (not meals)")


class DaySheetSerializer(serializers.Serializer):
    """What was served and given on a day, to everyone present at some time that day."""

    shelter_id = serializers.IntegerField()
    date = serializers.DateField()
    served = serializers.DictField(
        child=serializers.IntegerField(), help_text="Meals served: breakfast, lunch, dinner"
    )
    residents = DayRowSerializer(many=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        shelter, sheet = instance
        return {
            "shelter_id": shelter.pk,
            "date": sheet.day.isoformat(),
            "served": dict(sheet.served),
            "residents": [
                {
                    "stay_id": stay.pk,
                    "case_id": stay.case_id,
                    "full_name": stay.case.person.full_name,
                    **meals,
                    "items": ItemGivenSerializer(items, many=True).data,
                }
                for stay, meals, items in sheet.rows
            ],
        }


class ItemIssueSerializer(serializers.Serializer):
    stay = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="Stay id of a resident of this shelter"
    )
    kind = serializers.ChoiceField(choices=ITEM_KINDS)
    quantity = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=1)
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="What was given; needed for kind `other`",
    )
    date = serializers.DateField(validators=[_not_too_early, _not_in_future])


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stay_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ITEM_KINDS)
    quantity = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    date = serializers.DateField(source="provided_on")
    recorded_at = serializers.DateTimeField()


class ActivityKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityKind
        fields = ["code", "name", "group"]
        read_only_fields = fields


def _not_too_early_moment(moment: datetime) -> None:
    _not_too_early(moment.date())


def _not_in_future_moment(moment: datetime) -> None:
    if moment > timezone.now():
        raise serializers.ValidationError(_("Waktu tidak boleh di masa depan."))


SCHEDULE_AHEAD = timedelta(days=366)


def _not_far_ahead(moment: datetime) -> None:
    if moment > timezone.now() + SCHEDULE_AHEAD:
        raise serializers.ValidationError(
            _("Sesi hanya dapat dijadwalkan paling lama setahun ke depan.")
        )


class SessionCreateSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ActivityKind.objects.all(),
        help_text="Code of an active activity kind (GET activity-kinds/)",
    )
    starts_at = serializers.DateTimeField(
        validators=[_not_too_early_moment, _not_far_ahead],
        help_text="When it starts; at most a year ahead",
    )
    facilitator = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shelter_id = serializers.IntegerField()
    kind = serializers.CharField(source="kind.code", help_text="Activity kind code")
    kind_name = serializers.CharField(source="kind.name")
    starts_at = serializers.DateTimeField()
    facilitator = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    attended = serializers.IntegerField(help_text="Residents marked present")


# --- stays ----------------------------------------------------------------------------------

DISCHARGE_REASONS = [
    (reason.value, reason.label)
    for reason in Stay.DischargeReason
    if reason != Stay.DischargeReason.TRANSFERRED
]


class DischargeSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=DISCHARGE_REASONS, help_text="To move to another shelter, use transfer"
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="For refused_services: the number of the signed statement",
    )
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        validators=[_not_too_early_moment, _not_in_future_moment],
        help_text="When the resident left; now when left out",
    )


class TransferSerializer(serializers.Serializer):
    to_shelter = serializers.SlugRelatedField(
        slug_field="code", queryset=Shelter.objects.all(), help_text="Code of the other shelter"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    over_capacity_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Needed, and recorded, only when the transfer overfills the other shelter",
    )


class StayDetailSerializer(StaySerializer):
    discharged_at = serializers.DateTimeField(allow_null=True)
    discharge_reason = serializers.ChoiceField(
        choices=Stay.DischargeReason.choices, allow_null=True
    )
    discharge_note = serializers.CharField(allow_blank=True)
    case_status = serializers.ChoiceField(
        source="case.status", choices=Case.Status.choices, help_text="The case's status now"
    )

    def to_representation(self, stay: Stay) -> dict[str, Any]:
        data = super().to_representation(stay)
        data["discharge_reason"] = stay.discharge_reason or None
        return data


# --- screenings and the case plan -----------------------------------------------------------


class ReviewSerializer(serializers.Serializer):
    determination = serializers.ChoiceField(choices=Screening.Determination.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Needed when the determination is changed",
    )


class ReviewedSerializer(serializers.Serializer):
    """A reviewed screening. The determinations and the note are null for callers who may not
    see sensitive data."""

    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    screened_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField()
    determination = serializers.ChoiceField(
        choices=Screening.Determination.choices, allow_null=True, help_text="The screener's"
    )
    reviewed_determination = serializers.ChoiceField(
        choices=Screening.Determination.choices, allow_null=True
    )
    review_note = serializers.CharField(allow_null=True, allow_blank=True)

    def to_representation(self, screening: Screening) -> dict[str, Any]:
        data = super().to_representation(screening)
        if not self.context.get("sensitive"):
            data.update(determination=None, reviewed_determination=None, review_note=None)
        return data


class NeedsSerializer(serializers.Serializer):
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedsAssessment.Need.choices),
        allow_empty=True,
        max_length=len(NeedsAssessment.Need.choices),
        help_text="What the person needs; an empty list records that nothing is needed",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    is_child = serializers.BooleanField(required=False, help_text="Left out: unchanged")
    is_pregnant = serializers.BooleanField(required=False, help_text="Left out: unchanged")
    has_disability = serializers.BooleanField(required=False, help_text="Left out: unchanged")
    is_ill = serializers.BooleanField(required=False, help_text="Left out: unchanged")


class NeedsAssessedSerializer(serializers.Serializer):
    """The assessment recorded (without its notes) and the case's flags after it."""

    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedsAssessment.Need.choices)
    )
    assessed_at = serializers.DateTimeField()
    flags = serializers.ListField(child=serializers.ChoiceField(choices=CASE_FLAG_CHOICES))

    def to_representation(self, assessment: NeedsAssessment) -> dict[str, Any]:
        return {
            "id": assessment.pk,
            "case_id": assessment.case_id,
            "needs": list(assessment.needs),
            "assessed_at": self.fields["assessed_at"].to_representation(assessment.assessed_at),
            "flags": case_flags(assessment.case),
        }


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    text = serializers.CharField()
    written_at = serializers.DateTimeField()


class TaskCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(validators=[_not_too_early])
    goal = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    goal = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    due_on = serializers.DateField()
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices)
    reason = serializers.CharField(max_length=500)


class CaseClosedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices)
    closed_at = serializers.DateTimeField()


# --- sharing: consent, referrals --------------------------------------------------------------

SHOWN_STATES = [
    ("shown", "shown"),
    ("masked", "masked"),
    ("empty", "empty"),
    ("hidden", "hidden"),
    ("outside", "outside"),
]


def _up_to_a_year_ahead(day: date) -> None:
    if day > timezone.localdate() + SCHEDULE_AHEAD:
        raise serializers.ValidationError(_("Tanggal paling lama setahun ke depan."))


class ConsentCreateSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    basis = serializers.ChoiceField(
        choices=Consent.Basis.choices,
        help_text="consent: the person's (or guardian's); legal_duty: a duty in law",
    )
    given_by = serializers.CharField(
        max_length=200, help_text="Who gave it: the person, or for a child a guardian"
    )
    given_by_relation = serializers.CharField(
        required=False,
        default="diri sendiri",
        max_length=100,
        help_text="Relation to the person; `diri sendiri` (self) when left out",
    )


class ConsentSerializer(serializers.Serializer):
    """A consent and its withdrawal. `given_by` is null for a caller who reaches the person
    through an agreement that does not open both identity and contact data."""

    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    basis = serializers.ChoiceField(choices=Consent.Basis.choices)
    given_by = serializers.CharField(allow_null=True)
    given_by_relation = serializers.CharField()
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, consent: Consent) -> dict[str, Any]:
        data = super().to_representation(consent)
        if not self.context.get("names", True):
            data["given_by"] = None
        return data


class ReferralCreateSerializer(serializers.Serializer):
    to_agency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agency.objects.filter(is_active=True),
        help_text="Code of the receiving agency, party to a valid agreement with yours",
    )
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="For the receiving agency",
    )


class ReferralSerializer(serializers.Serializer):
    """A referral. The name is null when the caller reaches the person only through an agreement
    that leaves identity out."""

    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    person_id = serializers.IntegerField(source="case.person_id")
    full_name = serializers.CharField(source="shown_name", allow_null=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    from_agency = serializers.CharField(source="from_agency.code", help_text="Agency code")
    to_agency = serializers.CharField(source="to_agency.code", help_text="Agency code")
    agreement = serializers.CharField(
        source="agreement.reference", help_text="The agreement's reference number"
    )
    note = serializers.CharField(allow_blank=True, help_text="The sender's note")
    sent_at = serializers.DateTimeField()
    overdue = serializers.BooleanField(
        help_text="Waiting for an answer longer than the reminder limit"
    )
    responded_at = serializers.DateTimeField(allow_null=True)
    response_note = serializers.CharField(
        allow_blank=True, help_text="The receiver's note, or the reason it was declined or ended"
    )
    completed_at = serializers.DateTimeField(allow_null=True)


class InboxSerializer(serializers.Serializer):
    waiting = ReferralSerializer(many=True, help_text="Sent to your agency, not yet answered")
    active = ReferralSerializer(many=True, help_text="Accepted by your agency, being worked")
    sent = ReferralSerializer(many=True, help_text="Sent by your agency, latest 100")
    reminder_days = serializers.IntegerField(
        source="limit", help_text="Days a referral may wait before it is marked overdue"
    )


class ReferralAnswerSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReferralDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the referral is declined")


class ShownFieldSerializer(serializers.Serializer):
    """One field of the person as this caller may see it: identity numbers masked, categories
    outside the agreement or the caller's role without a value."""

    # DRF's metaclass takes declared fields off the class, so `label` (and `fields` below) do
    # not shadow the Field and Serializer attributes of those names.
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(
        choices=SHOWN_STATES,
        help_text="shown; masked (identity numbers); empty; hidden (not for your role); "
        "outside (not opened by the agreement)",
    )


class ReferredPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(
        allow_null=True, help_text="Null when the agreement does not open identity"
    )
    fields = ShownFieldSerializer(many=True)  # type: ignore[assignment]


class ProgrammeSerializer(serializers.ModelSerializer):
    followup_months = serializers.ListField(
        child=serializers.IntegerField(), help_text="Follow-ups planned this many months after"
    )

    class Meta:
        model = Programme
        fields = ["code", "name", "kind", "followup_months"]
        read_only_fields = fields


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    referral_id = serializers.IntegerField(allow_null=True)
    programme = serializers.CharField(source="programme.code", help_text="Programme code")
    programme_name = serializers.CharField(source="programme.name")
    enrolled_on = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=0, allow_null=True, help_text="Rupiah"
    )
    note = serializers.CharField(allow_blank=True)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code", help_text="The agency that owes it")
    programme = serializers.CharField(
        source="enrolment.programme.code", allow_null=True, default=None
    )
    months_after = serializers.IntegerField()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    reached = serializers.BooleanField(allow_null=True)
    monthly_income = serializers.DecimalField(
        max_digits=14, decimal_places=0, allow_null=True, help_text="Rupiah"
    )
    business_running = serializers.BooleanField(allow_null=True)
    wants_abroad = serializers.BooleanField(allow_null=True)
    abroad_channel = serializers.ChoiceField(choices=FollowUp.Channel.choices, allow_blank=True)
    safe_migration_knowledge = serializers.ChoiceField(
        choices=FollowUp.Knowledge.choices, allow_blank=True
    )
    needs = serializers.CharField(allow_blank=True)


@dataclass(frozen=True)
class ReferralDetail:
    referral: Referral
    receiving: bool
    full_name: str | None
    fields: list[tuple[str, Shown]]
    enrolments: list[Enrolment]
    followups: list[FollowUp]


class ReferralDetailSerializer(serializers.Serializer):
    """A referral, the person as far as the agreement and the caller's role open them, the
    programmes they were enrolled in under it, and the follow-ups the caller's agency owes."""

    referral = ReferralSerializer()
    receiving = serializers.BooleanField(help_text="Whether your agency is the receiving one")
    categories = serializers.ListField(
        child=serializers.CharField(), help_text="The categories of data the agreement opens"
    )
    person = ReferredPersonSerializer()
    enrolments = EnrolmentSerializer(many=True)
    followups = FollowUpSerializer(many=True, help_text="Those your agency owes")

    def to_representation(self, detail: ReferralDetail) -> dict[str, Any]:
        referral = detail.referral
        return {
            "referral": ReferralSerializer(referral).data,
            "receiving": detail.receiving,
            "categories": list(referral.agreement.categories),
            "person": {
                "id": referral.case.person_id,
                "full_name": detail.full_name,
                "fields": [
                    {
                        "field": name,
                        "label": shown.label,
                        "value": shown.value,
                        "state": shown.state,
                    }
                    for name, shown in detail.fields
                ],
            },
            "enrolments": EnrolmentSerializer(detail.enrolments, many=True).data,
            "followups": FollowUpSerializer(detail.followups, many=True).data,
        }


# --- empowerment: enrolments, follow-ups, outcomes ----------------------------------------------


class EnrolCreateSerializer(serializers.Serializer):
    programme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Programme.objects.all(),
        help_text="Code of an active programme your agency runs (GET programmes/)",
    )
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=0,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text="Rupiah given, where the programme gives money",
    )
    enrolled_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[_not_too_early, _up_to_a_year_ahead],
        help_text="Today when left out; follow-ups are planned from this day",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class FollowUpRecordSerializer(serializers.Serializer):
    reached = serializers.BooleanField(
        help_text="Whether the person was reached; false is a result too"
    )
    monthly_income = serializers.DecimalField(
        max_digits=14,
        decimal_places=0,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text="Rupiah a month",
    )
    business_running = serializers.BooleanField(required=False, allow_null=True, default=None)
    wants_abroad = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Wants to work abroad again; then abroad_channel is needed",
    )
    abroad_channel = serializers.ChoiceField(
        choices=FollowUp.Channel.choices, required=False, allow_blank=True, default=""
    )
    safe_migration_knowledge = serializers.ChoiceField(
        choices=FollowUp.Knowledge.choices, required=False, allow_blank=True, default=""
    )
    needs = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class FollowUpRowSerializer(FollowUpSerializer):
    """A follow-up due. The name is null when the agreement does not open identity."""

    person_id = serializers.IntegerField(source="case.person_id")
    full_name = serializers.CharField(source="shown_name", allow_null=True)
    assigned_to_you = serializers.BooleanField()


class FollowUpsDueSerializer(serializers.Serializer):
    today = serializers.DateField()
    overdue = FollowUpRowSerializer(many=True, help_text="Due before today, not yet done")
    due = FollowUpRowSerializer(many=True, help_text="Due today or in the next two weeks")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices)
    evidence = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="What shows it"
    )


class CaseOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices)
