"""Leases: preparing one, activating it, renewing it with its allocations, ending it early, and
the daily job that alerts staff and the company before the end and closes leases that ended.

Every move is checked against ``TRANSITIONS`` on the locked row and recorded as a
``LeaseTransition`` (who, when, from, to, why) in the same transaction. What a month costs is
``residents.rent.lease_month_amounts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from campus.exceptions import AllocationConflict
from campus.models import Allocation
from campus.services import allocation_save
from common.actors import Actor, actor_user
from tenants.models import Company
from tenants.notifications import notify, notify_staff

from ..choices import LEASE_ALERT_DAYS, LIVE_LEASES, LeaseState, MemberRole
from ..exceptions import LeaseRefused
from ..models import Invoice, Lease, LeaseAlert, LeaseTransition, Payment
from ..rent import lease_month_count
from .invoices import overbilled_credit
from .members import people_of

S = LeaseState

#: The moves a lease may make. ENDING goes back to ACTIVE only by a renewal.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.ACTIVE},
    S.ACTIVE: {S.ENDING, S.ENDED, S.TERMINATED},
    S.ENDING: {S.ACTIVE, S.ENDED, S.TERMINATED},
    S.ENDED: set(),
    S.TERMINATED: set(),
}


def _locked(lease: Lease) -> Lease:
    return Lease.objects.select_for_update(of=("self",)).select_related("company", "campus").get(pk=lease.pk)


def _move(lease: Lease, *, to: str, actor: Actor, reason: str = "", fields: Iterable[str] = ()) -> LeaseTransition:
    """Change the state if the table allows it and record the move (the caller holds the row)."""
    current = lease.state
    if to != current and to not in TRANSITIONS[current]:
        raise LeaseRefused(
            _("A lease that is “%(current)s” cannot become “%(to)s”.")
            % {"current": S(current).label, "to": S(to).label}
        )
    lease.state = to
    lease.save(update_fields=["state", *fields])
    return LeaseTransition.objects.create(
        lease=lease,
        from_state=current,
        to_state=to,
        reason=reason,
        actor=actor_user(actor),
        created_at=timezone.now(),
    )


def _period(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return _("from %(start)s, open end") % {"start": formats.date_format(start)}
    return _("%(start)s – %(end)s") % {"start": formats.date_format(start), "end": formats.date_format(end)}


def lease_terms_check(
    *, company: Company, starts_on: dt.date, ends_on: dt.date, allocations: Iterable[Allocation], lease=None
) -> None:
    """The allocations are the company's, lie within the term and are in no other live lease."""
    allocations = list(allocations)
    if ends_on < starts_on:
        raise LeaseRefused(_("The last day cannot be before the first day."), field="ends_on")
    if not allocations:
        raise LeaseRefused(_("Choose the allocations the lease covers."), field="allocations")
    term = _period(starts_on, ends_on)
    for allocation in allocations:
        if allocation.company_id != company.pk:
            raise LeaseRefused(
                _("Space %(space)s is allocated to %(other)s, not to %(company)s.")
                % {"space": allocation.space, "other": allocation.company, "company": company},
                field="allocations",
            )
        if allocation.starts_on < starts_on or allocation.ends_on is None or allocation.ends_on > ends_on:
            raise LeaseRefused(
                _("The allocation of space %(space)s (%(period)s) does not lie within the lease's term (%(term)s).")
                % {
                    "space": allocation.space,
                    "period": _period(allocation.starts_on, allocation.ends_on),
                    "term": term,
                },
                field="allocations",
            )
    others = Lease.objects.filter(state__in=LIVE_LEASES).exclude(pk=getattr(lease, "pk", None))
    taken = (
        Allocation.objects.filter(pk__in=[a.pk for a in allocations], leases__in=others)
        .select_related("space__building")
        .first()
    )
    if taken is not None:
        raise LeaseRefused(
            _("Space %(space)s is already in another lease that runs.") % {"space": taken.space}, field="allocations"
        )


