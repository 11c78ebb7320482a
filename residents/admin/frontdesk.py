"""Visits and deliveries in the admin: to look them up. Every change is made at the front desk
(/staff/frontdesk/) or in /my/, through the services, so each step keeps who took it and when."""

from django.contrib import admin

from ..models import Delivery, Visit


class _RecordAdmin(admin.ModelAdmin):
    """Every field read-only; nothing added or deleted here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(_RecordAdmin):
    list_display = ["visitor_name", "organisation", "company", "host", "visit_date", "expected_time", "status"]
    list_filter = ["status", "walk_in", "visit_date", "company__campus"]
    search_fields = ["visitor_name", "organisation", "company__name", "host__email", "host__first_name"]
    list_select_related = ["company", "host"]
    date_hierarchy = "visit_date"


@admin.register(Delivery)
class DeliveryAdmin(_RecordAdmin):
    list_display = ["logged_at", "company", "carrier", "description", "cold_chain", "biological", "hazardous"]
    list_display += ["collected_at", "collected_by_name", "escalated_at"]
    list_filter = [
        ("collected_at", admin.EmptyFieldListFilter),
        "cold_chain",
        "biological",
        "hazardous",
        "company__campus",
    ]
    search_fields = ["company__name", "carrier", "description", "collected_by_name"]
    list_select_related = ["company"]
    date_hierarchy = "logged_at"
