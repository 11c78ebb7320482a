"""The staff's steps on one lease in the admin: activate it, renew it until a day, end it early.

Field names are those the lease services name in a refusal (``ends_on``, ``terminated_on``,
``reason``), so a refusal shows next to the field at fault. The reason of an early end is
required by ``lease_terminate`` itself, which says so on that field.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _

REASON = {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60}), "max_length": 2000}


class LeaseActivateForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False, help_text=_("Kept in the lease's history."), **REASON)


class LeaseRenewForm(forms.Form):
    ends_on = forms.DateField(
        label=_("New last day"),
        widget=AdminDateWidget,
        help_text=_("The allocations that end with the lease are extended to this day too."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, help_text=_("Kept in the lease's history."), **REASON)


class LeaseTerminateForm(forms.Form):
    terminated_on = forms.DateField(
        label=_("Last day"),
        widget=AdminDateWidget,
        help_text=_("The lease and its allocations end on this day, within the lease's term."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, help_text=_("Why the lease ends early; kept with the lease."), **REASON
    )
