from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pulang.core.widgets import DateInput

from .models import Case, NeedsAssessment, Screening


class ScreeningForm(forms.Form):
    # An untouched question records "not known", never the first answer in the list; and
    # the determination is always a choice made, never a default.
    recruitment = forms.ChoiceField(
        label=_("Cara direkrut"),
        choices=Screening.Recruitment.choices,
        initial=Screening.Recruitment.UNKNOWN,
    )
    recruiter_relation = forms.ChoiceField(
        label=_("Hubungan dengan perekrut"),
        choices=Screening.RecruiterRelation.choices,
        initial=Screening.RecruiterRelation.UNKNOWN,
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Cara pengendalian"),
        choices=Screening.Control.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Jenis eksploitasi"),
        choices=Screening.Exploitation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = forms.ChoiceField(
        label=_("Sektor pekerjaan"),
        choices=Screening.Sector.choices,
        initial=Screening.Sector.UNKNOWN,
    )
    country_of_exploitation = forms.CharField(
        label=_("Negara tempat eksploitasi (kode dua huruf)"), max_length=2, initial="MY"
    )
    determination = forms.ChoiceField(
        label=_("Penetapan"),
        choices=[("", "—"), *Screening.Determination.choices],
        error_messages={"required": _("Pilih penetapannya.")},
    )
    account = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_country_of_exploitation(self) -> str:
        value = self.cleaned_data["country_of_exploitation"].strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise forms.ValidationError(_("Tulis kode negara dua huruf, misalnya MY."))
        return value


class ReviewForm(forms.Form):
    determination = forms.ChoiceField(
        label=_("Penetapan setelah ditinjau"), choices=Screening.Determination.choices
    )
    note = forms.CharField(
        label=_("Catatan peninjauan"),
        required=False,
        max_length=500,
        help_text=_("Wajib bila penetapan diubah."),
    )


class NeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Kebutuhan"),
        choices=NeedsAssessment.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_child = forms.BooleanField(label=_("Anak"), required=False)
    is_pregnant = forms.BooleanField(label=_("Hamil"), required=False)
    has_disability = forms.BooleanField(label=_("Disabilitas"), required=False)
    is_ill = forms.BooleanField(label=_("Sakit"), required=False)
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Catatan baru"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    goal = forms.CharField(label=_("Tujuan"), required=False, max_length=200)
    title = forms.CharField(label=_("Tugas"), max_length=200)
    due_on = forms.DateField(label=_("Tenggat"), widget=DateInput())


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil akhir"), choices=[("", "—"), *Case.Outcome.choices])
    reason = forms.CharField(label=_("Alasan"), max_length=500)


YES_NO = [("", "—"), ("ya", _("Ya")), ("tidak", _("Tidak"))]


class CaseFilterForm(forms.Form):
    """The case list's filters. The period applies to the chosen event: opened, received in
    a shelter, handed over; or, for "in a shelter", the one day `per`. The dashboard links
    here with the filters that select the cases behind a figure."""

    EVENTS = [
        ("", _("Dibuka dalam periode")),
        ("diterima", _("Diterima di shelter dalam periode")),
        ("dipulangkan", _("Diserahterimakan dalam periode")),
        ("di_shelter", _("Di shelter pada tanggal")),
    ]

    q = forms.CharField(label=_("Cari nama"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Case.Status.choices]
    )
    shelter: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Shelter"), required=False, queryset=None, empty_label="—"
    )
    rombongan = forms.CharField(label=_("Nomor rombongan"), required=False, max_length=40)
    peristiwa = forms.ChoiceField(label=_("Peristiwa"), required=False, choices=EVENTS)
    dari = forms.DateField(label=_("Dari"), required=False, widget=DateInput())
    sampai = forms.DateField(label=_("Sampai"), required=False, widget=DateInput())
    per = forms.DateField(label=_("Pada tanggal"), required=False, widget=DateInput())
    kembali = forms.ChoiceField(
        label=_("Pernah dideportasi sebelumnya"), required=False, choices=YES_NO
    )
    anak = forms.ChoiceField(label=_("Anak"), required=False, choices=YES_NO)
    jk = forms.ChoiceField(label=_("Jenis kelamin"), required=False, choices=())
    umur = forms.ChoiceField(label=_("Kelompok umur"), required=False, choices=())
    provinsi: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Provinsi asal"), required=False, queryset=None, empty_label="—"
    )
    tempat_masuk = forms.ChoiceField(label=_("Tempat masuk"), required=False, choices=())
    negara = forms.CharField(label=_("Negara yang mendeportasi"), required=False, max_length=2)
    hasil = forms.ChoiceField(
        label=_("Hasil akhir"), required=False, choices=[("", "—"), *Case.Outcome.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from pulang.agencies.models import Shelter
        from pulang.arrivals.models import ArrivalBatch
        from pulang.people.models import Person
        from pulang.regions.models import Region

        from .selectors import AGE_GROUPS

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["shelter"].queryset = Shelter.objects.order_by("name")
        fields["provinsi"].queryset = Region.objects.filter(level=Region.Level.PROVINCE)
        fields["provinsi"].label_from_instance = lambda region: region.name
        fields["jk"].choices = [("", "—"), *Person.Sex.choices]
        fields["umur"].choices = [
            ("", "—"),
            *[(group, group) for group, _low, _high in AGE_GROUPS],
            ("?", _("Tidak diketahui")),
        ]
        fields["tempat_masuk"].choices = [("", "—"), *ArrivalBatch.EntryPoint.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal sesudah tanggal akhir."))
        return data

    def filters(self) -> dict[str, Any] | None:
        """The filters given, empty ones left out; None when one is wrong, which lists
        nothing rather than quietly widening the list."""
        if not self.is_valid():
            return None
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
