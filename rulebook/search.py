"""Full-text search over every version of every rule, current and past.

On PostgreSQL: `websearch_to_tsquery` (so members may type "quoted phrases", `or` and
-exclusions), ranked with headings weighing more than text, with `ts_headline` snippets. On
SQLite, a plain fallback: every word must appear in the heading or the text, ranked by how
often. Either way one query, and snippets are built here as escaped text with only <mark>
added: nothing from a rule's text can inject markup.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q
from django.utils.safestring import SafeString, mark_safe

from rulebook.models import Rulebook, RuleVersion

MAX_QUERY_LENGTH = 200
LIMIT = 50
CONFIG = "english"
# ts_headline marks matches with these private-use characters, which rule texts do not
# contain; the snippet is escaped first and only then are they turned into <mark>.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)
_WORD = re.compile(r"[\w.'\u2019-]+")
_SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Hit:
    version: RuleVersion
    until: datetime.date | None  # when the next version took over; None: still the latest
    heading: SafeString
    snippet: SafeString

    def in_force_on(self, day: datetime.date) -> bool:
        return self.version.effective_from <= day and (self.until is None or day < self.until)


def search_versions(
    *, rulebook: Rulebook, query: str, on: datetime.date | None = None, limit: int = LIMIT
) -> list[Hit]:
    """Versions matching `query`, best first; only those in force on `on` when it is given."""
    versions = RuleVersion.objects.filter(rule__rulebook=rulebook, repealed=False)
    if on is not None:
        versions = versions.in_force(on=on)
    versions = versions.with_until().select_related("rule")
    if connection.vendor == "postgresql":
        return _postgres(versions, query, limit)
    return _fallback(versions, query, limit)


def _postgres(versions, query: str, limit: int) -> list[Hit]:
    wanted = SearchQuery(query, search_type="websearch", config=CONFIG)
    vector = SearchVector("heading", weight="A", config=CONFIG) + SearchVector(
        "text", weight="B", config=CONFIG
    )
    marks = {"start_sel": _START, "stop_sel": _STOP, "config": CONFIG}
    rows = (
        versions.annotate(document=vector)
        .filter(document=wanted)
        .annotate(
            rank=SearchRank(F("document"), wanted),
            heading_marked=SearchHeadline("heading", wanted, highlight_all=True, **marks),
            snippet_marked=SearchHeadline(
                "text",
                wanted,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
        .order_by("-rank", "-effective_from", "rule__position")[:limit]
    )
    return [
        Hit(v, v.until, _from_marked(v.heading_marked), _from_marked(v.snippet_marked))
        for v in rows
    ]


def _from_marked(text: str | None) -> SafeString:
    escaped = html.escape(text or "", quote=False)
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))  # escaped above


def words(query: str) -> list[str]:
    """The words of a query, without websearch syntax (quotes, or, leading minus)."""
    found = [w.strip(".'\u2019-") for w in _WORD.findall(query)]
    return [w for w in found if w and w.lower() != "or"][:12]


def _fallback(versions, query: str, limit: int) -> list[Hit]:
    terms = words(query)
    if not terms:
        return []
    for term in terms:
        versions = versions.filter(Q(heading__icontains=term) | Q(text__icontains=term))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    rows = list(versions.order_by("-effective_from", "rule__position")[: limit * 4])
    rows.sort(key=lambda v: -len(pattern.findall(f"{v.heading} {v.heading} {v.text}")))
    return [
        Hit(v, v.until, highlight(v.heading, pattern), highlight(_window(v.text, pattern), pattern))
        for v in rows[:limit]
    ]


def _window(text: str, pattern: re.Pattern) -> str:
    """About _SNIPPET_CHARS characters of text around the first match, cut at spaces."""
    match = pattern.search(text)
    if match is None or len(text) <= _SNIPPET_CHARS:
        return text[:_SNIPPET_CHARS] + ("…" if len(text) > _SNIPPET_CHARS else "")
    start = max(0, match.start() - _SNIPPET_CHARS // 3)
    end = min(len(text), start + _SNIPPET_CHARS)
    if start:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """Escaped text with each match wrapped in <mark>."""
    out, at = [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[at : match.start()]), f"<mark>{html.escape(match[0])}</mark>"]
        at = match.end()
    out.append(html.escape(text[at:]))
    return mark_safe("".join(out))  # every piece is escaped
