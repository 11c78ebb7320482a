"""Booking rooms and instruments: the rules, and every change to a booking.

A person of an active resident company books a resource for a period in the resource's opening
hours, on its slots, within its horizon and, for an instrument that needs it, with a valid
training. The resource's row is locked while the service looks for a clash, so concurrent
requests queue and the loser hears who was faster; the PostgreSQL exclusion constraint
``residents_booking_no_overlap`` is the backstop for any other writer. Every change is recorded in
the booking's history (who, when) with its reason, and e-mailed to the person who booked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import Actor, actor_user
from tenants.choices import CompanyStatus
from tenants.models import Company
from tenants.notifications import notify, staff_emails

from ..choices import BookingStatus, MemberRole
from ..exceptions import BookingRefused
from ..models import Booking, BookingSeries, Membership, OpeningHours, Resource, Training

OVERLAP_CONSTRAINT = "residents_booking_no_overlap"
#: A person may check in this long before the start.
CHECK_IN_EARLY = dt.timedelta(minutes=15)
#: The reminder goes out this long before the start (not for bookings made later than that).
REMINDER_AHEAD = dt.timedelta(hours=24)
#: Weeks a weekly booking may span.
MAX_SERIES_WEEKS = 26


# --- Reading time in the campus's zone -------------------------------------------------------


def local(moment: dt.datetime, resource: Resource) -> dt.datetime:
    return timezone.localtime(moment, resource.campus.tz)


def at(resource: Resource, day: dt.date, time: dt.time) -> dt.datetime:
    """The moment the campus's clocks show ``time`` on ``day``, in UTC.

    Durations and comparisons are then made in real time: Python adds to and compares datetimes
    of one zone by their clock faces, which is wrong on the days clocks change. A time the clocks
    skip (see ``wall_time_exists``) gives the moment an hour on; one shown twice, the first.
    """
    return dt.datetime.combine(day, time, tzinfo=resource.campus.tz).astimezone(dt.UTC)


def wall_time_exists(resource: Resource, day: dt.date, time: dt.time) -> bool:
    """False for a time the campus's clocks skip when they go forward (none in Asia/Shanghai)."""
    back = local(at(resource, day, time), resource)
    return (back.date(), back.time()) == (day, time)


def opening_periods(resource: Resource, day: dt.date, hours: list[OpeningHours] | None = None) -> list[tuple]:
    """The (opens, closes) moments of ``resource`` on the local date ``day``."""
    if hours is None:
        hours = list(resource.opening_hours.all())
    return [(at(resource, day, h.opens), at(resource, day, h.closes)) for h in hours if h.weekday == day.weekday()]


# --- The rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What someone asks for: a resource for a period, for a company, by a person."""

    resource: Resource
    company: Company
    user: object
    starts_at: dt.datetime
    ends_at: dt.datetime


