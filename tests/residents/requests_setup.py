"""Helpers of the service-request tests: requests raised and moved through the services, and times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from residents.models import ServiceRequest
from residents.services.requests import service_request_raise, service_request_transition

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, at the opening of the working day (09:00 in Shanghai).
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def at(day: dt.datetime, hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    return (day + dt.timedelta(days=days)).replace(hour=hour, minute=minute)


def raised(person, *, category: str = "facilities", subject: str = "Leaking tap in lab 3-12", **kwargs):
    """A request of ``person``'s company raised through the service, as the form does."""
    return service_request_raise(
        company=person.company,
        actor=person.user,
        category=category,
        subject=subject,
        description=kwargs.pop("description", "Water under the sink since Monday."),
        language=kwargs.pop("language", "en"),
        **kwargs,
    )


#: From NEW, the staff moves that bring a request to each state.
PATH_TO = {
    "new": [],
    "in_progress": [("in_progress", "")],
    "waiting": [("waiting", "Which room?")],
    "resolved": [("resolved", "Fixed.")],
    "closed": [("resolved", "Fixed."), ("closed", "")],
}


def in_state(person, state: str, actor, **kwargs) -> ServiceRequest:
    service_request = raised(person, **kwargs)
    for to, reason in PATH_TO[state]:
        service_request = service_request_transition(service_request=service_request, to=to, actor=actor, reason=reason)
    return ServiceRequest.objects.get(pk=service_request.pk)
