"""Horizontal bar charts drawn by the server as SVG: every bar with its category and value, a legend
when there are several series, a scale under the bars, and a sentence summarising the chart for
screen readers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

# Geometry in CSS pixels: the text keeps its size at any width, and the bars are a share of the
# width (the longest 60%, leaving room for its value after it on a phone).
LABEL_HEIGHT, BAR_HEIGHT, BAR_GAP, GROUP_GAP, LEGEND_ROW = 16, 14, 4, 10, 20
SCALE_HEIGHT = 30
LONGEST_BAR = 60
LEGEND_COLUMNS = 2
#: Categories named in the summary read to screen readers; the table under the chart has them all.
SUMMARY_CATEGORIES = 12


@dataclass
class Chart:
    """Horizontal bars with their category labels and values: per category one bar per series."""

    unit: str
    series: list[str]
    points: list[tuple[str, list]] = field(default_factory=list)
    decimals: int = 2
    unit_one: str = ""  # the unit after the number 1 ("1 company"), where it differs

    def text(self, value) -> str:
        if value is None:
            return "—"
        number = formats.number_format(value, self.decimals, use_l10n=True, force_grouping=True)
        unit = self.unit_one if self.unit_one and value == 1 else self.unit
        return f"{number} {unit}".strip() if unit else number

    def top(self) -> float:
        return max((float(v) for _label, values in self.points for v in values if v is not None), default=0)

    def _legend(self) -> list[dict]:
        if len(self.series) < 2:
            return []
        width = 100 // LEGEND_COLUMNS
        return [
            {
                "name": name,
                "x": width * (i % LEGEND_COLUMNS),
                "y": 3 + LEGEND_ROW * (i // LEGEND_COLUMNS),
                "text_y": 12 + LEGEND_ROW * (i // LEGEND_COLUMNS),
                "css": f"bar series-{i}",
            }
            for i, name in enumerate(self.series)
        ]

    def _scale(self, y: int, top: float) -> dict:
        """A baseline from zero to the longest bar, with both ends marked."""
        ticks = [(share, top * share) for share in (0, 1)]
        marks = [{"x": f"{LONGEST_BAR * share:.2f}", "text": self.text(value)} for share, value in ticks]
        return {"y": y + 6, "text_y": y + 22, "ticks": marks, "end": LONGEST_BAR}

    def drawing(self) -> dict:
        """Positions and texts for the template: the legend (several series), each category, the scale."""
        top = self.top()
        scale = LONGEST_BAR / top if top > 0 else 0
        legend = self._legend()
        y = (legend[-1]["y"] + LEGEND_ROW) if legend else 0
        groups = []
        for label, values in self.points:
            bars = []
            for index, value in enumerate(values):
                bar_y = y + LABEL_HEIGHT + index * (BAR_HEIGHT + BAR_GAP)
                width = max(0.0, float(value or 0) * scale)
                bars.append(
                    {
                        "y": bar_y,
                        "text_y": bar_y + BAR_HEIGHT - 3,
                        "width": f"{width:.2f}",
                        "text": self.text(value),
                        "css": f"bar series-{index}",
                    }
                )
            groups.append({"label": label, "y": y + LABEL_HEIGHT - 4, "bars": bars})
            y += LABEL_HEIGHT + len(values) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
        return {"height": y + SCALE_HEIGHT, "groups": groups, "legend": legend, "scale": self._scale(y, top)}

    def summary(self, title: str, period: str = "") -> str:
        """The chart in one sentence: what, when, and each category's values (the first few)."""
        parts = []
        for label, values in self.points[:SUMMARY_CATEGORIES]:
            if len(self.series) > 1:
                figures = ", ".join(f"{name} {self.text(v)}" for name, v in zip(self.series, values, strict=False))
            else:
                figures = self.text(values[0]) if values else "—"
            parts.append(f"{label}: {figures}")
        more = len(self.points) - SUMMARY_CATEGORIES
        if more > 0:
            parts.append(_("and %(count)s more in the table") % {"count": more})
        head = f"{title}, {period}" if period else str(title)
        return f"{head}. " + ("; ".join(parts) if parts else _("No data for this period."))
