"""A URL configuration with one undeclared page and one undeclared API view, for the test
that proves the matrix catches them."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulang.access.http import PUBLIC, declare


def naked(request: HttpRequest) -> HttpResponse:
    return HttpResponse("no declaration")


@declare(PUBLIC)
def dressed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("declared")


class NakedApi(APIView):
    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns = [
    path("naked/", naked, name="naked"),
    path("dressed/", dressed, name="dressed"),
    path("api/naked/", NakedApi.as_view(), name="naked-api"),
]
