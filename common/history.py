"""Who made a change, for the audit history (django-simple-history)."""

from __future__ import annotations


def history_user(instance=None, request=None, **kwargs):
    """The signed-in person of the request; partner-token requests have no user account (None)."""
    from django.contrib.auth import get_user_model

    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None