@transaction.atomic
def lease_create(
    *,
    company: Company,
    allocations: Iterable[Allocation],
    starts_on: dt.date,
    ends_on: dt.date,
    rent_rate: Money,
    service_charge_rate: Money,
    deposit: Money | None = None,
    escalation_percent: Decimal = Decimal("0"),
    rent_tax_percent: Decimal = Decimal("9"),
    service_tax_percent: Decimal = Decimal("6"),
    subsidies: Iterable[tuple[int, int, Decimal]] = (),
    submission_key: str | None = None,
    actor: Actor = None,
) -> Lease:
    """A draft lease of the company's allocations; subsidies as (from month, to month, percent waived).

    ``submission_key``, the key of the form that asked for it, is kept unique with the lease."""
    allocations = list(allocations)
    lease_terms_check(company=company, starts_on=starts_on, ends_on=ends_on, allocations=allocations)
    lease = Lease(
        company=company,
        campus_id=company.campus_id,
        starts_on=starts_on,
        ends_on=ends_on,
        rent_rate=rent_rate,
        service_charge_rate=service_charge_rate,
        deposit=deposit if deposit is not None else Money(0, rent_rate.currency),
        escalation_percent=escalation_percent,
        rent_tax_percent=rent_tax_percent,
        service_tax_percent=service_tax_percent,
        submission_key=submission_key or None,
        created_by=actor_user(actor),
    )
    lease.full_clean()
    lease.save()
    lease.allocations.set(allocations)
    for from_month, to_month, percent in subsidies:
        lease.subsidies.create(from_month=from_month, to_month=to_month, percent=percent)
    return lease


def _currency_check(lease: Lease) -> None:
    """A company is billed in one currency: its balance adds up its invoices and payments, so a
    lease in another currency than its other leases, invoices or payments is refused."""
    company = lease.company_id
    billed = {
        *Lease.objects.filter(company_id=company)
        .exclude(state=S.DRAFT)
        .exclude(pk=lease.pk)
        .values_list("rent_rate_currency", flat=True),
        *Invoice.objects.filter(company_id=company).values_list("currency", flat=True).distinct(),
        *Payment.objects.filter(company_id=company).values_list("currency", flat=True).distinct(),
    } - {lease.rent_rate.currency.code}
    if billed:
        raise LeaseRefused(
            _("%(company)s is billed in %(billed)s; a lease of theirs takes that currency, not %(currency)s.")
            % {"company": lease.company, "billed": ", ".join(sorted(billed)), "currency": lease.rent_rate.currency},
            field="rent_rate",
        )


@transaction.atomic
def lease_activate(*, lease: Lease, actor: Actor, reason: str = "") -> Lease:
    """Put a draft lease into force, after checking its allocations, term and subsidies again."""
    locked = _locked(lease)
    if locked.state != S.DRAFT:
        raise LeaseRefused(
            _("Only a draft lease can be activated; this one is “%(state)s”.") % {"state": locked.get_state_display()}
        )
    lease_terms_check(
        company=locked.company,
        starts_on=locked.starts_on,
        ends_on=locked.ends_on,
        allocations=locked.allocations.select_related("space", "company"),
        lease=locked,
    )
    _currency_check(locked)
    months = lease_month_count(locked.starts_on, locked.ends_on)
    for subsidy in locked.subsidies.all():
        if subsidy.to_month > months:
            raise LeaseRefused(
                _("The subsidy of months %(from)s–%(to)s goes past the lease's %(months)s months.")
                % {"from": subsidy.from_month, "to": subsidy.to_month, "months": months},
                field="subsidies",
            )
    _move(locked, to=S.ACTIVE, actor=actor, reason=reason)
    return locked


@transaction.atomic
def lease_renew(*, lease: Lease, new_ends_on: dt.date, actor: Actor, reason: str = "") -> Lease:
    """Extend a running lease and the allocations that end with it to ``new_ends_on``, all or nothing."""
    locked = _locked(lease)
    if locked.state not in LIVE_LEASES:
        raise LeaseRefused(
            _("Only a running lease can be renewed; this one is “%(state)s”.") % {"state": locked.get_state_display()}
        )
    if new_ends_on == locked.ends_on:  # e.g. the same renewal sent twice
        raise LeaseRefused(
            _("The lease already runs until %(end)s; a renewal ends after that day.")
            % {"end": formats.date_format(locked.ends_on)},
            field="ends_on",
        )
    if new_ends_on is None or new_ends_on < locked.ends_on:
        raise LeaseRefused(
            _("A renewal ends after the current last day, %(end)s.") % {"end": formats.date_format(locked.ends_on)},
            field="ends_on",
        )
    old_end = locked.ends_on
    for allocation in locked.allocations.select_related("space", "company").filter(ends_on=old_end):
        allocation.ends_on = new_ends_on
        try:
            allocation_save(allocation=allocation, actor=actor)
        except AllocationConflict as conflict:
            detail = " ".join(message for messages in conflict.message_dict.values() for message in messages)
            raise LeaseRefused(
                _("Space %(space)s is taken after the lease's end: %(detail)s")
                % {"space": allocation.space, "detail": detail},
                field="ends_on",
            ) from conflict
    locked.ends_on = new_ends_on
    to = S.ACTIVE if new_ends_on > timezone.localdate() + dt.timedelta(days=max(LEASE_ALERT_DAYS)) else locked.state
    note = _("Renewed until %(new)s (was %(old)s).") % {
        "new": formats.date_format(new_ends_on),
        "old": formats.date_format(old_end),
    }
    _move(locked, to=to, actor=actor, reason=f"{note} {reason}".strip(), fields=["ends_on"])
    return locked


