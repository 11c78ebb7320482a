"""Booking a resource, moving a booking, cancelling one: the period in campus time, as people type it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Resource
from ..services.bookings import at, wall_time_exists

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

#: Dates further than this from today are refused before any rule is asked (no resource books so far).
MAX_DAYS_AWAY = 730
#: Where a service's refusal lands on these forms.
FIELD_OF = {"starts_at": "start", "ends_at": "duration", "until": "repeat_until", "resource": None, "reason": "reason"}


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


class PeriodForm(forms.Form):
    """A day, a start time and a duration in the resource's slots, read in the campus's time zone."""

    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Starts at"), widget=TIME)
    duration = forms.TypedChoiceField(label=_("Duration"), coerce=int)

    def __init__(self, *args, resource: Resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        step = resource.slot_minutes
        self.fields["duration"].choices = [
            (minutes, duration_label(minutes))
            for minutes in range(resource.min_minutes, resource.max_minutes + 1, step)
        ] or [(step, duration_label(step))]
        self.fields["start"].widget.attrs["step"] = step * 60
        self.fields["start"].help_text = _("Campus time (%(zone)s).") % {"zone": resource.campus.time_zone}

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if abs((day - timezone.localdate()).days) > MAX_DAYS_AWAY:
            raise forms.ValidationError(_("Choose a date within two years from today."))
        return day

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("day"), cleaned.get("start")
        if day and start and not wall_time_exists(self.resource, day, start):
            self.add_error("start", _("The clocks go forward at that time on this day; choose another time."))
        return cleaned

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        """The booking's start and end in UTC: the duration is real time, also on days clocks change."""
        starts_at = at(self.resource, self.cleaned_data["day"], self.cleaned_data["start"])
        return starts_at, starts_at + dt.timedelta(minutes=self.cleaned_data["duration"])

    def add_refusal(self, error) -> None:
        self.add_error(FIELD_OF.get(error.field) if error.field else None, error.message)


class BookingForm(PeriodForm):
    title = forms.CharField(
        label=_("What for"),
        max_length=200,
        required=False,
        help_text=_("Shown to your company, and to staff; others see only that the time is taken."),
    )
    repeat_until = forms.DateField(
        label=_("Repeat every week until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for a single booking. Weeks that are taken are skipped and listed."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)
