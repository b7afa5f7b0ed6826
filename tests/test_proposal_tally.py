"""Vote arithmetic: pure functions, no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proposals.services.tally import (
    Section,
    card_vote_totals,
    decide,
    roll_call_counts,
    section_problems,
)


def test_a_simple_majority_carries_with_more_for_than_against():
    assert decide(votes_for=22, votes_against=12, majority="simple") == "carried"


def test_a_tie_is_lost_under_a_simple_majority():
    assert decide(votes_for=10, votes_against=10, majority="simple") == "lost"


def test_two_thirds_carries_at_exactly_two_thirds_of_those_voting():
    assert decide(votes_for=20, votes_against=10, majority="two_thirds") == "carried"
    assert decide(votes_for=19, votes_against=10, majority="two_thirds") == "lost"


def test_two_thirds_ignores_abstentions_and_needs_at_least_one_vote_for():
    # 22 - 12 is 64.7% of those voting: short of two thirds whatever the abstentions.
    assert decide(votes_for=22, votes_against=12, majority="two_thirds") == "lost"
    assert decide(votes_for=0, votes_against=0, majority="two_thirds") == "lost"


def test_an_unknown_majority_rule_is_an_error():
    with pytest.raises(ValueError, match="Unknown majority"):
        decide(votes_for=1, votes_against=0, majority="unanimous")


def test_the_2021_conference_card_vote_53_67_to_46_33_is_carried():
    sections = [
        Section("CLPs", D(50), D("35.00"), D("65.00")),
        Section("Affiliates", D(50), D("72.34"), D("27.66")),
    ]
    weighted_for, weighted_against = card_vote_totals(sections)
    assert (weighted_for, weighted_against) == (D("53.67"), D("46.33"))
    assert decide(votes_for=weighted_for, votes_against=weighted_against, majority="simple") == (
        "carried"
    )
    assert (
        decide(votes_for=weighted_for, votes_against=weighted_against, majority="two_thirds")
        == "lost"
    )


def test_card_vote_sections_that_cannot_be_true_are_named():
    problems = section_problems(
        [
            Section("CLPs", D(50), D("70"), D("40")),
            Section("Affiliates", D(40), D("101"), D("0")),
        ]
    )
    assert any("add up to more than 100%" in p for p in problems)
    assert any("101" in p and "between 0 and 100" in p for p in problems)
    assert "Section weights add up to 90%, not 100%." in problems


def test_rounded_card_vote_percentages_are_accepted():
    assert section_problems([Section("All", D(100), D("60.03"), D("39.99"))]) == []


def test_a_roll_call_is_counted_by_choice():
    assert roll_call_counts(["for", "against", "for", "abstain"]) == (2, 1, 1)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_two_thirds_never_carries_what_a_simple_majority_loses(votes_for, votes_against):
    if decide(votes_for=votes_for, votes_against=votes_against, majority="two_thirds") == (
        "carried"
    ):
        assert decide(votes_for=votes_for, votes_against=votes_against, majority="simple") == (
            "carried"
        )
