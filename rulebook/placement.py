"""Where a rule sits on a date: pure work over placements, no ORM.

Each rule version records its rule's placement while it is in force: a parent (None for a
chapter) and a *sibling key*, a string that sorts the rule among the children of that parent.
Keys are digit strings compared as text, like the decimals 0.15 < 0.2 < 0.25, so a key can
always be found between two others without changing anyone else's key — which matters because
versions are immutable: inserting a rule or moving one never touches the placement recorded by
other rules' versions. A key never ends in "0" (there would be nothing between "1" and "10").

The document order on a date is then a walk of the tree the versions in force describe,
children in key order, parents before children (`document_order`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

DIGITS = "0123456789"


def key_between(before: str | None, after: str | None) -> str:
    """A sibling key sorting strictly after `before` and strictly before `after` (None: no
    bound on that side). Both keys, when given, must be valid (digits, no trailing "0") and in
    order."""
    low = before or ""
    if after is not None and not low < after:
        raise ValueError(f"No key between {before!r} and {after!r}: they are not in order.")
    return _midpoint(low, after)


def _midpoint(low: str, high: str | None) -> str:
    # After David Greenspan's "fractional indexing": keep the common prefix, then pick a digit
    # between the first differing ones, or go one digit deeper when they are adjacent.
    if high is not None:
        common = 0
        while common < len(high) and (low[common] if common < len(low) else "0") == high[common]:
            common += 1
        if common:
            return high[:common] + _midpoint(low[common:], high[common:])
    digit_low = int(low[0]) if low else 0
    digit_high = int(high[0]) if high is not None else 10
    if digit_high - digit_low > 1:
        return str((digit_low + digit_high) // 2)
    if high is not None and len(high) > 1:
        return high[0]
    return str(digit_low) + _midpoint(low[1:], None)


def keys_in_order(count: int) -> list[str]:
    """`count` evenly spread keys in increasing order ("15", "25" … for up to ten), for a
    run of siblings placed at once (an import, the migration that introduced placements)."""
    width = len(str(max(count - 1, 0)))
    return [f"{index:0{width}d}5" for index in range(count)]


@dataclass(frozen=True)
class Placed:
    """One rule in the tree on a date: `shown` is False for one not in force that day (not yet
    made, or repealed), whose children still hang where it sits."""

    rule: Hashable
    parent: Hashable | None
    key: str
    tiebreak: int
    shown: bool = True


def document_order(placed: Iterable[Placed]) -> list[tuple[Hashable, int]]:
    """The shown rules in document order with their depth: parents before children, children
    in sibling-key order (ties, which only a hand-made history can produce, broken by
    `tiebreak`). A rule whose parent is not shown sits at the depth of its nearest shown
    ancestor; a rule whose parent is unknown is taken as a top-level rule."""
    placed = list(placed)
    known = {p.rule for p in placed}
    children: dict[Hashable | None, list[Placed]] = defaultdict(list)
    for item in placed:
        children[item.parent if item.parent in known else None].append(item)
    for items in children.values():
        items.sort(key=lambda p: (p.key, p.tiebreak))
    order: list[tuple[Hashable, int]] = []
    seen: set[Hashable] = set()
    stack = [(item, 0) for item in reversed(children[None])]
    while stack:
        item, depth = stack.pop()
        if item.rule in seen:
            continue  # a cycle in hand-made data: show each rule once
        seen.add(item.rule)
        if item.shown:
            order.append((item.rule, depth))
        below = depth + 1 if item.shown else depth
        stack.extend((child, below) for child in reversed(children[item.rule]))
    return order
