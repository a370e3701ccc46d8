"""API endpoints. Thin: parse, check the declared capability, call a selector, serialise."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulang.access.fields import DataCategory, present
from pulang.access.http import AUTHENTICATED, PUBLIC, record_denial
from pulang.access.roles import Capability
from pulang.access.scope import agreement_categories, agreement_categories_of
from pulang.agencies.models import Shelter
from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.cases.models import Case, Screening, Task
from pulang.cases.selectors import case_get, case_timeline, screening_get, task_get
from pulang.cases.services import (
    CaseError,
    case_close,
    needs_assess,
    note_add,
    screening_record,
    screening_review,
    task_add,
    task_done,
)
from pulang.core.text import search_query
from pulang.empowerment.models import FollowUp, Programme
from pulang.empowerment.selectors import followup_get, followups_due, programmes_for
from pulang.empowerment.services import enrol, followup_record, outcome_set
from pulang.people.models import Person
from pulang.people.selectors import person_fields, person_get, person_list
from pulang.people.services import page_disclosure_record, person_disclosure_record
from pulang.regions.models import Region
from pulang.regions.selectors import region_search
from pulang.sharing.models import Consent, Referral
from pulang.sharing.selectors import consent_get, inbox, referral_get
from pulang.sharing.services import (
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
)
from pulang.shelters.models import ActivityKind, ActivitySession, Stay
from pulang.shelters.selectors import (
    day_sheet,
    present_during,
    session_get,
    shelter_board,
    shelter_get,
    shelter_list,
    stay_get,
)
from pulang.shelters.services import (
    attendance_mark,
    meal_roll_call,
    provision_issue,
    session_create,
    stay_admit,
    stay_discharge,
    stay_transfer,
)

from .schema import ERROR_SCHEMA, error_responses
from .serializers import (
    ActivityKindSerializer,
    AdmissionSerializer,
    AttendanceResultSerializer,
    AttendanceSerializer,
    BoardQuerySerializer,
    BoardSerializer,
    CaseClosedSerializer,
    CaseDetail,
    CaseDetailSerializer,
    CaseOutcomeSerializer,
    CloseSerializer,
    ConsentCreateSerializer,
    ConsentSerializer,
    DayQuerySerializer,
    DaySheetSerializer,
    DischargeSerializer,
    EnrolCreateSerializer,
    EnrolmentSerializer,
    FollowUpRecordSerializer,
    FollowUpsDueSerializer,
    FollowUpSerializer,
    InboxSerializer,
    ItemIssueSerializer,
    ItemSerializer,
    MealRollCallSerializer,
    MeSerializer,
    NeedsAssessedSerializer,
    NeedsSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    OutcomeSerializer,
    PersonSerializer,
    ProgrammeSerializer,
    ReferralAnswerSerializer,
    ReferralCreateSerializer,
    ReferralDeclineSerializer,
    ReferralDetail,
    ReferralDetailSerializer,
    ReferralSerializer,
    RegionSerializer,
    ReviewedSerializer,
    ReviewSerializer,
    RollCallSerializer,
    ScreeningCreateSerializer,
    ScreeningSerializer,
    SessionCreateSerializer,
    SessionSerializer,
    ShelterSerializer,
    StayDetailSerializer,
    StaySerializer,
    TaskCreateSerializer,
    TaskSerializer,
    TransferSerializer,
)

Q_PARAM = OpenApiParameter("q", str, description="Words that must all appear in the name")


def search_words(request: Request) -> str:
    return search_query(request.query_params.get("q"))


class SchemaView(SpectacularJSONAPIView):
    capability = PUBLIC
    authentication_classes: list[Any] = []


class MeView(APIView):
    capability = AUTHENTICATED

    @extend_schema(
        responses={200: MeSerializer, **error_responses(401)},
        summary="Who the token belongs to",
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        return Response(
            {
                "username": user.username,
                "agency": user.agency.code if user.agency else None,
                "roles": list(user.roles),
                "capabilities": sorted(str(cap) for cap in user.capabilities),
            }
        )


class RegionViewSet(viewsets.GenericViewSet):
    capability = Capability.REGION_VIEW
    serializer_class = RegionSerializer
    queryset = Region.objects.none()
    pagination_class = None  # a short picker list (region_search's limit), never paged

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Part of a region's name"),
            OpenApiParameter("level", int, enum=[1, 2, 3, 4]),
        ],
        responses={200: RegionSerializer(many=True), **error_responses(401, 403)},
        summary="Find regions by part of their name or their parents' names",
    )
    def list(self, request: Request) -> Response:
        try:
            level = int(request.query_params.get("level", "")) or None
        except ValueError:
            level = None
        if level not in {None, *Region.Level.values}:
            level = None
        regions = region_search(query=search_words(request), level=level)
        return Response(RegionSerializer(regions, many=True).data)


class PersonViewSet(viewsets.GenericViewSet):
    """People in the caller's scope. Every response that names someone is audited."""

    serializer_class = PersonSerializer
    capabilities = {
        "list": Capability.PERSON_VIEW,
        "retrieve": Capability.PERSON_VIEW,
        "reveal": Capability.IDENTITY_REVEAL,
    }
    queryset = Person.objects.none()

    @extend_schema(
        parameters=[Q_PARAM],
        responses={200: PersonSerializer(many=True), **error_responses(401, 403, 404)},
        summary="People in your scope",
    )
    def list(self, request: Request) -> Response:
        query = search_words(request)
        page = self.paginate_queryset(person_list(user=request.user, query=query))
        people = list(page or [])
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH if query else AuditEvent.Action.VIEW,
            people=people,
            summary=f"api list q={query!r}",
        )
        data = PersonSerializer(people, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        responses={200: PersonSerializer, **error_responses(401, 403, 404)},
        summary="One person, identity numbers masked",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        person = person_get(request=request, person_id=pk)
        person_disclosure_record(actor=request.user, action=AuditEvent.Action.VIEW, people=person)
        return Response(PersonSerializer(person, context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={200: PersonSerializer, **error_responses(401, 403, 404)},
        summary="One person with identity numbers revealed (audited)",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        person = person_get(request=request, person_id=pk)
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.REVEAL,
            people=person,
            summary="api reveal",
        )
        context = {"request": request, "revealed": True}
        return Response(PersonSerializer(person, context=context).data)


# --- shelter life ---------------------------------------------------------------------------


def refused_responses(description: str) -> dict[int, OpenApiResponse]:
    """The 400 an operation gives for a bad body or query, or a refusal by the service, in the
    one error body; then the usual 401, 403 and 404."""
    return {
        400: OpenApiResponse(ERROR_SCHEMA, description=description),
        **error_responses(401, 403, 404),
    }


class Refused(exceptions.APIException):
    """A service refused the action (a CaseError): 400 with the service's own words."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"
    default_detail = gettext_lazy("Tindakan ini tidak dapat dilakukan.")


@contextmanager
def refusals_as_400() -> Iterator[None]:
    try:
        yield
    except CaseError as error:
        raise Refused(str(error)) from error


def valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def visible_cases(request: Request, ids: list[int]) -> list[Case]:
    """These cases, if the caller may see every one of them; otherwise 400 naming the others.

    Unknown and out-of-scope ids get the same answer; an existing case outside the scope is
    recorded as a denial, as visible_or_404 does for one record.
    """
    wanted = list(dict.fromkeys(ids))
    found = Case.objects.visible_to(request.user).in_bulk(wanted)
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        for pk in Case.objects.filter(pk__in=missing).values_list("pk", flat=True):
            record_denial(
                request,
                object_type=Case._meta.label_lower,
                object_id=str(pk),
                summary="outside the user's scope",
            )
        raise serializers.ValidationError(
            {
                "cases": [
                    _("Kasus tidak ditemukan: %(ids)s.")
                    % {"ids": ", ".join(str(pk) for pk in missing[:50])}
                ]
            }
        )
    return [found[pk] for pk in wanted]


def resident_stay(request: Request, shelter: Shelter, stay_id: int) -> Stay:
    """The stay of a resident of this shelter the caller may see; otherwise 400 on `stay`.

    A stay that exists outside the caller's scope is recorded as a denial, as visible_cases
    does; the answer is the same as for an unknown id or another shelter's resident.
    """
    visible = Stay.objects.visible_to(request.user)
    stay = visible.filter(shelter=shelter, pk=stay_id).select_related("shelter").first()
    if stay is not None:
        return stay
    if not visible.filter(pk=stay_id).exists() and Stay.objects.filter(pk=stay_id).exists():
        record_denial(
            request,
            object_type=Stay._meta.label_lower,
            object_id=str(stay_id),
            summary="outside the user's scope",
        )
    raise serializers.ValidationError({"stay": [_("Bukan penghuni shelter ini.")]})


def disclose(request: Request, people: list[Person], summary: str, target: Any) -> None:
    """A response naming residents records who was named; one naming no one records the look."""
    if people:
        person_disclosure_record(
            actor=request.user, action=AuditEvent.Action.VIEW, people=people, summary=summary
        )
    else:
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=target)


class ShelterViewSet(viewsets.GenericViewSet):
    """The shelters the caller's agency runs, who lives in them and the daily care given."""

    serializer_class = ShelterSerializer
    capabilities = {
        "list": Capability.PERSON_VIEW,
        "residents": Capability.PERSON_VIEW,
        "admissions": Capability.CARE_RECORD,
        "meals": Capability.CARE_RECORD,
        "day": Capability.PERSON_VIEW,
        "items": Capability.CARE_RECORD,
        "sessions": Capability.PERSON_VIEW,
        "session_add": Capability.CARE_RECORD,
    }
    queryset = Shelter.objects.none()
    lookup_url_kwarg = "shelter_id"
    pagination_class = None  # an agency runs a handful of shelters

    @extend_schema(
        responses={200: ShelterSerializer(many=True), **error_responses(401, 403)},
        summary="Shelters your agency runs, with how many residents are in each now",
    )
    def list(self, request: Request) -> Response:
        return Response(ShelterSerializer(shelter_list(user=request.user), many=True).data)

    @extend_schema(
        parameters=[BoardQuerySerializer],
        responses={
            200: BoardSerializer,
            **refused_responses("A malformed date, or one in the future"),
        },
        summary="Who was in the shelter at the end of a day (today by default)",
    )
    @action(detail=True, methods=["get"])
    def residents(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        query = valid(BoardQuerySerializer, request.query_params)
        board = shelter_board(user=request.user, shelter=shelter, day=query.get("date"))
        disclose(
            request,
            [resident.case.person for resident in board.residents],
            f"api shelter residents {shelter.code} {board.day.isoformat()}",
            shelter,
        )
        return Response(BoardSerializer(board).data)

    @extend_schema(
        request=AdmissionSerializer,
        responses={
            201: StaySerializer(many=True),
            **refused_responses(
                "Invalid body, cases not found in your scope, or an admission refused (already in "
                "a shelter, a status that cannot be admitted, over capacity without a reason)"
            ),
        },
        summary="Admit cases to the shelter, all of them or none",
    )
    @action(detail=True, methods=["post"])
    def admissions(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        data = valid(AdmissionSerializer, request.data)
        cases = visible_cases(request, data["cases"])
        with refusals_as_400():
            stays = stay_admit(
                actor=request.user,
                shelter=shelter,
                cases=cases,
                over_capacity_reason=data["over_capacity_reason"],
            )
        return Response(StaySerializer(stays, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MealRollCallSerializer,
        responses={
            200: RollCallSerializer,
            **refused_responses(
                "Invalid body, absent residents not in the shelter that day, or a future date"
            ),
        },
        summary="Record a meal for everyone present that day except the absent",
    )
    @action(detail=True, methods=["post"])
    def meals(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        data = valid(MealRollCallSerializer, request.data)
        absent = set(data["absent"])
        strangers = absent and absent - set(
            present_during(shelter=shelter, day=data["date"])
            .filter(pk__in=absent)
            .values_list("pk", flat=True)
        )
        if strangers:  # a wrong id would otherwise feed the one who was really absent
            raise serializers.ValidationError(
                {
                    "absent": [
                        _("Tidak tinggal di shelter ini pada tanggal itu: %(ids)s.")
                        % {"ids": ", ".join(str(pk) for pk in sorted(strangers)[:50])}
                    ]
                }
            )
        with refusals_as_400():
            result = meal_roll_call(
                actor=request.user,
                shelter=shelter,
                day=data["date"],
                meal=data["meal"],
                absent=absent,
            )
        return Response(RollCallSerializer(result).data)

    @extend_schema(
        parameters=[DayQuerySerializer],
        responses={
            200: DaySheetSerializer,
            **refused_responses("A malformed date, or one in the future"),
        },
        summary="The day sheet: meals served and items given to each resident on a day",
    )
    @action(detail=True, methods=["get"])
    def day(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        query = valid(DayQuerySerializer, request.query_params)
        day = query.get("date") or timezone.localdate()
        sheet = day_sheet(user=request.user, shelter=shelter, day=day)
        disclose(
            request,
            [stay.case.person for stay, _meals, _items in sheet.rows],
            f"api day sheet {shelter.code} {day.isoformat()}",
            shelter,
        )
        return Response(DaySheetSerializer((shelter, sheet)).data)

    @extend_schema(
        request=ItemIssueSerializer,
        responses={
            201: ItemSerializer,
            **refused_responses(
                "Invalid body, a stay that is not a resident of this shelter, or an item refused "
                "(kind other without a description, not in the shelter on that date)"
            ),
        },
        summary="Record an item given to a resident",
    )
    @action(detail=True, methods=["post"])
    def items(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        data = valid(ItemIssueSerializer, request.data)
        stay = resident_stay(request, shelter, data["stay"])
        with refusals_as_400():
            provision = provision_issue(
                actor=request.user,
                stay=stay,
                kind=data["kind"],
                quantity=data["quantity"],
                description=data["description"],
                day=data["date"],
            )
        return Response(ItemSerializer(provision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: SessionSerializer(many=True), **error_responses(401, 403, 404)},
        summary="The shelter's latest 100 rehabilitation sessions, newest first",
    )
    @action(detail=True, methods=["get"])
    def sessions(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        sessions = (
            ActivitySession.objects.filter(shelter=shelter)
            .select_related("kind")
            .annotate(attended=Count("attendance"))
            .order_by("-starts_at", "-id")[:100]
        )
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            target=shelter,
            summary="api sessions",
        )
        return Response(SessionSerializer(sessions, many=True).data)

    @extend_schema(
        request=SessionCreateSerializer,
        responses={
            201: SessionSerializer,
            **refused_responses("Invalid body, an unknown or inactive activity kind"),
        },
        summary="Schedule or record a rehabilitation session",
    )
    @sessions.mapping.post
    def session_add(self, request: Request, shelter_id: str) -> Response:
        shelter = shelter_get(request=request, shelter_id=shelter_id)
        data = valid(SessionCreateSerializer, request.data)
        with refusals_as_400():
            session: Any = session_create(actor=request.user, shelter=shelter, **data)
        session.attended = 0
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


CASE_FLAG_FIELDS = ("is_child", "is_pregnant", "has_disability", "is_ill")


class CaseViewSet(viewsets.GenericViewSet):
    """One case in the caller's scope, and the assessments recorded on it."""

    serializer_class = CaseDetailSerializer
    capabilities = {
        "retrieve": Capability.PERSON_VIEW,
        "screenings": Capability.CARE_RECORD,
        "needs": Capability.CARE_RECORD,
        "notes": Capability.CARE_RECORD,
        "tasks": Capability.CARE_RECORD,
        "close": Capability.STAY_DISCHARGE,
        "referrals": Capability.REFERRAL_SEND,
        "consents": Capability.PERSON_VIEW,
        "consent_add": Capability.PERSON_CHANGE,
        "outcome": Capability.EMPOWERMENT_RECORD,
    }
    queryset = Case.objects.none()
    lookup_url_kwarg = "case_id"
    pagination_class = None  # no list of cases; a person's consents are a handful

    @extend_schema(
        responses={200: CaseDetailSerializer, **error_responses(401, 403, 404)},
        summary="A case: status, flags, current stay and its timeline",
    )
    def retrieve(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            people=case.person,
            summary=f"api case {case.pk}",
        )
        detail = CaseDetail(
            case=case,
            stay=case.stays.filter(discharged_at__isnull=True).select_related("shelter").first(),
            timeline=case_timeline(user=request.user, case=case),
        )
        return Response(CaseDetailSerializer(detail).data)

    @extend_schema(
        request=ScreeningCreateSerializer,
        responses={201: ScreeningSerializer, **refused_responses("Invalid or unknown choices")},
        summary="Record a trafficking screening; a second person reviews its determination",
    )
    @action(detail=True, methods=["post"])
    def screenings(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(ScreeningCreateSerializer, request.data)
        with refusals_as_400():
            screening = screening_record(actor=request.user, case=case, **data)
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NeedsSerializer,
        responses={201: NeedsAssessedSerializer, **refused_responses("Invalid or unknown needs")},
        summary="Record what the person needs, and set the case's vulnerability flags given",
    )
    @action(detail=True, methods=["post"])
    def needs(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(NeedsSerializer, request.data)
        with refusals_as_400():
            assessment = needs_assess(
                actor=request.user,
                case=case,
                needs=data["needs"],
                notes=data["notes"],
                flags={flag: data[flag] for flag in CASE_FLAG_FIELDS if flag in data},
            )
        return Response(NeedsAssessedSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NoteCreateSerializer,
        responses={201: NoteSerializer, **refused_responses("An empty note")},
        summary="Add a note to the case (a correction is a new note)",
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(NoteCreateSerializer, request.data)
        with refusals_as_400():
            note = note_add(actor=request.user, case=case, text=data["text"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TaskCreateSerializer,
        responses={201: TaskSerializer, **refused_responses("A task without a title or due date")},
        summary="Add a step to the case plan, due by a date",
    )
    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(TaskCreateSerializer, request.data)
        with refusals_as_400():
            task = task_add(actor=request.user, case=case, **data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CloseSerializer,
        responses={
            200: CaseClosedSerializer,
            **refused_responses(
                "Invalid body, or a case that cannot be closed now (still in a shelter, "
                "not yet returned, referred, left or died)"
            ),
        },
        summary="Close the case with its outcome",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(CloseSerializer, request.data)
        with refusals_as_400():
            case_close(actor=request.user, case=case, **data)
        case.refresh_from_db(fields=["status", "outcome", "closed_at"])
        return Response(CaseClosedSerializer(case).data)

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={
            201: ReferralSerializer,
            **refused_responses(
                "Invalid body or unknown agency, or a referral refused (no valid agreement with "
                "that agency for the purpose, no consent recorded where the purpose needs it, "
                "already referred there)"
            ),
        },
        summary="Refer the case to another agency under an agreement",
    )
    @action(detail=True, methods=["post"])
    def referrals(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(ReferralCreateSerializer, request.data)
        with refusals_as_400():
            referral = referral_send(actor=request.user, case=case, **data)
        return Response(referral_data(request.user, referral), status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: ConsentSerializer(many=True), **error_responses(401, 403, 404)},
        summary="The person's consents, withdrawn ones too, newest first",
    )
    @action(detail=True, methods=["get"])
    def consents(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        person_disclosure_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            people=case.person,
            summary=f"api consents of case {case.pk}",
        )
        consents = Consent.objects.filter(person=case.person).order_by("-given_at", "-id")
        context = {"names": names_open(request.user, case.person_id)}
        return Response(ConsentSerializer(consents, many=True, context=context).data)

    @extend_schema(
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer, **refused_responses("Invalid body")},
        summary="Record the person's consent to a purpose, or the legal duty it rests on",
    )
    @consents.mapping.post
    def consent_add(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(ConsentCreateSerializer, request.data)
        with refusals_as_400():
            consent = consent_record(actor=request.user, person=case.person, **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OutcomeSerializer,
        responses={200: CaseOutcomeSerializer, **refused_responses("Invalid or unknown outcome")},
        summary="Record what became of the person, without closing the case",
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, case_id: str) -> Response:
        case = case_get(request=request, case_id=case_id)
        data = valid(OutcomeSerializer, request.data)
        with refusals_as_400():
            case = outcome_set(actor=request.user, case=case, **data)
        return Response(CaseOutcomeSerializer(case).data)


class SessionViewSet(viewsets.GenericViewSet):
    """Rehabilitation sessions in the caller's agency's shelters."""

    serializer_class = AttendanceResultSerializer
    capabilities = {"attendance": Capability.CARE_RECORD}
    queryset = ActivitySession.objects.none()
    lookup_url_kwarg = "session_id"

    @extend_schema(
        request=AttendanceSerializer,
        responses={
            200: AttendanceResultSerializer,
            **refused_responses(
                "Invalid body, or residents not in the shelter on the session's day"
            ),
        },
        summary="Mark residents present at the session",
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, session_id: str) -> Response:
        session = session_get(request=request, session_id=session_id)
        data = valid(AttendanceSerializer, request.data)
        with refusals_as_400():
            marked = attendance_mark(actor=request.user, session=session, stay_ids=data["stays"])
        return Response(AttendanceResultSerializer({"marked": marked}).data)


class ActivityKindViewSet(viewsets.GenericViewSet):
    """The kinds of rehabilitation session a shelter can record (reference data)."""

    # The kinds are named on the sessions of a shelter, which PERSON_VIEW reads.
    capability = Capability.PERSON_VIEW
    serializer_class = ActivityKindSerializer
    queryset = ActivityKind.objects.none()
    pagination_class = None  # a short picker list

    @extend_schema(
        responses={200: ActivityKindSerializer(many=True), **error_responses(401, 403)},
        summary="The active kinds of rehabilitation session, by group and name",
    )
    def list(self, request: Request) -> Response:
        kinds = ActivityKind.objects.filter(is_active=True).order_by("group", "name", "code")
        return Response(ActivityKindSerializer(kinds, many=True).data)


class StayViewSet(viewsets.GenericViewSet):
    """A resident's stay: its end, by discharge or by transfer to another shelter."""

    serializer_class = StayDetailSerializer
    capabilities = {
        "discharge": Capability.STAY_DISCHARGE,
        "transfer": Capability.STAY_DISCHARGE,
    }
    queryset = Stay.objects.none()
    lookup_url_kwarg = "stay_id"

    @extend_schema(
        request=DischargeSerializer,
        responses={
            200: StayDetailSerializer,
            **refused_responses(
                "Invalid body, or a discharge refused (already left, before admission, "
                "refused_services without the statement's number, returned_home without a "
                "handover)"
            ),
        },
        summary="Record that a resident left the shelter; the case's status follows the reason",
    )
    @action(detail=True, methods=["post"])
    def discharge(self, request: Request, stay_id: str) -> Response:
        stay = stay_get(request=request, stay_id=stay_id)
        data = valid(DischargeSerializer, request.data)
        with refusals_as_400():
            stay = stay_discharge(actor=request.user, stay=stay, **data)
        stay.case.refresh_from_db(fields=["status"])
        return Response(StayDetailSerializer(stay).data)

    @extend_schema(
        request=TransferSerializer,
        responses={
            201: StayDetailSerializer,
            **refused_responses(
                "Invalid body or unknown shelter, or a transfer refused (already left, the same "
                "shelter, over capacity without a reason)"
            ),
        },
        summary="Move a resident to another shelter: this stay ends, the new one is returned",
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, stay_id: str) -> Response:
        stay = stay_get(request=request, stay_id=stay_id)
        data = valid(TransferSerializer, request.data)
        with refusals_as_400():
            new = stay_transfer(actor=request.user, stay=stay, **data)
        return Response(StayDetailSerializer(new).data, status=status.HTTP_201_CREATED)


class ScreeningViewSet(viewsets.GenericViewSet):
    """Trafficking screenings of cases in the caller's scope."""

    serializer_class = ReviewedSerializer
    capabilities = {"review": Capability.CARE_RECORD}
    queryset = Screening.objects.none()
    lookup_url_kwarg = "screening_id"

    @extend_schema(
        request=ReviewSerializer,
        responses={
            200: ReviewedSerializer,
            **refused_responses(
                "Invalid body, or a review refused (by the screener, already reviewed, a "
                "changed determination without a note)"
            ),
        },
        summary="A second person confirms or changes the screening's determination",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, screening_id: str) -> Response:
        screening = screening_get(request=request, screening_id=screening_id)
        data = valid(ReviewSerializer, request.data)
        with refusals_as_400():
            screening = screening_review(actor=request.user, screening=screening, **data)
        user: Any = request.user
        context = {"sensitive": user.has_capability(Capability.SENSITIVE_VIEW)}
        return Response(ReviewedSerializer(screening, context=context).data)


class TaskViewSet(viewsets.GenericViewSet):
    """Steps of the plans of cases in the caller's scope."""

    serializer_class = TaskSerializer
    capabilities = {"done": Capability.CARE_RECORD}
    queryset = Task.objects.none()
    lookup_url_kwarg = "task_id"

    @extend_schema(
        request=None,
        responses={200: TaskSerializer, **error_responses(401, 403, 404)},
        summary="Mark a task of the case plan done (again: no change)",
    )
    @action(detail=True, methods=["post"])
    def done(self, request: Request, task_id: str) -> Response:
        task = task_get(request=request, task_id=task_id)
        return Response(TaskSerializer(task_done(actor=request.user, task=task)).data)


# --- sharing and empowerment ------------------------------------------------------------------


def shown_name(user: Any, person: Person, allowed: frozenset[str] | None) -> str | None:
    """The person's name if this caller may see it: not when the person is reached only
    through an agreement that leaves identity out (`allowed`, from agreement_categories)."""
    shown = present(user, person, "full_name", DataCategory.IDENTITY, allowed=allowed)
    return shown.value if shown.state == "shown" else None


def named[T: Referral | FollowUp](user: Any, rows: list[T]) -> list[T]:
    """Give each row the name of its person as this caller may see it (`shown_name`); what the
    agreements open is read once for all the rows' people."""
    people = {row.case.person_id: row.case.person for row in rows}
    allowed = agreement_categories_of(user, people)
    names = {pk: shown_name(user, person, allowed[pk]) for pk, person in people.items()}
    for row in rows:
        row.shown_name = names[row.case.person_id]  # type: ignore[union-attr]
    return rows


def marked(user: Any, referral: Referral) -> Referral:
    """The referral with what ReferralSerializer needs beyond its fields: the name as this
    caller may see it and whether it waits too long for an answer (as the inbox marks it)."""
    if not hasattr(referral, "overdue"):
        referral.overdue = (  # type: ignore[attr-defined]
            referral.status == Referral.Status.SENT
            and referral.waiting_days() > settings.PULANG_REFERRAL_REMINDER_DAYS
        )
    [referral] = named(user, [referral])
    return referral


def referral_data(user: Any, referral: Referral) -> Any:
    return ReferralSerializer(marked(user, referral)).data


class GroupedListSchema(AutoSchema):
    """For a viewset whose `list` answers one object grouping its rows (waiting, active, sent;
    overdue, due), not an array; drf-spectacular would otherwise document an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class ReferralViewSet(viewsets.GenericViewSet):
    """Referrals the caller's agency sent or received, their answers and the enrolments made
    under them. A receiving agency sees a referral only while its agreement is valid and the
    consent it rests on stands."""

    serializer_class = ReferralDetailSerializer
    capabilities = {
        "list": Capability.PERSON_VIEW,
        "retrieve": Capability.PERSON_VIEW,
        "accept": Capability.EMPOWERMENT_RECORD,
        "decline": Capability.EMPOWERMENT_RECORD,
        "complete": Capability.EMPOWERMENT_RECORD,
        "enrolments": Capability.EMPOWERMENT_RECORD,
    }
    queryset = Referral.objects.none()
    lookup_url_kwarg = "referral_id"
    schema = GroupedListSchema()
    pagination_class = None  # the inbox is bounded (waiting, active and the latest 100 sent)

    @extend_schema(
        operation_id="referrals_list",
        responses={200: InboxSerializer, **error_responses(401, 403)},
        summary="The referral inbox: waiting for your agency's answer, being worked, and sent",
    )
    def list(self, request: Request) -> Response:
        boxes = inbox(user=request.user)
        rows = named(request.user, [r for key in ("waiting", "active", "sent") for r in boxes[key]])
        page_disclosure_record(
            actor=request.user,
            people=[r.case.person for r in rows],
            summary="api referral inbox",
            target=request.user,
        )
        return Response(InboxSerializer(boxes).data)

    @extend_schema(
        responses={200: ReferralDetailSerializer, **error_responses(401, 403, 404)},
        summary="A referral with the person's data as far as the agreement opens it",
    )
    def retrieve(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(request=request, referral_id=referral_id)
        user: Any = request.user
        person = referral.case.person
        receiving = user.agency_id == referral.to_agency_id
        person_disclosure_record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            people=person,
            summary=f"api referral {referral.pk} under agreement {referral.agreement.reference}"
            if receiving
            else f"api referral {referral.pk}",
        )
        # person_fields keeps the order of Person.FIELD_CATEGORIES.
        fields = list(
            zip(Person.FIELD_CATEGORIES, person_fields(user=user, person=person), strict=True)
        )
        detail = ReferralDetail(
            referral=marked(user, referral),
            receiving=receiving,
            full_name=referral.shown_name,  # type: ignore[attr-defined]
            fields=fields,
            enrolments=list(referral.enrolments.select_related("programme")),
            followups=list(
                referral.case.followups.filter(agency_id=user.agency_id)
                .select_related("agency", "enrolment__programme")
                .order_by("due_on", "id")
            ),
        )
        return Response(ReferralDetailSerializer(detail).data)

    @extend_schema(
        request=ReferralAnswerSerializer,
        responses={
            200: ReferralSerializer,
            **refused_responses("Not your agency's to answer, or already answered"),
        },
        summary="Accept a referral sent to your agency",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(request=request, referral_id=referral_id)
        data = valid(ReferralAnswerSerializer, request.data)
        with refusals_as_400():
            referral = referral_accept(actor=request.user, referral=referral, note=data["note"])
        return Response(referral_data(request.user, referral))

    @extend_schema(
        request=ReferralDeclineSerializer,
        responses={
            200: ReferralSerializer,
            **refused_responses("No reason, not your agency's to answer, or already answered"),
        },
        summary="Decline a referral sent to your agency, with a reason; its access ends",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(request=request, referral_id=referral_id)
        data = valid(ReferralDeclineSerializer, request.data)
        with refusals_as_400():
            referral = referral_decline(
                actor=request.user, referral=referral, reason=data["reason"]
            )
        return Response(referral_data(request.user, referral))

    @extend_schema(
        request=ReferralAnswerSerializer,
        responses={
            200: ReferralSerializer,
            **refused_responses("Not your agency's, or not accepted"),
        },
        summary="Mark an accepted referral done",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(request=request, referral_id=referral_id)
        data = valid(ReferralAnswerSerializer, request.data)
        with refusals_as_400():
            referral = referral_complete(actor=request.user, referral=referral, note=data["note"])
        return Response(referral_data(request.user, referral))

    @extend_schema(
        request=EnrolCreateSerializer,
        responses={
            201: EnrolmentSerializer,
            **refused_responses(
                "Invalid body or unknown programme, or an enrolment refused (the referral not "
                "accepted, a programme inactive or not your agency's, already enrolled)"
            ),
        },
        summary="Enrol the referred person in a programme; its follow-ups are planned",
    )
    @action(detail=True, methods=["post"])
    def enrolments(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(request=request, referral_id=referral_id)
        data = valid(EnrolCreateSerializer, request.data)
        with refusals_as_400():
            enrolment = enrol(actor=request.user, case=referral.case, referral=referral, **data)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class ConsentViewSet(viewsets.GenericViewSet):
    """Consents of people in the caller's scope."""

    serializer_class = ConsentSerializer
    capabilities = {"withdraw": Capability.PERSON_CHANGE}
    queryset = Consent.objects.none()
    lookup_url_kwarg = "consent_id"

    @extend_schema(
        request=None,
        responses={200: ConsentSerializer, **refused_responses("Already withdrawn")},
        summary="Withdraw a consent: the referrals, access and follow-ups it covered end now",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, consent_id: str) -> Response:
        consent = consent_get(request=request, consent_id=consent_id)
        with refusals_as_400():
            consent = consent_withdraw(actor=request.user, consent=consent)
        context = {"names": names_open(request.user, consent.person_id)}
        return Response(ConsentSerializer(consent, context=context).data)


def names_open(user: Any, person_id: int) -> bool:
    """Whether the caller may see who gave a consent: the person's own name or a guardian's,
    so identity and contact data both, unless the caller holds the person itself."""
    allowed = agreement_categories(user, person_id)
    return allowed is None or {"identity", "contact"} <= allowed


class ProgrammeViewSet(viewsets.GenericViewSet):
    """The active programmes the caller's agency runs (reference data for enrolments)."""

    capability = Capability.PERSON_VIEW
    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()
    pagination_class = None  # a short picker list

    @extend_schema(
        responses={200: ProgrammeSerializer(many=True), **error_responses(401, 403)},
        summary="The active programmes your agency runs",
    )
    def list(self, request: Request) -> Response:
        programmes = programmes_for(user=request.user)
        return Response(ProgrammeSerializer(programmes, many=True).data)


class FollowUpViewSet(viewsets.GenericViewSet):
    """Follow-ups the caller's agency owes, and what they found."""

    serializer_class = FollowUpSerializer
    capabilities = {
        "list": Capability.PERSON_VIEW,
        "record": Capability.EMPOWERMENT_RECORD,
    }
    queryset = FollowUp.objects.none()
    lookup_url_kwarg = "followup_id"
    schema = GroupedListSchema()
    pagination_class = None  # bounded by the two-week horizon

    @extend_schema(
        operation_id="followups_list",
        responses={200: FollowUpsDueSerializer, **error_responses(401, 403)},
        summary="Your agency's open follow-ups: overdue, and due within two weeks",
    )
    def list(self, request: Request) -> Response:
        due = followups_due(user=request.user)
        rows = named(request.user, due["overdue"] + due["due"])
        for row in rows:
            row.assigned_to_you = row.assigned_to_id == request.user.pk
        page_disclosure_record(
            actor=request.user,
            people=[f.case.person for f in rows],
            summary="api follow-ups due",
            target=request.user,
        )
        return Response(FollowUpsDueSerializer(due).data)

    @extend_schema(
        request=FollowUpRecordSerializer,
        responses={
            200: FollowUpSerializer,
            **refused_responses(
                "Invalid body, or a record refused (wants abroad without the channel, already "
                "recorded or cancelled)"
            ),
        },
        summary="Record what a follow-up found; not reached is a result too",
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, followup_id: str) -> Response:
        followup = followup_get(request=request, followup_id=followup_id)
        data = valid(FollowUpRecordSerializer, request.data)
        with refusals_as_400():
            followup = followup_record(actor=request.user, followup=followup, **data)
        return Response(FollowUpSerializer(followup).data)
