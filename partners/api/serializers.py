"""Shapes of the API's requests and responses."""

from __future__ import annotations

from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campus.models import Campus, Space
from common.translation import TextIn
from tenants.models import Company
from tenants.selectors import absolute_logo_url

from ..models import EVENT_TYPES, PARTNER_STATUSES, Partner, Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class PartnerSerializer(CountryFieldMixin, serializers.ModelSerializer):
    name = TextIn("name_en", max_length=200)
    name_zh = TextIn("name_zh_hans", max_length=200)

    class Meta:
        model = Partner
        fields = ["slug", "name", "name_zh", "country", "kind", "relationship", "since", "status"]


class MeSerializer(serializers.Serializer):
    partner = PartnerSerializer(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())
    token_prefix = serializers.CharField(allow_null=True)
    token_expires_at = serializers.DateTimeField(allow_null=True)


class CampusSerializer(CountryFieldMixin, serializers.ModelSerializer):
    platform_stages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    business_areas = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    name = TextIn("name_en", max_length=200)
    name_zh = TextIn("name_zh_hans", max_length=200)
    city = TextIn("city_en", max_length=100)
    district = TextIn("district_en", max_length=200)
    province = TextIn("province_en", max_length=100)

    class Meta:
        model = Campus
        fields = [
            "slug",
            "name",
            "name_zh",
            "short_name",
            "city",
            "district",
            "province",
            "country",
            "rd_area_m2",
            "opened_on",
            "platform_stages",
            "business_areas",
        ]


class SpaceSerializer(serializers.ModelSerializer):
    campus = serializers.SlugRelatedField(source="building.campus", slug_field="slug", read_only=True)
    building = serializers.CharField(source="building.code", read_only=True)
    platform_stages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    gases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Space
        fields = [
            "id",
            "campus",
            "building",
            "code",
            "floor",
            "kind",
            "area_m2",
            "platform_stages",
            "biosafety_level",
            "cleanroom_class",
            "fume_hoods",
            "has_cold_room",
            "gases",
        ]


# What a space list reads, as ``QuerySet.values()`` names it; ``space_rows`` shapes it like
# SpaceSerializer (a test holds the two equal).
SPACE_FIELDS = (
    "pk",
    "building__campus__slug",
    "building__code",
    "code",
    "floor",
    "kind",
    "area_m2",
    "biosafety_level",
    "cleanroom_class",
    "fume_hoods",
    "has_cold_room",
    "platform_stage_codes",
    "gas_codes",
)


def space_rows(rows: list[dict]) -> list[dict]:
    """SpaceSerializer's shape from ``values(*SPACE_FIELDS)`` rows: no further query."""
    return [
        {
            "id": row["pk"],
            "campus": row["building__campus__slug"],
            "building": row["building__code"],
            "code": row["code"],
            "floor": row["floor"],
            "kind": row["kind"],
            # As SpaceSerializer shows Space.area_m2 ("120.50"): the column holds two places, so
            # formatting never rounds, and is ten times quicker than DecimalField.to_representation.
            "area_m2": f"{row['area_m2']:.2f}",
            "platform_stages": row["platform_stage_codes"],
            "biosafety_level": row["biosafety_level"],
            "cleanroom_class": row["cleanroom_class"],
            "fume_hoods": row["fume_hoods"],
            "has_cold_room": row["has_cold_room"],
            "gases": row["gas_codes"],
        }
        for row in rows
    ]


class CompanySerializer(CountryFieldMixin, serializers.ModelSerializer):
    """Public fields of a resident company only."""

    campus = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    business_areas = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    focus_areas = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    logo = serializers.SerializerMethodField()
    description = TextIn("description_en", max_length=2000)
    description_zh = TextIn("description_zh_hans", max_length=2000)

    class Meta:
        model = Company
        fields = [
            "slug",
            "name",
            "name_zh",
            "campus",
            "country",
            "website",
            "description",
            "description_zh",
            "logo",
            "business_areas",
            "focus_areas",
            "platform_stage",
            "resident_since",
        ]
        extra_kwargs = {
            "platform_stage": {
                "help_text": "The platform stage the campus has placed the resident at. Staff move a resident "
                "to the next stage once its milestones are accepted; partners who referred it hear of it "
                "by the `company.stage_changed` webhook."
            }
        }

    @extend_schema_field(
        {"type": "string", "format": "uri", "nullable": True, "description": "A PNG of at most 512 pixels a side."}
    )
    def get_logo(self, company: Company) -> str | None:
        return absolute_logo_url(company.slug, company.logo.name)


STATUS_HELP = (
    "The application's status once the referral is linked (it started the application, or the applicant "
    "confirmed it); `pending_attribution` while the company, which already had an application, has not said "
    "whether you referred it; `attribution_declined` when it said you did not."
)


class ReferralSerializer(serializers.ModelSerializer):
    campus = serializers.SlugRelatedField(source="application.campus", slug_field="slug", read_only=True)
    company = serializers.CharField(source="company.name", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "campus",
            "company",
            "contact_name",
            "contact_email",
            "note",
            "attribution",
            "status",
            "created_at",
        ]
        extra_kwargs = {
            "attribution": {
                "read_only": True,
                "help_text": "`started`: this referral started the application. `pending`: the company already "
                "had an application and has not yet said whether you referred it. `confirmed` or `declined`: "
                "its answer.",
            }
        }

    @extend_schema_field({"type": "string", "enum": list(PARTNER_STATUSES), "description": STATUS_HELP})
    def get_status(self, referral: Referral) -> str:
        return Referral.status_for_partner(
            attribution=referral.attribution, application_status=referral.application.status
        )


# What a referral list reads, as ``QuerySet.values()`` names it; ``referral_rows`` shapes it like
# ReferralSerializer (a test holds the two equal).
REFERRAL_FIELDS = (
    "pk",
    "application__campus__slug",
    "company__name",
    "contact_name",
    "contact_email",
    "note",
    "attribution",
    "application__status",
    "created_at",
)


def referral_rows(rows: list[dict]) -> list[dict]:
    when = serializers.DateTimeField().to_representation
    return [
        {
            "id": row["pk"],
            "campus": row["application__campus__slug"],
            "company": row["company__name"],
            "contact_name": row["contact_name"],
            "contact_email": row["contact_email"],
            "note": row["note"],
            "attribution": row["attribution"],
            "status": Referral.status_for_partner(
                attribution=row["attribution"], application_status=row["application__status"]
            ),
            "created_at": when(row["created_at"]),
        }
        for row in rows
    ]


class ReferralCreateSerializer(CountryFieldMixin, serializers.Serializer):
    campus = serializers.SlugRelatedField(slug_field="slug", queryset=Campus.objects.all())
    company_name = serializers.CharField(max_length=200)
    country = serializers.CharField(max_length=2)
    website = serializers.URLField(required=False, allow_blank=True, max_length=200)
    contact_name = serializers.CharField(max_length=120)
    contact_email = serializers.EmailField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_country(self, value: str) -> str:
        from django_countries import countries

        value = value.upper()
        if value not in dict(countries):
            raise serializers.ValidationError("Use an ISO 3166-1 alpha-2 code, e.g. GB or HK.")
        return value


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_active", "disabled_reason", "created_at"]
        read_only_fields = ["is_active", "disabled_reason", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """Returned once, on creation and on rotation: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "duration_ms", "response_excerpt", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.PrimaryKeyRelatedField(read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "payload",
            "state",
            "attempts",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "attempt_log",
        ]
