"""iCalendar (RFC 5545) output for the calendar feeds, written by hand.

Only what a subscribed calendar needs: a VCALENDAR of VEVENTs, every time in UTC (``…Z``), so a
reader in any zone, with or without daylight saving, sees the right instant; the campus's zone is
named in ``X-WR-TIMEZONE`` for clients that show it. Lines end in CRLF and are folded at 75 octets
without splitting a UTF-8 character; text values escape ``\\ ; ,`` and newlines, and lose other
control characters, which the format does not allow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//I·Campus Portal//Calendar feeds//EN"
LINE_OCTETS = 75
CRLF = "\r\n"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # HTAB stays; newlines are escaped first


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    stamp: dt.datetime
    sequence: int = 0
    location: str = ""
    description: str = ""
    status: str = "CONFIRMED"  # CONFIRMED or TENTATIVE


def escape(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and every newline escaped, other controls dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return CONTROL.sub("", value)


def utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form: ``20270303T010000Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split ``line`` into lines of at most 75 octets, continuation lines starting with a space."""
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # the leading space counts
        if size + octets > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def _event_lines(event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(event.uid)}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"LAST-MODIFIED:{utc(event.stamp)}",
        f"SEQUENCE:{max(event.sequence, 0)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape(event.summary)}",
        f"STATUS:{event.status}",
        "TRANSP:OPAQUE",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(*, name: str, time_zone: str, events: Iterable[Event], refresh_minutes: int = 60) -> bytes:
    """The whole feed as UTF-8 bytes, CRLF line endings, folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{escape(time_zone)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_minutes}M",
        f"X-PUBLISHED-TTL:PT{refresh_minutes}M",
    ]
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")
