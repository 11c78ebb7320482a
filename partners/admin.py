"""Staff manage partners, agreements, API tokens, referrals and webhooks here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import LargeListMixin, PresentChoicesFilter, ReadOnlyInline, ServiceSaveMixin, choice_column

from .models import (
    ALL_SCOPES,
    Agreement,
    Partner,
    PartnerToken,
    Referral,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .resources import ReferralResource
from .tokens import partner_token_create, partner_token_revoke


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = ["type", "signed_on", "term_ends_on", "notes"]
    extra = 0


class TokenInline(ReadOnlyInline):
    model = PartnerToken
    fields = ["name", "prefix", "scopes", "expires_at", "last_used_at", "revoked_at"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(TranslationAdmin, SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "country_name", "relationship", "since", "status"]
    country_name = choice_column(Partner, "country")
    list_filter = ["kind", "relationship", "status", ("country", PresentChoicesFilter)]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["campuses"]
    inlines = [AgreementInline, TokenInline]


class TokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in ALL_SCOPES], widget=forms.CheckboxSelectMultiple, initial=ALL_SCOPES
    )
    expires_in_days = forms.IntegerField(label=_("Expires in (days)"), min_value=1, required=False)

    class Meta:
        model = PartnerToken
        fields = ["partner", "name", "scopes"]


@admin.register(PartnerToken)
class PartnerTokenAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["prefix", "partner", "name", "scopes", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("partner", admin.RelatedOnlyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "partner__name"]
    list_select_related = ["partner"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes", "expires_in_days"]
        return [
            "partner",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "created_by",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def service_save(self, request, form, change):
        """Issued by the service, which gives the secret once; a saved token is never edited here."""
        if change:
            return form.instance
        token, secret = partner_token_create(
            partner=form.cleaned_data["partner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_in_days=form.cleaned_data.get("expires_in_days"),
            actor=request.user,
        )
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy the token now; it is shown only once and stored only as a hash:"),
                secret,
            ),
        )
        return token

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            partner_token_revoke(token=token)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


@admin.register(Referral)
class ReferralAdmin(LargeListMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [ReferralResource]
    list_display = ["company", "partner", "attribution", "status", "contact_email", "created_at"]
    list_filter = ["attribution", "partner", "application__status"]
    search_fields = ["company__name", "contact_email", "partner__name"]
    list_select_related = ["company", "partner", "application"]
    readonly_fields = [
        "partner",
        "application",
        "company",
        "contact_name",
        "contact_email",
        "note",
        "attribution",
        "attribution_answered_at",
        "attribution_answered_by",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("status"), ordering="application__status")
    def status(self, obj):
        return obj.application.get_status_display()


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "disabled_reason", "created_at"]
    list_filter = ["is_active", ("partner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["url", "partner__name"]
    readonly_fields = ["partner", "url", "event_types", "disabled_reason", "created_at"]
    exclude = ["secret", "previous_secret"]

    def has_add_permission(self, request) -> bool:
        return False


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "duration_ms", "response_excerpt", "error"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LargeListMixin, admin.ModelAdmin):
    list_display = ["event_type", "endpoint", "state", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["state", "event_type"]
    search_fields = ["event_id", "endpoint__url", "endpoint__partner__name"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event_id",
        "event_type",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "replay_of",
    ]
    inlines = [AttemptInline]

    def has_add_permission(self, request) -> bool:
        return False
