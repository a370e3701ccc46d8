from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pulang.core.widgets import DateInput, DateTimeInput
from pulang.regions.models import Region

from .models import Handover, ReturnPlan, Transport


class RegencyField(forms.ModelChoiceField):
    """A regency or city, shown with its province: "Kab. Lombok Timur — Nusa Tenggara Barat"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


def regencies() -> Any:
    return (
        Region.objects.filter(level=Region.Level.REGENCY)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


class ReturnPlanForm(forms.Form):
    destination = RegencyField(label=_("Kabupaten/kota tujuan"), queryset=Region.objects.none())
    destination_address = forms.CharField(
        label=_("Alamat tujuan (desa, dusun, jalan)"), required=False, max_length=300
    )
    receiver = forms.ChoiceField(label=_("Diterima oleh"), choices=ReturnPlan.Receiver.choices)
    transport = forms.ChoiceField(label=_("Moda transportasi"), choices=Transport.choices)
    escort = forms.CharField(label=_("Pendamping"), required=False, max_length=200)
    planned_date = forms.DateField(label=_("Rencana tanggal berangkat"), widget=DateInput())
    fit_to_travel = forms.BooleanField(
        label=_("Layak bepergian (dikonfirmasi petugas kesehatan)"), required=False
    )
    fit_to_travel_note = forms.CharField(
        label=_("Keterangan kelayakan"), required=False, max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = regencies()  # type: ignore[attr-defined]


class TripForm(forms.Form):
    destination = forms.CharField(
        label=_("Tujuan perjalanan"),
        max_length=200,
        help_text=_("Misalnya: Nusa Tenggara Barat (Lombok Timur, Lombok Tengah)."),
    )
    transport = forms.ChoiceField(label=_("Moda transportasi"), choices=Transport.choices)
    escort = forms.CharField(label=_("Pendamping"), max_length=200)
    planned_departure = forms.DateTimeField(label=_("Rencana berangkat"), widget=DateTimeInput())


class LegForm(forms.Form):
    origin = forms.CharField(label=_("Dari"), max_length=200)
    destination = forms.CharField(label=_("Ke"), max_length=200)
    transport = forms.ChoiceField(label=_("Moda"), choices=Transport.choices)
    departs_at = forms.DateTimeField(
        label=_("Berangkat"),
        required=False,
        widget=DateTimeInput(),
    )


class HandoverForm(forms.Form):
    receiver_kind = forms.ChoiceField(label=_("Penerima"), choices=Handover.ReceiverKind.choices)
    receiver_name = forms.CharField(label=_("Nama penerima"), max_length=200)
    receiver_relation = forms.CharField(
        label=_("Hubungan keluarga atau jabatan penerima"), max_length=100
    )
    receiver_document = forms.CharField(
        label=_("Dokumen identitas penerima"),
        required=False,
        max_length=100,
        help_text=_("Misalnya: KTP 5203xxxxxxxxxxxx."),
    )
    witness_name = forms.CharField(label=_("Nama saksi"), max_length=200)
    witness_role = forms.CharField(label=_("Jabatan saksi"), required=False, max_length=100)
    place = forms.CharField(label=_("Tempat serah terima"), max_length=200)
    handed_at = forms.DateTimeField(
        label=_("Waktu serah terima"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Kosongkan untuk sekarang."),
    )


class VerifyForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=40,
        help_text=_("Tertulis di bagian bawah berita acara, misalnya ABCD-EFGH-IJKL-MNOP."),
    )
    berkas = forms.FileField(
        label=_("Berkas PDF (tidak wajib)"),
        required=False,
        help_text=_("Unggah berkasnya untuk memastikan isinya tidak diubah."),
    )
