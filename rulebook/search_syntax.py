"""What a member types into a search box, parsed once and spoken to each database safely.

The syntax is PostgreSQL's `websearch_to_tsquery`, as the search page describes it: plain
words must all appear, "quoted words" must appear as a phrase, `or` between words accepts
either side, and a leading minus leaves a word (or a "phrase") out. As in websearch, `or`
splits the query into alternatives, each an AND of its words and exclusions:
`vote ballot or member -leader` means (vote AND ballot) OR (member AND NOT leader).

`parse_query` is pure and keeps only runs of letters and digits, so nothing a member types
reaches a database as syntax: `to_fts5` quotes every word for SQLite's FTS5 `MATCH`, and
`to_websearch` rebuilds a websearch string from the same words for PostgreSQL. A word or
phrase made only of English stop words is dropped for both (PostgreSQL ignores it), so the
two databases agree; stop words inside a phrase stay, as PostgreSQL counts them as gaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Q

MAX_TERMS = 12

# PostgreSQL's `english` stop words (tsearch_data/english.stop, from Snowball).
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just
    don should now""".split()
)

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what both databases' tokenisers keep

Term = tuple[str, ...]  # one word, or the words of a phrase in order


class QueryProblem(ValueError):
    """The query cannot be searched; the message says why, for the member."""


@dataclass(frozen=True)
class Alternative:
    """Rows matching every `wanted` term and none of the `excluded` ones."""

    wanted: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    alternatives: tuple[Alternative, ...]  # a row matches if it matches any of them

    @property
    def words(self) -> list[str]:
        """Every wanted word, in order, without repeats (for highlighting)."""
        seen = dict.fromkeys(w for a in self.alternatives for t in a.wanted for w in t)
        return list(seen)


def parse_query(text: str) -> ParsedQuery:
    """The query `text` as alternatives of terms; `QueryProblem` if nothing can be searched.

    1. Split into "phrases" (an unclosed quote runs to the end), `or`, -exclusions and words.
    2. Keep each piece's letters and digits; a piece left empty, or only stop words, goes.
    3. `or` closes the current alternative; an alternative with exclusions but no wanted
       word is refused (neither database can list "everything but").
    """
    alternatives: list[Alternative] = []
    wanted: list[Term] = []
    excluded: list[Term] = []
    count = 0
    for minus, quoted, bare in _TOKEN.findall(text):
        if bare.lower() == "or":
            _close(alternatives, wanted, excluded)
            wanted, excluded = [], []
            continue
        if bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        term = _term(quoted if quoted or not bare else bare)
        if term is None or count >= MAX_TERMS:
            continue
        count += 1
        (excluded if minus else wanted).append(term)
    _close(alternatives, wanted, excluded)
    if not alternatives:
        raise QueryProblem(
            "There is nothing to search for in that: type a word or a phrase, for example "
            "nomination."
        )
    return ParsedQuery(tuple(alternatives))


def _term(piece: str) -> Term | None:
    words = tuple(w.lower() for w in _WORD.findall(piece))
    if all(word in STOP_WORDS for word in words):  # also True when there are none
        return None
    return words


def _close(alternatives: list[Alternative], wanted: list[Term], excluded: list[Term]) -> None:
    if wanted:
        alternatives.append(Alternative(tuple(wanted), tuple(excluded)))
    elif excluded:
        raise QueryProblem(
            "Say what to find as well as what to leave out: a minus sign only leaves words "
            "out of what the other words find."
        )


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term) + '"'  # letters and digits only: no quote to escape


def to_fts5(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every term quoted, alternatives in brackets."""
    parts = []
    for alt in query.alternatives:
        expression = " AND ".join(_fts5_term(t) for t in alt.wanted)
        for term in alt.excluded:
            expression = f"({expression}) NOT {_fts5_term(term)}"
        parts.append(f"({expression})")
    return " OR ".join(parts)


def _websearch_term(term: Term) -> str:
    return term[0] if len(term) == 1 else '"' + " ".join(term) + '"'


def to_websearch(query: ParsedQuery) -> str:
    """The same query as a `websearch_to_tsquery` string rebuilt from the parsed words."""
    return " or ".join(
        " ".join(
            [_websearch_term(t) for t in alt.wanted]
            + ["-" + _websearch_term(t) for t in alt.excluded]
        )
        for alt in query.alternatives
    )


def as_q(query: ParsedQuery, fields: tuple[str, ...]) -> Q:
    """A filter for short texts (proposal titles, rationales) with the same meaning: a term
    matches if any of `fields` contains it, ignoring case."""

    def contains(term: Term) -> Q:
        return reduce(or_, (Q(**{f"{field}__icontains": " ".join(term)}) for field in fields))

    def alternative(alt: Alternative) -> Q:
        found = reduce(and_, (contains(t) for t in alt.wanted))
        for term in alt.excluded:
            found &= ~contains(term)
        return found

    return reduce(or_, (alternative(a) for a in query.alternatives))
