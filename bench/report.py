"""The bench's one table: figures, the issue's targets beside them, and pass or FAIL.

Pure functions over plain numbers, so the arithmetic of ratios and targets is tested
(tests/test_bench.py) without running a server.
"""

from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL, NONE = "pass", "FAIL", ""


def ratio(value: float | None, baseline: float | None) -> float | None:
    """value / baseline, or None when either is missing or the baseline is zero."""
    if value is None or not baseline:
        return None
    return value / baseline


@dataclass(frozen=True)
class Target:
    """A bound on a figure: at least (`>=`) or at most (`<=`) `limit`, shown with `unit`."""

    op: str
    limit: float
    unit: str = "x"

    def __post_init__(self):
        if self.op not in (">=", "<="):
            raise ValueError(f"unknown comparison {self.op!r}")

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.limit if self.op == ">=" else value <= self.limit

    def __str__(self) -> str:
        sign = "\u2265" if self.op == ">=" else "\u2264"
        return f"{sign}{_number(self.limit)}{self.unit}"


def verdict(value: float | None, target: Target | None) -> str:
    if target is None:
        return NONE
    met = target.met(value)
    return NONE if met is None else (PASS if met else FAIL)


def cell(value: float | None, target: Target | None = None, *, unit: str = "x") -> str:
    """A figure with its target and verdict beside it: "0.31x >=0.25x pass"."""
    if value is None:
        return "-"
    text = f"{_number(value)}{unit}"
    if target is not None:
        text += f" {target} {verdict(value, target)}"
    return text


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def table(headers: list[str], rows: list[list[str] | None]) -> str:
    """Columns padded to their widest cell; None in `rows` draws a rule between groups."""
    widths = [len(h) for h in headers]
    for row in rows:
        if row is None:
            continue
        if len(row) != len(headers):
            raise ValueError(f"row of {len(row)} cells under {len(headers)} headers: {row}")
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    rule = "-+-".join("-" * w for w in widths)
    lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), rule]
    for row in rows:
        if row is None:
            lines.append(rule)
        else:
            lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def failures(text: str) -> int:
    """How many verdicts in a rendered table are FAIL."""
    return text.count(f" {FAIL}")


# The read judging a nomination event under every edition (issue 13: report its cost against
# a rule page's): named here so the parent process, which never sets Django up, can find it.
EVENT_READ = "nomination event, every edition"
