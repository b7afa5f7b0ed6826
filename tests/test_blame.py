"""Blame over a rule's successive texts: pure functions, so no database."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook.blame import Passage, blame

PROPERTIES = settings(max_examples=200, derandomize=True, database=None, deadline=None)

WORDS = ["the", "members", "PLP", "15", "10", "per cent", ".", ";", "<b>", "&", "é", "\n"]
texts = st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join) | st.text(max_size=20)
histories = st.lists(texts, min_size=1, max_size=6)


@PROPERTIES
@given(histories)
def test_passages_join_into_the_last_text_with_valid_origins(history):
    passages = blame(history)
    assert "".join(passage.text for passage in passages) == history[-1]
    assert all(passage.text for passage in passages)
    assert all(0 <= passage.origin < len(history) for passage in passages)
    origins = [passage.origin for passage in passages]
    assert all(left != right for left, right in itertools.pairwise(origins))


@PROPERTIES
@given(histories)
def test_no_passage_is_older_than_the_last_time_the_rule_was_empty(history):
    emptied = [index for index, text in enumerate(history) if not text]
    if emptied:
        assert all(passage.origin > emptied[-1] for passage in blame(history))


@PROPERTIES
@given(texts, st.integers(1, 4))
def test_an_unchanged_text_keeps_its_first_origin(text, repeats):
    assert blame([text] * repeats) == ([Passage(text, 0)] if text else [])


@PROPERTIES
@given(texts, texts)
def test_kept_passages_come_in_order_from_the_old_text_and_the_rest_is_new(old, new):
    passages = blame([old, new])
    kept = "".join(p.text for p in passages if p.origin == 0)
    remaining = iter(old)
    assert all(char in remaining for char in kept)  # kept is a subsequence of old
    added = sum(len(p.text) for p in passages if p.origin == 1)
    assert added >= len(new) - len(old)


def test_three_versions_attribute_each_change_to_its_version():
    history = [
        "Each nomination must be supported by 15 per cent of the PLP.",
        "Each nomination must be supported by 10 per cent of the PLP.",
        "Each nomination must be supported by 10 per cent of the PLP and MEPs.",
    ]
    assert blame(history) == [
        Passage("Each nomination must be supported by ", 0),
        Passage("10", 1),
        Passage(" per cent of the PLP", 0),
        Passage(" and MEPs", 2),
        Passage(".", 0),
    ]


def test_a_rule_repealed_and_restored_is_attributed_to_the_restoring_version():
    assert blame(["Clause VI applies.", "", "Clause VI applies."]) == [
        Passage("Clause VI applies.", 2)
    ]


def test_a_repealed_rule_has_no_passages():
    assert blame(["Clause VI applies.", ""]) == []
    assert blame([]) == []


def test_passages_serialise_to_dicts():
    assert Passage("text", 3).as_dict() == {"text": "text", "origin": 3}
