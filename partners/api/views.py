"""The partner API, v1. Every queryset is scoped to what the caller may see, in one base class."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from campus.choices import BusinessAreas, SpaceKind
from campus.models import Campus, Space
from campus.selectors import spaces_with_free_area
from tenants.choices import FocusAreas
from tenants.models import Company
from tenants.selectors import DIRECTORY_FIELDS, directory_companies, directory_rows

from .. import services
from ..models import Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from . import serializers as s
from .auth import HasScope, PartnerPrincipal, partner_of
from .errors import error_response
from .filtering import FilterSet
from .idempotency import KEY_PARAMETER, idempotent
from .pagination import Pages

ERRORS = {
    401: OpenApiResponse(description="Missing, malformed, unknown, expired or revoked token."),
    403: OpenApiResponse(description="The token lacks the scope this endpoint needs."),
    429: OpenApiResponse(description="Too many requests for this token; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such object among yours.")}
MAX_AREA_M2 = 1_000_000
INVALID = {400: OpenApiResponse(description="A field is not valid; the error names it.")}


class ScopedViewSet(viewsets.GenericViewSet):
    """Scopes every request: partners see their own objects; staff sessions see all."""

    pagination_class = Pages
    scope = ""

    def get_permissions(self):
        return [HasScope.of(self.scope)()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A query parameter, when given, has one value that is not empty: a repeat would otherwise
        # silently use the last value, and an empty one silently filter nothing.
        errors = {}
        for name, values in request.query_params.lists():
            if len(values) > 1:
                errors[name] = [_("Give this parameter once.")]
            elif not values[0]:
                errors[name] = [_("Give a value, or leave the parameter out.")]
        if errors:
            raise ValidationError(errors)

    def partner_filter(self, queryset, field: str = "partner"):
        partner = partner_of(self.request)
        if partner is not None:
            return queryset.filter(**{field: partner})
        return queryset  # staff


@extend_schema(responses={200: s.MeSerializer, **ERRORS})
class MeView(APIView):
    """Who the token belongs to, its scopes and expiry."""

    def get_permissions(self):
        from rest_framework.permissions import IsAuthenticated

        return [IsAuthenticated()]

    def get(self, request):
        user = request.user
        if isinstance(user, PartnerPrincipal):
            data = {
                "partner": user.partner,
                "scopes": user.token.scopes,
                "token_prefix": user.token.prefix,
                "token_expires_at": user.token.expires_at,
            }
        else:
            data = {"partner": None, "scopes": ["*"], "token_prefix": None, "token_expires_at": None}
        return Response(s.MeSerializer(data).data)


@extend_schema_view(
    list=extend_schema(responses={200: s.CampusSerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: s.CampusSerializer, **ERRORS, **NOT_FOUND}),
)
class CampusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    scope = "directory:read"
    serializer_class = s.CampusSerializer
    lookup_field = "slug"
    queryset = Campus.objects.prefetch_related("platform_stages", "business_areas")


class AreaFilter(django_filters.NumberFilter):
    """An area in m², with the bounds and the description the schema states."""

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, min_value=0, max_value=MAX_AREA_M2, help_text=help_text, **kwargs)
        # The schema stated here replaces the one drf-spectacular derives, help text included.
        extend_schema_field({"type": "number", "minimum": 0, "maximum": MAX_AREA_M2, "description": help_text})(self)


class SpaceFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_to")
        if end is not None and start is None and "available_from" not in self.errors:
            self.add_error("available_to", _("Give available_from as well, the first day of the period."))
        elif start is not None and end is not None and end < start:
            self.add_error("available_to", _("The last day cannot be before available_from."))
        return data


FREE_AREA_PARAMETERS = ("available_from", "available_to", "min_free_area")


class SpaceFilter(FilterSet):
    campus = django_filters.CharFilter(field_name="building__campus__slug", help_text="Campus slug.")
    kind = django_filters.ChoiceFilter(choices=SpaceKind.choices)
    min_area = AreaFilter(field_name="area_m2", lookup_expr="gte", help_text="Smallest area in m².")
    available_on = django_filters.DateFilter(
        method="filter_available",
        help_text=(
            "Free on this day (YYYY-MM-DD): some of its area is not allocated that day (a space may be shared), "
            "and it is let to companies."
        ),
    )
    available_from = django_filters.DateFilter(
        method="applied_together",
        help_text=(
            "First day of a period (YYYY-MM-DD) on every day of which the space has free area: at least "
            "min_free_area m², or any area when min_free_area is not given. The free area is the space's area "
            "minus the largest total allocated on any one day of the period, counting allocations of part "
            "of the space by their area. Without available_to the period has no end."
        ),
    )
    available_to = django_filters.DateFilter(
        method="applied_together",
        help_text="Last day of the period (YYYY-MM-DD), included; only with available_from, and not before it.",
    )
    min_free_area = AreaFilter(
        method="applied_together",
        help_text="Smallest free area in m² over the period of available_from and available_to (today without one).",
    )

    class Meta:
        model = Space
        fields = ["campus", "kind", "min_area", "available_on", *FREE_AREA_PARAMETERS]
        form = SpaceFilterForm

    def filter_available(self, queryset, name, value):
        return queryset.filter(pk__in=Space.objects.available_on(value).values("pk"))

    def applied_together(self, queryset, name, value):
        """The free-area parameters describe one question, asked in ``filter_queryset``."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = {name: self.form.cleaned_data.get(name) for name in FREE_AREA_PARAMETERS}
        if all(value is None for value in data.values()):
            return queryset
        start = data["available_from"] or timezone.localdate()
        min_free_area = data["min_free_area"] if data["min_free_area"] is not None else Decimal("0.01")
        free = spaces_with_free_area(
            on=start,
            until=data["available_to"],
            open_end=data["available_from"] is not None and data["available_to"] is None,
            min_free_area=min_free_area,
        )
        return queryset.filter(pk__in=free.values("pk"))


