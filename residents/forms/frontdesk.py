"""Announcing a visitor in /my/; the front desk's filters, walk-ins, deliveries and collections."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Building, Campus
from tenants.choices import ON_CAMPUS
from tenants.models import Company

from ..models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def person_label(user) -> str:
    return user.get_full_name() or user.email


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class VisitForm(forms.Form):
    """A visitor a person of the company expects; the host is one of the company's people."""

    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    visit_date = forms.DateField(label=_("Date"), widget=DATE)
    expected_time = forms.TimeField(label=_("Expected at"), required=False, widget=TIME)
    host = PersonChoiceField(label=_("Host"), queryset=get_user_model().objects.none(), empty_label=None)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            get_user_model()
            .objects.filter(membership__company_id=membership.company_id, is_active=True)
            .order_by("first_name", "last_name", "email")
        )
        self.fields["host"].initial = membership.user_id
        self.fields["visit_date"].initial = timezone.localdate()


class DeskFilterForm(forms.Form):
    """Which campus the desk serves (kept for the session), and the building or name looked for."""

    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.order_by("name"), empty_label=None)
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label=_("All buildings")
    )
    q = forms.CharField(label=_("Name or company"), required=False, max_length=100)

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(campus=campus).order_by("code")


class HostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.company.name} · {person_label(obj.user)}"


class WalkInForm(forms.Form):
    """A visitor nobody announced: whom they came to see, and who they are."""

    host = HostChoiceField(label=_("Host"), queryset=Membership.objects.none())
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            Membership.objects.filter(company__campus=campus, company__status__in=ON_CAMPUS, user__is_active=True)
            .select_related("company", "user")
            .order_by("company__name", "user__first_name", "user__last_name", "user__email")
        )


class DeliveryForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=Company.objects.none())
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    description = forms.CharField(label=_("Contents"), max_length=300)
    cold_chain = forms.BooleanField(label=_("Cold chain"), required=False)
    biological = forms.BooleanField(label=_("Biological material"), required=False)
    hazardous = forms.BooleanField(label=_("Hazardous goods"), required=False)

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(campus=campus, status__in=ON_CAMPUS).order_by("name")


class CollectForm(forms.Form):
    collected_by_name = forms.CharField(label=_("Collected by"), max_length=200)
