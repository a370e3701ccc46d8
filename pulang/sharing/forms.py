from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pulang.agencies.models import Agency

from .models import Consent, Purpose


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Rujuk ke"), queryset=Agency.objects.none())
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=Purpose.choices)
    note = forms.CharField(
        label=_("Catatan untuk instansi penerima"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        field.queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in agencies]
        ).order_by("name")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=Purpose.choices)
    basis = forms.ChoiceField(label=_("Dasar hukum"), choices=Consent.Basis.choices)
    given_by = forms.CharField(label=_("Diberikan oleh"), max_length=200)
    given_by_relation = forms.CharField(
        label=_("Hubungan dengan orang ini"),
        max_length=100,
        initial="diri sendiri",
        help_text=_("Untuk anak: wali, misalnya ibu atau ayah."),
    )


class AnswerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", "accept"), ("decline", "decline"), ("complete", "complete")]
    )
    note = forms.CharField(label=_("Catatan/alasan"), required=False, max_length=500)
