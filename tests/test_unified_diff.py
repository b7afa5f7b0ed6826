"""Comparisons as plain text (`diff -u` with rule numbers as file names), and inline diffs that
read as whole phrases (`rulebook.diffview.phrases`)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulebook.diff import DELETE, EQUAL, INSERT, Op, apply_ops, diff_words, render_inline_html
from rulebook.diffview import phrases
from tests.factories import big_rulebook
from web.views.book import CHANGES_PAGE_SIZE

PLAIN = "text/plain; charset=utf-8"


def text(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:300]
    if status == 200:
        assert response["Content-Type"] == PLAIN
    return response.content.decode()


def test_the_changes_between_two_dates_as_a_unified_diff(client, coop):
    diff = text(client, "/coop/changes.diff", **{"from": "2016-06-01", "to": "2022-06-01"})
    # the renumbered rule: its old number and date, its new number and date
    assert "--- 2.1\t2016-06-01\n+++ 2.3\t2022-06-01\n" in diff
    assert (
        "-In the case of a vacancy for leader, each nomination must be supported by 15 per" in diff
    )
    assert (
        "+In the case of a vacancy for leader, each nomination must be supported by 20 per" in diff
    )
    assert " Nominations close at noon" in diff  # context, unchanged
    # added and repealed rules against /dev/null
    assert "--- /dev/null\n+++ 2.1\t2022-06-01\n" in diff and "+Deputy leader\n" in diff
    assert "--- 1.2\t2016-06-01\n+++ /dev/null\n" in diff and "-Flags.\n" in diff
    assert diff.count("\n@@ -") == diff.count("\n+++ ") == 3  # 1.2, 2.1 -> 2.3, the new 2.1


def test_nothing_changed_is_an_empty_diff(client, coop):
    assert text(client, "/coop/changes.diff", **{"from": "2016-06-01", "to": "2016-07-01"}) == ""


def test_a_rule_s_two_versions_as_a_unified_diff(client, coop):
    diff = text(client, "/coop/rules/nominations/compare.diff", **{"from": 1, "to": 3})
    lines = diff.splitlines()
    assert lines[0] == "--- 2.1\tversion 1, from 2016-01-01"
    assert lines[1] == "+++ 2.1\tversion 3, from 2021-09-29"
    assert lines[2].startswith("@@ -1,")
    assert any(line.startswith("-") and "15 per cent" in line for line in lines[3:])
    assert any(line.startswith("+") and "20 per cent" in line for line in lines[3:])


def test_the_changes_page_and_the_compare_page_link_to_their_text(client, coop):
    response = client.get("/coop/changes/", {"from": "2016-06-01", "to": "2022-06-01"})
    assert response.status_code == 200
    assert (
        'href="/coop/changes.diff?from=2016-06-01&amp;to=2022-06-01"' in response.content.decode()
    )


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/coop/changes.diff", {"from": "2016-13-01"}, 400, "must be a date"),
        ("/coop/changes.diff", {"from": "2022-01-01", "to": "2016-01-01"}, 400, "is after"),
        ("/coop/changes.diff", {"from": "2016-01-01", "page": "9"}, 404, "no page 9"),
        ("/nowhere/changes.diff", {}, 404, "no rule book"),
        ("/coop/rules/nominations/compare.diff", {"from": "1"}, 400, "is missing"),
        ("/coop/rules/nominations/compare.diff", {"from": "x", "to": "2"}, 400, "whole number"),
        ("/coop/rules/nominations/compare.diff", {"from": "1", "to": "99"}, 404, "no version 99"),
        ("/coop/rules/nothing/compare.diff", {"from": "1", "to": "2"}, 404, "no rule"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, coop, url, params, status, message):
    assert message in text(client, url, status, **params)


def test_a_long_comparison_comes_a_page_at_a_time_with_a_link_to_the_next(client, db):
    big_rulebook("bigdiff", 250)
    response = client.get("/bigdiff/changes.diff", {"from": "2014-01-01", "to": "2018-01-01"})
    assert response.status_code == 200
    assert response["Link"] == (
        '</bigdiff/changes.diff?from=2014-01-01&to=2018-01-01&page=2>; rel="next"'
    )
    assert response.content.decode().count("\n+++ ") == CHANGES_PAGE_SIZE  # the page's rules
    last = client.get(
        "/bigdiff/changes.diff",
        {"from": "2014-01-01", "to": "2018-01-01", "page": 250 // CHANGES_PAGE_SIZE},
    )
    assert last.status_code == 200 and "Link" not in last


# --- phrases ------------------------------------------------------------------------------

TRIGGER_2016 = (
    "A full selection shall be held only if a majority of the branches and affiliates vote "
    "for one; otherwise the sitting MP shall be the candidate."
)
TRIGGER_2018 = (
    "An open selection shall be held if one third of the branches or one third of the "
    "affiliates vote for one; otherwise the sitting MP shall be the candidate."
)


def test_a_rewritten_phrase_reads_as_one_deletion_and_one_insertion():
    ops = phrases(diff_words(TRIGGER_2016, TRIGGER_2018))
    html = render_inline_html(ops)
    assert "<del>only if a majority</del><ins>if one third</ins>" in html
    assert " of the branches " in html  # three kept words stay kept
    assert apply_ops(TRIGGER_2016, ops) == TRIGGER_2018


def test_a_single_small_edit_is_left_alone():
    a, b = "supported by 15 per cent of MPs", "supported by 20 per cent of MPs"
    assert phrases(diff_words(a, b)) == diff_words(a, b)


def test_a_kept_line_break_is_never_folded():
    ops = [Op(DELETE, "Old"), Op(INSERT, "New"), Op(EQUAL, " one.\n"), Op(DELETE, "Old")]
    ops += [Op(INSERT, "New"), Op(EQUAL, " two.")]
    assert phrases(ops) == ops
    assert phrases([*ops[:2], Op(EQUAL, " one. "), *ops[3:]]) == [
        Op(DELETE, "Old one. Old"),
        Op(INSERT, "New one. New"),
        Op(EQUAL, " two."),
    ]


words = st.lists(
    st.sampled_from(
        ["the", "members", "shall", "15", "20", "per", "cent", ".", ",", "\n", "CLP's"]
    ),
    max_size=40,
)


@given(words, words, st.integers(min_value=0, max_value=4))
def test_applying_the_phrased_diff_still_turns_a_into_b(a_words, b_words, kept):
    a, b = " ".join(a_words), " ".join(b_words)
    ops = phrases(diff_words(a, b), max_kept_words=kept)
    assert apply_ops(a, ops) == b
    assert all(op.text for op in ops)
    # no two neighbours of one kind, and a deletion always comes before its insertion
    kinds = [op.kind for op in ops]
    assert all(x != y for x, y in itertools.pairwise(kinds))
    assert (INSERT, DELETE) not in set(itertools.pairwise(kinds))
