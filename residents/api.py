"""Service requests in the API (``/api/v1/service-requests/``): read-only, for campus staff sessions only.

Partner tokens never read them (403, whatever their scopes); residents' sessions are not API
sessions (401). Staff read everything of a request, internal notes included, as on the queue;
their role must hold ``residents.view_servicerequest``. Pages, errors and the query-parameter
rules are the partner API's (``partners.api``), so both read the same way.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers
from rest_framework.routers import SimpleRouter

from common.staff import is_staff_session
from partners.api.auth import PartnerPrincipal
from partners.api.views import INVALID, NOT_FOUND, ScopedViewSet

from .choices import RequestCategory, RequestState
from .models import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent

VIEW_PERMISSION = "residents.view_servicerequest"
ERRORS = {
    401: OpenApiResponse(description="No staff session (partner tokens and residents' sessions are not enough)."),
    403: OpenApiResponse(description="A partner token, or a staff role that may not read service requests."),
}


class StaffMayReadRequests(permissions.BasePermission):
    """A staff session whose role may view service requests; a partner token never, whatever its scopes."""

    message = "Service requests are for campus staff; partner tokens cannot read them."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or isinstance(user, PartnerPrincipal):
            return False
        return is_staff_session(user) and user.has_perm(VIEW_PERMISSION)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRequestAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceRequestEvent
        fields = [
            "id",
            "kind",
            "internal",
            "by_company",
            "from_state",
            "to_state",
            "body",
            "actor",
            "created_at",
            "attachments",
        ]

    def get_actor(self, event) -> str | None:
        """Who acted (name or address); null for the portal itself."""
        return event.actor_display if event.actor_id else None


class ServiceRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    campus = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "reference",
            "company",
            "company_name",
            "campus",
            "category",
            "subject",
            "state",
            "assignee",
            "created_at",
            "updated_at",
            "response_target_hours",
            "resolution_target_hours",
            "response_due_at",
            "resolution_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "overdue",
        ]

    def get_assignee(self, service_request) -> str | None:
        """The staff member it is assigned to (user name), or null."""
        return service_request.assignee.get_username() if service_request.assignee_id else None

    def get_overdue(self, service_request) -> bool:
        """Past its first-response or resolution target while the campus still owes it."""
        return service_request.is_overdue(self.context.get("now"))


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "description", "events"]


class ServiceRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RequestState.choices)
    category = django_filters.ChoiceFilter(choices=RequestCategory.choices)
    campus = django_filters.CharFilter(field_name="campus__slug", help_text="Campus slug.")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Past a target the campus still owes.")

    class Meta:
        model = ServiceRequest
        fields = ["state", "category", "campus", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = ServiceRequest.objects.overdue(timezone.now()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


@extend_schema_view(
    list=extend_schema(responses={200: ServiceRequestSerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: ServiceRequestDetailSerializer, **ERRORS, **NOT_FOUND}),
)
class ServiceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Residents' service requests with their whole history, internal notes included: staff sessions only."""

    filterset_class = ServiceRequestFilter

    def get_permissions(self):
        return [StaffMayReadRequests()]

    def get_serializer_class(self):
        return ServiceRequestDetailSerializer if self.action == "retrieve" else ServiceRequestSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_queryset(self):
        queryset = ServiceRequest.objects.select_related("company", "campus", "assignee")
        if self.action == "retrieve":
            events = ServiceRequestEvent.objects.select_related("actor").prefetch_related("attachments")
            queryset = queryset.prefetch_related(Prefetch("events", queryset=events.order_by("created_at", "pk")))
        return queryset


router = SimpleRouter(trailing_slash=True)
router.register("service-requests", ServiceRequestViewSet, basename="service-request")

app_name = "residents_api"
urlpatterns = [*router.urls]
