"""Computed thresholds: a percentage of one quantity, or of a sum of quantities, rounded as
the rule says (issue 13). Pure: plain values in, a `Computed` with its working out; no ORM.

"20 % of 198 Commons members of the PLP = 39.6 → 40 nominations". Decimal arithmetic only,
so exact boundaries stay exact: 15 % of 20 is 3, not 3.0000000000000004 rounded up to 4.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

UP, DOWN, NEAREST = "up", "down", "nearest"
UNAVAILABLE, ZERO = "unavailable", "zero"
_ROUNDING = {UP: ROUND_CEILING, DOWN: ROUND_FLOOR, NEAREST: ROUND_HALF_UP}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Input:
    """One quantity's value on the date (None when it has none then), with its source."""

    key: str
    label: str
    value: Decimal | None
    effective_from: datetime.date | None = None
    source: str = ""
    confidence: str = ""

    @property
    def shown(self) -> str:
        """The value as written in the working ("232", "12.5"), or "" for none."""
        return "" if self.value is None else _plain(self.value)


@dataclass(frozen=True)
class Computed:
    """The figure a percentage comes to on a date, or why there is none (`reason`)."""

    percentage: Decimal
    inputs: tuple[Input, ...]
    rounding: str
    unit: str
    base: Decimal | None = None
    exact: Decimal | None = None
    figure: int | None = None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.figure is not None

    @property
    def working(self) -> str:
        """The sum as a member checks it, e.g. "15 % of (232 Commons members of the PLP + 20
        members of the EPLP = 252) = 37.8 → 38 nominations"."""
        percent = f"{_plain(self.percentage)} %"
        if not self.available:
            return f"{percent} of {self._of()}: no figure ({self.reason})"
        exact = _plain(self.exact)
        unit = f" {self.unit}" if self.unit else ""
        result = f"{exact}{unit}" if self.exact == self.figure else f"{exact} → {self.figure}{unit}"
        return f"{percent} of {self._of()} = {result}"

    def _of(self) -> str:
        terms = [
            f"{i.label} (no value)" if i.value is None else f"{_plain(i.value)} {i.label}"
            for i in self.inputs
        ]
        if len(terms) == 1:
            return terms[0]
        total = "" if self.base is None else f" = {_plain(self.base)}"
        return f"({' + '.join(terms)}{total})"


def compute_threshold(
    *,
    percentage: Decimal,
    inputs: Sequence[Input],
    rounding: str,
    when_absent: str = UNAVAILABLE,
    unit: str = "",
) -> Computed:
    """`percentage` % of the sum of `inputs`, rounded by `rounding` (up, down or nearest with
    halves up) to a whole number.

    A missing input (value None) makes the figure unavailable, naming it, unless
    `when_absent` is "zero" (the basis counts a body that no longer exists as none); with no
    inputs at all there is nothing to take a percentage of.
    """
    if rounding not in _ROUNDING:
        raise ValueError(f"Unknown rounding {rounding!r}: use up, down or nearest.")
    inputs = tuple(inputs)
    computed = Computed(percentage=percentage, inputs=inputs, rounding=rounding, unit=unit)
    if not inputs:
        return _with(computed, reason="the basis names no quantity")
    missing = [i.label for i in inputs if i.value is None]
    if missing and when_absent != ZERO:
        return _with(computed, reason=f"no value recorded on the date for {', '.join(missing)}")
    base = sum((i.value for i in inputs if i.value is not None), Decimal(0))
    exact = percentage * base / HUNDRED
    figure = int(exact.to_integral_value(rounding=_ROUNDING[rounding]))
    return _with(computed, base=base, exact=exact, figure=figure)


def qualifies(count: int, computed: Computed) -> bool | None:
    """Whether `count` nominations reach the figure: None when there is no figure."""
    return None if not computed.available else count >= computed.figure


def _with(computed: Computed, **changes) -> Computed:
    return Computed(**{**computed.__dict__, **changes})


def _plain(value: Decimal) -> str:
    """39.6 for Decimal("39.6000"), 40 for Decimal("40.00"): no exponent, no trailing zeros."""
    return f"{value.normalize():f}"
