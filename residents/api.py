"""Residents' data in the API, read-only, for campus staff sessions only: service requests
(``/api/v1/service-requests/``) and platform stages (``/api/v1/milestone-reports/``,
``/api/v1/stage-transitions/``).

Partner tokens never read them (403, whatever their scopes; a partner sees the stage of a resident
as the public ``platform_stage`` of ``/api/v1/companies/``); residents' sessions are not API
sessions (401). Staff read everything, internal notes included, as on their pages; their role
must hold the model's view permission. Pages, errors and the query-parameter rules are the
partner API's (``partners.api``), so both read the same way.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers
from rest_framework.routers import SimpleRouter

from campus.choices import PlatformStages
from common.staff import is_staff_session
from partners.api.auth import PartnerPrincipal
from partners.api.views import INVALID, NOT_FOUND, ScopedViewSet

from .choices import ReportState, RequestCategory, RequestState
from .models import MilestoneReport, ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, StageTransition

VIEW_PERMISSION = "residents.view_servicerequest"
ERRORS = {
    401: OpenApiResponse(description="No staff session (partner tokens and residents' sessions are not enough)."),
    403: OpenApiResponse(description="A partner token, or a staff role that may not read service requests."),
}


class StaffMayRead(permissions.BasePermission):
    """A staff session whose role may view the view's model; a partner token never, whatever its scopes."""

    message = "This is for campus staff; partner tokens cannot read it."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or isinstance(user, PartnerPrincipal):
            return False
        return is_staff_session(user) and user.has_perm(view.view_permission)


class StaffReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A list and a detail for staff sessions holding ``view_permission``."""

    view_permission = ""

    def get_permissions(self):
        return [StaffMayRead()]


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
class ServiceRequestViewSet(StaffReadOnlyViewSet):
    """Residents' service requests with their whole history, internal notes included: staff sessions only."""

    view_permission = VIEW_PERMISSION
    filterset_class = ServiceRequestFilter

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


# --- Platform stages ---------------------------------------------------------------------------


class MilestoneReportSerializer(serializers.ModelSerializer):
    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    campus = serializers.SlugRelatedField(source="milestone.campus", slug_field="slug", read_only=True)
    stage = serializers.CharField(source="milestone.stage", read_only=True)
    milestone = serializers.CharField(source="milestone.title_en", read_only=True)
    milestone_zh = serializers.CharField(source="milestone.title_zh", read_only=True)
    required = serializers.BooleanField(source="milestone.required", read_only=True)
    reviewer = serializers.CharField(source="reviewer.name", read_only=True, default=None)

    class Meta:
        model = MilestoneReport
        fields = [
            "id",
            "company",
            "company_name",
            "campus",
            "stage",
            "milestone",
            "milestone_zh",
            "required",
            "state",
            "note",
            "reported_at",
            "reviewer",
            "decided_at",
            "reason",
        ]


class MilestoneReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ReportState.choices)
    stage = django_filters.ChoiceFilter(field_name="milestone__stage", choices=PlatformStages.choices)
    campus = django_filters.CharFilter(field_name="milestone__campus__slug", help_text="Campus slug.")
    company = django_filters.CharFilter(field_name="company__slug", help_text="Company slug.")

    class Meta:
        model = MilestoneReport
        fields = ["state", "stage", "campus", "company"]


@extend_schema_view(
    list=extend_schema(responses={200: MilestoneReportSerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: MilestoneReportSerializer, **ERRORS, **NOT_FOUND}),
)
class MilestoneReportViewSet(StaffReadOnlyViewSet):
    """Residents' milestone reports and their review: staff sessions only."""

    view_permission = "residents.view_milestonereport"
    serializer_class = MilestoneReportSerializer
    filterset_class = MilestoneReportFilter
    queryset = MilestoneReport.objects.select_related("company", "milestone__campus", "reviewer").order_by(
        "-reported_at", "-pk"
    )


class StageTransitionSerializer(serializers.ModelSerializer):
    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    campus = serializers.SlugRelatedField(source="company.campus", slug_field="slug", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = StageTransition
        fields = [
            "id",
            "company",
            "company_name",
            "campus",
            "from_stage",
            "to_stage",
            "reason",
            "override_reason",
            "actor",
            "created_at",
        ]

    def get_actor(self, transition) -> str | None:
        """The staff member who moved the company (user name), or null."""
        return transition.actor.get_username() if transition.actor_id else None


class StageTransitionFilter(django_filters.FilterSet):
    to_stage = django_filters.ChoiceFilter(choices=PlatformStages.choices)
    campus = django_filters.CharFilter(field_name="company__campus__slug", help_text="Campus slug.")
    company = django_filters.CharFilter(field_name="company__slug", help_text="Company slug.")

    class Meta:
        model = StageTransition
        fields = ["to_stage", "campus", "company"]


@extend_schema_view(
    list=extend_schema(responses={200: StageTransitionSerializer(many=True), **ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: StageTransitionSerializer, **ERRORS, **NOT_FOUND}),
)
class StageTransitionViewSet(StaffReadOnlyViewSet):
    """Residents' moves from one platform stage to the next: staff sessions only."""

    view_permission = "residents.view_stagetransition"
    serializer_class = StageTransitionSerializer
    filterset_class = StageTransitionFilter
    queryset = StageTransition.objects.select_related("company__campus", "actor").order_by("-created_at", "-pk")


router = SimpleRouter(trailing_slash=True)
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("milestone-reports", MilestoneReportViewSet, basename="milestone-report")
router.register("stage-transitions", StageTransitionViewSet, basename="stage-transition")

app_name = "residents_api"
urlpatterns = [*router.urls]