def booking_refusal(req: Request, *, exclude: Booking | None = None, now: dt.datetime | None = None) -> None:
    """Raise ``BookingRefused`` naming the first rule ``req`` breaks; clashes are checked last."""
    resource, now = req.resource, now or timezone.now()
    if not resource.is_active:
        raise BookingRefused(_("%(resource)s cannot be booked at the moment.") % {"resource": resource})
    if req.company.status != CompanyStatus.RESIDENT:
        raise BookingRefused(_("Only resident companies can book; %(company)s is not one.") % {"company": req.company})
    if req.company.campus_id != resource.campus_id:
        raise BookingRefused(_("%(resource)s belongs to another campus.") % {"resource": resource})
    if req.ends_at <= req.starts_at:
        raise BookingRefused(_("A booking must end after it starts."), field="ends_at")
    if req.starts_at < now:
        raise BookingRefused(_("This time has passed; choose a time from now on."), field="starts_at")
    if req.starts_at > now + dt.timedelta(days=resource.horizon_days):
        raise BookingRefused(
            _("%(resource)s can be booked at most %(days)s days ahead.")
            % {"resource": resource, "days": resource.horizon_days},
            field="starts_at",
        )
    minutes = (req.ends_at - req.starts_at).total_seconds() / 60
    if minutes < resource.min_minutes:
        raise BookingRefused(
            _("The shortest booking of %(resource)s is %(minutes)s minutes.")
            % {"resource": resource, "minutes": resource.min_minutes},
            field="ends_at",
        )
    if minutes > resource.max_minutes:
        raise BookingRefused(
            _("The longest booking of %(resource)s is %(minutes)s minutes.")
            % {"resource": resource, "minutes": resource.max_minutes},
            field="ends_at",
        )
    # Compared in UTC: the opening periods are moments, the same on days the clocks change.
    start, end = req.starts_at.astimezone(dt.UTC), req.ends_at.astimezone(dt.UTC)
    day = local(start, resource).date()
    period = next(
        ((opens, closes) for opens, closes in opening_periods(resource, day) if opens <= start and end <= closes),
        None,
    )
    if period is None:
        raise BookingRefused(_("%(resource)s is closed at that time.") % {"resource": resource}, field="starts_at")
    step = dt.timedelta(minutes=resource.slot_minutes)
    if (start - period[0]) % step or (end - period[0]) % step:
        raise BookingRefused(
            _("Bookings of %(resource)s start and end on %(minutes)s-minute slots.")
            % {"resource": resource, "minutes": resource.slot_minutes},
            field="starts_at",
        )
    if resource.training_required and not (
        Training.objects.filter(resource=resource, user=req.user).valid_on(day).exists()
    ):
        raise BookingRefused(
            _("Only people trained on %(resource)s may book it; ask the core facility for a training.")
            % {"resource": resource},
            field="resource",
        )
    clash = (
        Booking.objects.live()
        .filter(resource=resource)
        .overlapping(req.starts_at, req.ends_at)
        .exclude(pk=getattr(exclude, "pk", None))
        .first()
    )
    if clash is not None:
        raise BookingRefused(
            _("%(resource)s is already booked from %(start)s to %(end)s.")
            % {
                "resource": resource,
                "start": local(clash.starts_at, resource).strftime("%H:%M"),
                "end": local(clash.ends_at, resource).strftime("%H:%M"),
            },
            field="starts_at",
        )


def _lock(resource: Resource) -> Resource:
    return Resource.objects.select_for_update(of=("self",)).select_related("campus").get(pk=resource.pk)


def _save(booking: Booking) -> None:
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "residents_booking_period_ordered" in str(exc):
            raise BookingRefused(_("A booking must end after it starts."), field="ends_at") from exc
        if OVERLAP_CONSTRAINT in str(exc):
            raise BookingRefused(
                _("Someone booked %(resource)s for this time a moment ago.") % {"resource": booking.resource},
                field="starts_at",
            ) from exc
        raise


def membership_for(user) -> Membership:
    membership = Membership.objects.select_related("company__campus").filter(user=user).first()
    if membership is None:
        raise BookingRefused(_("Only people of a resident company can book."))
    return membership


# --- Changes ---------------------------------------------------------------------------------


@transaction.atomic
def booking_create(
    *,
    resource: Resource,
    user,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str = "",
    series: BookingSeries | None = None,
    notify_person: bool = True,
) -> Booking:
    """Book ``resource`` for ``user``'s company; confirmed at once unless staff approve each booking."""
    membership = membership_for(user)
    resource = _lock(resource)
    booking_refusal(Request(resource, membership.company, user, starts_at, ends_at))
    booking = Booking(
        resource=resource,
        company=membership.company,
        booked_by=user,
        series=series,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        status=BookingStatus.REQUESTED if resource.approval_required else BookingStatus.CONFIRMED,
        price_per_hour=resource.price_per_hour,
    )
    booking._change_reason = "booked"
    _save(booking)
    if notify_person:
        _tell(booking, "booking_requested" if booking.status == BookingStatus.REQUESTED else "booking_confirmed")
    if booking.status == BookingStatus.REQUESTED:
        _tell_staff(booking)
    return booking


def may_change(booking: Booking | BookingSeries, user) -> bool:
    """Who may move or cancel a booking (or a weekly one): staff, the person who booked it, and
    their company's admins."""
    if user is None or user.is_staff or user.pk == booking.booked_by_id:
        return True
    return Membership.objects.filter(user=user, company_id=booking.company_id, role=MemberRole.ADMIN).exists()


