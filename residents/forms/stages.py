from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advisory.models import AdvisoryMember
from campus.choices import PlatformStages
from common.uploads import check_upload


class MilestoneReportForm(forms.Form):
    """The company reports a milestone: what it reached, and the evidence."""

    note = forms.CharField(
        label=_("Note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your company reached, and when."),
    )
    evidence = forms.FileField(
        label=_("Evidence"), help_text=_("A PDF, PNG, JPEG or Word (.docx) file of at most 10 MB.")
    )

    def __init__(self, *args, milestone=None, **kwargs):
        if milestone is not None:
            kwargs.setdefault("prefix", f"milestone{milestone.pk}")
        super().__init__(*args, **kwargs)

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_upload(upload)
        return upload


class ReviewForm(forms.Form):
    """Accept a report (with an optional comment) or send it back (with the reason, which is required)."""

    ACCEPT, SEND_BACK = "accept", "send_back"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (SEND_BACK, _("Send back"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending back: the company reads it."),
    )


class ReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Advisory member to review it"),
        queryset=AdvisoryMember.objects.none(),
        required=False,
        empty_label=_("Campus staff review it"),
    )

    def __init__(self, *args, campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = AdvisoryMember.objects.filter(
            committee__campus=campus, user__isnull=False
        ).order_by("name")


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=PlatformStages.choices)
    reason = forms.CharField(
        label=_("Note to the company"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Reason for moving without every required milestone accepted"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when a required milestone is not accepted yet; it is kept with the move."),
    )
