"""The outboxes staff watch: e-mails to send and domain events to announce."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import DomainEvent, Notification


class FailedFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failing", _("Failing")), ("given_up", _("Given up"))]

    def queryset(self, request, queryset):
        unsent = queryset.filter(sent_at__isnull=True)
        if self.value() == "failing":
            return unsent.filter(attempts__gt=0, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)
        if self.value() == "given_up":
            return unsent.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "language", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", "language", ("sent_at", admin.EmptyFieldListFilter), FailedFilter]
    search_fields = ["recipient", "subject", "application__company__name"]
    readonly_fields = [
        "application",
        "company",
        "kind",
        "recipient",
        "language",
        "subject",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "claimed_until",
    ]
    exclude = ["body"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    list_display = ["type", "occurred_at", "published_at", "key"]
    list_filter = ["type", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    readonly_fields = ["type", "key", "payload", "occurred_at", "published_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
