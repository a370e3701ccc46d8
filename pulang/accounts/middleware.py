"""Staff whose roles see names, the audit trail or the configuration must pass a second factor
before any page other than enrolment, verification, logout and the language switch."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

_ALWAYS_ALLOWED_PREFIXES = ("/static/", "/health", "/i18n/", "/api/", "/verifikasi/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(_ALWAYS_ALLOWED_PREFIXES)
        ):
            allowed = {
                reverse("accounts:otp_setup"),
                reverse("accounts:otp_verify"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                from django_otp import devices_for_user

                target = (
                    "accounts:otp_verify"
                    if any(True for _ in devices_for_user(user, confirmed=True))
                    else "accounts:otp_setup"
                )
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
