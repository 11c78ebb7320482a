"""Reads of the residents' features used in more than one place."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet


def request_handlers() -> QuerySet:
    """Staff who may work service requests: active staff accounts holding ``residents.change_servicerequest``."""
    permission = Permission.objects.filter(codename="change_servicerequest", content_type__app_label="residents")
    granted = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | granted).distinct().order_by("first_name", "last_name", "username")
