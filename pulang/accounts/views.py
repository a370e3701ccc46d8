from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pulang.access.http import AUTHENTICATED, PUBLIC, declare

from .forms import LoginForm, OtpCodeForm
from .services import otp_device_pending, otp_enrol_confirm, otp_secret_base32, otp_verify


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


login_view = declare(PUBLIC, methods=("GET", "POST"))(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout_view = declare(PUBLIC, methods=("POST",))(auth_views.LogoutView.as_view())
password_change_view = declare(AUTHENTICATED, methods=("GET", "POST"))(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url="/akun/kata-sandi/selesai/",
    )
)
password_change_done_view = declare(AUTHENTICATED)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


@declare(AUTHENTICATED, methods=("GET", "POST"))
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """First login: show a QR code for an authenticator app, then confirm with one code."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    device = otp_device_pending(user=request.user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_enrol_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("Kode salah atau sudah kedaluwarsa. Coba kode yang baru."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(buffer.getvalue().decode("utf-8")),  # noqa: S308 - our own SVG
            "secret": otp_secret_base32(device),
            "next": _next_url(request),
        },
    )


@declare(AUTHENTICATED, methods=("GET", "POST"))
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("Kode salah atau sudah kedaluwarsa. Coba kode yang baru."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})
