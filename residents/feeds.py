"""What each calendar feed holds, rendered as iCalendar by ``common.ics``.

- **A person's feed**: the live bookings they made (confirmed, or waiting for approval, shown as
  tentative), and, for a member of an advisory committee, the committee meetings they are invited
  to, with the place and video link but not the agenda (it may name companies a blind review
  hides). In the language the person chose for e-mails.
- **A resource's feed**: its live bookings as "Booked" (or "Waiting for approval"), never who
  booked or why: staff issue it to put on a screen by the door or to share with the people who use
  an instrument, so it says only when the resource is taken. In the site's language.

Bookings cancelled or declined are left out rather than sent as ``STATUS:CANCELLED``: a
subscribed calendar replaces its copy with each fetch, so an event no longer in the feed
disappears, and a cancelled slot stays private. Every feed shows the last ``PAST_DAYS`` days and
everything ahead. ``SEQUENCE`` is the number of changes recorded in the booking's history, so a
moved booking's number goes up. Times are UTC; ``X-WR-TIMEZONE`` names the campus's zone.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advisory.models import AdvisoryMember, Meeting
from common import ics

from .choices import BookingStatus
from .models import Booking, CalendarFeed, Membership

PAST_DAYS = 90


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _bookings(since: dt.datetime):
    history = (
        Booking.history.model.objects.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(changes=Count("history_id"))
        .values("changes")[:1]
    )
    return (
        Booking.objects.live()
        .filter(ends_at__gte=since)
        .select_related("resource__campus", "resource__space__building", "company")
        .annotate(sequence=Coalesce(Subquery(history), Value(1)) - 1)
        .order_by("starts_at", "pk")
    )


def _status(booking: Booking) -> str:
    return "TENTATIVE" if booking.status == BookingStatus.REQUESTED else "CONFIRMED"


def _place(booking: Booking) -> str:
    resource = booking.resource
    if resource.location:
        return resource.location
    if resource.space_id:
        return f"{resource.space.building.name} {resource.space.code}"
    return ""


def _own_booking(booking: Booking, host: str) -> ics.Event:
    resource = booking.resource.display_name
    summary = f"{resource}: {booking.title}" if booking.title else resource
    details = [booking.company.name]
    if booking.status == BookingStatus.REQUESTED:
        details.append(_("Waiting for approval by the campus team."))
    return ics.Event(
        uid=f"booking-{booking.pk}@{host}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=summary,
        stamp=booking.updated_at,
        sequence=booking.sequence,
        location=" · ".join(filter(None, [resource, _place(booking)])),
        description="\n".join(details),
        status=_status(booking),
    )


def _slot(booking: Booking, host: str) -> ics.Event:
    """A resource's booking as anyone may see it: taken, not by whom."""
    requested = booking.status == BookingStatus.REQUESTED
    return ics.Event(
        uid=f"slot-{booking.pk}@{host}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=_("Waiting for approval") if requested else _("Booked"),
        stamp=booking.updated_at,
        sequence=booking.sequence,
        location=_place(booking),
        status=_status(booking),
    )


def _meeting(meeting: Meeting, host: str) -> ics.Event:
    return ics.Event(
        uid=f"meeting-{meeting.pk}@{host}",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=meeting.title,
        stamp=meeting.starts_at,
        location=meeting.place,
        description=meeting.video_link,
    )


def _person_calendar(user, membership: Membership | None, since: dt.datetime) -> bytes:
    host = _host()
    member = AdvisoryMember.objects.select_related("committee__campus").filter(user=user).first()
    events = [_own_booking(booking, host) for booking in _bookings(since).filter(booked_by=user)]
    if member is not None:
        meetings = (
            Meeting.objects.filter(invitees=member)
            .filter(starts_at__gte=since - dt.timedelta(days=1))
            .order_by("starts_at", "pk")
        )
        events += [_meeting(meeting, host) for meeting in meetings]
    campus = membership.company.campus if membership else (member.committee.campus if member else None)
    return ics.calendar(
        name=_("I·Campus: my bookings and meetings"),
        time_zone=campus.time_zone if campus else settings.TIME_ZONE,
        events=sorted(events, key=lambda event: (event.starts_at, event.uid)),
    )


def _resource_calendar(resource, since: dt.datetime) -> bytes:
    host = _host()
    bookings = _bookings(since).filter(resource=resource)
    return ics.calendar(
        name=_("%(resource)s · bookings") % {"resource": resource.display_name},
        time_zone=resource.campus.time_zone,
        events=[_slot(booking, host) for booking in bookings],
    )


def feed_calendar(feed: CalendarFeed, now: dt.datetime | None = None) -> bytes:
    """The feed's calendar as iCalendar bytes, in its owner's language."""
    since = (now or timezone.now()) - dt.timedelta(days=PAST_DAYS)
    if feed.resource_id is not None:
        with translation.override(settings.LANGUAGE_CODE):
            return _resource_calendar(feed.resource, since)
    membership = Membership.objects.select_related("company__campus").filter(user_id=feed.user_id).first()
    with translation.override(membership.language if membership else settings.LANGUAGE_CODE):
        return _person_calendar(feed.user, membership, since)
