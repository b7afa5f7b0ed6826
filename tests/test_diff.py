"""The word diff engine: pure functions, so no database; properties first, then examples."""

import html
import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook.diff import (
    MAX_DIFF_CHARS,
    DiffInputTooLarge,
    DiffStats,
    Op,
    Row,
    apply_ops,
    compare,
    diff_stats,
    diff_words,
    render_inline_html,
    side_by_side,
    tokenize,
    unified,
)

PROPERTIES = settings(max_examples=200, derandomize=True, database=None, deadline=None)

FRAGMENTS = [
    *"the members of Party shall be nominated by 15 10 per cent 4.II.2.B.i co-operate".split(),
    *[".", ",", ";", ":", "(a)", "%", "\u2014", "'", '"', "\u2019", "x", "Z9"],
    *["<script>", "</p>", "<ins>", "</del>", "&amp;", "&", "&lt;", "\u00e9", "na\u00efve"],
    *["\u65e5\u672c", "e\u0301", "\U0001f642", "\u00df", "\u0130", "\x00", "\u200b"],
    *[" ", " ", " ", "  ", "\n", "\n\n", "\t", " \n", "\r\n", "\u00a0", "\u2028"],
]
fragments = st.sampled_from(FRAGMENTS)
texts = st.lists(fragments | st.text(max_size=2), max_size=40).map("".join)


@st.composite
def edited(draw):
    """A text and a version of it with a few fragments replaced, inserted or removed."""
    parts = draw(st.lists(fragments, max_size=40))
    edits = st.tuples(st.integers(0, 40), st.integers(0, 2), st.lists(fragments, max_size=3))
    changed = list(parts)
    for at, removed, inserted in draw(st.lists(edits, max_size=5)):
        changed[at : at + removed] = inserted
    return "".join(parts), "".join(changed)


pairs = st.tuples(texts, texts) | edited()


def without_tags(markup: str, *tags: str) -> str:
    for tag in tags:
        markup = markup.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    return markup


# --- properties ----------------------------------------------------------------------------


@PROPERTIES
@given(texts)
def test_tokens_join_back_into_the_text(text):
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)
    assert all(not token[:1].isspace() for token in tokens[1:])
    assert all(token.rstrip() == token.strip() for token in tokens)


@PROPERTIES
@given(pairs)
def test_applying_the_ops_to_a_gives_b(pair):
    a, b = pair
    ops = diff_words(a, b)
    assert apply_ops(a, ops) == b
    assert "".join(op.text for op in ops if op.kind != "insert") == a
    assert "".join(op.text for op in ops if op.kind != "delete") == b


@PROPERTIES
@given(pairs)
def test_ops_are_merged_put_deletions_first_and_survive_a_round_trip(pair):
    ops = diff_words(*pair)
    assert all(op.text for op in ops)
    for first, second in itertools.pairwise(ops):
        assert first.kind != second.kind
        assert (first.kind, second.kind) != ("insert", "delete")
    assert [Op(d["op"], d["text"]) for d in (op.as_dict() for op in ops)] == ops


@PROPERTIES
@given(texts)
def test_a_text_compared_with_itself_is_unchanged(text):
    diff = compare(text, text)
    assert not diff.changed
    assert diff.unified == ""
    assert [op.kind for op in diff.ops] == (["equal"] if text else [])


@PROPERTIES
@given(pairs)
def test_inline_html_escapes_both_texts(pair):
    ops = diff_words(*pair)
    rest = without_tags(render_inline_html(ops), "ins", "del")
    assert "<" not in rest and ">" not in rest
    assert html.unescape(rest) == "".join(op.text for op in ops)


@PROPERTIES
@given(pairs)
def test_side_by_side_shows_every_line_of_a_left_and_of_b_right_escaped(pair):
    a, b = pair
    rows = side_by_side(diff_words(a, b))
    left = [row for row in rows if row.left_number is not None]
    right = [row for row in rows if row.right_number is not None]
    assert [row.left_number for row in left] == list(range(1, len(a.split("\n")) + 1))
    assert [row.right_number for row in right] == list(range(1, len(b.split("\n")) + 1))
    for row in rows:
        for markup, tag in ((row.left_html, "del"), (row.right_html, "ins")):
            assert "<" not in without_tags(markup, tag) and ">" not in without_tags(markup, tag)
        if row.kind == "equal":
            assert row.left_html == row.right_html
    assert "\n".join(html.unescape(without_tags(r.left_html, "del")) for r in left) == a
    assert "\n".join(html.unescape(without_tags(r.right_html, "ins")) for r in right) == b


# --- examples ------------------------------------------------------------------------------

NOMINATION = (
    "In the case of a vacancy for leader or deputy leader, each nomination must be supported "
    "by {} per cent of the combined Commons members of the PLP and members of the EPLP."
)


def test_a_changed_threshold_shows_one_word_deleted_and_one_inserted():
    ops = diff_words(NOMINATION.format(15), NOMINATION.format(10))
    changes = [op for op in ops if op.kind != "equal"]
    assert changes == [Op("delete", "15"), Op("insert", "10")]
    assert diff_stats(ops) == DiffStats(words_added=1, words_removed=1, words_unchanged=32)


def test_changed_punctuation_shows_only_the_mark():
    ops = diff_words("below the threshold. Members", "below the threshold; Members")
    assert [op for op in ops if op.kind != "equal"] == [Op("delete", "."), Op("insert", ";")]


