from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pulang.access.http import AUTHENTICATED, PUBLIC, declare

from .services import database_ok, queue_ok


@declare(AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@declare(PUBLIC)
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the task queue answer, 503 otherwise."""
    checks = {"database": database_ok(), "queue": queue_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error("not_found", _("Tidak ditemukan."), 404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error("server_error", _("Terjadi kesalahan di server."), 500)
    return render(request, "500.html", status=500)
