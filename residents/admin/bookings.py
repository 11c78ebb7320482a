"""Bookable resources, trainings and bookings in the admin.

Resources and their opening hours are edited here, and trainings recorded (by whom, kept in their
history). Bookings are looked up, never written by hand: the times cannot be edited (so no edit can
make two bookings overlap) and nothing is added or deleted. Staff confirm, decline, cancel and
record a check-in or check-out from the list's actions or the booking's page, and each of these
calls ``residents.services.bookings``, which checks the move, records who made it and tells the person.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from campus.admin import SpaceLabelSearchMixin
from common.errors import DomainError
from common.uploads import image_reencoded

from ..choices import BookingStatus
from ..models import Booking, OpeningHours, Resource, Training
from ..services.bookings import booking_cancel, booking_check, booking_decide

#: The longest side of a resource's photo as stored.
PHOTO_MAX_SIDE = 1600
#: People listed at a time in the person box of a training.
PEOPLE_PAGE = 20
#: A training counts as expiring soon this many days ahead.
EXPIRING_DAYS = 30

# --- Resources ---------------------------------------------------------------------------------


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    fields = ["weekday", "opens", "closes"]
    extra = 0


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["photo"]  # the admin adds the fields of its fieldsets

    def clean_photo(self):
        """Keep a PNG the portal draws from the picture's pixels, never the file as uploaded."""
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):  # none, cleared, or the one kept
            return photo
        try:
            drawn = image_reencoded(
                photo,
                max_bytes=settings.LOGO_UPLOAD_MAX_BYTES,
                max_pixels=settings.LOGO_MAX_PIXELS,
                max_side=PHOTO_MAX_SIDE,
            )
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None
        return ContentFile(drawn, name="photo.png")


@admin.register(Resource)
class ResourceAdmin(SpaceLabelSearchMixin, SimpleHistoryAdmin):
    form = ResourceForm
    list_display = [
        "name",
        "kind",
        "campus",
        "space",
        "price_per_hour",
        "approval_required",
        "training_required",
        "is_active",
    ]
    list_filter = ["campus", "kind", "is_active", "approval_required", "training_required"]
    search_fields = ["name", "name_zh", "location", "space__code", "description"]
    list_select_related = ["campus", "space__building"]
    autocomplete_fields = ["space"]
    inlines = [OpeningHoursInline]
    view_on_site = False  # its page is the residents' (/my/), which staff do not open
    fieldsets = [
        (
            None,
            {"fields": ["campus", "kind", "name", "name_zh", "space", "location", "capacity", "photo", "is_active"]},
        ),
        (_("Description"), {"fields": ["description", "description_zh"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "slot_minutes",
                    "min_minutes",
                    "max_minutes",
                    "horizon_days",
                    "cancel_cutoff_hours",
                    "approval_required",
                    "training_required",
                ],
                "description": _(
                    "Bookings fit in the opening hours below, on slots counted from the opening time. "
                    "Changing a rule applies to bookings made from now on."
                ),
            },
        ),
        (
            _("Price"),
            {
                "fields": ["price_per_hour", "tax_percent"],
                "description": _(
                    "Confirmed bookings of a priced resource are billed on the company's next invoice at "
                    "the price when booked, no-shows included; cancelled ones never are."
                ),
            },
        ),
    ]


# --- Trainings ---------------------------------------------------------------------------------


