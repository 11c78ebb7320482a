from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CRITERIA, AdvisoryMember, Review

SCORE_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have a conflict of interest"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("If yes, describe it briefly"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [*CRITERIA, "recommendation", "comment"]
        widgets = {name: forms.Select(choices=SCORE_CHOICES) for name in CRITERIA} | {
            "comment": forms.Textarea(attrs={"rows": 5})
        }


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(queryset=AdvisoryMember.objects.none(), label=_("Member"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = AdvisoryMember.objects.serving().filter(
            committee__campus_id=application.campus_id
        )


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)
    notes = forms.CharField(label=_("Notes (internal)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes_for_company = forms.CharField(
        label=_("Outcome notes for the company"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsultationRequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    question = forms.CharField(label=_("Your question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
