"""Reads of the residents' features used in more than one place."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from campus.models import Campus

from .choices import LIVE_LEASES, LeaseState
from .models import Lease


def request_handlers() -> QuerySet:
    """Staff who may work service requests: active staff accounts holding ``residents.change_servicerequest``."""
    permission = Permission.objects.filter(codename="change_servicerequest", content_type__app_label="residents")
    granted = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | granted).distinct().order_by("first_name", "last_name", "username")


def leases_in_force(campus: Campus, first: dt.date, last: dt.date) -> QuerySet[Lease]:
    """The campus's leases billed for at least one day from ``first`` to ``last``: from their first
    day to their last (the day they were terminated on, or their end); drafts bind no one."""
    return Lease.objects.filter(campus=campus, starts_on__lte=last).filter(
        Q(state__in=LIVE_LEASES, ends_on__gte=first)
        | Q(state=LeaseState.ENDED, ends_on__gte=first)
        | Q(state=LeaseState.TERMINATED, terminated_on__gte=first)
    )
