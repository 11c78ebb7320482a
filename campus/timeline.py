"""Space over time in one building: who holds each space when, what falls free, and each floor today.

Reads for the staff pages under /staff/space/. Each function reads the building's spaces and the
allocations it needs in two queries, whatever their number, and does the rest in Python; the
timeline also computes the drawing (positions in CSS pixels), which the template turns into SVG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Allocation, Building, Space
from .models.allocations import area_display

#: How far back and ahead the timeline reaches.
PAST_DAYS, MONTHS_AHEAD = 365, 12
#: The horizons of the vacancies ahead, in days, and when an allocation counts as ending soon.
HORIZONS = (30, 90, 180)
ENDING_SOON_DAYS = 90
# Geometry of the timeline, in CSS pixels: wide enough to read a month, scrolled sideways on a phone.
LABEL_WIDTH, CHART_WIDTH, AXIS_HEIGHT, LANE_HEIGHT, ROW_GAP = 112, 960, 44, 22, 8
CHAR_WIDTH = 6.5  # of the bars' 11px text, to cut a label to what fits in its bar


def building_today(building: Building) -> dt.date:
    """Today on the building's campus."""
    return timezone.localdate(timezone=building.campus.tz)


def _spaces(building: Building, start: dt.date, end: dt.date | None) -> list[Space]:
    """The building's spaces, floor by floor, each with its allocations touching ``start``..``end``."""
    allocations = Allocation.objects.overlapping(start, end).select_related("company").order_by("starts_on", "pk")
    return list(
        building.spaces.order_by("floor", "code").prefetch_related(
            Prefetch("allocations", queryset=allocations, to_attr="in_view")
        )
    )


def _active(allocations: list[Allocation], day: dt.date) -> list[Allocation]:
    return [a for a in allocations if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)]


def _free_on(space: Space, day: dt.date) -> Decimal:
    return space.area_m2 - sum((a.area_m2 for a in _active(space.in_view, day)), Decimal(0))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, days[month - 1]))


# --- The timeline ------------------------------------------------------------------------------


@dataclass
class Bar:
    allocation: Allocation
    x: float
    y: float
    width: float
    text: str
    label: str
    css: str


@dataclass
class Row:
    space: Space
    y: float
    height: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    building: Building
    today: dt.date
    start: dt.date
    end: dt.date
    rows: list[Row]
    ticks: list[dict]
    today_x: float
    width: int = LABEL_WIDTH + CHART_WIDTH
    height: float = 0

    @property
    def allocations(self) -> list[tuple[Space, Allocation]]:
        """Every allocation drawn, for the table that says the same in words."""
        return [(row.space, bar.allocation) for row in self.rows for bar in row.bars]


def allocation_label(allocation: Allocation) -> str:
    return _("%(company)s, %(period)s, %(area)s m²") % {
        "company": allocation.company,
        "period": allocation.period_display,
        "area": area_display(allocation.area_m2),
    }


def _lanes(allocations: list[Allocation]) -> list[int]:
    """A lane for each allocation so that two sharing a day never sit on the same line."""
    ends: list[dt.date | None] = []
    lanes = []
    for allocation in allocations:
        lane = next((i for i, end in enumerate(ends) if end is not None and end < allocation.starts_on), len(ends))
        if lane == len(ends):
            ends.append(None)
        ends[lane] = allocation.ends_on
        lanes.append(lane)
    return lanes


def _bar_css(allocation: Allocation, today: dt.date) -> str:
    if allocation.ends_on is None or allocation.ends_on > today + dt.timedelta(days=ENDING_SOON_DAYS):
        return "bar"
    return "bar past" if allocation.ends_on < today else "bar ending"


def building_timeline(building: Building, today: dt.date | None = None) -> Timeline:
    """Each space of ``building`` a row, its allocations from a year ago to 12 months ahead as bars."""
    today = today or building_today(building)
    start, end = today - dt.timedelta(days=PAST_DAYS), _add_months(today, MONTHS_AHEAD)
    scale = CHART_WIDTH / ((end - start).days + 1)

    def x(day: dt.date) -> float:
        return round(LABEL_WIDTH + (min(max(day, start), end + dt.timedelta(days=1)) - start).days * scale, 1)

    rows, y = [], AXIS_HEIGHT
    for space in _spaces(building, start, end):
        lanes = _lanes(space.in_view)
        row = Row(space=space, y=y, height=max(lanes, default=0) * LANE_HEIGHT + LANE_HEIGHT + ROW_GAP)
        for allocation, lane in zip(space.in_view, lanes, strict=True):
            left = x(allocation.starts_on)
            right = x((allocation.ends_on or end) + dt.timedelta(days=1))
            text = f"{allocation.company} · {area_display(allocation.area_m2)} m²"
            fits = int((right - left - 6) / CHAR_WIDTH)
            css = _bar_css(allocation, today)
            row.bars.append(
                Bar(
                    allocation=allocation,
                    x=left,
                    y=y + ROW_GAP // 2 + lane * LANE_HEIGHT,
                    width=round(max(right - left, 2), 1),
                    text=text if len(text) <= fits else (text[: fits - 1] + "…" if fits > 3 else ""),
                    label=allocation_label(allocation),
                    css=css,
                )
            )
        rows.append(row)
        y += row.height
    ticks, month = [], start.replace(day=1)
    while month <= end:
        if month >= start:
            year = str(month.year) if month.month == 1 or not ticks else ""
            ticks.append({"x": x(month), "label": formats.date_format(month, "M"), "year": year})
        month = _add_months(month, 1)
    return Timeline(building, today, start, end, rows, ticks, today_x=x(today), height=y + 4)


