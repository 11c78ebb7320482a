"""Working hours, the clock service-request targets are counted in.

A working day is one of ``SERVICE_WORKING_DAYS`` (Monday to Friday by default), from the start to
the end of ``SERVICE_WORKING_HOURS`` (09:00-18:00) in ``TIME_ZONE``, the campuses' local time.
A target of 4 working hours set at 17:00 on a Friday falls due at 12:00 on Monday. Public
holidays are not known to the portal: they count as working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

HOUR = dt.timedelta(hours=1)
#: How far ahead the clock looks for working time: a misconfiguration never loops for ever.
MAX_DAYS = 3660


def _windows(since: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working windows (start, end) from the day of ``since`` on, in order, in UTC."""
    tz = timezone.get_default_timezone()
    opens, closes = settings.SERVICE_WORKING_HOURS
    day = timezone.localtime(since, tz).date()
    for _step in range(MAX_DAYS):
        if day.weekday() in settings.SERVICE_WORKING_DAYS:
            yield (
                dt.datetime.combine(day, opens, tzinfo=tz).astimezone(dt.UTC),
                dt.datetime.combine(day, closes, tzinfo=tz).astimezone(dt.UTC),
            )
        day += dt.timedelta(days=1)


def working_hours_add(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment ``hours`` working hours after ``start`` (a start outside them counts from the next opening)."""
    remaining = dt.timedelta(hours=hours)
    if remaining <= dt.timedelta(0):
        return start
    for opens, closes in _windows(start):
        begin = max(opens, start)
        if begin >= closes:
            continue
        if begin + remaining <= closes:
            return begin + remaining
        remaining -= closes - begin
    raise ValueError("No working hours are configured (SERVICE_WORKING_DAYS).")


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """How many working hours lie between ``start`` and ``end`` (0 when ``end`` is not after ``start``)."""
    total = dt.timedelta(0)
    if end <= start:
        return 0.0
    for opens, closes in _windows(start):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > dt.timedelta(0):
            total += overlap
    return total / HOUR
