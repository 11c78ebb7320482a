"""Residents' data in the API, read-only, for campus staff sessions only: service requests
(``/api/v1/service-requests/``), platform stages (``/api/v1/milestone-reports/``,
``/api/v1/stage-transitions/``), leases (``/api/v1/leases/``) and invoices with their settlement
(``/api/v1/invoices/``).

Partner tokens never read them (403, whatever their scopes; a partner sees the stage of a resident
as the public ``platform_stage`` of ``/api/v1/companies/``); residents' sessions are not API
sessions (401). Staff read everything, internal notes included, as on their pages; their role
must hold the model's view permission. Pages, errors and the query-parameter rules are the
partner API's (``partners.api``), so both read the same way. Amounts are objects of an amount (a
decimal number as text, never a float) and its currency.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from djmoney.money import Money
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers
from rest_framework.routers import SimpleRouter

from campus.choices import PlatformStages
from campus.models import Allocation
from common.staff import is_staff_session
from common.translation import TextIn
from partners.api.auth import PartnerPrincipal
from partners.api.views import INVALID, NOT_FOUND, ScopedViewSet

from .choices import InvoiceKind, InvoiceStatus, LeaseState, ReportState, RequestCategory, RequestState
from .models import (
    Invoice,
    InvoiceLine,
    Lease,
    MilestoneReport,
    PaymentAllocation,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestEvent,
    StageTransition,
)
from .services.ledger import invoice_status, overdue_invoices

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
    milestone = TextIn("milestone.title_en")
    milestone_zh = TextIn("milestone.title_zh_hans")
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


# --- Leases and invoices -----------------------------------------------------------------------

BILLING_ERRORS = {
    401: ERRORS[401],
    403: OpenApiResponse(description="A partner token, or a staff role that may not read leases or invoices."),
}
CENT = Decimal("0.01")
MONEY_SCHEMA = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {
        "amount": {"type": "string", "format": "decimal", "description": "A decimal number as text, e.g. 13020.00."},
        "currency": {"type": "string", "description": "ISO 4217 code, e.g. CNY."},
    },
}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """An amount with its currency: a ``Money``, or a Decimal column of a row whose currency is the
    attribute named by ``currency_from`` (dotted), shown as ``{"amount": "13020.00", "currency": "CNY"}``."""

    def __init__(self, *, currency_from: str = "currency", **kwargs):
        self.currency_from = currency_from.split(".")
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None or isinstance(value, Money):
            return value
        currency = instance
        for name in self.currency_from:
            currency = getattr(currency, name)
        return Money(value, currency)

    def to_representation(self, value: Money) -> dict:
        amount = value.amount
        if amount.as_tuple().exponent > -2:  # a sum the database gave back without its cents
            amount = amount.quantize(CENT)
        return {"amount": str(amount), "currency": value.currency.code}


@extend_schema_field(OpenApiTypes.BOOL)
class TrueFalseFilter(django_filters.ChoiceFilter):
    """``true`` or ``false``; anything else is refused (a BooleanFilter ignores what it cannot read)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("true", "true"), ("false", "false")], **kwargs)


class LeaseAllocationSerializer(serializers.ModelSerializer):
    space = serializers.CharField(source="space.code", read_only=True)
    building = serializers.CharField(source="space.building.name", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "space", "building", "area_m2", "starts_on", "ends_on"]


class LeaseSubsidySerializer(serializers.Serializer):
    from_month = serializers.IntegerField(
        read_only=True, help_text="First lease month waived (month 1 starts the lease)."
    )
    to_month = serializers.IntegerField(read_only=True, help_text="Last lease month waived.")
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, help_text="Share of rent waived."
    )
    note = serializers.CharField(read_only=True)


class LeaseSerializer(serializers.ModelSerializer):
    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    campus = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area_m2 = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="The area of its allocations, in m²."
    )
    rent_rate = MoneyField(help_text="Rent per m² per month, before escalation.")
    service_charge_rate = MoneyField(help_text="Service charge per m² per month.")
    deposit = MoneyField()
    allocations = LeaseAllocationSerializer(many=True, read_only=True)
    subsidies = LeaseSubsidySerializer(many=True, read_only=True)

    class Meta:
        model = Lease
        fields = [
            "id",
            "company",
            "company_name",
            "campus",
            "state",
            "starts_on",
            "ends_on",
            "terminated_on",
            "termination_reason",
            "area_m2",
            "rent_rate",
            "service_charge_rate",
            "deposit",
            "escalation_percent",
            "rent_tax_percent",
            "service_tax_percent",
            "allocations",
            "subsidies",
            "created_at",
        ]


class LeaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=LeaseState.choices)
    campus = django_filters.CharFilter(field_name="campus__slug", help_text="Campus slug.")
    company = django_filters.CharFilter(field_name="company__slug", help_text="Company slug.")

    class Meta:
        model = Lease
        fields = ["state", "campus", "company"]


