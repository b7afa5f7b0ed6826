"""Geometry of the terms timeline on a body's page: pure arithmetic, no ORM, no HTML.

One bar per term, on one row per term, from its first day to its last (today for a term
still running); the template draws them as inline SVG beside a table holding the same facts,
so the picture is decoration for sighted readers and nothing needs JavaScript.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WIDTH = 640
LEFT, RIGHT, TOP, ROW, BOTTOM = 170, 16, 8, 22, 30  # label column, margins, row height
NAME_CHARS = 24  # a name longer than this is cut in the picture (the table has it whole)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float  # top of the row
    name: str
    running: bool  # no last day yet


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TermsTimeline:
    width: int
    height: int
    left: int
    right: int
    bottom: float  # y of the axis
    bars: list[Bar]
    ticks: list[Tick]
    at_x: float | None  # where the date asked for falls, if inside the picture


def terms_timeline(terms, *, at: datetime.date, today: datetime.date) -> TermsTimeline | None:
    """`terms`: (name, first day, last day or None) in the order to draw them. None for no
    terms. The picture spans the first term's start to the latest end (or today, for a
    running term, or `at`)."""
    terms = list(terms)
    if not terms:
        return None
    first = min(start for _, start, _ in terms)
    last = max([end or max(today, start) for _, start, end in terms] + [at])
    first = min(first, at)
    span = max((last - first).days, 1)
    right = WIDTH - RIGHT

    def x(day: datetime.date) -> float:
        return round(LEFT + (right - LEFT) * (day - first).days / span, 1)

    bars = []
    for index, (name, start, end) in enumerate(terms):
        stop = end or max(today, start)
        width = max(x(stop) - x(start), 2.0)  # a one-day term is still visible
        short = name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"
        bars.append(Bar(x(start), round(width, 1), TOP + index * ROW, short, end is None))
    bottom = TOP + len(terms) * ROW
    step = max(1, (last.year - first.year + 1) // 8)  # at most about eight year labels
    ticks = [
        Tick(x(datetime.date(year, 1, 1)), str(year))
        for year in range(first.year + 1, last.year + 1, step)
    ] or [Tick(x(first), str(first.year))]
    return TermsTimeline(WIDTH, bottom + BOTTOM, LEFT, right, bottom, bars, ticks, x(at))
