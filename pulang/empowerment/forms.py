from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pulang.cases.models import Case
from pulang.core.widgets import DateInput

from .models import FollowUp, Programme

YES_NO = [("", "—"), ("yes", _("Ya")), ("no", _("Tidak"))]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class EnrolForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Program"), queryset=Programme.objects.none())
    amount = forms.DecimalField(
        label=_("Jumlah (Rp)"), required=False, min_value=0, max_digits=14, decimal_places=0
    )
    enrolled_on = forms.DateField(label=_("Tanggal"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("Berhasil dihubungi?"),
        choices=YES_NO,
        error_messages={"required": _("Pilih ya atau tidak.")},
    )
    monthly_income = forms.DecimalField(
        label=_("Penghasilan sebulan (Rp)"), required=False, min_value=0, decimal_places=0
    )
    business_running = forms.ChoiceField(label=_("Usaha berjalan?"), choices=YES_NO, required=False)
    wants_abroad = forms.ChoiceField(
        label=_("Ingin bekerja ke luar negeri lagi?"), choices=YES_NO, required=False
    )
    abroad_channel = forms.ChoiceField(
        label=_("Melalui"), choices=[("", "—"), *FollowUp.Channel.choices], required=False
    )
    safe_migration_knowledge = forms.ChoiceField(
        label=_("Pengetahuan migrasi aman"),
        choices=[("", "—"), *FollowUp.Knowledge.choices],
        required=False,
    )
    needs = forms.CharField(label=_("Kebutuhan"), required=False, max_length=500)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["reached"] = data["reached"] == "yes"
        data["business_running"] = yes_no(data["business_running"])
        data["wants_abroad"] = yes_no(data["wants_abroad"])
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil akhir"), choices=[("", "—"), *Case.Outcome.choices])
    evidence = forms.CharField(label=_("Bukti/keterangan"), required=False, max_length=300)