@extend_schema_view(
    list=extend_schema(responses={200: LeaseSerializer(many=True), **BILLING_ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: LeaseSerializer, **BILLING_ERRORS, **NOT_FOUND}),
)
class LeaseViewSet(StaffReadOnlyViewSet):
    """Residents' leases: term, rates, allocations and rent-free months. Staff sessions only."""

    view_permission = "residents.view_lease"
    serializer_class = LeaseSerializer
    filterset_class = LeaseFilter
    queryset = Lease.objects.select_related("company", "campus").prefetch_related(
        Prefetch(
            "allocations", queryset=Allocation.objects.select_related("space__building").order_by("starts_on", "pk")
        ),
        "subsidies",
    )


class InvoiceLineSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The line's description, or its kind's name.")
    rate = MoneyField(currency_from="invoice.currency", allow_null=True, help_text="Per m² per month.")
    net = MoneyField(currency_from="invoice.currency")
    tax = MoneyField(currency_from="invoice.currency")

    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "label",
            "first_day",
            "last_day",
            "days",
            "days_in_month",
            "area_m2",
            "rate",
            "percent",
            "net",
            "tax_percent",
            "tax",
        ]


class CreditNoteSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    total = MoneyField()

    class Meta:
        model = Invoice
        fields = ["id", "number", "issued_on", "total", "reason"]


class InvoicePaymentSerializer(serializers.ModelSerializer):
    payment = serializers.IntegerField(source="payment_id", read_only=True)
    received_on = serializers.DateField(source="payment.received_on", read_only=True)
    reference = serializers.CharField(source="payment.reference", read_only=True)
    amount = MoneyField(currency_from="payment.currency", help_text="The part of the payment set against this invoice.")

    class Meta:
        model = PaymentAllocation
        fields = ["payment", "received_on", "reference", "amount"]


class InvoiceSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    campus = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    credits_number = serializers.CharField(
        source="credits.display_number",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The invoice a credit note corrects.",
    )
    net = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    paid = MoneyField(help_text="Payments set against it.")
    credited = MoneyField(help_text="Credit notes against it (zero or negative).")
    open_amount = MoneyField(help_text="What is still owed on it (zero for a credit note).")
    status = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "company",
            "company_name",
            "campus",
            "lease",
            "credits",
            "credits_number",
            "period",
            "issued_on",
            "due_on",
            "net",
            "tax",
            "total",
            "paid",
            "credited",
            "open_amount",
            "status",
            "days_overdue",
            "reason",
            "emailed_at",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=InvoiceStatus.choices, allow_null=True))
    def get_status(self, invoice) -> str | None:
        """Where the invoice stands today; null for a credit note."""
        return invoice_status(invoice, today=self.context["today"])

    def get_days_overdue(self, invoice) -> int:
        """Days past its due date while still open; 0 otherwise."""
        if invoice_status(invoice, today=self.context["today"]) != InvoiceStatus.OVERDUE:
            return 0
        return (self.context["today"] - invoice.due_on).days


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    credit_notes = CreditNoteSerializer(many=True, read_only=True)
    payments = InvoicePaymentSerializer(source="payment_allocations", many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "credit_notes", "payments"]


class InvoiceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices)
    campus = django_filters.CharFilter(field_name="campus__slug", help_text="Campus slug.")
    company = django_filters.CharFilter(field_name="company__slug", help_text="Company slug.")
    period = django_filters.DateFilter(
        method="filter_period", help_text="A day of the month billed (YYYY-MM-DD): that month's invoices."
    )
    overdue = TrueFalseFilter(method="filter_overdue", help_text="Still open after its due date.")

    class Meta:
        model = Invoice
        fields = ["kind", "campus", "company", "period", "overdue"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period=value.replace(day=1))

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_invoices(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value == "true" else queryset.exclude(pk__in=overdue)


@extend_schema_view(
    list=extend_schema(responses={200: InvoiceSerializer(many=True), **BILLING_ERRORS, **INVALID}),
    retrieve=extend_schema(responses={200: InvoiceDetailSerializer, **BILLING_ERRORS, **NOT_FOUND}),
)
class InvoiceViewSet(StaffReadOnlyViewSet):
    """Residents' invoices and credit notes with their settlement; the detail adds lines, credit
    notes and payments. Staff sessions only."""

    view_permission = "residents.view_invoice"
    filterset_class = InvoiceFilter

    def get_serializer_class(self):
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        queryset = Invoice.objects.with_settlement().select_related("company", "campus", "credits__campus")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "lines",
                Prefetch("credit_notes", queryset=Invoice.objects.select_related("campus").order_by("issued_on", "pk")),
                Prefetch(
                    "payment_allocations",
                    queryset=PaymentAllocation.objects.select_related("payment").order_by("payment__received_on", "pk"),
                ),
            )
        return queryset


router = SimpleRouter(trailing_slash=True)
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("milestone-reports", MilestoneReportViewSet, basename="milestone-report")
router.register("stage-transitions", StageTransitionViewSet, basename="stage-transition")
router.register("leases", LeaseViewSet, basename="lease")
router.register("invoices", InvoiceViewSet, basename="invoice")

app_name = "residents_api"
urlpatterns = [*router.urls]
