"""Geometry of the step chart drawn on a parameter's page: pure arithmetic, no ORM, no HTML.

A parameter holds one value from a date until the next change, so the honest picture is a
step line: flat while a value is in force, vertical where it changes, broken where no rule
states it. The template turns these numbers into inline SVG; nothing needs JavaScript.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 280
# The chart drawn for a phone (web/static/web/site.css shows it below 40rem): as wide in SVG
# units as a 390px screen's column, so its 12 to 13px labels are drawn at about that size instead
# of being scaled down to 7px with the wide one, with fewer year ticks to fit.
NARROW_WIDTH, NARROW_YEARS = 360, 4
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 40, 48  # margins around the plot, room for tick labels
# Room after the last change (a tenth of the span, at least a month), so that the newest
# value — often adopted and not yet in force — is a visible run rather than a dot on the edge.
TAIL_SHARE, TAIL_DAYS = 0.1, 31
# A generous width of one character of a label (13px bold sans-serif: the CSS of `.step text`),
# to keep labels inside the picture without measuring text.
CHAR_WIDTH = 8
GAP = 6  # between a point and its label


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in SVG units
    label: str


@dataclass(frozen=True)
class Label:
    """A text at (x, y), anchored at its "start", "middle" or "end" (SVG `text-anchor`)."""

    x: float
    y: float
    text: str
    anchor: str = "start"

    @property
    def extent(self) -> tuple[float, float]:
        """Leftmost and rightmost x the text may reach (see `CHAR_WIDTH`)."""
        width = CHAR_WIDTH * len(self.text)
        start = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}
        return start[self.anchor], start[self.anchor] + width


@dataclass(frozen=True)
class Step:
    x1: float
    x2: float
    y: float
    label: str  # the value as shown, e.g. "15%"
    ongoing: bool  # still in force at the right-hand edge
    text: Label  # where the value is written: after the point, or before it near the edge


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    steps: list[Step]
    path: str  # one SVG path: runs joined by vertical risers, broken at gaps
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    today: Label | None = None  # a vertical line at x, labelled, when the chart has a today

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def step_chart(
    points: Sequence[tuple[datetime.date, datetime.date | None, Decimal | None]],
    *,
    until: datetime.date,
    unit: str = "",
    today: datetime.date | None = None,
    width: int = WIDTH,
    most_years: int = 8,
) -> StepChart | None:
    """Lay out (from, until, value) periods, oldest first; open periods run past `until` and
    the last change to the right-hand edge. `today`, if given, is marked by a labelled line.
    `width` (SVG units) and `most_years` (year ticks at most) make the phone's narrower chart.

    Returns None when no period states a value (there is nothing to draw).
    """
    valued = [(s, e, v) for s, e, v in points if v is not None]
    if not valued:
        return None
    first = points[0][0] if today is None else min(points[0][0], today)
    latest = max(until, points[-1][0], *(e for _, e, _ in points if e is not None))
    if today is not None:
        latest = max(latest, today)
    tail = max(round((latest - first).days * TAIL_SHARE), TAIL_DAYS)
    last = latest + datetime.timedelta(days=tail)
    span = max((last - first).days, 1)
    # Headroom above the highest value, so that its line and label stay clear of the top.
    top_value = _nice_ceiling(1.1 * max(float(v) for _, _, v in valued))
    left, right, top, bottom = LEFT, width - RIGHT, TOP, HEIGHT - BOTTOM

    def x(day: datetime.date) -> float:
        return round(left + (day - first).days / span * (right - left), 1)

    def y(value: Decimal) -> float:
        return round(bottom - float(value) / top_value * (bottom - top), 1)

    steps, commands, previous_end = [], [], None
    for start, end, value in _merged(points):
        if value is None:
            previous_end = None
            continue
        x1, x2, level = x(start), x(end or last), y(value)
        commands.append(f"V {level} H {x2}" if previous_end == start else f"M {x1} {level} H {x2}")
        label = format_value(value, unit)
        text = _value_label(x1, level, label, width)
        steps.append(Step(x1, x2, level, label, end is None, text))
        previous_end = end
    steps = _apart(steps)
    return StepChart(
        width=width,
        height=HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        steps=steps,
        path=" ".join(commands),
        x_ticks=[Tick(x(d), str(d.year)) for d in year_ticks(first, last, most_years)],
        y_ticks=[Tick(y(Decimal(str(v))), format_value(v, unit)) for v in value_ticks(top_value)],
        today=None if today is None else _today_label(x(today), top, width),
    )


def _value_label(x: float, y: float, text: str, width: int = WIDTH) -> Label:
    """After its point, or before it where it would run off the right-hand side."""
    after = Label(x + GAP, y, text)
    return after if after.extent[1] <= width - GAP else Label(x - GAP, y, text, "end")


# Labels sit 0.6em above their line (the template's dy); one moved below it sits this much
# lower, clear of the line (13px text).
BELOW = 20


def _apart(steps: list[Step]) -> list[Step]:
    """Move a value's label below its line where the riser up to the next value would run
    through it (two changes a year or two apart, as on the phone's narrow chart)."""
    moved = list(steps)
    for index, (here, there) in enumerate(itertools.pairwise(steps)):
        crosses = here.text.extent[0] < there.x1 < here.text.extent[1] + GAP
        if crosses and there.y < here.y and here.x2 == there.x1:
            lower = Label(here.text.x, here.y + BELOW, here.text.text, here.text.anchor)
            moved[index] = dataclasses.replace(here, text=lower)
    return moved


def _today_label(x: float, top: float, width: int = WIDTH) -> Label:
    """The word "Today" above the plot, centred on its line unless that would leave the
    picture."""
    label = Label(x, top - GAP, "Today", "middle")
    low, high = label.extent
    if high > width - GAP:
        return Label(x, top - GAP, "Today", "end")
    if low < GAP:
        return Label(x, top - GAP, "Today", "start")
    return label


def _merged(points):
    """Join a period to the one before when the value did not change (a renumbering, say)."""
    merged: list[tuple] = []
    for start, end, value in points:
        if merged and merged[-1][2] == value and merged[-1][1] == start and value is not None:
            merged[-1] = (merged[-1][0], end, value)
        else:
            merged.append((start, end, value))
    return merged


def format_value(value, unit: str = "") -> str:
    """15.0000 → "15", 12.5 → "12.5"; a % sticks to the number, other units get a space."""
    number = Decimal(str(value)).normalize()
    text = f"{number:f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def year_ticks(first: datetime.date, last: datetime.date, most: int = 8) -> list[datetime.date]:
    """1 January of every year (or every 2nd, 5th, 10th …) between the two dates."""
    years = list(range(first.year + (first != datetime.date(first.year, 1, 1)), last.year + 1))
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if len(years) / s <= most), 1000)
    return [datetime.date(year, 1, 1) for year in years if year % step == 0 or step == 1]


def value_ticks(top_value: float, count: int = 4) -> list[float]:
    return [round(top_value * i / count, 6) for i in range(count + 1)]


def _nice_ceiling(value: float) -> float:
    """The next 'round' number at or above value: 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude
