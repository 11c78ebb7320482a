"""Allocating a space to an approved company and preparing its draft lease, in one form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from campus.models import Space
from tenants.models import Application

from .payments import SubmissionField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LettingForm(forms.Form):
    """Prefilled from the application; the space is the one chosen on the application's page."""

    submission = SubmissionField()
    space = forms.ModelChoiceField(queryset=Space.objects.none(), widget=forms.HiddenInput)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Last day"), widget=DATE, help_text=_("The allocation and the lease both end on this day.")
    )
    area_m2 = forms.DecimalField(
        label=_("Area (m²)"),
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Leave empty to allocate the whole space."),
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "starts_on": application.space_needed_on(),
                "ends_on": application.space_needed_until(),
                "area_m2": application.space_area_m2,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = Space.objects.with_location().filter(building__campus=application.campus_id)
