"""Vote arithmetic: pure functions over numbers, no ORM, so they are cheap to test.

`vote_record` uses them to compute a vote's result and to refuse figures that cannot be true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from proposals.models import Vote

CARRIED, LOST = Vote.Result.CARRIED, Vote.Result.LOST
SIMPLE, TWO_THIRDS = Vote.Majority.SIMPLE, Vote.Majority.TWO_THIRDS

HUNDRED = Decimal(100)
# Printed card-vote percentages are rounded to two places: allow that much slack (and a
# little more) when checking that for + against does not exceed 100 or weights sum to 100.
TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class Section:
    """One section of a card vote; all figures in percent."""

    name: str
    weight: Decimal
    for_percent: Decimal
    against_percent: Decimal

    @classmethod
    def of(cls, *, name: str, weight, for_percent, against_percent) -> Section:
        """A section from numbers as given (int, float, Decimal), to two places as stored."""

        def percent(value) -> Decimal:
            return Decimal(str(value)).quantize(Decimal("0.01"))

        return cls(name.strip(), percent(weight), percent(for_percent), percent(against_percent))


def decide(*, votes_for: Decimal | int, votes_against: Decimal | int, majority: str) -> str:
    """Carried or lost, from the votes (or weighted percentages) for and against.

    Simple majority: more for than against; a tie is lost, as a motion needs a majority.
    Two-thirds: for at least two thirds of those voting for or against.
    Assumption (the Rule Book does not say): abstentions do not count either way, as in the
    usual "of those present and voting" reading; nothing carries with no vote for it.
    """
    if majority == SIMPLE:
        return CARRIED if votes_for > votes_against else LOST
    if majority == TWO_THIRDS:
        carried = votes_for > 0 and 3 * votes_for >= 2 * (votes_for + votes_against)
        return CARRIED if carried else LOST
    raise ValueError(f"Unknown majority rule {majority!r}.")


def card_vote_totals(sections: Iterable[Section]) -> tuple[Decimal, Decimal]:
    """Weighted for and against percentages: sum of weight * percent / 100 over the sections.

    At Labour Conference CLPs and affiliates each weigh half (see
    /work/shared/context/labour-rule-history.md, "Procedure").
    """
    sections = list(sections)
    weighted_for = sum((s.weight * s.for_percent for s in sections), Decimal(0)) / HUNDRED
    weighted_against = sum((s.weight * s.against_percent for s in sections), Decimal(0)) / HUNDRED
    return weighted_for, weighted_against


def section_problems(sections: list[Section]) -> list[str]:
    """Why these card-vote sections cannot be true; empty when they can."""
    problems = []
    if not sections:
        return ["A card vote needs at least one section."]
    names = Counter(s.name for s in sections)
    problems += [f"Section {name!r} is given {n} times." for name, n in names.items() if n > 1]
    for s in sections:
        for label, value in (("weight", s.weight), ("for", s.for_percent)):
            if not Decimal(0) <= value <= HUNDRED:
                problems.append(f"Section {s.name!r}: {label} {value}% is not between 0 and 100.")
        if not Decimal(0) <= s.against_percent <= HUNDRED:
            problems.append(
                f"Section {s.name!r}: against {s.against_percent}% is not between 0 and 100."
            )
        if s.for_percent + s.against_percent > HUNDRED + TOLERANCE:
            problems.append(
                f"Section {s.name!r}: for {s.for_percent}% and against {s.against_percent}% "
                "add up to more than 100%."
            )
        if s.weight == 0:
            problems.append(f"Section {s.name!r} has no weight; leave it out instead.")
    total = sum((s.weight for s in sections), Decimal(0))
    if abs(total - HUNDRED) > TOLERANCE:
        problems.append(f"Section weights add up to {total}%, not 100%.")
    return problems


def roll_call_counts(choices: Iterable[str]) -> tuple[int, int, int]:
    """(for, against, abstentions) from each member's choice."""
    counted = Counter(choices)
    return counted["for"], counted["against"], counted["abstain"]
