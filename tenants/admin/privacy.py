"""Applicants' requests about their personal data."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from ..models import DataRequest
from ..services import privacy


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Applicants' export and erasure requests; staff carry out erasures here."""

    list_display = ["requested_at", "kind", "state", "application", "handled_at", "handled_by"]
    list_filter = ["kind", "state"]
    list_select_related = ["application__company", "handled_by"]
    readonly_fields = [
        "application",
        "kind",
        "state",
        "requested_by",
        "requested_at",
        "handled_at",
        "handled_by",
        "outcome",
    ]
    actions = ["erase_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Erase the personal data of the selected requests' applications"))
    def erase_now(self, request, queryset):
        if not request.user.has_perm("tenants.delete_application"):
            raise PermissionDenied
        done = 0
        for data_request in queryset.filter(kind=DataRequest.Kind.ERASURE, state=DataRequest.State.PENDING):
            if data_request.application is not None:
                privacy.application_erase(
                    application=data_request.application, request=data_request, actor=request.user
                )
                done += 1
        self.message_user(request, _("%(count)d erasure(s) carried out.") % {"count": done}, messages.SUCCESS)
