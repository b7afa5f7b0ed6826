"""Cross-references inside rule texts: which written forms cite another rule, and which rule
each one means on a date.

Pure functions over strings (no ORM), so they are property-tested (tests/test_references.py).
A reference is recognised only in forms the rule book itself writes:

- "Chapter 4 Clause II.2.B" (also "Chapter 4, Clause II.2.B")  → number ``4.II.2.B``
- "4.II.2.B.i", "rule 3.III.2.H", "Clause 4.II"                 → the dotted number itself
- "Clause VIII" / "Clause II.2" with no chapter                  → relative to the citing
  rule's own chapter (``4.VIII`` when cited from a rule of Chapter 4); no chapter known → left
  as text
- "Chapter 2"                                                     → ``Chapter 2``
- an old-style citation "Rule 4B(2)Bii"                           → ``Rule 4B(2)Bii``

Recognising is not resolving: `resolve` links a reference only when exactly one rule bore
that number (case-insensitive) on the day that matters and was not repealed then. An
unknown number, a number two rules shared, or a repealed target is left as text: never
guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A Roman numeral up to 399, not empty (the lookahead), as clause numbers are written.
_ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# Further levels: a number, a capital letter, or a lower-case Roman numeral.
_LEVEL = r"(?:\d{1,3}|[A-Z]|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_TAIL = rf"(?:\.{_LEVEL})*"
# A reference ends at a word boundary, not inside "4B(2)…" and not before another level that
# did not parse ("4.II.2.Bx" is not read as 4.II.2).
_END = r"(?![\w(]|\.\w)"

_PATTERN = re.compile(
    "|".join(
        (
            # Chapter 4 Clause II.2.B
            rf"(?P<cc>\b[Cc]hapter\s+(?P<cc_ch>\d{{1,2}})\s*,?\s+[Cc]lause\s+"
            rf"(?P<cc_rest>{_ROMAN}{_TAIL}){_END})",
            # 4.II.2.B.i, rule 3.III.2.H, Clause 4.II
            rf"(?P<dot>\b(?:(?:[Rr]ule|[Cc]lause)\s+)?(?P<dot_num>\d{{1,2}}\.{_ROMAN}{_TAIL}){_END})",
            # Rule 4B(2)Bii (the pre-2014 numbering)
            rf"(?P<old>\b[Rr]ule\s+(?P<old_num>\d{{1,2}}[A-Z]\(\d{{1,2}}\)[A-Z]?[ivx]{{0,6}}){_END})",
            # Clause VIII, Clause II.2.B: within the citing rule's chapter
            rf"(?P<rel>\b[Cc]lause\s+(?P<rel_num>{_ROMAN}{_TAIL}){_END})",
            # Chapter 2
            r"(?P<ch>\b[Cc]hapter\s+(?P<ch_num>\d{1,2})\b(?!\.\d))",
        )
    )
)
_CHAPTER_OF = re.compile(r"^(?:[Cc]hapter\s+)?(\d{1,2})(?:\.|$)")


@dataclass(frozen=True)
class Mention:
    """Where a text cites a rule number: `text[start:end]` is what it wrote, `number` the
    rule number it means (as the rule book writes numbers)."""

    start: int
    end: int
    number: str


def chapter_of(number: str) -> str | None:
    """The chapter a rule number belongs to: "4" for "4.II.2.B" and "Chapter 4"."""
    match = _CHAPTER_OF.match(number.strip())
    return match.group(1) if match else None


def find_mentions(text: str, *, chapter: str | None = None) -> list[Mention]:
    """Every reference `text` writes, in order, without overlaps. `chapter` is the citing
    rule's chapter, for "Clause VIII" written without one; without it those are skipped."""
    mentions = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup
        if match.group("cc"):
            number = f"{match.group('cc_ch')}.{match.group('cc_rest')}"
        elif match.group("dot"):
            number = match.group("dot_num")
        elif match.group("old"):
            number = f"Rule {match.group('old_num')}"
        elif match.group("rel"):
            if chapter is None:
                continue
            number = f"{chapter}.{match.group('rel_num')}"
        elif match.group("ch"):
            number = f"Chapter {match.group('ch_num')}"
        else:  # pragma: no cover - the alternation has no other branch
            raise AssertionError(kind)
        mentions.append(Mention(match.start(), match.end(), number))
    return mentions


@dataclass(frozen=True)
class Numbered:
    """One version's number, and the days it was in force: [effective_from, until)."""

    rule_id: int
    number: str
    effective_from: datetime.date
    until: datetime.date | None
    repealed: bool

    def covers(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.until is None or on < self.until)


def numbering(versions: Iterable[Numbered]) -> dict[str, list[Numbered]]:
    """Versions by lower-cased number, for `resolve`."""
    found: dict[str, list[Numbered]] = {}
    for version in versions:
        found.setdefault(version.number.strip().lower(), []).append(version)
    return found


def resolve(number: str, *, on: datetime.date, numbers: Mapping[str, list[Numbered]]) -> int | None:
    """The rule numbered `number` on `on`, if exactly one rule was and it stood unrepealed;
    otherwise None (unknown, shared or repealed: left as text)."""
    bearing = {v.rule_id for v in numbers.get(number.strip().lower(), ()) if v.covers(on)}
    if len(bearing) != 1:
        return None
    (rule_id,) = bearing
    return (
        None
        if any(
            v.repealed
            for v in numbers[number.strip().lower()]
            if v.rule_id == rule_id and v.covers(on)
        )
        else rule_id
    )
