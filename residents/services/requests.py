"""Service requests: raising one, replies and internal notes, moves between states, assignment, escalation.

Who acts decides the side: a person of the request's company acts for the company; staff (or
the portal itself, ``actor=None``) act for the campus. Every step is a ``ServiceRequestEvent``
written in the same transaction as the change, and e-mailed to the other side through the outbox:
to the company (the person who raised it and the company admins) in the language it was raised
in, to the campus's staff (``tenants.notifications.staff_emails``) and the assignee in the site's.
Internal notes, assignments and escalations are never e-mailed to the company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.actors import Actor, actor_user
from common.errors import DomainError
from tenants.models import Company
from tenants.notifications import notify, staff_emails

from ..choices import CLOCK_RUNNING, INTERNAL_EVENTS, MemberRole, RequestEventKind, RequestState, RequestTarget
from ..exceptions import InvalidRequestMove
from ..models import Membership, ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, ServiceTarget
from ..selectors import request_handlers
from ..working_hours import working_hours_add, working_hours_between

S = RequestState

#: The moves staff (or the portal) may make, from each state.
STAFF_MOVES: dict[str, set[str]] = {
    S.NEW: {S.IN_PROGRESS, S.WAITING, S.RESOLVED},
    S.IN_PROGRESS: {S.WAITING, S.RESOLVED},
    S.WAITING: {S.IN_PROGRESS, S.RESOLVED},
    S.RESOLVED: {S.IN_PROGRESS, S.CLOSED},
    S.CLOSED: set(),
}
#: The moves the company may make: reopen (within the reopening window) or close a resolved request.
#: Its reply to a request waiting for it also puts it back in progress (``service_request_reply``).
COMPANY_MOVES: dict[str, set[str]] = {
    S.RESOLVED: {S.IN_PROGRESS, S.CLOSED},
}
MAX_ATTACHMENTS = 5
AUTO_CLOSE_REASON = gettext_lazy("Closed %(days)s days after its resolution, as nobody reopened it.")


# --- Who acts ------------------------------------------------------------------------------


def _by_company(actor: Actor, service_request: ServiceRequest) -> bool:
    """True for a person of the request's company, False for staff or the portal; anyone else is refused."""
    user = actor_user(actor)
    if user is None:
        return False
    if Membership.objects.filter(user=user, company_id=service_request.company_id).exists():
        return True
    if user.is_staff and user.is_active:
        return False
    raise DomainError(_("Only the company's people and campus staff may act on this request."))


def _locked(service_request: ServiceRequest) -> ServiceRequest:
    """The request's row, locked (only its own row: not its company's or campus's, which other requests share)."""
    locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("company", "campus")
    return locked.get(pk=service_request.pk)


# --- E-mail --------------------------------------------------------------------------------


def _company_recipients(service_request: ServiceRequest) -> list[str]:
    """The person who raised it (while still on the team) and the company admins."""
    wanted = Membership.objects.filter(company_id=service_request.company_id, user__is_active=True).filter(
        Q(role=MemberRole.ADMIN) | Q(user_id=service_request.raised_by_id)
    )
    return sorted(set(wanted.values_list("user__email", flat=True)) - {""})


def _tell_company(service_request: ServiceRequest, event: ServiceRequestEvent) -> None:
    for email in _company_recipients(service_request):
        notify(
            kind="service_request:update",
            recipient=email,
            template="residents/email/request_update",
            context={
                "service_request": service_request,
                "event": event,
                "reopen_days": settings.SERVICE_REQUEST_REOPEN_DAYS,
            },
            company=service_request.company,
            language=service_request.language,
        )


def _tell_staff(service_request: ServiceRequest, *, kind: str, template: str, context: dict) -> None:
    """The campus's staff and the request's assignee, each once, in the site's language."""
    recipients = list(staff_emails(service_request.campus))
    if service_request.assignee_id and service_request.assignee.email not in recipients:
        recipients.append(service_request.assignee.email)
    for email in recipients:
        notify(
            kind=kind,
            recipient=email,
            template=f"residents/email/{template}",
            context={"service_request": service_request, **context},
            company=service_request.company,
            language=settings.LANGUAGE_CODE,
        )


# --- Writing -------------------------------------------------------------------------------


def _record(service_request: ServiceRequest, *, kind: str, actor: Actor, by_company: bool, **fields):
    return ServiceRequestEvent.objects.create(
        service_request=service_request,
        kind=kind,
        internal=kind in INTERNAL_EVENTS,
        by_company=by_company,
        actor=actor_user(actor),
        created_at=fields.pop("now", None) or timezone.now(),
        **fields,
    )


def _attach(service_request: ServiceRequest, event: ServiceRequestEvent, uploads: Iterable, actor: Actor) -> None:
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(_("Attach at most %(count)d files at a time.") % {"count": MAX_ATTACHMENTS}, field="files")
    for upload in uploads:
        ServiceRequestAttachment(service_request=service_request, event=event).store(upload, actor=actor)


