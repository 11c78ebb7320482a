"""Who counts as campus staff in a request: one rule for the admin, the staff pages, the API and downloads.

A staff account is not enough. While a session still owes its second factor (the person has a
confirmed authenticator, or is a campus manager who must set one up) it is treated as not
staff anywhere: the admin and the staff pages send it to the two-factor page, every other
staff-only view answers as it would to a stranger.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

#: The staff roles whose members must use a second factor when TWO_FACTOR_REQUIRED_FOR_MANAGERS
#: is on: those who run the campus and those who run the system (schedules, lock-outs).
#: portal.roles creates the groups under these (English) names.
MANAGER_GROUP = "Campus manager"
SYSTEM_OPERATOR_GROUP = "System operator"
SECOND_FACTOR_GROUPS = (MANAGER_GROUP, SYSTEM_OPERATOR_GROUP)


def _required_of(user) -> bool:
    if not settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS:
        return False
    return user.is_superuser or user.groups.filter(name__in=SECOND_FACTOR_GROUPS).exists()


def _needs_second_factor(user) -> bool:
    """Has a confirmed device or must set one up. Asked once per request: every staff check of the
    request (middleware, admin site, views, API) reads the answer kept on the request's user."""
    needs = getattr(user, "_needs_second_factor", None)
    if needs is None:
        needs = user_has_device(user, confirmed=True) or _required_of(user)
        user._needs_second_factor = needs
    return needs


def second_factor_owed(user) -> bool:
    """A signed-in staff member whose session has not passed the second factor it needs."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if getattr(user, "is_verified", lambda: False)():
        return False
    return _needs_second_factor(user)


def is_staff_session(user) -> bool:
    """An active staff account whose session has passed the second factor where one is owed."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and not second_factor_owed(user))


def staff_required(view):
    """Like Django's ``staff_member_required``, with the second factor part of being staff."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if is_staff_session(request.user):
            return view(request, *args, **kwargs)
        if second_factor_owed(request.user):
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    return wrapped