class TrainingValidity(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("valid", _("Valid")),
            ("expiring", _("Expiring in 30 days")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.valid_on(today)
        if self.value() == "expiring":
            return queryset.valid_on(today).filter(expires_on__lte=today + dt.timedelta(days=EXPIRING_DAYS))
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


class PeopleSelect(AutocompleteSelect):
    """The admin's search-as-you-type box, asking for residents' people (``TrainingAdmin.people_view``)
    rather than the user accounts, which the staff recording trainings need not be able to browse."""

    def get_url(self) -> str:
        return reverse("admin:residents_training_people")


def people_matching(term: str):
    """People of resident companies whose name, e-mail or company matches ``term``."""
    people = get_user_model().objects.filter(membership__isnull=False).select_related("membership__company")
    for word in term.split():
        people = people.filter(
            Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(membership__company__name__icontains=word)
        )
    return people.order_by("email")


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["user", "resource", "trained_on", "expires_on", "valid", "recorded_by", "recorded_at"]
    list_filter = [TrainingValidity, "resource__campus", ("resource", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "resource__name", "resource__name_zh"]
    list_select_related = ["user", "resource", "recorded_by"]
    autocomplete_fields = ["resource"]
    fields = ["user", "resource", "trained_on", "expires_on", "notes", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "trained_on"

    @admin.display(description=_("valid today"), boolean=True)
    def valid(self, obj: Training) -> bool:
        return obj.is_valid_on(timezone.localdate())

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["widget"] = PeopleSelect(db_field, self.admin_site)
            kwargs["queryset"] = get_user_model().objects.filter(membership__isnull=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        own = [path("people/", self.admin_site.admin_view(self.people_view), name="residents_training_people")]
        return own + super().get_urls()

    def people_view(self, request):
        """Search results for the person box, in the shape the admin's autocomplete reads."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        page = Paginator(people_matching(request.GET.get("term", "")), PEOPLE_PAGE).get_page(request.GET.get("page"))
        results = [
            {
                "id": str(person.pk),
                "text": f"{person.get_full_name() or person.email} · {person.email} · {person.membership.company}",
            }
            for person in page
        ]
        return JsonResponse({"results": results, "pagination": {"more": page.has_next()}})


# --- Bookings ----------------------------------------------------------------------------------


class BookingDay(admin.SimpleListFilter):
    """When the booking takes place; "today" is the portal's day (TIME_ZONE), a campus's for a single campus."""

    title = _("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("upcoming", _("From now on")), ("past", _("Ended"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        if self.value() == "upcoming":
            return queryset.not_over(now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


class BookingActionForm(forms.Form):
    """One step on a booking's page; a reason is needed to decline, and kept when cancelling."""

    ACTIONS = [
        ("confirm", _("Confirm")),
        ("decline", _("Decline")),
        ("cancel", _("Cancel")),
        ("check_in", _("Record check-in")),
        ("check_out", _("Record check-out")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    at = forms.TimeField(
        label=_("At (campus time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("For a check-in or check-out recorded afterwards; empty means now."),
    )


def booking_step(booking: Booking, *, action: str, actor, reason: str = "", at: dt.time | None = None) -> Booking:
    """Carry out one step named by the admin's form or action through the bookings service."""
    if action in {"confirm", "decline"}:
        return booking_decide(booking=booking, confirm=action == "confirm", actor=actor, reason=reason)
    if action == "cancel":
        return booking_cancel(booking=booking, actor=actor, reason=reason)
    at_time = dt.datetime.combine(booking.local_start.date(), at, tzinfo=booking.resource.campus.tz) if at else None
    return booking_check(booking=booking, actor=actor, out=action == "check_out", at_time=at_time)


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = ["resource", "company", "booked_by", "when", "status", "checked_in", "checked_out", "billed"]
    list_filter = [
        "status",
        BookingDay,
        "resource__campus",
        ("resource", admin.RelatedOnlyFieldListFilter),
        ("starts_at", admin.DateFieldListFilter),
    ]
    search_fields = ["resource__name", "resource__name_zh", "company__name", "booked_by__email", "title"]
    list_select_related = ["resource__campus", "company", "booked_by"]
    date_hierarchy = "starts_at"
    view_on_site = False  # its page is the company's (/my/), which staff do not open
    actions = ["confirm_selected", "check_in_selected", "check_out_selected"]
    change_form_template = "admin/residents/booking/change_form.html"
    fields = [
        "resource",
        "company",
        "booked_by",
        "title",
        "when",
        "status",
        "price_per_hour",
        "checked_in_at",
        "checked_out_at",
        "decided_by",
        "cancelled_at",
        "cancelled_by",
        "reason",
        "series",
        "invoice_line",
        "reminded_at",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("when (campus time)"), ordering="starts_at")
    def when(self, obj: Booking) -> str:
        start, end = obj.local_start, obj.local_end
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @admin.display(description=_("checked in"), ordering="checked_in_at")
    def checked_in(self, obj: Booking) -> str:
        return f"{obj.checked_in_at.astimezone(obj.resource.campus.tz):%H:%M}" if obj.checked_in_at else "—"

    @admin.display(description=_("checked out"), ordering="checked_out_at")
    def checked_out(self, obj: Booking) -> str:
        return f"{obj.checked_out_at.astimezone(obj.resource.campus.tz):%H:%M}" if obj.checked_out_at else "—"

    @admin.display(description=_("billed"), boolean=True)
    def billed(self, obj: Booking) -> bool:
        return obj.invoice_line_id is not None

    def has_add_permission(self, request) -> bool:
        return False  # residents book at /my/bookings/, by the rules of the service

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a booking is cancelled or declined, and its history kept

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            action_form=BookingActionForm(),
            can_act=request.user.has_perm("residents.change_booking"),
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        own = [path("<int:pk>/step/", self.admin_site.admin_view(self.step_view), name="residents_booking_step")]
        return own + super().get_urls()

    def step_view(self, request, pk: int):
        """A step taken on the booking's page (POST): confirm, decline, cancel, check in or out."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _step(self, request, pk)

    # --- Actions on the list: each booking through the service, refusals reported -------------

    def _each(self, request, queryset, action: str, done_message: str) -> None:
        done, refused = 0, []
        for booking in queryset.select_related("resource__campus"):
            try:
                booking_step(booking, action=action, actor=request.user)
            except DomainError as error:
                refused.append(f"{booking}: {error.message}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Confirm the selected bookings"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._each(request, queryset, "confirm", _("%(count)s bookings confirmed."))

    @admin.action(description=_("Record check-in now"), permissions=["change"])
    def check_in_selected(self, request, queryset):
        self._each(request, queryset, "check_in", _("%(count)s check-ins recorded."))

    @admin.action(description=_("Record check-out now"), permissions=["change"])
    def check_out_selected(self, request, queryset):
        self._each(request, queryset, "check_out", _("%(count)s check-outs recorded."))


def _step(model_admin: BookingAdmin, request, pk: int):
    if not request.user.has_perm("residents.change_booking"):
        raise PermissionDenied
    booking = get_object_or_404(Booking.objects.select_related("resource__campus"), pk=pk)
    back = redirect(reverse("admin:residents_booking_change", args=[booking.pk]))
    form = BookingActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            model_admin.message_user(request, " ".join(errors), messages.ERROR)
        return back
    data = form.cleaned_data
    try:
        booking = booking_step(booking, action=data["action"], actor=request.user, reason=data["reason"], at=data["at"])
    except DomainError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
    else:
        model_admin.message_user(request, _step_done(booking, data["action"]), messages.SUCCESS)
    return back


def _step_done(booking: Booking, action: str) -> str:
    if action in {"check_in", "check_out"}:
        return str(_("Recorded for %(booking)s.") % {"booking": booking})
    return str(_("%(booking)s: %(status)s.") % {"booking": booking, "status": BookingStatus(booking.status).label})