# --- Vacancies ahead ---------------------------------------------------------------------------


@dataclass
class Vacancy:
    space: Space
    free_m2: Decimal
    since: dt.date  # the first day of the free area, today or later

    @property
    def free_display(self) -> str:
        return area_display(self.free_m2)


@dataclass
class Horizon:
    days: int
    on: dt.date
    vacancies: list[Vacancy]

    @property
    def free_total(self) -> str:
        return area_display(sum((v.free_m2 for v in self.vacancies), Decimal(0)))


def _free_since(space: Space, today: dt.date, day: dt.date, free: Decimal) -> dt.date:
    """The first day from which at least ``free`` m² stay free every day until ``day``."""
    changes = {today}
    for allocation in space.in_view:
        changes.add(allocation.starts_on)
        if allocation.ends_on is not None:
            changes.add(allocation.ends_on + dt.timedelta(days=1))
    since = day
    for change in sorted((c for c in changes if today <= c <= day), reverse=True):
        since = change
        if change > today and _free_on(space, change - dt.timedelta(days=1)) < free:
            break
    return since


def vacancies_ahead(building: Building, today: dt.date | None = None) -> list[Horizon]:
    """For each horizon, the lettable spaces with area free that day (allocations ending before it
    counted out), how much and from when."""
    today = today or building_today(building)
    last = today + dt.timedelta(days=max(HORIZONS))
    spaces = [space for space in _spaces(building, today, last) if space.lettable]
    horizons = []
    for days in HORIZONS:
        day = today + dt.timedelta(days=days)
        vacancies = []
        for space in spaces:
            free = _free_on(space, day)
            if free > 0:
                vacancies.append(Vacancy(space, free, _free_since(space, today, day, free)))
        horizons.append(Horizon(days, day, sorted(vacancies, key=lambda v: (v.since, v.space.floor, v.space.code))))
    return horizons


# --- Floors ------------------------------------------------------------------------------------

#: A tile's status: its key (the CSS class), its name in the legend and on the tile.
STATUSES = {
    "free": gettext_lazy("Free"),
    "allocated": gettext_lazy("Allocated"),
    "ending": gettext_lazy("Ending soon"),
    "unlettable": gettext_lazy("Not lettable"),
}


@dataclass
class Tile:
    space: Space
    status: str
    basis: float  # share of the floor's area, in %: how much the tile grows next to the others
    free_m2: Decimal
    holders: list[Allocation]

    @property
    def status_name(self) -> str:
        return STATUSES[self.status]

    @property
    def free_display(self) -> str:
        return area_display(self.free_m2)

    @property
    def ends_on(self) -> dt.date | None:
        ends = [a.ends_on for a in self.holders if a.ends_on is not None]
        return min(ends) if ends else None


@dataclass
class Floor:
    number: int
    area_m2: Decimal
    tiles: list[Tile]


def _status(space: Space, holders: list[Allocation], today: dt.date) -> str:
    if not space.lettable:
        return "unlettable"
    if not holders:
        return "free"
    soon = today + dt.timedelta(days=ENDING_SOON_DAYS)
    if any(a.ends_on is not None and a.ends_on <= soon for a in holders):
        return "ending"
    return "allocated"


def building_floors(building: Building, today: dt.date | None = None) -> list[Floor]:
    """Each floor's spaces today, as tiles sized by their share of the floor's area."""
    today = today or building_today(building)
    floors: dict[int, list[Space]] = {}
    for space in _spaces(building, today, today):
        floors.setdefault(space.floor, []).append(space)
    result = []
    for number, spaces in sorted(floors.items()):
        total = sum((space.area_m2 for space in spaces), Decimal(0))
        tiles = [
            Tile(
                space=space,
                status=_status(space, space.in_view, today),
                basis=round(float(space.area_m2 / total * 100), 2),
                free_m2=_free_on(space, today),
                holders=space.in_view,
            )
            for space in sorted(spaces, key=lambda s: (-s.area_m2, s.code))
        ]
        result.append(Floor(number, total, tiles))
    return result
