"""Full-text search: websearch syntax and ranking on PostgreSQL and SQLite (FTS5) alike,
and snippets that can only ever add <mark>."""

import re

from rulebook.search import highlight, search_versions
from rulebook.search_syntax import parse_query
from tests.worlds import D


def keys(hits):
    return [(h.version.rule.key, h.version.seq) for h in hits]


def test_every_word_must_match_and_old_versions_are_found(coop):
    hits = search_versions(rulebook=coop.book, query="vacancy committee")
    assert sorted(keys(hits)) == [("nominations", seq) for seq in (1, 2, 3, 4)]
    assert search_versions(rulebook=coop.book, query="vacancy flags") == []


def test_the_date_filter_keeps_only_versions_in_force_that_day(coop):
    hits = search_versions(rulebook=coop.book, query="committee", on=D("2018-01-01"))
    assert keys(hits) == [("nominations", 2)]
    assert hits[0].until == D("2021-09-29")
    assert search_versions(rulebook=coop.book, query="flags", on=D("2020-01-01")) == []


def test_phrases_and_exclusions_work_on_both_databases(coop):
    assert len(search_versions(rulebook=coop.book, query='"per cent of the members"')) == 4
    assert search_versions(rulebook=coop.book, query='"cent per"') == []
    assert ("deputy", 1) in keys(search_versions(rulebook=coop.book, query="elected"))
    assert ("deputy", 1) not in keys(search_versions(rulebook=coop.book, query="elected -leader"))
    assert keys(search_versions(rulebook=coop.book, query="deputy or banners")) != []


def test_a_heading_match_ranks_above_a_text_match(coop):
    hits = search_versions(rulebook=coop.book, query="nominations")
    assert hits[0].version.heading == "Nominations"


def test_words_are_stemmed_on_both_databases(coop):
    assert search_versions(rulebook=coop.book, query="nominate") != []


def test_the_query_words_drop_search_syntax():
    assert parse_query('"per cent" or -leader wins').words == ["per", "cent", "wins"]


def test_highlighting_escapes_everything_but_the_marks():
    pattern = re.compile("dues", re.IGNORECASE)
    assert highlight("<b>Dues</b> & <script>", pattern) == (
        "&lt;b&gt;<mark>Dues</mark>&lt;/b&gt; &amp; &lt;script&gt;"
    )
