"""Three-way merge used to rebase amendments: pure functions, so no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook.merge import Conflict, MergeResult, merge3

PROPERTIES = settings(max_examples=200, derandomize=True, database=None, deadline=None)

texts = st.lists(
    st.sampled_from(["the", "PLP", "15", "10", ".", ";", "<b>", "\n", "é"]), max_size=15
).map(" ".join).filter(bool) | st.text(max_size=15)
# Base words are distinct and edits use words of their own, so each side's diff against the
# base is exactly the edit made, wherever it is.
bases = st.lists(st.integers(0, 999), min_size=3, max_size=25, unique=True).map(
    lambda numbers: [f"w{n}" for n in numbers]
)


def new_words(prefix, min_size=0):
    return st.lists(st.integers(0, 99).map(lambda n: f"{prefix}{n}"), min_size=min_size, max_size=3)


def replace(words, start, end, new):
    return [*words[:start], *new, *words[end:]]


@st.composite
def disjoint_edits(draw):
    """A base and two edits to token ranges with at least one untouched word between them."""
    words = draw(bases)
    s1, e1, s2, e2 = sorted(draw(st.lists(st.integers(0, len(words)), min_size=4, max_size=4)))
    if e1 == s2:
        s2 = e2 = min(s2 + 1, len(words))
        if e1 == s2:
            s1 = e1 = max(e1 - 1, 0)
    return words, (s1, e1, draw(new_words("C"))), (s2, e2, draw(new_words("P")))


@st.composite
def overlapping_edits(draw):
    """A base and two edits that replace overlapping ranges with different, non-empty text."""
    words = draw(bases)
    s1 = draw(st.integers(0, len(words) - 1))
    e1 = draw(st.integers(s1 + 1, len(words)))
    s2 = draw(st.integers(0, e1 - 1))
    e2 = draw(st.integers(max(s1, s2) + 1, len(words)))
    return words, (s1, e1, draw(new_words("C", 1))), (s2, e2, draw(new_words("P", 1)))


@PROPERTIES
@given(disjoint_edits(), st.booleans())
def test_merging_non_overlapping_edits_contains_both(case, swap):
    words, (s1, e1, new1), (s2, e2, new2) = case
    current = " ".join(replace(words, s1, e1, new1))
    proposed = " ".join(replace(words, s2, e2, new2))
    expected = " ".join([*words[:s1], *new1, *words[e1:s2], *new2, *words[e2:]])
    if swap:
        current, proposed = proposed, current
    result = merge3(" ".join(words), current, proposed)
    assert result.clean
    assert result.text == expected


@PROPERTIES
@given(overlapping_edits())
def test_overlapping_different_edits_are_a_conflict(case):
    words, (s1, e1, new1), (s2, e2, new2) = case
    base = " ".join(words)
    current = " ".join(replace(words, s1, e1, new1))
    proposed = " ".join(replace(words, s2, e2, new2))
    result = merge3(base, current, proposed)
    assert not result.clean
    for conflict in result.conflicts:
        assert conflict.base in base
        assert conflict.current in current
        assert conflict.proposed in proposed
    with pytest.raises(ValueError, match="conflict"):
        result.text  # noqa: B018


@PROPERTIES
@given(texts, texts)
def test_if_current_is_the_base_the_result_is_the_proposal(base, proposed):
    assert merge3(base, base, proposed).text == proposed


@PROPERTIES
@given(texts, texts)
def test_if_the_proposal_is_the_base_the_result_is_current(base, current):
    assert merge3(base, current, base).text == current


@PROPERTIES
@given(texts, texts)
def test_the_same_change_on_both_sides_applies_once(base, changed):
    assert merge3(base, changed, changed).text == changed


@PROPERTIES
@given(texts, texts, texts)
def test_any_three_texts_merge_or_report_conflicts_that_are_shown(base, current, proposed):
    result = merge3(base, current, proposed)
    marked = result.render_with_markers()
    assert marked.count("<<<<<<< current\n") >= len(result.conflicts)
    if result.clean:
        assert marked == result.text
    assert all(chunk != "" for chunk in result.chunks)


THRESHOLD = (
    "In the case of a vacancy for leader, each nomination must be supported by {} per cent of "
    "the combined Commons members of the PLP. Nominations shall close {} after the vacancy."
)


def test_a_changed_threshold_and_a_changed_later_sentence_merge_cleanly():
    base = THRESHOLD.format(15, "seven days")
    current = THRESHOLD.format(10, "seven days")
    proposed = THRESHOLD.format(15, "fourteen days")
    assert merge3(base, current, proposed).text == THRESHOLD.format(10, "fourteen days")


def test_two_different_thresholds_are_a_conflict_with_all_three_values():
    base = THRESHOLD.format(15, "seven days")
    result = merge3(base, THRESHOLD.format(10, "seven days"), THRESHOLD.format(20, "seven days"))
    assert result.conflicts == [Conflict(base="15", current="10", proposed="20")]
    assert result.as_dict() == {
        "clean": False,
        "text": None,
        "with_markers": result.render_with_markers(),
        "conflicts": [{"base": "15", "current": "10", "proposed": "20"}],
    }


def test_conflict_markers_sit_on_their_own_lines():
    result = merge3("quorum is 15 members", "quorum is 10 members", "quorum is 20 members")
    assert result.render_with_markers() == (
        "quorum is \n<<<<<<< current\n10\n=======\n20\n>>>>>>> proposed\n members"
    )


def test_different_insertions_at_the_same_place_are_a_conflict():
    result = merge3(
        "a quorum is 15 members", "a quorum is 15 voting members", "a quorum is 15 full members"
    )
    assert result.conflicts == [Conflict(base="", current="voting ", proposed="full ")]


def test_changes_to_adjacent_words_both_apply():
    assert merge3("15 per cent of MPs", "10 per cent of MPs", "15 % of MPs").text == "10 % of MPs"


def test_an_insertion_next_to_the_other_sides_change_applies_both():
    base = "supported by 15 per cent of MPs"
    result = merge3(
        base, "supported by 10 per cent of MPs", "supported by at least 15 per cent of MPs"
    )
    assert result.text == "supported by at least 10 per cent of MPs"


def test_deleting_a_passage_the_other_side_edited_is_a_conflict():
    base = "Members may vote. Each CLP shall send two delegates. Ballots close in June."
    current = "Members may vote. Ballots close in June."
    proposed = "Members may vote. Each CLP shall send three delegates. Ballots close in June."
    result = merge3(base, current, proposed)
    assert not result.clean
    assert result.conflicts[0].current == ""
    assert "three" in result.conflicts[0].proposed


def test_a_clean_result_serialises_its_text():
    result = merge3("a b", "a c", "a b")
    assert result == MergeResult(("a c",))
    assert result.as_dict() == {
        "clean": True,
        "text": "a c",
        "with_markers": "a c",
        "conflicts": [],
    }
