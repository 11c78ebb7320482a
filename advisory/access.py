"""Who may open a page of the reviewer area: a signed-in committee member (``request.member``).

Also used by the pages higher apps add to the area (the milestone reviews of ``residents``).
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse_lazy

from .models import AdvisoryMember


def member_required(view):
    """Signed-in committee members only; anyone else signed in is refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse_lazy('advisory:login')}?next={request.path}")
        member = AdvisoryMember.objects.filter(user=request.user).select_related("committee").first()
        if member is None:
            raise PermissionDenied
        request.member = member
        return view(request, *args, **kwargs)

    return wrapper