@transaction.atomic
def lease_terminate(*, lease: Lease, on: dt.date, reason: str, actor: Actor) -> Lease:
    """End a running lease early on ``on`` (its last day), and its allocations with it; what its
    invoices billed after that day is credited."""
    locked = _locked(lease)
    if locked.state not in LIVE_LEASES:
        raise LeaseRefused(
            _("Only a running lease can be terminated; this one is “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    if not reason.strip():
        raise LeaseRefused(_("Say why the lease ends early."), field="reason")
    if on is None or not locked.starts_on <= on <= locked.ends_on:
        raise LeaseRefused(
            _("The last day of a terminated lease lies within its term, %(term)s.") % {"term": locked.term_display},
            field="terminated_on",
        )
    _end_allocations(locked, on, actor)
    locked.terminated_on = on
    locked.termination_reason = reason.strip()
    _move(locked, to=S.TERMINATED, actor=actor, reason=reason.strip(), fields=["terminated_on", "termination_reason"])
    overbilled_credit(
        lease=locked,
        actor=actor,
        reason=_("The lease ended early, on %(day)s.") % {"day": formats.date_format(on)},
    )
    return locked


def _end_allocations(lease: Lease, on: dt.date, actor: Actor) -> None:
    for allocation in lease.allocations.select_related("space", "company"):
        if allocation.starts_on > on:
            raise LeaseRefused(
                _("Space %(space)s is allocated from %(start)s, after that day; change that allocation first.")
                % {"space": allocation.space, "start": formats.date_format(allocation.starts_on)},
                field="terminated_on",
            )
        if allocation.ends_on is None or allocation.ends_on > on:
            allocation.ends_on = on
            allocation_save(allocation=allocation, actor=actor)


# --- The daily job -------------------------------------------------------------------------


def leases_end_and_alert(today: dt.date | None = None) -> int:
    """Close leases past their last day; alert staff and the company 90, 60 and 30 days before an end.

    Each threshold is a ``LeaseAlert`` row (unique per lease, threshold and end), so a second run,
    or one racing this one, sends nothing; a lease found late gets one e-mail for the nearest threshold.
    """
    today = today or timezone.localdate()
    done = 0
    for lease in Lease.objects.filter(state__in=LIVE_LEASES, ends_on__lt=today):
        with transaction.atomic():
            locked = _locked(lease)
            if locked.state in LIVE_LEASES:
                _move(locked, to=S.ENDED, actor=None, reason=_("The lease reached its last day."))
                done += 1
    horizon = today + dt.timedelta(days=max(LEASE_ALERT_DAYS))
    for lease in Lease.objects.filter(state__in=LIVE_LEASES, ends_on__gte=today, ends_on__lte=horizon):
        done += _alert(lease, today)
    return done


def _alert(lease: Lease, today: dt.date) -> int:
    left = (lease.ends_on - today).days
    due = [days for days in LEASE_ALERT_DAYS if left <= days]
    with transaction.atomic():
        locked = _locked(lease)
        if locked.state not in LIVE_LEASES or locked.ends_on != lease.ends_on:
            return 0
        created = [days for days in due if _alert_row(locked, days)]
        if not created:
            return 0
        if locked.state == S.ACTIVE:
            _move(locked, to=S.ENDING, actor=None, reason=_("%(days)s days before its last day.") % {"days": left})
        _tell(locked, days_left=left)
    return 1


def _alert_row(lease: Lease, days: int) -> bool:
    try:
        with transaction.atomic():
            _row, created = LeaseAlert.objects.get_or_create(
                lease=lease, days=days, ends_on=lease.ends_on, defaults={"sent_at": timezone.now()}
            )
    except IntegrityError:  # another run wrote it first
        return False
    return created


def _tell(lease: Lease, *, days_left: int) -> None:
    context = {"lease": lease, "days_left": days_left}
    notify_staff(
        campus=lease.campus,
        kind="lease:ending",
        template="residents/email/lease_ending_staff",
        context=context,
        company=lease.company,
    )
    for membership in people_of(lease.company, roles=(MemberRole.ADMIN, MemberRole.FINANCE)):
        notify(
            kind="lease:ending",
            recipient=membership.user.email,
            template="residents/email/lease_ending",
            context=context,
            company=lease.company,
            language=membership.language,
        )
