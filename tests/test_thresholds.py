"""The threshold arithmetic (rulebook.thresholds): exact Decimal sums, rounding at the
boundaries, and the working a member reads. Pure: no database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulebook.thresholds import Input, compute_threshold, qualifies

PLP = "Commons members of the PLP"


def of(percentage, *values, rounding="up", when_absent="unavailable", unit="nominations"):
    inputs = [
        Input(key=f"q{i}", label=f"q{i}" if len(values) > 1 else PLP, value=v)
        for i, v in enumerate(None if v is None else Decimal(v) for v in values)
    ]
    return compute_threshold(
        percentage=Decimal(percentage),
        inputs=inputs,
        rounding=rounding,
        when_absent=when_absent,
        unit=unit,
    )


def test_the_working_reads_as_the_issue_writes_it():
    computed = of("20", 198)
    assert computed.figure == 40
    assert computed.working == "20 % of 198 Commons members of the PLP = 39.6 → 40 nominations"


def test_fifteen_per_cent_of_twenty_is_exactly_three_even_rounding_up():
    computed = of("15", 20)
    assert (computed.exact, computed.figure) == (Decimal(3), 3)
    assert computed.working == "15 % of 20 Commons members of the PLP = 3 nominations"


@pytest.mark.parametrize(("rounding", "figure"), [("up", 4), ("down", 3), ("nearest", 3)])
def test_fifteen_per_cent_of_twenty_one_is_three_point_one_five(rounding, figure):
    computed = of("15", 21, rounding=rounding)
    assert computed.exact == Decimal("3.15")
    assert computed.figure == figure


def test_nearest_rounds_a_half_up():
    assert of("12.5", 4, rounding="nearest").figure == 1  # 0.5
    assert of("12.5", 4, rounding="down").figure == 0
    assert of("12.5", 21, rounding="nearest").figure == 3  # 2.625


def test_a_sum_of_quantities_shows_each_term_and_the_total():
    computed = of("15", 232, 20)
    assert computed.base == 252
    assert computed.figure == 38
    assert computed.working == "15 % of (232 q0 + 20 q1 = 252) = 37.8 → 38 nominations"


def test_a_missing_value_makes_the_figure_unavailable_and_says_which():
    computed = of("10", 202, None)
    assert not computed.available
    assert computed.figure is None
    assert computed.reason == "no value recorded on the date for q1"
    assert "q1 (no value)" in computed.working


def test_a_missing_value_counts_as_none_when_the_basis_says_so():
    computed = of("10", 202, None, when_absent="zero")
    assert computed.figure == 21  # 20.2 rounded up


def test_a_basis_without_quantities_has_no_figure():
    computed = compute_threshold(percentage=Decimal(10), inputs=[], rounding="up")
    assert computed.reason == "the basis names no quantity"


def test_an_unknown_rounding_is_refused():
    with pytest.raises(ValueError, match="Unknown rounding"):
        of("10", 10, rounding="sideways")


def test_reaching_the_figure_exactly_qualifies():
    computed = of("15", 232)  # 34.8 -> 35
    assert qualifies(35, computed) is True
    assert qualifies(34, computed) is False
    assert qualifies(99, of("10", None)) is None


# Percentages as rules write them: whole or with up to two decimals (12.5, 33.33).
percentages = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 100)
bases = st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=4)


@given(percentages, bases)
def test_rounding_up_gives_the_least_whole_number_reaching_the_exact_share(percentage, values):
    exact = Fraction(percentage) * sum(values) / 100  # exact rational arithmetic: the oracle
    figure = of(percentage, *values).figure
    assert figure >= exact > figure - 1


@given(percentages, bases)
def test_rounding_down_gives_the_greatest_whole_number_within_the_exact_share(percentage, values):
    exact = Fraction(percentage) * sum(values) / 100
    figure = of(percentage, *values, rounding="down").figure
    assert figure <= exact < figure + 1


@given(percentages, bases)
def test_nearest_is_within_a_half_and_takes_halves_up(percentage, values):
    exact = Fraction(percentage) * sum(values) / 100
    figure = of(percentage, *values, rounding="nearest").figure
    assert abs(figure - exact) <= Fraction(1, 2)
    if abs(figure - exact) == Fraction(1, 2):
        assert figure > exact


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=10_000))
def test_an_exact_share_is_the_same_whichever_the_rounding(percentage, multiple):
    # percentage % of (100 * multiple) is a whole number: no rounding may move it.
    figures = {of(percentage, 100 * multiple, rounding=r).figure for r in ("up", "down", "nearest")}
    assert figures == {percentage * multiple}
