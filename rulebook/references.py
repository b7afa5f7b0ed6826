"""The written forms of a rule number, in one place: a whole citation typed by a person
(`written_citation`, for the search box and `/cite/`), references inside rule texts
(`find_mentions`), and which rule each one means on a date (`resolve`).

Pure functions over strings (no ORM), so they are property-tested (tests/test_references.py,
tests/test_citation_forms.py). Inside prose a reference is recognised only in forms the rule
book itself writes, and every one is then read by `written_citation`, so a reference and a
typed citation of the same words always mean the same number:

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

# The written forms of a number in the chapter / clause / paragraph / sub-paragraph / item
# scheme (4.II.2.B.i): dotted, with a "C" or "Rule" in front (C5.IV.5), or in words
# (Chapter 4 Clause II.2.B); and the older run-together style (Rule 4B(2)Bii), which is
# stored as printed. Levels: chapter 1-99, clause a Roman numeral, paragraph 1-99, a letter,
# item a small Roman numeral.
_SMALL_ROMAN = r"(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_LEVELS = (r"\d{1,2}", _SMALL_ROMAN, r"\d{1,2}", r"[a-z]", _SMALL_ROMAN)
_PREFIX = re.compile(r"^(?:(?:rule|chapter|ch|c)\b\.?\s*|c(?=\d))")
_LEVEL_WORDS = re.compile(r"\b(?:clause|paragraph|para|sub-paragraph|subparagraph|item)\b\.?")
_SEPARATORS = re.compile(r"[\s.,]+")
_OLD_STYLE = re.compile(
    r"^(?:rule\s*)?(\d{1,2})([a-z])\((\d{1,2})\)([a-z])(" + _SMALL_ROMAN + r")?$"
)


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
        if match.group("rel"):
            if chapter is None:
                continue
            number = written_citation(f"chapter {chapter} clause {match.group('rel_num')}")
        elif match.group("ch"):
            number = f"Chapter {match.group('ch_num')}"  # as chapters are numbered
        else:  # "Chapter 4 Clause II.2.B", "4.II.2.B.i", "rule 3.III.2.H", "Rule 4B(2)Bii"
            number = written_citation(match.group(0))
        if number is not None:  # found in the prose but not a number of the scheme: text
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


@dataclass(frozen=True)
class Found:
    """A resolved reference, as stored (`rulebook.models.Reference`)."""

    version_id: int
    target_id: int
    start: int
    end: int
    number: str


def recognise(
    citing: Iterable[tuple[int, int, str, str, datetime.date]],
    *,
    numbers: Mapping[str, list[Numbered]],
) -> list[Found]:
    """The references each citing version makes to another rule, resolved on its own date:
    `citing` gives (version id, rule id, number, text, effective_from) of unrepealed versions.
    A rule citing itself is not a cross-reference."""
    found = []
    for pk, rule_id, number, text, effective_from in citing:
        for mention in find_mentions(text, chapter=chapter_of(number)):
            target = resolve(mention.number, on=effective_from, numbers=numbers)
            if target is not None and target != rule_id:
                found.append(Found(pk, target, mention.start, mention.end, mention.number))
    return found