@extend_schema_view(list=extend_schema(responses={200: s.SpaceSerializer(many=True), **ERRORS, **INVALID}))
class SpaceViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Spaces, filtered by place, kind, area and availability.

    Partners poll this list, so it reads plain rows (``space_rows``) instead of model instances;
    ``SpaceSerializer`` documents the same shape and a test holds the two equal.
    """

    scope = "spaces:read"
    serializer_class = s.SpaceSerializer
    filterset_class = SpaceFilter
    queryset = Space.objects.all()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*s.SPACE_FIELDS))
        return self.get_paginated_response(s.space_rows(page))


class CompanyFilter(FilterSet):
    campus = django_filters.CharFilter(field_name="campus__slug", help_text="Campus slug.")
    country = django_filters.CharFilter(help_text="ISO 3166-1 alpha-2 code.")
    business_area = django_filters.ChoiceFilter(choices=BusinessAreas.choices, method="filter_business_area")
    focus_area = django_filters.ChoiceFilter(choices=FocusAreas.choices, method="filter_focus_area")
    search = django_filters.CharFilter(method="filter_search", help_text="Text in the name or description.")

    class Meta:
        model = Company
        fields = ["campus", "country", "business_area", "focus_area", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(description_en__icontains=value) | Q(description_zh_hans__icontains=value)
        )

    # Subqueries rather than joins: a company with two matching areas is still one row, without DISTINCT.
    def filter_business_area(self, queryset, name, value):
        areas = Company.business_areas.through.objects.filter(businessarea__code=value)
        return queryset.filter(pk__in=areas.values("company"))

    def filter_focus_area(self, queryset, name, value):
        areas = Company.focus_areas.through.objects.filter(focusarea__code=value)
        return queryset.filter(pk__in=areas.values("company"))


@extend_schema_view(list=extend_schema(responses={200: s.CompanySerializer(many=True), **ERRORS, **INVALID}))
class CompanyViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Listed resident companies, public fields only.

    Partners poll this list, so it reads plain rows (``directory_rows``) instead of model instances;
    ``CompanySerializer`` documents the same shape and a test holds the two equal. Filters run
    only when one of their parameters is given.
    """

    scope = "directory:read"
    serializer_class = s.CompanySerializer
    filterset_class = CompanyFilter

    def get_queryset(self):
        return directory_companies()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*DIRECTORY_FIELDS))
        return self.get_paginated_response(directory_rows(page))


