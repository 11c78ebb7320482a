"""Bookable resources in the partner API: what can be booked, and when it is free; never a booking.

``GET /api/v1/resources/`` lists the active resources of the campuses a partner works with
(``Partner.campuses``; staff sessions see every campus); ``GET /api/v1/resources/{id}/free-slots/``
gives one resource's free periods (``residents.selectors.free_periods``) for up to 31 days, as
ISO 8601 moments with the campus's offset. Both need the ``spaces:read`` scope: a resource is
space to use by the hour. Who booked, or that anyone did, is not said: a free period simply ends.
A resource of another campus, or not bookable, is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from partners.api.auth import partner_of
from partners.api.views import ERRORS, INVALID, NOT_FOUND, ScopedViewSet

from .api import MoneyField
from .models import OpeningHours, Resource
from .selectors import free_periods

#: The longest period one request asks for, in days; the default is a week from today.
MAX_DAYS = 31
DEFAULT_DAYS = 7


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class ClockField(serializers.TimeField):
    """A wall-clock time of the campus, ``HH:MM`` (JSON Schema's ``time`` would need seconds and an offset)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, format="%H:%M", **kwargs)


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(read_only=True, help_text="0 is Monday, 6 is Sunday.")
    opens = ClockField(help_text="Campus time, HH:MM.")
    closes = ClockField(help_text="Campus time, HH:MM.")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class PriceField(MoneyField):
    """A resource's price, kept in yuan (CNY) like every booking charge."""

    def get_attribute(self, instance):
        return Money(serializers.Field.get_attribute(self, instance), "CNY")


class ResourceSerializer(serializers.ModelSerializer):
    campus = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    time_zone = serializers.CharField(
        source="campus.time_zone", read_only=True, help_text="The campus's IANA time zone, e.g. Asia/Shanghai."
    )
    price_per_hour = PriceField(help_text="Per hour; 0 is free.")
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "campus",
            "time_zone",
            "kind",
            "name",
            "name_zh",
            "location",
            "description",
            "description_zh",
            "capacity",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "horizon_days",
            "approval_required",
            "training_required",
            "price_per_hour",
            "opening_hours",
        ]


class FreePeriodSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(read_only=True, help_text="ISO 8601 with the campus's offset.")
    ends_at = serializers.DateTimeField(read_only=True, help_text="ISO 8601 with the campus's offset; excluded.")


class FreeSlotsSerializer(serializers.Serializer):
    resource = serializers.IntegerField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    date_from = serializers.DateField(read_only=True, help_text="The first day asked for (campus time).")
    date_to = serializers.DateField(read_only=True, help_text="The last day asked for, included.")
    free = FreePeriodSerializer(many=True, read_only=True)


class PeriodQuery(serializers.Serializer):
    """The days asked for; ``from`` and ``to`` are reserved words, so the fields are renamed."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False, help_text="YYYY-MM-DD, campus time; default today."),
            "to": serializers.DateField(required=False, help_text="YYYY-MM-DD, included; default from + 6 days."),
        }

    def validate(self, data):
        start, end = data.get("from"), data.get("to")
        if start is None:
            start = self.context["today"]
            if end is not None and end < start:
                start = end  # only ``to`` given, in the past: that day alone
        if end is None:  # a week, or up to the calendar's last day
            end = start + dt.timedelta(days=min(DEFAULT_DAYS - 1, (dt.date.max - start).days))
        if end < start:
            raise ValidationError({"to": [_("The last day cannot be before from.")]})
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError({"to": [_("Ask for at most %(days)d days at a time.") % {"days": MAX_DAYS}]})
        return {"start": start, "end": end}


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", {"type": "string", "format": "date"}, description="First day (YYYY-MM-DD, campus time); default today."
    ),
    OpenApiParameter(
        "to",
        {"type": "string", "format": "date"},
        description=f"Last day, included (YYYY-MM-DD); default from + 6 days; at most {MAX_DAYS} days in all.",
    ),
]


@extend_schema_view(
    list=extend_schema(responses={200: ResourceSerializer(many=True), **ERRORS, **INVALID}),
    free_slots=extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: FreeSlotsSerializer, **ERRORS, **INVALID, **NOT_FOUND},
    ),
)
class ResourceViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Bookable rooms and instruments of the partner's campuses, with their opening hours and rules."""

    scope = "spaces:read"
    serializer_class = ResourceSerializer

    def get_queryset(self):
        hours = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
        queryset = Resource.objects.bookable().select_related("campus").prefetch_related(hours)
        partner = partner_of(self.request)
        if partner is not None:
            queryset = queryset.filter(campus__in=partner.campuses.values("pk"))
        return queryset

    @action(detail=True, methods=["get"], url_path="free-slots", pagination_class=None, filter_backends=[])
    def free_slots(self, request, pk=None):
        """When the resource is free to book, day by day in campus time: opening hours minus bookings."""
        resource = self.get_object()
        today = timezone.localtime(timezone.now(), resource.campus.tz).date()
        query = PeriodQuery(data=request.query_params, context={"today": today})
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        periods = free_periods(resource, start, end)
        data = {
            "resource": resource.pk,
            "time_zone": resource.campus.time_zone,
            "date_from": start,
            "date_to": end,
            # Strings already: a DateTimeField would move them to the server's zone.
            "free": [{"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in periods],
        }
        return Response(FreeSlotsSerializer(data).data)


router = SimpleRouter(trailing_slash=True)
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns = [*router.urls]
