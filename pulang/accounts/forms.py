from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_service_account:
            raise forms.ValidationError(
                _("Akun sistem mitra hanya dapat memakai API."), code="service_account"
            )


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Kode hanya boleh berisi angka."))
        return code
