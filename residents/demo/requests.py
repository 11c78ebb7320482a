"""Demo service requests: the campus's targets, and a request in each state for the first-batch residents."""

from __future__ import annotations

from django.db import transaction

from campus.models import Campus

from ..choices import RequestCategory, RequestState
from ..models import Membership, ServiceRequest, ServiceTarget
from ..services.requests import service_request_raise, service_request_reply, service_request_transition

C, S = RequestCategory, RequestState

#: (category, first response, resolution) in working hours; EHS and biosafety come first.
TARGETS = [(C.EHS, 1, 8), (C.ACCESS_CARDS, 4, 9), (C.IT, 4, 16), (C.FACILITIES, 4, 24), (C.OTHER, 8, 45)]

#: (category, subject, description, language, the campus's steps: (state or "reply", text)).
REQUESTS = [
    (
        C.FACILITIES,
        "Fume hood airflow alarm in our laboratory",
        "The airflow alarm of the second fume hood sounds every few minutes since this morning.",
        "en",
        [],
    ),
    (
        C.IT,
        "Guest Wi-Fi for visiting investors",
        "We host four investors next Tuesday and need guest Wi-Fi access for the day.",
        "en",
        [("reply", "We will create four guest accounts on Monday and send them to you."), (S.IN_PROGRESS, "")],
    ),
    (
        C.ACCESS_CARDS,
        "两名新员工的门禁卡",
        "两名新的研究员下周一入职，需要办理门禁卡（实验室楼层和停车场）。",
        "zh-hans",
        [(S.WAITING, "Please send the two scientists' full names and ID numbers.")],
    ),
    (
        C.EHS,
        "Biosafety cabinet certification due",
        "Our class II biosafety cabinet is due for its yearly certification this month.",
        "en",
        [(S.IN_PROGRESS, ""), (S.RESOLVED, "The cabinet was certified on site; the certificate is in your documents.")],
    ),
    (
        C.OTHER,
        "Loading dock for an equipment delivery",
        "A mass spectrometer arrives on Thursday morning; we need the loading dock and a pallet truck.",
        "en",
        [(S.RESOLVED, "The dock is booked for Thursday 08:00-10:00."), (S.CLOSED, "")],
    ),
]


def _targets(campus: Campus) -> None:
    for category, response, resolution in TARGETS:
        ServiceTarget.objects.get_or_create(
            campus=campus, category=category, defaults={"response_hours": response, "resolution_hours": resolution}
        )


@transaction.atomic
def seed(campus: Campus, companies) -> list[ServiceRequest]:
    """The campus's targets, then one request per spec for the companies in turn; a request already there is kept."""
    _targets(campus)
    companies = list(companies)
    made = []
    for index, (category, subject, description, language, steps) in enumerate(REQUESTS if companies else []):
        company = companies[index % len(companies)]
        if made_now := request_raise_and_work(company, category, subject, description, language, steps):
            made.append(made_now)
    return made


def request_raise_and_work(company, category, subject, description, language, steps) -> ServiceRequest | None:
    """One demo request raised by a person of the company, then its ``(step, text)`` steps taken by the
    campus team (``actor=None``): a reply or a move. None when the company has it already."""
    if ServiceRequest.objects.filter(company=company, subject=subject).exists():
        return None
    person = Membership.objects.filter(company=company).select_related("user").first()
    service_request = service_request_raise(
        company=company,
        actor=person.user if person else None,
        category=category,
        subject=subject,
        description=description,
        language=language,
    )
    for step, text in steps:
        if step == "reply":
            service_request_reply(service_request=service_request, actor=None, body=text)
        else:
            service_request_transition(service_request=service_request, to=step, actor=None, reason=text)
    return service_request
