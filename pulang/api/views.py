"""API endpoints. Thin: parse, check the declared capability, call a selector, serialise."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulang.access.http import AUTHENTICATED, PUBLIC
from pulang.access.roles import Capability
from pulang.audit.models import AuditEvent
from pulang.core.text import search_query
from pulang.people.models import Person
from pulang.people.selectors import person_get, person_list
from pulang.people.services import person_disclosure_record
from pulang.regions.models import Region
from pulang.regions.selectors import region_search

from .schema import error_responses
from .serializers import MeSerializer, PersonSerializer, RegionSerializer

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