@transaction.atomic
def service_request_raise(
    *,
    company: Company,
    actor: Actor,
    category: str,
    subject: str,
    description: str,
    uploads: Iterable = (),
    language: str | None = None,
) -> ServiceRequest:
    """Raise a request for ``company``; its targets are the campus's for the category, counted from now."""
    if not subject.strip() or not description.strip():
        raise DomainError(
            _("Say what the request is about."), field="subject" if not subject.strip() else "description"
        )
    now = timezone.now()
    response_hours, resolution_hours = ServiceTarget.objects.hours_for(company.campus_id, category)
    service_request = ServiceRequest.objects.create(
        company=company,
        campus_id=company.campus_id,
        category=category,
        subject=subject.strip(),
        description=description.strip(),
        language=language or settings.LANGUAGE_CODE,
        raised_by=actor_user(actor),
        created_at=now,
        updated_at=now,
        response_target_hours=response_hours,
        resolution_target_hours=resolution_hours,
        response_due_at=working_hours_add(now, response_hours),
        resolution_due_at=working_hours_add(now, resolution_hours),
    )
    event = _record(service_request, kind=RequestEventKind.RAISED, actor=actor, by_company=True, now=now)
    _attach(service_request, event, uploads, actor)
    _tell_staff(service_request, kind="service_request:new", template="request_new", context={})
    return service_request


@transaction.atomic
def service_request_reply(
    *, service_request: ServiceRequest, actor: Actor, body: str, uploads: Iterable = ()
) -> ServiceRequestEvent:
    """A reply the other side reads and is e-mailed; the company's reply puts a request waiting for it back to work."""
    locked = _locked(service_request)
    by_company = _by_company(actor, locked)
    if locked.state == S.CLOSED:
        raise DomainError(_("This request is closed; raise a new one."), field="body")
    if not body.strip():
        raise DomainError(_("Write a reply."), field="body")
    now = timezone.now()
    event = _record(locked, kind=RequestEventKind.REPLY, actor=actor, by_company=by_company, body=body.strip(), now=now)
    _attach(locked, event, uploads, actor)
    if by_company:
        _tell_staff(locked, kind="service_request:reply", template="request_company_update", context={"event": event})
        if locked.state == S.WAITING:  # the reply is the answer staff waited for; its e-mail says so
            _move(locked, to=S.IN_PROGRESS, actor=actor, by_company=True, reason="", now=now, tell=False)
    else:
        _tell_company(locked, event)
    _touch(locked, now, responded=not by_company)
    return event


@transaction.atomic
def service_request_note(*, service_request: ServiceRequest, actor: Actor, body: str) -> ServiceRequestEvent:
    """An internal note: staff only, never shown or e-mailed to the company."""
    locked = _locked(service_request)
    if _by_company(actor, locked):
        raise DomainError(_("Only campus staff write internal notes."))
    if not body.strip():
        raise DomainError(_("Write a note."), field="body")
    now = timezone.now()
    event = _record(locked, kind=RequestEventKind.NOTE, actor=actor, by_company=False, body=body.strip(), now=now)
    _touch(locked, now)
    return event


def moves_for(service_request: ServiceRequest, *, by_company: bool, now: dt.datetime | None = None) -> list[str]:
    """The states this side may move the request to now, in the order of the states."""
    allowed = (COMPANY_MOVES if by_company else STAFF_MOVES).get(service_request.state, set())
    if by_company and service_request.state == S.RESOLVED and not _may_reopen(service_request, now):
        allowed = allowed - {S.IN_PROGRESS}
    return [state for state in S.values if state in allowed]


def _may_reopen(service_request: ServiceRequest, now: dt.datetime | None) -> bool:
    until = service_request.reopen_until()
    return until is not None and (now or timezone.now()) <= until


def _check_move(service_request: ServiceRequest, *, to: str, by_company: bool, reason: str, now: dt.datetime) -> None:
    current = service_request.state
    if to not in moves_for(service_request, by_company=by_company, now=now):
        if by_company and current == S.RESOLVED and to == S.IN_PROGRESS:
            raise InvalidRequestMove(
                _("A request can be reopened within %(days)d days of its resolution; raise a new one instead.")
                % {"days": settings.SERVICE_REQUEST_REOPEN_DAYS}
            )
        raise InvalidRequestMove(
            _("A request that is “%(current)s” cannot be moved to “%(to)s”.")
            % {"current": S(current).label, "to": S(to).label if to in S.values else to}
        )
    if to == S.WAITING and not reason.strip():
        raise InvalidRequestMove(_("Tell the company what you need from it."), field="reason")
    if current == S.RESOLVED and to == S.IN_PROGRESS and not reason.strip():
        raise InvalidRequestMove(_("Say why the request is not resolved."), field="reason")


@transaction.atomic
def service_request_transition(
    *, service_request: ServiceRequest, to: str, actor: Actor, reason: str = ""
) -> ServiceRequest:
    """Move the request to ``to`` if this side may; recorded with who, when and why, and e-mailed to the other side."""
    locked = _locked(service_request)
    by_company = _by_company(actor, locked)
    now = timezone.now()
    _check_move(locked, to=to, by_company=by_company, reason=reason, now=now)
    _move(locked, to=to, actor=actor, by_company=by_company, reason=reason.strip(), now=now)
    _touch(locked, now, responded=not by_company)
    return locked


