"""Booking rooms and instruments at /my/bookings/: the resources, a resource's week, a booking.

Every page is a person of a resident company's; a booking or a weekly booking is looked up through
the person's company, so another company's is a 404. The week view is plain HTML: each free slot
is a link to the booking form filled in with its time, so it works without JavaScript and on a phone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError

from ..access import resident_required
from ..choices import BookingStatus
from ..forms.bookings import MAX_DAYS_AWAY, BookingForm, CancelForm, PeriodForm
from ..models import Booking, BookingSeries, Resource, Training
from ..models.bookings import LIVE_BOOKINGS
from ..services import bookings as service
from ..week import resource_week, week_start

PAGE_SIZE = 20


def _resources(membership):
    return (
        Resource.objects.bookable()
        .filter(campus_id=membership.company.campus_id)
        .select_related("campus", "space__building")
    )


@resident_required
def bookings(request):
    """The campus's resources, the person's trainings, and the company's bookings (upcoming or past)."""
    membership = request.membership
    now = timezone.now()
    resources = list(_resources(membership).order_by("kind", "name"))
    trainings = {
        t.resource_id: t for t in Training.objects.filter(user=request.user, resource__in=[r.pk for r in resources])
    }
    today = timezone.localtime(now, membership.company.campus.tz).date()
    for resource in resources:
        training = trainings.get(resource.pk)
        resource.training = training
        resource.may_book = not resource.training_required or bool(training and training.is_valid_on(today))
    past = request.GET.get("when") == "past"
    company_bookings = Booking.objects.filter(company=membership.company).select_related(
        "resource__campus", "booked_by"
    )
    if past:
        company_bookings = company_bookings.filter(ends_at__lte=now).order_by("-starts_at")
    else:
        company_bookings = company_bookings.filter(ends_at__gt=now, status__in=LIVE_BOOKINGS).order_by("starts_at")
    page = Paginator(company_bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    series = (
        BookingSeries.objects.filter(company=membership.company, cancelled_at__isnull=True, until__gte=today)
        .select_related("resource__campus", "booked_by")
        .order_by("resource__name", "pk")
    )
    context = {"resources": resources, "page": page, "past": past, "series": series, "now": now}
    return render(request, "residents/bookings/bookings.html", context)


@resident_required
def resource(request, pk: int):
    """A resource's week with its free slots, and the form to book (POST here)."""
    membership = request.membership
    resource = get_object_or_404(
        _resources(membership).prefetch_related(Prefetch("opening_hours")),
        pk=pk,
    )
    local_now = timezone.localtime(timezone.now(), resource.campus.tz)
    monday = week_start(_date(request.GET.get("week")) or local_now.date())
    initial = _slot_initial(request.GET.get("start"), resource)
    form = BookingForm(request.POST or None, resource=resource, initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.period()
        try:
            if form.cleaned_data["repeat_until"]:
                weekly = service.series_create(
                    resource=resource,
                    user=request.user,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    until=form.cleaned_data["repeat_until"],
                    title=form.cleaned_data["title"],
                )
            else:
                booking = service.booking_create(
                    resource=resource,
                    user=request.user,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    title=form.cleaned_data["title"],
                )
        except DomainError as error:
            form.add_refusal(error)
        else:
            if form.cleaned_data["repeat_until"]:
                booked = weekly.bookings.count()
                messages.success(
                    request,
                    _("%(resource)s is booked for %(count)s weeks.") % {"resource": resource, "count": booked},
                )
                for week in weekly.skipped:
                    messages.warning(request, _("Not booked on %(date)s: %(reason)s") % week)
                return redirect("residents:bookings")
            messages.success(
                request, _("%(resource)s is booked: %(when)s.") % {"resource": resource, "when": booking.when_display}
            )
            return redirect(booking)
    days = resource_week(resource, monday, company_id=membership.company_id)
    now = timezone.now()
    # The company's booking under way (or about to start): checked in and out right here.
    current = Booking.objects.filter(
        resource=resource,
        company=membership.company,
        status=BookingStatus.CONFIRMED,
        starts_at__lte=now + service.CHECK_IN_EARLY,
        ends_at__gt=now,
        checked_out_at__isnull=True,
    ).first()
    training = Training.objects.filter(resource=resource, user=request.user).first()
    context = {
        "resource": resource,
        "days": days,
        "monday": monday,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "this_week": week_start(local_now.date()),
        "form": form,
        "training": training,
        "trained": training is not None and training.is_valid_on(local_now.date()),
        "opening_hours": resource.opening_hours.all(),
        "current": current,
    }
    return render(request, "residents/bookings/resource.html", context, status=400 if form.errors else 200)


@resident_required
def booking(request, pk: int):
    """One of the company's bookings: its time, and moving, cancelling, checking in and out."""
    booking = get_object_or_404(
        Booking.objects.select_related("resource__campus", "booked_by", "series"),
        pk=pk,
        company=request.membership.company,
    )
    now = timezone.now()
    move_form = PeriodForm(
        request.POST or None,
        resource=booking.resource,
        initial={
            "day": booking.local_start.date(),
            "start": booking.local_start.time(),
            "duration": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
        },
    )
    if request.method == "POST" and move_form.is_valid():
        starts_at, ends_at = move_form.period()
        try:
            booking = service.booking_move(booking=booking, starts_at=starts_at, ends_at=ends_at, actor=request.user)
        except DomainError as error:
            move_form.add_refusal(error)
        else:
            messages.success(request, _("Your booking is moved to %(when)s.") % {"when": booking.when_display})
            return redirect(booking)
    cutoff = booking.starts_at - dt.timedelta(hours=booking.resource.cancel_cutoff_hours)
    context = {
        "booking": booking,
        "now": now,
        "move_form": move_form,
        "cancel_form": CancelForm(),
        "may_change": booking.is_live and now <= cutoff and service.may_change(booking, request.user),
        "cutoff": service.local(cutoff, booking.resource),
        "may_check_in": booking.status == "confirmed"
        and booking.checked_in_at is None
        and booking.starts_at - service.CHECK_IN_EARLY <= now < booking.ends_at,
        "may_check_out": booking.checked_in_at is not None and booking.checked_out_at is None,
    }
    return render(request, "residents/bookings/booking.html", context, status=400 if move_form.errors else 200)


@require_POST
@resident_required
def booking_cancel(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk, company=request.membership.company)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        service.booking_cancel(booking=booking, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(booking)
    messages.success(request, _("Your booking is cancelled; the time is free for others."))
    return redirect("residents:bookings")


@require_POST
@resident_required
def booking_check(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk, company=request.membership.company)
    out = request.POST.get("direction") == "out"
    try:
        service.booking_check(booking=booking, actor=request.user, out=out)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checked out. Thank you.") if out else _("Checked in."))
    return redirect(booking)


@require_POST
@resident_required
def series_cancel(request, pk: int):
    series = get_object_or_404(BookingSeries, pk=pk, company=request.membership.company, cancelled_at__isnull=True)
    try:
        count = service.series_cancel(series=series, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The weekly booking is cancelled: %(count)s bookings freed.") % {"count": count})
    return redirect("residents:bookings")


def _date(value: str | None) -> dt.date | None:
    """A week asked for in the address; nonsense, or a date years away, shows this week."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if day is None or abs((day - timezone.localdate()).days) > MAX_DAYS_AWAY:
        return None
    return day


def _slot_initial(value: str | None, resource: Resource) -> dict:
    """The booking form filled in from a free slot's link (``?start=2027-03-02T09:00``)."""
    try:
        start = dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        start = None
    if start is None or start.tzinfo is not None:
        return {"duration": resource.min_minutes}
    return {"day": start.date(), "start": start.time(), "duration": resource.min_minutes}
