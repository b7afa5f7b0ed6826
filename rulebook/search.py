"""Full-text search over every version of every rule, current and past, grouped by rule.

The query is parsed once (`rulebook.search_syntax`) and asked of an index on either database:
PostgreSQL reads the stored `search_document` tsvector through its GIN index with
`websearch_to_tsquery`, ranked by `ts_rank` (heading weight A, text B, note C) with
`ts_headline` snippets; SQLite reads its FTS5 table (migration 0007), ranked by `bm25` with
the heading weighing most, with `snippet()`. Both filter by rule book first and break ties the
same way (rule order, then newest version), so the same words give the same rules in the
same order on both. Two queries either way: ranked matches, then those versions with the
date each stopped being in force.

Snippets come back with private-use markers around matches; they are escaped first and only
then turned into <mark>, so nothing from a rule's text can inject markup.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe

from rulebook.migrations._search_index import TABLE as FTS_TABLE
from rulebook.models import SEARCH_CONFIG, Rule, Rulebook, RuleVersion
from rulebook.search_syntax import ParsedQuery, QueryProblem, parse_query, to_fts5, to_websearch

__all__ = ["Hit", "QueryProblem", "RuleMatch", "search_rules", "search_versions"]

MAX_QUERY_LENGTH = 200
LIMIT = 50  # rules shown
VERSION_LIMIT = 200  # versions read to group into those rules
# Heading, text, note: bm25 column weights in the proportions of ts_rank's A, B, C (1, .4, .2).
BM25_WEIGHTS = (10.0, 4.0, 2.0)
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)


@dataclass(frozen=True)
class Hit:
    version: RuleVersion
    until: datetime.date | None  # when the next version took over; None: still the latest
    heading: SafeString
    snippet: SafeString

    def in_force_on(self, day: datetime.date) -> bool:
        return self.version.effective_from <= day and (self.until is None or day < self.until)


@dataclass(frozen=True)
class RuleMatch:
    """One rule's matching versions: the best match, and the others in version order."""

    best: Hit
    others: tuple[Hit, ...]

    @property
    def rule(self) -> Rule:
        return self.best.version.rule

    @property
    def also_matched(self) -> list[int]:
        return [hit.version.seq for hit in self.others]


def search_versions(
    *,
    rulebook: Rulebook,
    query: str | ParsedQuery,
    on: datetime.date | None = None,
    limit: int = VERSION_LIMIT,
) -> list[Hit]:
    """Versions matching `query`, best first; only those in force on `on` when it is given.
    A query with nothing to search raises `QueryProblem`."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    versions = RuleVersion.objects.filter(rule__rulebook=rulebook, repealed=False)
    if on is not None:
        versions = versions.in_force(on=on)
    if connection.vendor == "postgresql":
        return _postgres(versions, parsed, limit)
    return _sqlite(rulebook, versions if on is not None else None, parsed, limit)


def search_rules(
    *,
    rulebook: Rulebook,
    query: str | ParsedQuery,
    on: datetime.date | None = None,
    limit: int = LIMIT,
) -> list[RuleMatch]:
    """Rules with a version matching `query`, in the order of each rule's best version."""
    groups: dict[int, list[Hit]] = {}
    for hit in search_versions(rulebook=rulebook, query=query, on=on):
        groups.setdefault(hit.version.rule_id, []).append(hit)
    return [
        RuleMatch(hits[0], tuple(sorted(hits[1:], key=lambda h: h.version.seq)))
        for hits in list(groups.values())[:limit]
    ]


# Ties (equal scores) go in document order, then newest version first, on both databases.
_TIES = ("rule__position", "rule_id", "-seq")


def _postgres(versions, parsed: ParsedQuery, limit: int) -> list[Hit]:
    wanted = SearchQuery(to_websearch(parsed), search_type="websearch", config=SEARCH_CONFIG)
    ranked = list(
        versions.filter(search_document=wanted)
        .annotate(rank=SearchRank(F("search_document"), wanted))
        .order_by("-rank", *_TIES)
        .values_list("id", flat=True)[:limit]
    )
    marks = {"start_sel": _START, "stop_sel": _STOP, "config": SEARCH_CONFIG}
    rows = (
        RuleVersion.objects.filter(pk__in=ranked)
        .with_until()
        .select_related("rule__rulebook")
        .annotate(
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
    )
    return _in_order(ranked, {v.pk: (v, v.heading_marked, v.snippet_marked) for v in rows})


def _sqlite(rulebook: Rulebook, in_force, parsed: ParsedQuery, limit: int) -> list[Hit]:
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    dated, params = "", []
    if in_force is not None:
        inner, params = in_force.values("id").query.sql_with_params()
        dated = f"AND v.id IN ({inner})"
    sql = f"""
        SELECT v.id,
               highlight({FTS_TABLE}, 0, %s, %s),
               snippet({FTS_TABLE}, 1, %s, %s, '…', 30)
        FROM {FTS_TABLE}
        JOIN rulebook_ruleversion v ON v.id = {FTS_TABLE}.rowid
        JOIN rulebook_rule r ON r.id = v.rule_id
        WHERE {FTS_TABLE} MATCH %s AND r.rulebook_id = %s AND NOT v.repealed {dated}
        ORDER BY bm25({FTS_TABLE}, {weights}), r.position, r.id, v.seq DESC
        LIMIT %s
    """
    marks = [_START, _STOP, _START, _STOP]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*marks, to_fts5(parsed), rulebook.pk, *params, limit])
        found = cursor.fetchall()
    ranked = [row[0] for row in found]
    marked = {row[0]: (row[1], row[2]) for row in found}
    rows = RuleVersion.objects.filter(pk__in=ranked).with_until().select_related("rule__rulebook")
    return _in_order(ranked, {v.pk: (v, *marked[v.pk]) for v in rows})


def _in_order(ranked: list[int], by_id: dict) -> list[Hit]:
    hits = []
    for pk in ranked:
        version, heading, snippet = by_id[pk]
        hits.append(Hit(version, version.until, _from_marked(heading), _from_marked(snippet)))
    return hits


def _from_marked(text: str | None) -> SafeString:
    escaped = html.escape(text or "", quote=False)
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))  # escaped above


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """Escaped text with each match wrapped in <mark>."""
    out, at = [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[at : match.start()]), f"<mark>{html.escape(match[0])}</mark>"]
        at = match.end()
    out.append(html.escape(text[at:]))
    return mark_safe("".join(out))  # every piece is escaped