def _move(
    service_request: ServiceRequest,
    *,
    to: str,
    actor: Actor,
    by_company: bool,
    reason: str,
    now: dt.datetime,
    tell: bool = True,
) -> None:
    """Change the state, run or stop the resolution clock, record and e-mail the move (checked by the caller)."""
    current = service_request.state
    _run_clock(service_request, current=current, to=to, now=now)
    if to == S.RESOLVED:
        service_request.resolved_at = now
    elif to == S.CLOSED:
        service_request.closed_at = now
    elif current == S.RESOLVED:
        service_request.resolved_at = None  # reopened
    service_request.state = to
    service_request.save()
    event = _record(
        service_request,
        kind=RequestEventKind.STATE,
        actor=actor,
        by_company=by_company,
        from_state=current,
        to_state=to,
        body=reason,
        now=now,
    )
    if not tell:
        return
    if by_company:
        _tell_staff(
            service_request, kind="service_request:state", template="request_company_update", context={"event": event}
        )
    else:
        _tell_company(service_request, event)


def _run_clock(service_request: ServiceRequest, *, current: str, to: str, now: dt.datetime) -> None:
    """Stop the resolution clock when the request leaves the campus's hands; on return, push its due time back."""
    was_running, runs = current in CLOCK_RUNNING, to in CLOCK_RUNNING
    if was_running and not runs:
        service_request.paused_since = now
    elif runs and not was_running and service_request.paused_since is not None:
        service_request.paused_hours += working_hours_between(service_request.paused_since, now)
        service_request.paused_since = None
        service_request.resolution_due_at = working_hours_add(
            service_request.created_at, service_request.resolution_target_hours + service_request.paused_hours
        )


def _touch(service_request: ServiceRequest, now: dt.datetime, *, responded: bool = False) -> None:
    service_request.updated_at = now
    fields = ["updated_at"]
    if responded and service_request.first_response_at is None:
        service_request.first_response_at = now
        fields.append("first_response_at")
    service_request.save(update_fields=fields)


@transaction.atomic
def service_request_assign(*, service_request: ServiceRequest, assignee, actor: Actor) -> ServiceRequest:
    """Give the request to a staff member who works requests (or to nobody); the assignee is e-mailed."""
    locked = _locked(service_request)
    if _by_company(actor, locked):
        raise DomainError(_("Only campus staff assign requests."))
    if assignee is not None and not request_handlers().filter(pk=assignee.pk).exists():
        raise DomainError(_("Choose a staff member who works service requests."), field="assignee")
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    now = timezone.now()
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    name = (assignee.get_full_name() or assignee.get_username()) if assignee else _("nobody")
    _record(locked, kind=RequestEventKind.ASSIGNED, actor=actor, by_company=False, body=name, now=now)
    _touch(locked, now)
    if assignee is not None and assignee.email and assignee != actor_user(actor):
        notify(
            kind="service_request:assigned",
            recipient=assignee.email,
            template="residents/email/request_assigned",
            context={"service_request": locked, "actor": actor_user(actor)},
            company=locked.company,
            language=settings.LANGUAGE_CODE,
        )
    return locked


# --- Jobs ----------------------------------------------------------------------------------


def overdue_requests_escalate(now: dt.datetime | None = None) -> int:
    """Tell the campus's staff of requests past a target: the first response or the resolution, once each."""
    now = now or timezone.now()
    escalated = 0
    for target, overdue, field in (
        (RequestTarget.RESPONSE, ServiceRequest.objects.response_overdue_q(now), "response_escalated_at"),
        (RequestTarget.RESOLUTION, ServiceRequest.objects.resolution_overdue_q(now), "resolution_escalated_at"),
    ):
        not_yet = {f"{field}__isnull": True}
        for service_request in ServiceRequest.objects.filter(overdue, **not_yet).for_list():
            with transaction.atomic():
                # Compare and set: a second run, or one racing this one, finds it escalated already.
                if not ServiceRequest.objects.filter(overdue, pk=service_request.pk, **not_yet).update(**{field: now}):
                    continue
                _record(
                    service_request, kind=RequestEventKind.ESCALATED, actor=None, by_company=False, body=target, now=now
                )
                _tell_staff(
                    service_request,
                    kind="service_request:escalation",
                    template="request_escalated",
                    context={"target": RequestTarget(target).label, "now": now},
                )
                escalated += 1
    return escalated


def resolved_requests_close(now: dt.datetime | None = None) -> int:
    """Close requests resolved longer ago than the reopening window (SERVICE_REQUEST_REOPEN_DAYS)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SERVICE_REQUEST_REOPEN_DAYS)
    reason = str(AUTO_CLOSE_REASON % {"days": settings.SERVICE_REQUEST_REOPEN_DAYS})
    closed = 0
    for service_request in ServiceRequest.objects.filter(state=S.RESOLVED, resolved_at__lt=cutoff):
        try:
            service_request_transition(service_request=service_request, to=S.CLOSED, actor=None, reason=reason)
        except InvalidRequestMove:
            continue  # reopened or closed meanwhile
        closed += 1
    return closed
