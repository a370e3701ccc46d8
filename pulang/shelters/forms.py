from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pulang.agencies.models import Shelter
from pulang.core.widgets import DateInput, DateTimeInput

from .models import ActivityKind, Provision, Stay


class BoardFilterForm(forms.Form):
    tanggal = forms.DateField(label=_("Tanggal"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Cari nama"), required=False, max_length=100)
    tanda = forms.ChoiceField(
        label=_("Tanda"),
        required=False,
        choices=[
            ("", _("Semua")),
            ("child", _("Anak")),
            ("pregnant", _("Hamil")),
            ("disability", _("Disabilitas")),
            ("ill", _("Sakit")),
            ("trafficking", _("Korban perdagangan orang")),
            ("waiting", _("Menunggu pulang terlalu lama")),
        ],
    )
    jk = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=[("", _("Semua")), ("M", _("Laki-laki")), ("F", _("Perempuan"))],
    )

    def clean_tanggal(self) -> date | None:
        day = self.cleaned_data.get("tanggal")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return day


class AdmitForm(forms.Form):
    over_capacity_reason = forms.CharField(
        label=_("Alasan menerima melebihi kapasitas"),
        required=False,
        max_length=300,
        help_text=_("Diisi hanya bila shelter penuh; alasan ini tercatat."),
    )


class MealRollCallForm(forms.Form):
    day = forms.DateField(label=_("Tanggal"), widget=DateInput())
    meal = forms.ChoiceField(
        label=_("Makan"),
        choices=[(m.value, m.label) for m in Provision.MEALS],
    )


class ProvisionForm(forms.Form):
    stay = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Barang"),
        choices=[(k.value, k.label) for k in Provision.Kind if k not in Provision.MEALS],
    )
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, max_value=1000, initial=1)
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=200)
    day = forms.DateField(label=_("Tanggal"), widget=DateInput())


class SessionForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kegiatan"), queryset=ActivityKind.objects.filter(is_active=True)
    )
    starts_at = forms.DateTimeField(label=_("Waktu"), widget=DateTimeInput())
    facilitator = forms.CharField(label=_("Fasilitator"), max_length=200)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=500)


class DischargeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Alasan keluar"),
        choices=[("", "—")]
        + [
            (r.value, r.label)
            for r in Stay.DischargeReason
            if r not in (Stay.DischargeReason.TRANSFERRED, Stay.DischargeReason.RETURNED_HOME)
        ],
    )
    note = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=500,
        help_text=_("Untuk penolakan layanan: nomor surat pernyataan yang ditandatangani."),
    )
    at = forms.DateTimeField(
        label=_("Waktu keluar"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Kosongkan untuk sekarang."),
    )


class TransferForm(forms.Form):
    to_shelter = forms.ModelChoiceField(
        label=_("Pindah ke shelter"), queryset=Shelter.objects.none()
    )
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=500)
    over_capacity_reason = forms.CharField(
        label=_("Alasan menerima melebihi kapasitas"), required=False, max_length=300
    )

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shelters = Shelter.objects.all()
        if exclude:
            shelters = shelters.exclude(pk=exclude)
        self.fields["to_shelter"].queryset = shelters  # type: ignore[attr-defined]
