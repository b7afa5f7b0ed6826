"""The parameter chart's geometry: pure arithmetic, tested without a database."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from web.charts import format_value, step_chart, year_ticks

D = datetime.date.fromisoformat


def test_a_step_chart_draws_one_level_per_value_joined_by_risers():
    chart = step_chart(
        [
            (D("2016-01-01"), D("2017-09-27"), Decimal(15)),
            (D("2017-09-27"), D("2021-09-29"), Decimal(10)),
            (D("2021-09-29"), None, Decimal(20)),
        ],
        until=D("2024-01-01"),
        unit="%",
    )
    assert [s.label for s in chart.steps] == ["15%", "10%", "20%"]
    assert chart.path.count("M ") == 1 and chart.path.count("V ") == 2
    first, second, third = chart.steps
    assert first.y > third.y > chart.top - 1  # 20% is drawn higher than 15%
    assert second.y > first.y
    assert first.x1 == chart.left and third.x2 == chart.right and third.ongoing
    assert [t.label for t in chart.x_ticks] == ["2016", "2018", "2020", "2022", "2024"]
    assert chart.y_ticks[0].label == "0%" and chart.y_ticks[-1].label == "25%"


def test_a_value_that_does_not_change_is_one_step():
    chart = step_chart(
        [
            (D("2016-01-01"), D("2018-01-01"), Decimal(20)),
            (D("2018-01-01"), None, Decimal(20)),
        ],
        until=D("2020-01-01"),
    )
    assert len(chart.steps) == 1 and chart.steps[0].ongoing


def test_a_gap_where_no_rule_states_the_value_breaks_the_line():
    chart = step_chart(
        [
            (D("2016-01-01"), D("2018-01-01"), Decimal(3)),
            (D("2018-01-01"), D("2019-01-01"), None),
            (D("2019-01-01"), None, Decimal(4)),
        ],
        until=D("2020-01-01"),
    )
    assert chart.path.count("M ") == 2
    assert len(chart.steps) == 2


def test_nothing_to_draw_without_a_value():
    assert step_chart([(D("2016-01-01"), None, None)], until=D("2020-01-01")) is None
    assert step_chart([], until=D("2020-01-01")) is None


def test_values_are_shown_without_trailing_zeros():
    assert format_value(Decimal("15.0000"), "%") == "15%"
    assert format_value(Decimal("12.5000"), "members") == "12.5 members"
    assert format_value(Decimal("100")) == "100"


def test_year_ticks_thin_out_over_long_spans():
    assert len(year_ticks(D("1900-06-01"), D("2020-01-01"))) <= 8
    assert year_ticks(D("2020-01-01"), D("2020-06-01")) == [D("2020-01-01")]


dates = st.dates(min_value=D("1900-01-01"), max_value=D("2100-01-01"))


@settings(deadline=None)
@given(
    starts=st.lists(dates, min_size=1, max_size=12, unique=True),
    values=st.lists(st.one_of(st.none(), st.decimals(0, 10_000, places=2)), min_size=12),
    until=dates,
)
def test_every_point_lies_inside_the_plot(starts, values, until):
    starts.sort()
    points = [
        (start, starts[i + 1] if i + 1 < len(starts) else None, values[i])
        for i, start in enumerate(starts)
    ]
    chart = step_chart(points, until=until)
    if all(v is None for _, _, v in points):
        assert chart is None
        return
    for step in chart.steps:
        assert chart.left <= step.x1 <= step.x2 <= chart.right
        assert chart.top <= step.y <= chart.bottom
    assert all(chart.left <= t.at <= chart.right for t in chart.x_ticks)
