"""What the public pages of tenants share: the application this browser follows, and rate limits."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from ..applicants import applicant_from
from ..models import Application


def session_application(request) -> Application | None:
    applicant = applicant_from(request)
    return applicant.application if applicant else None


def too_many(request, group: str, rate: str, method=("POST",)) -> HttpResponse | None:
    """A 429 page when this client address went over ``rate`` for ``group``, else None."""
    if is_ratelimited(request, group=group, key="ip", rate=rate, method=method, increment=True):
        response = render(request, "tenants/rate_limited.html", status=429)
        response["Retry-After"] = "3600"
        return response
    return None
