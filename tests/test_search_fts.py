"""Search on both databases: the page's syntax (phrases, `or`, -exclusion) means the same on
SQLite (FTS5) and PostgreSQL (stored tsvector), with the same rules in the same order.

Every test here runs on whichever database is configured; the suite runs it on both
(`DATABASE_URL=postgres://…` for PostgreSQL), and each asserts an explicit order, so the two
runs agreeing is the parity. The corpus is built so that the order is clear-cut on both
rankings (ts_rank and bm25 differ in detail: bm25 also weighs length), e.g. a heading match
against text matches; where both engines tie, both break the tie by rule order.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from proposals.roles import SECRETARY
from rulebook.search import search_rules, search_versions
from rulebook.search_syntax import QueryProblem, parse_query, to_fts5, to_websearch
from tests.factories import (
    ProposalFactory,
    RulebookFactory,
    RuleFactory,
    add_version,
    amend,
    big_rulebook,
    staff,
)
from tests.worlds import built_once

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


def build_lab():
    book = RulebookFactory(slug="lab", title="Search Lab Rules")
    rules = {key: RuleFactory(rulebook=book, key=key) for key in KEYS}
    add_version(
        rules["ballots"],
        "2016-01-01",
        "A ballot of members decides each election. The returning officer counts every ballot.",
        number="1",
        heading="Ballots",
    )
    add_version(
        rules["elections"],
        "2016-01-01",
        "Each election is decided by a ballot.",
        number="2",
        heading="Elections",
    )
    add_version(
        rules["elections"],
        "2018-01-01",
        "Each election is decided by a secret ballot of members.",
        number="2",
        heading="Elections",
    )
    add_version(
        rules["elections"],
        "2020-01-01",
        "Elections are held every two years by secret ballot.",
        number="2",
        heading="Elections",
    )
    add_version(
        rules["officers"],
        "2016-01-01",
        "The returning officer publishes the result of the vote.",
        number="3",
        heading="Officers",
    )
    add_version(
        rules["leader"],
        "2016-01-01",
        "The leader of the group is elected by secret ballot of all the members.",
        number="4",
        heading="Leader",
    )
    add_version(
        rules["deputy"],
        "2016-01-01",
        "The deputy leader is chosen by the committee.",
        number="5",
        heading="Deputy",
        note="Reconstructed from the minutes; the minutes are kept.",
    )
    add_version(
        rules["dues"],
        "2016-01-01",
        "Dues are paid yearly.",
        number="6",
        heading="Dues",
        note="Quorate meetings noted in the branch minutes.",
    )
    add_version(rules["repealed"], "2016-01-01", "Flags and banners.", number="7", heading="Flags")
    add_version(rules["repealed"], "2017-01-01", repealed=True)
    other = RulebookFactory(slug="elsewhere", title="Another book")
    add_version(
        RuleFactory(rulebook=other, key="ballots"),
        "2016-01-01",
        "Ballot ballot ballot.",
        number="1",
    )
    proposals = [
        ("Secret ballots for every election", "Members asked for it.", "elections", True),
        ("Move the dues date", "So that the ballot papers go out with the renewal.", "dues", True),
        ("Abolish the ballot entirely", "", "ballots", False),  # a draft
    ]
    for number, (title, rationale, key, submitted) in enumerate(proposals, start=1):
        ProposalFactory(
            rulebook=book,
            reference=f"2024/{number}",
            title=title,
            rationale=rationale,
            amendments=[amend(rules[key], f"New wording {number}.")],
            submitted=submitted,
        )
    return book


KEYS = ["ballots", "elections", "officers", "leader", "deputy", "dues", "repealed"]


@pytest.fixture(scope="module")
def lab_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_lab) as book:
        yield book


@pytest.fixture
def lab(db, lab_world):
    return lab_world


def rules(book, query, **kw):
    return [m.rule.key for m in search_rules(rulebook=book, query=query, **kw)]


# --- the same order on either database ------------------------------------------------------


def test_a_heading_match_comes_first_then_text_matches_in_rule_order(lab):
    assert rules(lab, "ballot") == ["ballots", "elections", "leader"]
    assert rules(lab, "officer") == ["officers", "ballots"]


def test_a_quoted_phrase_must_appear_in_that_order(lab):
    assert rules(lab, '"secret ballot"') == ["elections", "leader"]
    assert rules(lab, '"ballot secret"') == []


def test_or_accepts_either_side(lab):
    assert rules(lab, "deputy or quorate") == ["deputy", "dues"]
    assert rules(lab, "deputy OR quorate") == ["deputy", "dues"]


def test_a_minus_sign_leaves_a_word_out(lab):
    found = search_rules(rulebook=lab, query="ballot -secret")
    assert [m.rule.key for m in found] == ["ballots", "elections"]
    assert [h.version.seq for h in (found[1].best, *found[1].others)] == [1]
    assert rules(lab, 'ballot -"secret ballot"') == ["ballots", "elections"]


def test_plain_words_must_all_appear(lab):
    assert rules(lab, "secret members") == ["elections", "leader"]
    assert rules(lab, "secret dues") == []


def test_version_notes_are_searched(lab):
    assert rules(lab, "minutes") == ["deputy", "dues"]


def test_stop_words_alone_are_ignored_on_both_databases(lab):
    assert rules(lab, "the ballot") == rules(lab, "ballot")


def test_only_this_rule_book_and_no_repeal_is_searched(lab):
    found = search_versions(rulebook=lab, query="ballot")
    assert {v.version.rule.rulebook.slug for v in found} == {"lab"}
    assert "repealed" in rules(lab, "banners")  # its first version still matches
    assert all(not h.version.repealed for h in found)


# --- grouped by rule -------------------------------------------------------------------------


def test_results_are_grouped_by_rule_with_the_other_matching_versions(lab):
    found = search_rules(rulebook=lab, query="ballot")
    elections = found[1]
    assert elections.rule.key == "elections"
    seqs = [elections.best.version.seq, *elections.also_matched]
    assert sorted(seqs) == [1, 2, 3]
    assert elections.also_matched == sorted(elections.also_matched)
    assert found[0].others == ()


def test_the_date_filter_keeps_the_version_in_force_that_day(lab):
    found = search_rules(rulebook=lab, query="ballot", on=D("2018-06-01"))
    elections = next(m for m in found if m.rule.key == "elections")
    assert elections.best.version.seq == 2 and elections.others == ()
    assert elections.best.until == D("2020-01-01")
    assert rules(lab, '"secret ballot"', on=D("2017-01-01")) == ["leader"]


def test_snippets_mark_the_matches_and_escape_everything_else(lab):
    best = search_rules(rulebook=lab, query="officer")[0].best
    assert "<mark>Officers</mark>" in best.heading
    assert "<mark>officer</mark>" in best.snippet


def test_the_search_reads_a_fixed_number_of_queries(lab):
    with CaptureQueriesContext(connection) as few:
        search_rules(rulebook=lab, query="ballot")
    with CaptureQueriesContext(connection) as many:
        search_rules(rulebook=lab, query="ballot or officer or minutes")
    assert len(few) == len(many) == 2


# --- the syntax, made safe ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['"', "-", "--", "- -", "or", "OR or", '""', "!!! ???", "the of and", '"of the"', "\x00", "^"],
)
def test_a_query_with_nothing_to_find_is_a_problem_not_an_error(lab, text):
    with pytest.raises(QueryProblem, match="nothing to search for"):
        parse_query(text)


def test_only_exclusions_is_a_problem_with_its_own_message():
    with pytest.raises(QueryProblem, match="as well as what to leave out"):
        parse_query("-ballot -secret")
    with pytest.raises(QueryProblem, match="as well as what to leave out"):
        parse_query("ballot or -secret")


def test_every_term_reaches_the_databases_quoted_and_as_letters_and_digits():
    parsed = parse_query('vote NEAR(ballot) "a*b" OR col:member -x" AND')
    assert to_fts5(parsed) == '("vote" AND "near ballot" AND "a b") OR (("col member") NOT "x")'
    assert to_websearch(parsed) == 'vote "near ballot" "a b" or "col member" -x'


def test_odd_input_searches_without_error(lab):
    for text in ["ballot" * 2000, "ballot\x00secret", "bal'lot", "ballot)", "(ballot", "ballot*"]:
        search_rules(rulebook=lab, query=text)  # no database error


# --- the page and the API ----------------------------------------------------------------------


def page(client, url, status=200, **query):
    response = client.get(url, query)
    assert response.status_code == status, response.content.decode()[:400]
    return response.content.decode()


def test_the_page_groups_versions_under_their_rule(client, lab):
    html = page(client, "/lab/search/", q="ballot")
    assert "3 rules match" in html
    assert html.count('class="snippet"') == 3
    assert "Also matched in versions" in html


def test_the_page_says_version_in_the_singular_for_one(client, lab):
    assert "Also matched in versions <a" in page(client, "/lab/search/", q="ballot")
    html = page(client, "/lab/search/", q='"secret ballot"')
    assert "Also matched in version <a" in html  # elections: the best and one other
    assert "2 rules match" in html
    assert "1 rule matches" in page(client, "/lab/search/", q="officer -ballot")


def test_the_page_explains_a_query_with_nothing_to_search(client, lab):
    assert "nothing to search for" in page(client, "/lab/search/", q='"')
    assert "nothing to search for" in page(client, "/lab/search/", q="-")
    assert "as well as what to leave out" in page(client, "/lab/search/", q="-ballot")


@pytest.mark.parametrize(("q", "message"), [("b" * 10_000, "too long"), ("ballot\x00", "NUL")])
def test_the_page_refuses_unreadable_queries_with_a_400(client, lab, q, message):
    assert message in page(client, "/lab/search/", 400, q=q)


def test_proposals_are_a_separate_section_and_drafts_stay_hidden(client, lab):
    html = page(client, "/lab/search/", q="ballot")
    proposals = html.split('id="proposals"')[1]
    assert "Secret ballots for every election" in proposals  # title
    assert "Move the dues date" in proposals  # rationale
    assert proposals.index("Secret ballots") < proposals.index("Move the dues")  # title first
    assert "Abolish the ballot" not in html  # a draft
    client.force_login(staff("secretary", SECRETARY))
    assert "Abolish the ballot" in page(client, "/lab/search/", q="ballot")


def test_the_proposal_search_follows_the_same_syntax(client, lab):
    html = page(client, "/lab/search/", q="ballot -renewal")
    proposals = html.split('id="proposals"')[1]
    assert "Secret ballots" in proposals and "Move the dues date" not in proposals


def test_the_api_answers_with_the_same_grouped_results(lab):
    response = APIClient().get("/api/rulebooks/lab/search/", {"q": "ballot"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["rule"] for r in body["results"]] == rules(lab, "ballot")
    assert body["count"] == 3
    elections = body["results"][1]
    assert sorted([elections["best"]["version"], *elections["also_matched"]]) == [1, 2, 3]
    assert "<mark>" in elections["best"]["snippet"]
    assert elections["html_url"].endswith("/lab/rules/elections/")


def test_the_api_filters_by_date(lab):
    response = APIClient().get("/api/rulebooks/lab/search/", {"q": "ballot", "at": "2018-06-01"})
    assert response.status_code == 200
    elections = response.json()["results"][1]
    assert (elections["best"]["version"], elections["also_matched"]) == (2, [])


@pytest.mark.parametrize(
    ("q", "problem"),
    [('"', "nothing to search"), ("-ballot", "leave out"), ("b" * 10_000, "no more than")],
)
def test_the_api_refuses_a_query_it_cannot_search_with_a_400(lab, q, problem):
    response = APIClient().get("/api/rulebooks/lab/search/", {"q": q})
    assert response.status_code == 400
    assert problem in " ".join(response.json()["q"])


def test_the_api_refuses_a_nul_and_a_missing_query(lab):
    assert APIClient().get("/api/rulebooks/lab/search/", {"q": "a\x00b"}).status_code == 400
    assert APIClient().get("/api/rulebooks/lab/search/").status_code == 400


# --- PostgreSQL: the index is read, not every book's versions ---------------------------------


def ranked_plan(book, words: str) -> str:
    """The plan of the query `search_versions` ranks matches with on PostgreSQL."""
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    from rulebook.models import RuleVersion

    wanted = SearchQuery(words, search_type="websearch", config="english")
    return (
        RuleVersion.objects.filter(rule__rulebook=book, repealed=False, search_document=wanted)
        .annotate(rank=SearchRank(F("search_document"), wanted))
        .order_by("-rank", "rule__position", "rule_id", "-seq")
        .values_list("id", flat=True)[:200]
        .explain()
    )


@pytest.mark.postgres
def test_postgres_search_reads_one_book_or_the_index_never_every_version(lab):
    """Beside a generated book of 2,000 rules (4,000 versions), with fresh statistics and
    the planner left to itself: a search of the small book starts from that book's rules
    (the rule-book index), and a rare word in the big book is looked up in the GIN index
    on the stored tsvector. Neither reads every book's versions in turn."""
    huge = big_rulebook("huge", 2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rulebook_rule")
        cursor.execute("ANALYZE rulebook_ruleversion")
    small = ranked_plan(lab, "ballot")
    assert "Seq Scan on rulebook_ruleversion" not in small, small
    assert "rulebook_id = " in small and "Index Cond" in small, small
    rare = ranked_plan(huge, "plebiscite")
    assert "Seq Scan on rulebook_ruleversion" not in rare, rare
    assert "rulebook_version_search_idx" in rare, rare


@pytest.mark.postgres
def test_postgres_keeps_the_search_document_up_to_date_for_new_versions(lab):
    rule = RuleFactory(rulebook=lab, key="fresh")
    add_version(rule, "2016-01-01", "Plebiscites are rare.", number="8", heading="Fresh")
    assert rules(lab, "plebiscite") == ["fresh"]


def test_a_new_version_is_found_at_once(lab):
    rule = RuleFactory(rulebook=lab, key="fresh")
    add_version(rule, "2016-01-01", "Plebiscites are rare.", number="8", heading="Fresh")
    assert rules(lab, "plebiscite") == ["fresh"]
