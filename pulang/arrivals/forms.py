from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pulang.core.widgets import DateTimeInput

from .manifest import MAX_FILE_BYTES, TEMPLATE_COLUMNS, column_hint
from .models import ArrivalBatch

# The countries that deport Indonesian workers most, as staff type them.
COUNTRY_NAMES = {
    "malaysia": "MY",
    "singapura": "SG",
    "singapore": "SG",
    "brunei": "BN",
    "brunei darussalam": "BN",
    "arab saudi": "SA",
    "saudi arabia": "SA",
    "taiwan": "TW",
    "hong kong": "HK",
    "thailand": "TH",
    "filipina": "PH",
    "philippines": "PH",
}


class BatchForm(forms.ModelForm):
    class Meta:
        model = ArrivalBatch
        fields = [
            "entry_point",
            "transport",
            "arrived_at",
            "deporting_country",
            "detention_depot",
            "consulate",
            "consulate_letter_number",
            "escort",
            "expected_count",
        ]
        widgets = {"arrived_at": DateTimeInput()}

    deporting_country = forms.CharField(
        label=_("Negara yang mendeportasi"),
        max_length=60,
        initial="MY",
        help_text=_("Kode negara dua huruf, misalnya MY untuk Malaysia."),
    )

    def clean_deporting_country(self) -> str:
        value = str(self.cleaned_data["deporting_country"]).strip()
        value = COUNTRY_NAMES.get(value.lower(), value).upper()
        if len(value) != 2 or not value.isalpha():
            raise forms.ValidationError(_("Tulis kode negara dua huruf, misalnya MY."))
        return value


class ManifestUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas manifest (XLSX atau CSV)"),
        help_text=_("Paling besar 10 MB. Unduh templat di bawah bila perlu."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (paling besar %(mb)s MB).")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Berkas kosong."))
        return upload


class PersonArrivalForm(forms.Form):
    """One arrival typed by hand; the fields are the manifest's columns, checked the same way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in TEMPLATE_COLUMNS:
            self.fields[column.field] = forms.CharField(
                label=column.header,
                required=column.required,
                max_length=300,
                help_text=column_hint(column),
            )

    def raw_values(self) -> dict[str, str]:
        return {key: str(value or "") for key, value in self.cleaned_data.items()}
