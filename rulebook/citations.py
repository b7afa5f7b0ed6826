"""Citations: a rule number, in any numbering a rule ever had, resolved to the rule meant.

The one resolver behind the member page `/<rulebook>/cite/?ref=` and the API's
`/api/rulebooks/<slug>/cite/`: both ask `resolve_citation` and show its answer.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q

from rulebook.models import Rule, Rulebook, RuleVersion


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


# The written forms of a number in the chapter / clause / paragraph / sub-paragraph / item
# scheme (4.II.2.B.i): dotted, with a "C" or "Rule" in front (C5.IV.5), or in words
# (Chapter 4 Clause II.2.B); and the older run-together style (Rule 4B(2)Bii), which is
# stored as printed. Levels: chapter 1-99, clause a Roman numeral, paragraph 1-99, a letter,
# item a small Roman numeral.
_ROMAN = r"(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_LEVELS = (r"\d{1,2}", _ROMAN, r"\d{1,2}", r"[a-z]", _ROMAN)
_PREFIX = re.compile(r"^(?:(?:rule|chapter|ch|c)\b\.?\s*|c(?=\d))")
_LEVEL_WORDS = re.compile(r"\b(?:clause|paragraph|para|sub-paragraph|subparagraph|item)\b\.?")
_SEPARATORS = re.compile(r"[\s.,]+")
_OLD_STYLE = re.compile(r"^(?:rule\s*)?(\d{1,2})([a-z])\((\d{1,2})\)([a-z])(" + _ROMAN + r")?$")


def written_citation(text: str) -> str | None:
    """The number `text` cites, in the form numbers are stored (4.II.2.B.i, Rule 4B(2)Bii),
    or None if `text` is not recognisably a citation. Pure; never guesses: a bare "4" or a
    level out of place (4.2, 4.II.X) is None.

    1. Lower-case; the old run-together style is recognised whole.
    2. Drop a leading "Rule", "Chapter", "Ch" or "C", and the words clause, paragraph …
    3. What is left must be one to five levels in order, separated by dots (or, after a
       word such as "chapter", by spaces and commas too); a bare chapter number needs a
       word in front ("chapter 4").
    """
    cleaned = " ".join(text.lower().split())
    old = _OLD_STYLE.match(cleaned)
    if old:
        chapter, clause, paragraph, letter, item = old.groups()
        return f"Rule {chapter}{clause.upper()}({paragraph}){letter.upper()}{item or ''}"
    body, prefixed = _PREFIX.sub("", cleaned, count=1), _PREFIX.match(cleaned) is not None
    worded = _LEVEL_WORDS.search(body) is not None
    parts = [p for p in _SEPARATORS.split(_LEVEL_WORDS.sub(" ", body)) if p]
    if not parts or len(parts) > len(_LEVELS) or (len(parts) == 1 and not prefixed):
        return None
    if not (prefixed or worded) and not re.fullmatch(r"[\w.]+", body):
        return None  # "4 ii 2" is as likely words as a number: only dots make it one
    if not all(re.fullmatch(level, part) for level, part in zip(_LEVELS, parts, strict=False)):
        return None
    shaped = [p.upper() if i in (1, 3) else p for i, p in enumerate(parts)]
    return ".".join(shaped)


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