def test_a_phrase_added_before_a_full_stop_is_a_pure_insertion():
    ops = diff_words("members of the PLP.", "members of the PLP and MEPs.")
    assert ops == [Op("equal", "members of the PLP"), Op("insert", " and MEPs"), Op("equal", ".")]


def test_a_citation_number_is_one_word():
    assert tokenize("rule 4.II.2.B.i applies") == ["rule ", "4.II.2.B.i ", "applies"]
    assert tokenize("In the  case\n") == ["In ", "the  ", "case\n"]
    assert tokenize("  indented") == ["  ", "indented"]


def test_a_change_of_whitespace_alone_is_a_change():
    diff = compare("one third", "one\nthird")
    assert diff.changed
    assert list(diff.ops) == [
        Op("equal", "one"),
        Op("delete", " "),
        Op("insert", "\n"),
        Op("equal", "third"),
    ]


def test_a_rewritten_sentence_reads_as_one_replacement():
    ops = diff_words(
        "The NEC shall set the timetable for the ballot.",
        "A CLP may hold the meeting at the end of the year.",
    )
    assert [op.kind for op in ops] == ["delete", "insert", "equal"]


def test_inline_html_marks_insertions_and_deletions_and_escapes_markup():
    ops = [Op("equal", 'a "<b>" & '), Op("delete", "<script>"), Op("insert", "x\ny")]
    assert render_inline_html(ops) == (
        "a &quot;&lt;b&gt;&quot; &amp; <del>&lt;script&gt;</del><ins>x\ny</ins>"
    )


def test_side_by_side_keeps_unchanged_paragraphs_on_one_row():
    a = "Chapter 4\nThe threshold is 15 per cent.\nClause III"
    b = "Chapter 4\nNew paragraph.\nThe threshold is 10 per cent.\nClause III"
    rows = side_by_side(diff_words(a, b))
    assert rows[0] == Row("equal", "Chapter 4", "Chapter 4", 1, 1)
    assert (rows[1].left_number, rows[1].right_number, rows[1].kind) == (None, 2, "change")
    assert rows[2].left_html == "The threshold is <del>15</del> per cent."
    assert rows[2].right_html == "The threshold is <ins>10</ins> per cent."
    assert rows[3] == Row("equal", "Clause III", "Clause III", 3, 4)


def test_unified_diff_has_minus_and_plus_lines_per_sentence():
    a = "Nominations open in June. " + NOMINATION.format(15) + " Ballots close in August."
    b = "Nominations open in June. " + NOMINATION.format(10) + " Ballots close in August."
    text = unified(a, b, from_label="v1", to_label="v2")
    lines = text.splitlines()
    assert lines[:2] == ["--- v1", "+++ v2"]
    assert "-" + NOMINATION.format(15) in lines
    assert "+" + NOMINATION.format(10) in lines
    assert " Nominations open in June." in lines


def test_words_are_matched_even_when_the_space_after_them_changed():
    ops = diff_words("one two three", "one four three five")
    assert [op.text for op in ops if op.kind == "equal"] == ["one ", " three"]


def test_stats_count_words_but_not_whitespace_or_punctuation():
    stats = diff_stats(diff_words("one two three.", "one four three five."))
    assert stats.as_dict() == {"words_added": 2, "words_removed": 1, "words_unchanged": 2}


def test_compare_gives_ops_html_stats_and_unified_text():
    diff = compare("a 15 b", "a 10 b", from_label="2017", to_label="2018")
    data = diff.as_dict()
    assert data["ops"][1] == {"op": "delete", "text": "15"}
    assert data["html"] == "a <del>15</del><ins>10</ins> b"
    assert data["stats"] == {"words_added": 1, "words_removed": 1, "words_unchanged": 2}
    assert data["unified"].startswith("--- 2017\n+++ 2018\n")
    assert diff.rows == side_by_side(diff.ops)


def test_oversize_input_is_refused_with_a_clear_message():
    too_long = "word " * 50_000
    with pytest.raises(DiffInputTooLarge, match=r"text is 250,000 characters; .* 200,000"):
        diff_words("short", too_long)
    with pytest.raises(ValueError):
        compare(too_long, "short")
    with pytest.raises(DiffInputTooLarge):
        unified(too_long, "short")


def test_ops_that_do_not_match_a_are_refused():
    with pytest.raises(ValueError, match="does not match"):
        apply_ops("one two", [Op("equal", "one "), Op("delete", "three")])
    with pytest.raises(ValueError, match="cover"):
        apply_ops("one two", [Op("equal", "one ")])


def test_the_largest_allowed_unrelated_texts_still_diff_quickly():
    a = " ".join(f"alpha{n % 997}" for n in range(MAX_DIFF_CHARS // 12))
    b = " ".join(f"beta{n % 991}" for n in range(MAX_DIFF_CHARS // 12))
    started = time.process_time()
    ops = diff_words(a, b)
    assert time.process_time() - started < 5
    assert apply_ops(a, ops) == b


def test_rule_sized_diffs_are_memoised_and_large_ones_are_not_kept():
    from rulebook import diff as diff_module

    small_a, small_b = "Dues are 5 pounds. ", "Dues are 10 pounds. "
    assert diff_module.compare(small_a, small_b) is diff_module.compare(small_a, small_b)
    large_a = "word " * 5_000
    large_b = large_a + "more"
    before = diff_module._compare_memo.cache_info().currsize
    first = diff_module.compare(large_a, large_b)
    assert diff_module._compare_memo.cache_info().currsize == before
    assert first is not diff_module.compare(large_a, large_b)
    assert first.stats.words_added == 1
