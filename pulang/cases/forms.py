from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case, NeedsAssessment, Screening


class ScreeningForm(forms.Form):
    recruitment = forms.ChoiceField(label=_("Cara direkrut"), choices=Screening.Recruitment.choices)
    recruiter_relation = forms.ChoiceField(
        label=_("Hubungan dengan perekrut"), choices=Screening.RecruiterRelation.choices
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
    sector = forms.ChoiceField(label=_("Sektor pekerjaan"), choices=Screening.Sector.choices)
    country_of_exploitation = forms.CharField(
        label=_("Negara tempat eksploitasi (kode dua huruf)"), max_length=2, initial="MY"
    )
    determination = forms.ChoiceField(label=_("Penetapan"), choices=Screening.Determination.choices)
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
    due_on = forms.DateField(label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil akhir"), choices=[("", "—"), *Case.Outcome.choices])
    reason = forms.CharField(label=_("Alasan"), max_length=500)
