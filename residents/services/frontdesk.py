"""Visitors and deliveries: residents announce their visitors, the front desk checks them in and
out and logs the parcels it takes in, and a job reminds everyone of flagged parcels left waiting.

A visit moves by one compare-and-set update (``VISIT_TRANSITIONS``), so two clicks at the same
moment move it once and the second is told what happened first; the host hears of an arrival
from the move that won. Collecting a delivery and escalating one are guarded the same way.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campus.models import Allocation
from common.actors import Actor, actor_user
from common.errors import DomainError
from tenants.choices import ON_CAMPUS
from tenants.models import Company
from tenants.notifications import notify, notify_staff

from ..choices import VisitStatus
from ..exceptions import VisitRefused
from ..models import Delivery, Membership, Visit
from .members import people_of

#: The front desk's group; portal.roles creates it under this (English) name.
FRONT_DESK_GROUP = "Front desk"

VISIT_TRANSITIONS = {
    VisitStatus.EXPECTED: {VisitStatus.CHECKED_IN, VisitStatus.CANCELLED},
    VisitStatus.CHECKED_IN: {VisitStatus.CHECKED_OUT},
}
# The columns each move fills with its time and its actor: <step>_at, <step>_by.
_STEP = {
    VisitStatus.CHECKED_IN: "checked_in",
    VisitStatus.CHECKED_OUT: "checked_out",
    VisitStatus.CANCELLED: "cancelled",
}
# How far ahead a visit may be announced.
VISIT_HORIZON = dt.timedelta(days=365)


# --- People and their languages ------------------------------------------------------------


def _people(company: Company, *, admins_only: bool = False) -> list:
    return [membership.user for membership in people_of(company, admins_only=admins_only)]


def _notify_people(users: list, *, kind: str, template: str, company: Company, context: dict) -> int:
    languages = dict(Membership.objects.filter(user__in=users).values_list("user_id", "language"))
    for user in users:
        notify(
            kind=kind,
            recipient=user.email,
            template=template,
            context={**context, "person": user},
            company=company,
            language=languages.get(user.pk, settings.LANGUAGE_CODE),
        )
    return len(users)


def _is_person_of(user, company: Company) -> bool:
    return bool(user and user.is_active and Membership.objects.filter(user=user, company=company).exists())


# --- Visits ----------------------------------------------------------------------------------


@transaction.atomic
def visit_register(
    *,
    company: Company,
    host,
    visitor_name: str,
    visit_date: dt.date,
    organisation: str = "",
    expected_time: dt.time | None = None,
    actor: Actor = None,
    walk_in: bool = False,
) -> Visit:
    """Announce a visitor to ``company`` on ``visit_date``, hosted by one of its people."""
    if not _is_person_of(host, company):
        raise VisitRefused(_("The host must be a person of the company."), field="host")
    if not visitor_name.strip():
        raise VisitRefused(_("Give the visitor's name."), field="visitor_name")
    today = timezone.localdate()
    if visit_date < today:
        raise VisitRefused(_("The visit cannot be on a day that has passed."), field="visit_date")
    if visit_date > today + VISIT_HORIZON:
        raise VisitRefused(_("Visits can be announced up to a year ahead."), field="visit_date")
    return Visit.objects.create(
        company=company,
        host=host,
        visitor_name=visitor_name.strip(),
        organisation=organisation.strip(),
        visit_date=visit_date,
        expected_time=expected_time,
        walk_in=walk_in,
        registered_by=actor_user(actor),
    )


def visit_cancellable_by(visit: Visit, membership: Membership) -> bool:
    """Who may call a visit off: whoever announced it, its host, or a company admin."""
    if visit.company_id != membership.company_id:
        return False
    return membership.is_admin or membership.user_id in {visit.registered_by_id, visit.host_id}


def _refusal(visit: Visit, to: str) -> str:
    """Why ``visit`` cannot move to ``to`` now, in words for the person who tried."""
    name = visit.visitor_name
    if visit.status == VisitStatus.CANCELLED:
        return _("The visit of %(name)s was cancelled.") % {"name": name}
    if visit.status == VisitStatus.CHECKED_OUT:
        return _("%(name)s has checked out already.") % {"name": name}
    if visit.status == VisitStatus.CHECKED_IN and to == VisitStatus.CHECKED_IN:
        return _("%(name)s was checked in already, at %(time)s.") % {
            "name": name,
            "time": formats.time_format(timezone.localtime(visit.checked_in_at)),
        }
    if visit.status == VisitStatus.CHECKED_IN:
        return _("%(name)s has arrived already: the visit can no longer be cancelled.") % {"name": name}
    if to == VisitStatus.CHECKED_OUT:
        return _("%(name)s has not been checked in.") % {"name": name}
    if to == VisitStatus.CHECKED_IN:
        return _("%(name)s is expected on %(day)s, not today.") % {
            "name": name,
            "day": formats.date_format(visit.visit_date),
        }
    return _("The visit of %(name)s has passed and can no longer be cancelled.") % {"name": name}


def _visit_move(*, visit: Visit, to: str, actor: Actor, now: dt.datetime, **conditions) -> Visit:
    """Move ``visit`` to ``to`` if its status (and ``conditions``) still allow it, recording who and when."""
    sources = [source for source, targets in VISIT_TRANSITIONS.items() if to in targets]
    step = _STEP[to]
    moved = Visit.objects.filter(pk=visit.pk, status__in=sources, **conditions).update(
        status=to, **{f"{step}_at": now, f"{step}_by": actor_user(actor)}
    )
    visit.refresh_from_db()
    if not moved:
        raise VisitRefused(_refusal(visit, to))
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, actor) -> Visit:
    """Call off an expected visit of today or later (its registrant, host or a company admin)."""
    membership = Membership.objects.filter(user=actor_user(actor)).first()
    if membership is None or not visit_cancellable_by(visit, membership):
        raise VisitRefused(_("Only the person who announced this visit, its host or a company admin can cancel it."))
    today = timezone.localdate()
    return _visit_move(visit=visit, to=VisitStatus.CANCELLED, actor=actor, now=timezone.now(), visit_date__gte=today)


@transaction.atomic
def visit_check_in(*, visit: Visit, actor: Actor) -> Visit:
    """The visitor is at the desk today: check them in and e-mail the host at once (once)."""
    now = timezone.now()
    visit = _visit_move(
        visit=visit, to=VisitStatus.CHECKED_IN, actor=actor, now=now, visit_date=timezone.localdate(now)
    )
    host = visit.host
    # A host who has left the company is not told; the company's admins are, instead.
    recipients = (
        [host] if _is_person_of(host, visit.company) and host.email else _people(visit.company, admins_only=True)
    )
    _notify_people(
        recipients,
        kind="visit:arrived",
        template="residents/email/visitor_arrived",
        company=visit.company,
        context={"visit": visit},
    )
    return visit


@transaction.atomic
def visit_check_out(*, visit: Visit, actor: Actor) -> Visit:
    return _visit_move(visit=visit, to=VisitStatus.CHECKED_OUT, actor=actor, now=timezone.now())


@transaction.atomic
def visit_walk_in(*, host_membership: Membership, visitor_name: str, organisation: str = "", actor: Actor) -> Visit:
    """A visitor nobody announced arrives: register them for today and check them in."""
    visit = visit_register(
        company=host_membership.company,
        host=host_membership.user,
        visitor_name=visitor_name,
        organisation=organisation,
        visit_date=timezone.localdate(),
        actor=actor,
        walk_in=True,
    )
    return visit_check_in(visit=visit, actor=actor)


def visits_for_desk(*, campus, day: dt.date, building=None, text: str = "") -> QuerySet[Visit]:
    """The day's visits at ``campus`` (not those called off), with each company's buildings that day."""
    visits = Visit.objects.at_campus(campus).filter(visit_date=day).exclude(status=VisitStatus.CANCELLED)
    if building is not None:
        visits = visits.in_building(building, day)
    if text:
        visits = visits.matching(text)
    spaces = Allocation.objects.active_on(day).select_related("space__building").order_by("space__building__code")
    return visits.select_related("company", "host").prefetch_related(
        Prefetch("company__allocations", queryset=spaces, to_attr="spaces_today")
    )


# --- Deliveries ------------------------------------------------------------------------------


@transaction.atomic
def delivery_log(
    *,
    company: Company,
    carrier: str,
    description: str,
    cold_chain: bool = False,
    biological: bool = False,
    hazardous: bool = False,
    actor: Actor,
) -> Delivery:
    """Record a parcel taken in for ``company`` and tell the company.

    A flagged parcel (cold chain, biological, hazardous) is urgent: every person of the company
    hears of it at once. Any other parcel is announced to the company's admins.
    """
    if company.status not in ON_CAMPUS:
        raise DomainError(_("Deliveries are taken in for companies on the campus only."), field="company")
    delivery = Delivery.objects.create(
        company=company,
        carrier=carrier.strip(),
        description=description.strip(),
        cold_chain=cold_chain,
        biological=biological,
        hazardous=hazardous,
        logged_by=actor_user(actor),
    )
    if delivery.is_flagged:
        recipients, template = _people(company), "residents/email/delivery_flagged"
    else:
        recipients, template = _people(company, admins_only=True), "residents/email/delivery_arrived"
    context = {"delivery": delivery, "hours": settings.FRONTDESK_FLAGGED_COLLECT_HOURS}
    _notify_people(recipients, kind="delivery:arrived", template=template, company=company, context=context)
    return delivery


@transaction.atomic
def delivery_collect(*, delivery: Delivery, collected_by_name: str, actor: Actor) -> Delivery:
    """Hand a waiting delivery over, recording who took it, who gave it and when."""
    name = collected_by_name.strip()
    if not name:
        raise DomainError(_("Give the name of the person collecting the delivery."), field="collected_by_name")
    collected = Delivery.objects.filter(pk=delivery.pk, collected_at__isnull=True).update(
        collected_at=timezone.now(), collected_by_name=name, handed_over_by=actor_user(actor)
    )
    delivery.refresh_from_db()
    if not collected:
        raise DomainError(
            _("This delivery was collected already, by %(name)s at %(time)s.")
            % {
                "name": delivery.collected_by_name,
                "time": formats.time_format(timezone.localtime(delivery.collected_at)),
            }
        )
    return delivery


def deliveries_for_desk(*, campus, building=None, text: str = "") -> QuerySet[Delivery]:
    """Deliveries waiting at ``campus``, the oldest first."""
    deliveries = Delivery.objects.waiting().filter(company__campus=campus)
    if building is not None:
        deliveries = deliveries.in_building(building, timezone.localdate())
    if text:
        deliveries = deliveries.filter(
            Q(company__name__icontains=text) | Q(company__name_zh__icontains=text) | Q(description__icontains=text)
        )
    return deliveries.select_related("company", "logged_by").order_by("logged_at", "pk")


def flagged_deliveries_escalate(now: dt.datetime | None = None) -> int:
    """Flagged deliveries waiting longer than FRONTDESK_FLAGGED_COLLECT_HOURS: remind the front
    desk and the company's admins. Once per delivery, however often it runs."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.FRONTDESK_FLAGGED_COLLECT_HOURS)
    overdue = Delivery.objects.waiting().flagged().filter(escalated_at__isnull=True, logged_at__lte=cutoff)
    escalated = 0
    for delivery in overdue.select_related("company__campus"):
        with transaction.atomic():
            if not Delivery.objects.filter(pk=delivery.pk, escalated_at__isnull=True, collected_at__isnull=True).update(
                escalated_at=now
            ):
                continue  # collected meanwhile, or another run got there first
            context = {"delivery": delivery, "hours": settings.FRONTDESK_FLAGGED_COLLECT_HOURS}
            notify_staff(
                campus=delivery.company.campus,
                role=FRONT_DESK_GROUP,
                kind="delivery:escalation",
                template="residents/email/delivery_escalation",
                context=context,
                company=delivery.company,
            )
            _notify_people(
                _people(delivery.company, admins_only=True),
                kind="delivery:escalation",
                template="residents/email/delivery_escalation",
                company=delivery.company,
                context=context,
            )
            escalated += 1
    return escalated