def _may_change(booking: Booking, actor: Actor, *, now: dt.datetime) -> bool:
    """Staff change a booking at any time; its person (or company admin) until the cut-off."""
    user = actor_user(actor)
    if user is None or user.is_staff:
        return True
    if not may_change(booking, user):
        raise BookingRefused(_("Only the person who booked it, or a company admin, can change this booking."))
    cutoff = booking.starts_at - dt.timedelta(hours=booking.resource.cancel_cutoff_hours)
    if now > cutoff:
        raise BookingRefused(
            _("Bookings of %(resource)s can be changed until %(hours)s hours before they start; ask the campus team.")
            % {"resource": booking.resource, "hours": booking.resource.cancel_cutoff_hours}
        )
    return False


@transaction.atomic
def booking_move(*, booking: Booking, starts_at: dt.datetime, ends_at: dt.datetime, actor: Actor) -> Booking:
    """Move a live booking to another time of the same resource, by the same rules as booking it."""
    resource = _lock(booking.resource)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("company").get(pk=booking.pk)
    booking.resource = resource
    now = timezone.now()
    if not booking.is_live or booking.starts_at <= now:
        raise BookingRefused(_("Only bookings that have not started can be moved."))
    _may_change(booking, actor, now=now)
    booking_refusal(Request(resource, booking.company, booking.booked_by, starts_at, ends_at), exclude=booking)
    previous = booking.when_display
    booking.starts_at, booking.ends_at, booking.reminded_at = starts_at, ends_at, None
    booking._change_reason = "moved"
    _save(booking)
    _tell(booking, "booking_moved", previous=previous)
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: Actor, reason: str = "") -> Booking:
    """Cancel a live booking and free its slot; a cancellation before the cut-off is never charged."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource__campus").get(pk=booking.pk)
    now = timezone.now()
    if booking.status == BookingStatus.CANCELLED:
        return booking  # a second click, or two at once: cancelled once
    if not booking.is_live:
        raise BookingRefused(_("A declined booking cannot be cancelled."))
    if booking.ends_at <= now:
        raise BookingRefused(_("A booking that has ended cannot be cancelled."))
    _may_change(booking, actor, now=now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at, booking.cancelled_by, booking.reason = now, actor_user(actor), reason.strip()[:300]
    booking._change_reason = reason or "cancelled"
    booking.save()
    _tell(booking, "booking_cancelled")
    return booking


@transaction.atomic
def booking_decide(*, booking: Booking, confirm: bool, actor: Actor, reason: str = "") -> Booking:
    """Staff confirm or decline a booking waiting for approval; declining needs a reason."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource__campus").get(pk=booking.pk)
    if booking.status != BookingStatus.REQUESTED:
        raise BookingRefused(_("This booking is not waiting for approval."))
    if not confirm and not reason.strip():
        raise BookingRefused(_("Say why the booking is declined."), field="reason")
    booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.DECLINED
    booking.decided_by, booking.reason = actor_user(actor), reason.strip()[:300]
    booking._change_reason = reason or booking.status
    booking.save()
    _tell(booking, "booking_confirmed" if confirm else "booking_declined")
    return booking


