from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pulang.core.admin_site import AuditedModelAdmin

from .models import Agreement, Category, Purpose


class AgreementForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        label=_("tujuan"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("kategori data"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Agreement
        fields = [
            "reference",
            "title",
            "parties",
            "purposes",
            "categories",
            "valid_from",
            "valid_to",
            "revoked_at",
            "signed_document",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            raise forms.ValidationError(_("Tanggal akhir berlaku sebelum tanggal mulai."))
        return data


@admin.register(Agreement)
class AgreementAdmin(AuditedModelAdmin):
    """Agreements between agencies; revoking one ends the access it gave at once."""

    form = AgreementForm
    list_display = ("reference", "title", "valid_from", "valid_to", "revoked_at")
    filter_horizontal = ("parties",)
    search_fields = ("reference", "title")
