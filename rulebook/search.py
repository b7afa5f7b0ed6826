"""Full-text search over every version of every rule, current and past, grouped by rule.

The query is parsed once (`rulebook.search_syntax`) and asked of an index on either database:
PostgreSQL reads the stored `search_document` tsvector through its GIN index with
`websearch_to_tsquery`, ranked by `ts_rank` (heading weight A, text B, note C) with
`ts_headline` snippets; SQLite reads its FTS5 table (migration 0007), ranked by `bm25` with
the heading weighing most, with `snippet()`. Both filter by rule book first and break ties the
same way (rule order, then newest version), so the same words give the same rules in the
same order on both. Two queries either way: ranked matches, then those versions with the
date each stopped being in force and snippets of the ones shown.

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
from django.db.models import BooleanField, Case, F, Func, TextField, Value, When
from django.db.models.expressions import RawSQL
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
    """Versions matching `query`, best first, each with its snippet; only those in force on
    `on` when it is given. A query with nothing to search raises `QueryProblem`."""
    return _search(rulebook, query, on, limit, lambda ranked: {pk for pk, _ in ranked})


def search_rules(
    *,
    rulebook: Rulebook,
    query: str | ParsedQuery,
    on: datetime.date | None = None,
    limit: int = LIMIT,
) -> list[RuleMatch]:
    """Rules with a version matching `query`, in the order of each rule's best version.
    Snippets are made for the best versions of the rules shown only: the others are listed
    by number."""

    def best_of_shown(ranked):
        best = {}
        for pk, rule_id in ranked:
            best.setdefault(rule_id, pk)
        return set(list(best.values())[:limit])

    groups: dict[int, list[Hit]] = {}
    for hit in _search(rulebook, query, on, VERSION_LIMIT, best_of_shown):
        groups.setdefault(hit.version.rule_id, []).append(hit)
    return [
        RuleMatch(hits[0], tuple(sorted(hits[1:], key=lambda h: h.version.seq)))
        for hits in list(groups.values())[:limit]
    ]


def _search(rulebook, query, on, limit, marked) -> list[Hit]:
    """1. Rank the matching versions of the book (one query on the index, no snippets);
    2. read those versions, with snippets for the ones `marked(ranked)` picks (one query)."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    versions = RuleVersion.objects.filter(rule__rulebook=rulebook, repealed=False)
    if on is not None:
        versions = versions.in_force(on=on)
    engine = _Postgres(parsed) if connection.vendor == "postgresql" else _Sqlite(parsed)
    ranked = engine.ranked(versions, limit)
    rows = (
        RuleVersion.objects.filter(pk__in=[pk for pk, _ in ranked])
        .with_until()
        .select_related("rule__rulebook")
        .annotate(**engine.marks(marked(ranked)))
    )
    by_id = {v.pk: v for v in rows}
    return [_hit(by_id[pk]) for pk, _ in ranked]


def _hit(v: RuleVersion) -> Hit:
    return Hit(v, v.until, _from_marked(v.heading_marked), _from_marked(v.snippet_marked))


# The order, the same on both databases: first where the best match lies (heading, else
# text, else note: worked out exactly on both), then the engine's score within that (ts_rank
# divided by the log of the length, bm25: both favour short, dense matches), then ties in
# document order, newest version first. The scores differ in detail; the first key does not.
_TIES = ("rule__position", "rule_id", "-seq")
_TIERS = (("{a}", "heading"), ("{b}", "text"))


class _InWeights(Func):
    """`search_document @@ query` for the lexemes of some weights only (PostgreSQL's
    ts_filter): {a} the heading, {b} the text."""

    output_field = BooleanField()

    def __init__(self, weights: str, query: SearchQuery):
        super().__init__(F("search_document"), Value(weights), query)

    def as_sql(self, compiler, connection, **extra_context):
        (vector, v_params), (weights, w_params), (query, q_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f'(ts_filter({vector}, {weights}::"char"[]) @@ {query})'
        return sql, (*v_params, *w_params, *q_params)


class _Postgres:
    """The stored tsvector through its GIN index; `ts_headline` for snippets."""

    def __init__(self, parsed: ParsedQuery):
        self.wanted = SearchQuery(
            to_websearch(parsed), search_type="websearch", config=SEARCH_CONFIG
        )

    def ranked(self, versions, limit: int) -> list[tuple[int, int]]:
        return list(
            versions.filter(search_document=self.wanted)
            .annotate(
                tier=Case(
                    *(
                        When(_InWeights(weights, self.wanted), then=Value(tier))
                        for tier, (weights, _) in enumerate(_TIERS)
                    ),
                    default=Value(len(_TIERS)),
                ),
                rank=SearchRank(F("search_document"), self.wanted, normalization=1),
            )
            .order_by("tier", "-rank", *_TIES)
            .values_list("id", "rule_id")[:limit]
        )

    def marks(self, ids: set[int]) -> dict:
        options = {"start_sel": _START, "stop_sel": _STOP, "config": SEARCH_CONFIG}
        heading = SearchHeadline("heading", self.wanted, highlight_all=True, **options)
        snippet = SearchHeadline(
            "text",
            self.wanted,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        )
        return {"heading_marked": _only(ids, heading), "snippet_marked": _only(ids, snippet)}


class _Sqlite:
    """The FTS5 table (migration 0007), `bm25` with the heading weighing most, `snippet()`."""

    def __init__(self, parsed: ParsedQuery):
        self.match = to_fts5(parsed)

    def ranked(self, versions, limit: int) -> list[tuple[int, int]]:
        inner, params = versions.values("id").query.sql_with_params()
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        # A column filter over the whole expression: the match lies in that column alone.
        tiers = " ".join(
            f"WHEN v.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) THEN {tier}"
            for tier in range(len(_TIERS))
        )
        sql = f"""
            SELECT v.id, v.rule_id
            FROM {FTS_TABLE}
            JOIN rulebook_ruleversion v ON v.id = {FTS_TABLE}.rowid
            JOIN rulebook_rule r ON r.id = v.rule_id
            WHERE {FTS_TABLE} MATCH %s AND v.id IN ({inner})
            ORDER BY CASE {tiers} ELSE {len(_TIERS)} END,
                bm25({FTS_TABLE}, {weights}), r.position, r.id, v.seq DESC
            LIMIT %s
        """
        in_columns = [f"{{{column}}} : ({self.match})" for _, column in _TIERS]
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match, *params, *in_columns, limit])
            return [tuple(row) for row in cursor.fetchall()]

    def marks(self, ids: set[int]) -> dict:
        def marked(function: str) -> RawSQL:
            sql = (
                f"SELECT {function} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"AND {FTS_TABLE}.rowid = rulebook_ruleversion.id"
            )
            return RawSQL(sql, (_START, _STOP, self.match), output_field=TextField())

        heading = marked(f"highlight({FTS_TABLE}, 0, %s, %s)")
        snippet = marked(f"snippet({FTS_TABLE}, 1, %s, %s, '…', 30)")
        return {"heading_marked": _only(ids, heading), "snippet_marked": _only(ids, snippet)}


def _only(ids: set[int], expression) -> Case:
    """`expression` for the versions `ids` only; NULL for the others, never worked out."""
    return Case(When(pk__in=ids, then=expression), default=Value(None), output_field=TextField())


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
