"""Citations: a rule number, in any numbering a rule ever had, resolved to the rule meant.

The one resolver behind the member page `/<rulebook>/cite/?ref=` and the API's
`/api/rulebooks/<slug>/cite/`: both ask `resolve_citation` and show its answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from rulebook.models import Rule, Rulebook, RuleVersion
from rulebook.references import written_citation

__all__ = ["CitationNotFound", "resolve_citation", "written_citation"]


class CitationNotFound(LookupError):
    """No rule of the rule book was ever numbered so."""


@dataclass(frozen=True)
class Citation:
    """A version that bore the cited number, and until when (None: still in force)."""

    version: RuleVersion
    until: datetime.date | None

    @property
    def rule(self) -> Rule:
        return self.version.rule

    def covers(self, on: datetime.date) -> bool:
        return self.version.effective_from <= on and (self.until is None or on < self.until)


@dataclass(frozen=True)
class Resolution:
    ref: str
    on: datetime.date | None
    citations: list[Citation]  # every version so numbered, oldest first
    chosen: Citation | None  # None: several rules bore the number and no date says which


def citations(*, rulebook: Rulebook, number: str) -> list[Citation]:
    """Every version of any rule that was numbered `number` (case-insensitive), oldest first;
    a written form of a number (`written_citation`) finds the number it stands for.

    One query: the date each version stopped being in force comes from a subquery.
    """
    stored = written_citation(number)
    wanted = (
        Q(number__iexact=number) | Q(number__iexact=stored) if stored else Q(number__iexact=number)
    )
    qs = (
        RuleVersion.objects.filter(wanted, rule__rulebook=rulebook)
        .with_until()
        .select_related("rule__rulebook")
        .order_by("effective_from", "rule__position")
    )
    return [Citation(version=v, until=v.until) for v in qs]


def resolve_citation(
    *, rulebook: Rulebook, ref: str, on: datetime.date | None = None
) -> Resolution:
    """The rule meant by the number `ref`, cited on `on`.

    1. Every version of any rule ever numbered `ref`; none is `CitationNotFound`.
    2. With a date: the version so numbered on that day; failing that the one so numbered
       most recently before it; failing that the first after.
    3. Without a date: the latest version so numbered if only one rule ever bore the number;
       otherwise no choice (`chosen` is None), since the number alone does not say which.
    """
    found = citations(rulebook=rulebook, number=ref)
    if not found:
        raise CitationNotFound(f"No rule in {rulebook.title} has ever been numbered {ref!r}.")
    if on is None:
        one_rule = len({c.rule.pk for c in found}) == 1
        return Resolution(ref=ref, on=on, citations=found, chosen=found[-1] if one_rule else None)
    chosen = (
        next((c for c in found if c.covers(on)), None)
        or next((c for c in reversed(found) if c.version.effective_from <= on), None)
        or found[0]
    )
    return Resolution(ref=ref, on=on, citations=found, chosen=chosen)