@extend_schema_view(
    list=extend_schema(responses={200: s.ReferralSerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: s.ReferralSerializer, **ERRORS, **NOT_FOUND}),
    create=extend_schema(
        request=s.ReferralCreateSerializer,
        parameters=[KEY_PARAMETER],
        responses={
            201: s.ReferralSerializer,
            **ERRORS,
            **INVALID,
            409: OpenApiResponse(description="A request with this Idempotency-Key is still running."),
            422: OpenApiResponse(description="This Idempotency-Key was used with a different request."),
        },
    ),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = s.ReferralSerializer

    def get_permissions(self):
        scope = "referrals:write" if self.action == "create" else "referrals:read"
        return [HasScope.of(scope)()]

    def get_queryset(self):
        queryset = Referral.objects.select_related("company", "application__campus")
        return self.partner_filter(queryset)

    def list(self, request, *args, **kwargs):
        """Plain rows (``referral_rows``) rather than model instances: partners poll this list."""
        queryset = self.filter_queryset(self.partner_filter(Referral.objects.all()))
        page = self.paginate_queryset(queryset.values(*s.REFERRAL_FIELDS))
        return self.get_paginated_response(s.referral_rows(page))

    def create(self, request, *args, **kwargs):
        partner = partner_of(request)
        if partner is None:
            return error_response(403, "Referrals are made with a partner token.")
        return idempotent(request, request.user.token, lambda: self._create(request, partner))

    def _create(self, request, partner):
        data = s.ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_create(partner=partner, token=request.user.token, **data.validated_data)
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: s.WebhookEndpointSerializer(many=True), **ERRORS, **INVALID}),
    create=extend_schema(responses={201: s.WebhookEndpointCreatedSerializer, **ERRORS, **INVALID}),
    destroy=extend_schema(responses={204: None, **ERRORS, **NOT_FOUND}),
)
class WebhookViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedViewSet):
    scope = "webhooks:manage"
    serializer_class = s.WebhookEndpointSerializer

    def get_queryset(self):
        return self.partner_filter(WebhookEndpoint.objects.all())

    def create(self, request, *args, **kwargs):
        partner = partner_of(request)
        if partner is None:
            return error_response(403, "Webhooks belong to a partner token.")
        data = s.WebhookEndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_register(
            partner=partner,
            url=data.validated_data["url"],
            event_types=data.validated_data["event_types"],
            description=data.validated_data.get("description", ""),
        )
        return Response(s.WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer, **ERRORS, **NOT_FOUND, **INVALID})
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        """Send a signed ``ping`` event to the endpoint now."""
        delivery = services.webhook_ping(endpoint=self.get_object())
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: s.WebhookEndpointCreatedSerializer, **ERRORS, **NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret; the old one also signs for a day, so receivers can switch over."""
        endpoint = services.webhook_rotate_secret(endpoint=self.get_object())
        return Response(s.WebhookEndpointCreatedSerializer(endpoint).data)


@extend_schema_view(
    list=extend_schema(responses={200: s.WebhookDeliverySerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: s.WebhookDeliverySerializer, **ERRORS, **NOT_FOUND}),
)
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    scope = "webhooks:manage"
    serializer_class = s.WebhookDeliverySerializer

    def get_queryset(self):
        queryset = WebhookDelivery.objects.select_related("endpoint").prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("attempted_at"))
        )
        return self.partner_filter(queryset, "endpoint__partner")

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer, **ERRORS, **NOT_FOUND})
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send this delivery's event again, as a new delivery."""
        delivery = services.delivery_replay(delivery=self.get_object())
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
