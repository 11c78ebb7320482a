"""Service requests in the admin: the campuses' targets to edit, and requests to look up.

The work on a request (replies, notes, states, assignment) is done at /staff/requests/.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyInline

from ..models import ServiceRequest, ServiceRequestEvent, ServiceTarget


@admin.register(ServiceTarget)
class ServiceTargetAdmin(SimpleHistoryAdmin):
    list_display = ["campus", "category", "response_hours", "resolution_hours"]
    list_filter = ["campus", "category"]
    search_fields = ["campus__name"]
    list_select_related = ["campus"]


class EventInline(ReadOnlyInline):
    model = ServiceRequestEvent
    fields = ["created_at", "kind", "internal", "by_company", "from_state", "to_state", "body", "actor"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "campus", "category", "state", "assignee", "created_at", "queue_link"]
    list_filter = ["state", "category", "campus"]
    search_fields = ["subject", "description", "company__name"]
    list_select_related = ["company", "campus", "assignee"]
    date_hierarchy = "created_at"
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ServiceRequest._meta.fields]

    def has_add_permission(self, request):
        return False  # companies raise requests in /my/requests/

    @admin.display(description=_("queue"))
    def queue_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_staff_url(), _("Work on it"))
