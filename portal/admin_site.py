"""Django's admin site, with the second factor part of being staff (``common.staff``)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(AdminSite):
    """A session that still owes its second factor is not staff here either."""

    def has_permission(self, request) -> bool:
        from common.staff import is_staff_session  # imports models: not while the app registry loads

        return is_staff_session(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