@transaction.atomic
def booking_check(*, booking: Booking, actor: Actor, out: bool = False, at_time: dt.datetime | None = None) -> Booking:
    """Record that the person started (or finished) using the resource; staff may record it for them."""
    booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    user, now = actor_user(actor), timezone.now()
    moment = at_time if (at_time and user is not None and user.is_staff) else now
    if (
        user is not None
        and not user.is_staff
        and not Membership.objects.filter(user=user, company_id=booking.company_id).exists()
    ):
        raise BookingRefused(_("This booking is not your company's."))
    if out:
        if booking.checked_in_at is None:
            raise BookingRefused(_("Check in before checking out."))
        if booking.checked_out_at is not None:
            return booking  # a second click changes nothing
        # Time used ends with the booking: a check-out forgotten until later counts no more.
        booking.checked_out_at = min(max(moment, booking.checked_in_at), booking.ends_at)
    else:
        if booking.status != BookingStatus.CONFIRMED:
            raise BookingRefused(_("Only confirmed bookings can be checked in."))
        if booking.checked_in_at is not None:
            return booking
        if not (booking.starts_at - CHECK_IN_EARLY <= moment < booking.ends_at):
            raise BookingRefused(
                _("Check-in opens %(minutes)s minutes before the start and closes at the end.")
                % {"minutes": int(CHECK_IN_EARLY.total_seconds() // 60)}
            )
        booking.checked_in_at = moment
    booking._change_reason = "checked out" if out else "checked in"
    booking.save()
    return booking


# --- Weekly bookings -------------------------------------------------------------------------


@transaction.atomic
def series_create(
    *, resource: Resource, user, starts_at: dt.datetime, ends_at: dt.datetime, until: dt.date, title: str = ""
) -> BookingSeries:
    """Book the same hours every week from ``starts_at`` to ``until``; weeks that can't be booked are
    skipped and listed with their reason (the first week must be bookable)."""
    membership = membership_for(user)
    first_day = local(starts_at, resource).date()
    if until < first_day:
        raise BookingRefused(_("The last week cannot be before the first."), field="until")
    if (until - first_day).days > MAX_SERIES_WEEKS * 7:
        raise BookingRefused(
            _("A weekly booking spans at most %(weeks)s weeks.") % {"weeks": MAX_SERIES_WEEKS}, field="until"
        )
    series = BookingSeries.objects.create(
        resource=resource, company=membership.company, booked_by=user, title=title.strip(), until=until
    )
    wall, length = local(starts_at, resource).time(), ends_at - starts_at
    skipped, week = [], 0
    while (day := first_day + dt.timedelta(weeks=week)) <= until:
        start = at(resource, day, wall)
        end = start + length
        try:
            if not wall_time_exists(resource, day, wall):
                raise BookingRefused(_("The clocks go forward at that time on this day."))
            with transaction.atomic():
                booking_create(
                    resource=resource,
                    user=user,
                    starts_at=start,
                    ends_at=end,
                    title=title,
                    series=series,
                    notify_person=False,
                )
        except BookingRefused as exc:
            if week == 0:
                raise
            skipped.append({"date": day.isoformat(), "reason": exc.message})
        week += 1
    series.skipped = skipped
    series.save(update_fields=["skipped"])
    first = series.bookings.order_by("starts_at").first()
    _tell(first, "series_booked", series=series)
    return series


@transaction.atomic
def series_cancel(*, series: BookingSeries, actor: Actor, reason: str = "") -> int:
    """Cancel the weekly booking's occurrences still to come that can be cancelled; returns how many.

    Those within their cut-off stay (as single bookings would), and so does the weekly booking,
    listed, until none of its bookings is left to come.
    """
    user = actor_user(actor)
    if user is not None and not user.is_staff and not may_change(series, user):
        raise BookingRefused(_("Only the person who booked it, or a company admin, can change this booking."))
    cancelled = 0
    for booking in series.bookings.live().filter(starts_at__gt=timezone.now()).select_related("resource__campus"):
        try:
            with transaction.atomic():
                booking_cancel(booking=booking, actor=actor, reason=reason)
            cancelled += 1
        except BookingRefused:
            continue  # within the cut-off: it stays, as a single booking would
    if not series.bookings.live().filter(starts_at__gt=timezone.now()).exists():
        series.cancelled_at = timezone.now()
        series.save(update_fields=["cancelled_at"])
    return cancelled


# --- Reminders -------------------------------------------------------------------------------


def booking_reminders_send(now: dt.datetime | None = None) -> int:
    """Remind people of confirmed bookings starting within a day, once each (a job, every 15 minutes)."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
        created_at__lt=now - dt.timedelta(hours=1),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            booking.reminded_at = now
            booking.save(update_fields=["reminded_at"])
            _tell(booking, "booking_reminder")
            sent += 1
    return sent


# --- E-mails ---------------------------------------------------------------------------------


def _tell(booking: Booking, kind: str, **context) -> None:
    """E-mail the person who booked, in their language, with the time in the campus's zone."""
    person = booking.booked_by
    if not person.email:
        return
    language = (
        Membership.objects.filter(user=person).values_list("language", flat=True).first() or settings.LANGUAGE_CODE
    )
    notify(
        kind=kind,
        recipient=person.email,
        template=f"residents/email/{kind}",
        context={"booking": booking, "resource": booking.resource, "person": person, **context},
        company=booking.company,
        language=language,
    )


def _tell_staff(booking: Booking) -> None:
    for address in staff_emails(booking.resource.campus):
        notify(
            kind="booking_to_approve",
            recipient=address,
            template="residents/email/booking_to_approve",
            context={"booking": booking, "resource": booking.resource},
            company=booking.company,
        )
