"""Demo service requests of the past months: most resolved within target, some late, and open ones
past their target, so the dashboard's medians and the queue's "overdue" have something to show.

Raised and moved through the services, then dated back: each step's time is the story's, and the
targets are counted from the day the request was raised. A subject already on record for the
company is left alone, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from campus.models import Campus

from ..choices import RequestCategory, RequestState
from ..models import ServiceRequest, ServiceRequestEvent
from ..working_hours import working_hours_add
from .requests import request_raise_and_work

C, S = RequestCategory, RequestState

#: (category, subject, days ago raised, steps as (hours after raising, state or "reply", text)).
HISTORY = [
    (
        C.FACILITIES,
        "Demo: cold room temperature alarm",
        300,
        [
            (2, "reply", "A technician is on the way."),
            (20, S.RESOLVED, "The compressor was replaced."),
            (80, S.CLOSED, ""),
        ],
    ),
    (
        C.IT,
        "Demo: VPN access for a visiting scientist",
        240,
        [(3, "reply", "Account created."), (6, S.RESOLVED, "Access works."), (70, S.CLOSED, "")],
    ),
    (
        C.ACCESS_CARDS,
        "Demo: access cards for three new staff",
        180,
        [(1, S.IN_PROGRESS, ""), (30, S.RESOLVED, "Cards are at the front desk.")],
    ),
    (
        C.EHS,
        "Demo: chemical waste collection",
        150,
        [(1, "reply", "Collection booked for tomorrow."), (7, S.RESOLVED, "Collected.")],
    ),
    (
        C.FACILITIES,
        "Demo: leaking tap in the wet lab",
        90,
        [(6, "reply", "Plumber booked."), (60, S.RESOLVED, "Fixed.")],
    ),
    (
        C.IT,
        "Demo: printer on the third floor offline",
        45,
        [(2, S.IN_PROGRESS, ""), (10, S.RESOLVED, "Driver updated.")],
    ),
    (C.OTHER, "Demo: signage for the new office", 20, [(12, "reply", "The design team will call you.")]),
    (C.FACILITIES, "Demo: air handling noise in the office", 8, []),
]


@transaction.atomic
def seed(campus: Campus, companies) -> list[ServiceRequest]:
    """The requests above, for the companies in turn; run by the campus team account (``actor=None``)."""
    companies = list(companies)
    made = []
    for index, (category, subject, days_ago, steps) in enumerate(HISTORY if companies else []):
        company = companies[index % len(companies)]
        description = subject.removeprefix("Demo: ").capitalize() + "."
        work = [(step, text) for _hours, step, text in steps]
        if request := request_raise_and_work(company, category, subject, description, "en", work):
            made.append(_date_back(request, days_ago, steps))
    return made


def _date_back(request: ServiceRequest, days_ago: int, steps: list) -> ServiceRequest:
    """Put the request and its events on the story's days; its targets count from the new start."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    raised = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    events = list(ServiceRequestEvent.objects.filter(service_request=request).order_by("pk"))
    times = [raised] + [raised + dt.timedelta(hours=hours) for hours, _step, _text in steps]
    for event, when in zip(events, times, strict=False):
        ServiceRequestEvent.objects.filter(pk=event.pk).update(created_at=when)
    request.refresh_from_db()
    stamps = {
        "created_at": raised,
        "updated_at": times[-1],
        "response_due_at": working_hours_add(raised, request.response_target_hours),
        "resolution_due_at": working_hours_add(raised, request.resolution_target_hours),
        "first_response_at": times[1] if len(times) > 1 else None,
    }
    for (_hours, step, _text), when in zip(steps, times[1:], strict=True):
        if step == S.RESOLVED:
            stamps["resolved_at"] = when
        elif step == S.CLOSED:
            stamps["closed_at"] = when
    ServiceRequest.objects.filter(pk=request.pk).update(**stamps)
    request.refresh_from_db()
    return request
