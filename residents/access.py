"""Who may open a page of /my/: a signed-in person of a resident company, in the role it needs.

Every view of /my/ is wrapped in ``resident_required`` and reads ``request.membership``; every
object it shows is looked up through ``request.membership.company``, so another company's
object is a 404, never someone else's page.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .models import Membership


def membership_of(user) -> Membership | None:
    if not (user.is_authenticated and user.is_active):
        return None
    # One row at most (one membership per person): no ordering to work out, the primary key's will do.
    return Membership.objects.select_related("company__campus", "user").filter(user=user).order_by().first()


def second_factor_owed(user, membership: Membership) -> bool:
    """The person set up an authenticator (or their campus asks for one) and this session has not
    passed it yet."""
    if user.is_verified():
        return False
    return user_has_device(user, confirmed=True) or membership.company.campus.residents_two_factor_required


def resident_required(view=None, *, roles: tuple[str, ...] | None = None):
    """Signed-in people of a company only (others are sent to sign in, or get 404), in ``roles`` if given (403)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(f"{reverse('residents:login')}?next={request.path}")
            membership = membership_of(request.user)
            if membership is None:
                raise Http404
            if second_factor_owed(request.user, membership):
                return redirect(f"{reverse('residents:two_factor')}?next={request.path}")
            if roles is not None and membership.role not in roles:
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
