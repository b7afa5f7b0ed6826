"""Vote arithmetic: pure functions over numbers, no ORM, so they are cheap to test.

`vote_record` uses them to compute a vote's result and to refuse figures that cannot be true;
`arithmetic` shows members how the figures give the result (`Vote.arithmetic`, read by the
pages and the API).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


@dataclass(frozen=True)
class Arithmetic:
    """How a vote's figures give its result, as the pages and the API show it.

    `weighted_for` / `weighted_against`: a card vote's weighted percentages (None otherwise);
    `for_share`: for a two-thirds vote, the percentage for of those voting for or against,
    against the threshold (None otherwise); `text`: the sentence, e.g. "CLPs 60.1 % and
    Affiliates 45 % at 50/50 → 52.55 % for, 41.95 % against" or "68.2 % for, two thirds
    needed" ("" when the counts say it all: a simple majority of hands or names).
    """

    weighted_for: Decimal | None = None
    weighted_against: Decimal | None = None
    for_share: Decimal | None = None
    text: str = ""


def arithmetic(
    *,
    method: str,
    majority: str,
    votes_for: int | None,
    votes_against: int | None,
    sections: list[Section],
) -> Arithmetic:
    """The arithmetic behind a vote's result (see `Arithmetic`), computed with `decide`'s
    rules: weighted totals by `card_vote_totals`, the two-thirds share of those voting for or
    against."""
    weighted = None
    if method == Vote.Method.CARD_VOTE and sections:
        weighted = tuple(_places(v, "0.01") for v in card_vote_totals(sections))
        votes_for, votes_against = weighted
    share = None
    if majority == TWO_THIRDS and votes_for is not None and votes_against is not None:
        voting = Decimal(votes_for) + Decimal(votes_against)
        if voting:
            share = _places(HUNDRED * votes_for / voting, "0.1")
    parts = []
    if weighted is not None:
        parts.append(_weighted_text(sections, *weighted))
    if share is not None:
        parts.append(f"{percent(share)} % for, two thirds needed")
    return Arithmetic(
        weighted_for=weighted and weighted[0],
        weighted_against=weighted and weighted[1],
        for_share=share,
        text="; ".join(parts),
    )


def _places(value: Decimal, places: str) -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percent(value: Decimal) -> str:
    """A percentage as printed: no trailing zeros ("60.1", "50", "52.55")."""
    return format(Decimal(value).normalize(), "f")


def _weighted_text(sections: list[Section], weighted_for, weighted_against) -> str:
    totals = f"{percent(weighted_for)} % for, {percent(weighted_against)} % against"
    if len(sections) == 1:  # one section of weight 100: its figures are the totals
        return totals
    shares = [f"{s.name} {percent(s.for_percent)} %" for s in sections]
    named = ", ".join(shares[:-1]) + " and " + shares[-1]
    weights = "/".join(percent(s.weight) for s in sections)
    return f"{named} at {weights} → {totals}"
