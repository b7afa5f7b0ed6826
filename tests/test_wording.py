"""Small wording slips (issue 12, item 7): plurals, "not a real date" for a day that never
was, a repeal shown as a repeal; and the phone's chart keeps its labels legible and apart."""

import datetime
from decimal import Decimal

import pytest

from rulebook.validators import date_problem
from tests.factories import ProposalFactory, amend, staff, token_for
from tests.test_people_words import squeeze, visible_text
from web.charts import NARROW_WIDTH, WIDTH, step_chart

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def read(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:300]
    return squeeze(visible_text(response.content.decode()))


# --- plurals --------------------------------------------------------------------------------


def test_one_word_added_is_singular_wherever_a_diff_is_counted(client, branch):
    """15 → 10 per cent: one word added, one removed."""
    pages = [
        "/branch/rules/zq9-x-2-b-iii/compare/?from=1&to=2",
        f"/branch/proposals/{branch.adopted.pk}/",
        "/branch/changes/?from=2018-01-01&to=2020-01-01",
    ]
    for url in pages:
        text = read(client, url)
        assert "1 word added, 1 removed" in text, url
        assert "1 words" not in text, url
    feed = client.get("/branch/feed/").content.decode()
    assert "1 word added, 1 removed." in feed and "1 words" not in feed


def test_several_words_added_are_plural(client, branch):
    """Against the pending "Fourteen days' notice is given of a general meeting.": "Twenty
    eight clear" and "always" in, "Fourteen" and "of a general meeting" out."""
    rival = ProposalFactory(
        rulebook=branch.book,
        reference="2026/2",
        title="Longer notice",
        amendments=[amend(branch.meetings, "Twenty eight clear days' notice is given always.")],
        submitted=True,
    )
    text = read(client, f"/branch/proposals/{rival.pk}/")
    assert "4 words added, 5 removed" in text


def test_one_rule_matches_is_singular_on_the_search_page(client, branch):
    # Results are grouped by rule (the best-matching version first).
    text = read(client, "/branch/search/?q=banner")
    assert "1 rule matches" in text
    assert "1 rules" not in text and "rule match " not in text


# --- dates that never were ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2021-02-30", "2021-02-30 is not a real date (February 2021 has 28 days)"),
        ("2023-04-31", "2023-04-31 is not a real date (April 2023 has 30 days)"),
        ("2021-13-01", "2021-13-01 is not a real date (there is no month 13)"),
        ("0000-01-01", "0000-01-01 is not a real date (there is no year 0)"),
        ("30/02/2021", "'30/02/2021' is not a date written YYYY-MM-DD"),
        ("2020-02-29", None),
    ],
)
def test_date_problem_says_why_a_date_is_no_date(text, problem):
    assert date_problem(text) == problem


NOT_REAL = "2021-02-30 is not a real date (February 2021 has 28 days)"


@pytest.mark.parametrize(
    "url",
    [
        "/branch/?at=2021-02-30",
        "/branch/rules/zq9-x-2-b-iii/?at=2021-02-30",
        "/branch/rules/zq9-x-2-b-iii/blame/?at=2021-02-30",
        "/branch/changes/?from=2021-02-30",
        "/branch/changes/?from=2020-01-01&to=2021-02-30",
        "/branch/search/?q=treasurer&at=2021-02-30",
        "/branch/cite/?ref=9.X.3&at=2021-02-30",
        "/branch/parameters/?at=2021-02-30",
    ],
)
def test_every_date_form_of_the_pages_says_not_a_real_date(client, branch, url):
    assert NOT_REAL in read(client, url, status=400)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/rulebooks/branch/rules/?at=2021-02-30", "at"),
        ("/api/rulebooks/branch/changes/?from=2021-02-30", "from"),
        ("/api/rulebooks/branch/changes/?from=2020-01-01&to=2021-02-30", "to"),
        (
            "/api/rulebooks/branch/rules/zq9-x-2-b-iii/versions/?effective_from_after=2021-02-30",
            "effective_from_after",
        ),
    ],
)
def test_every_api_date_parameter_says_not_a_real_date(client, branch, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()[field] == ["2021-02-30 is not a real date (February 2021 has 28 days)."]


def test_an_api_write_with_a_day_that_never_was_is_refused_so(client, branch):
    carried = ProposalFactory(
        rulebook=branch.book,
        reference="2026/5",
        amendments=[amend(branch.meetings, "Ten days' notice is given of a general meeting.")],
        carried=True,
        decided_on=D("2024-09-20"),
    )
    token = token_for(staff("words-secretary", "Secretary"))
    response = client.post(
        f"/api/rulebooks/branch/proposals/{carried.pk}/adopt/",
        {"effective_from": "2021-02-30"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert response.json()["effective_from"] == [
        "2021-02-30 is not a real date (February 2021 has 28 days)."
    ]
    carried.refresh_from_db()
    assert carried.status == "carried"


# --- a repeal is a repeal ---------------------------------------------------------------------


def test_comparing_with_a_repeal_says_it_repeals_the_rule_not_that_it_was_renumbered(
    client, branch
):
    text = read(client, "/branch/rules/zq9-x-3/compare/?from=1&to=2")
    assert "Version 2 repeals the rule." in text
    assert "Renumbered" not in text and "—." not in text
    assert "Changes to 9.X.3 Banners and flags" in text


def test_the_repeal_version_page_names_the_rule_it_repealed(client, branch):
    text = read(client, "/branch/rules/zq9-x-3/v/2/")
    assert "Repeal of 9.X.3 Banners and flags" in text
    assert "repealing it from 1 January 2020" in text


# --- the phone's chart ----------------------------------------------------------------------


def crossed(chart) -> list[str]:
    """Labels that a riser (the vertical line up or down to the next value) runs through. A
    label is drawn from 0.6em (13px type) above `text.y` to its top, about 20 units above."""
    found = []
    for here, there in zip(chart.steps, chart.steps[1:], strict=False):
        low, high = here.text.extent
        top, bottom = here.text.y - 20, here.text.y - 4
        riser = (min(here.y, there.y), max(here.y, there.y))
        if low < there.x1 < high and riser[0] < bottom and top < riser[1]:
            found.append(here.label)
    return found


def test_the_narrow_chart_keeps_value_labels_inside_and_apart():
    """The demo's MP threshold: 12.5% (2013), 15% (2015), 10% (2017), 20% (2021): on a
    phone the riser from 12.5% up to 15% would strike through the "12.5%"."""
    points = [
        (D("2013-01-01"), D("2015-01-01"), Decimal("12.5")),
        (D("2015-01-01"), D("2017-09-27"), Decimal(15)),
        (D("2017-09-27"), D("2021-09-29"), Decimal(10)),
        (D("2021-09-29"), None, Decimal(20)),
    ]
    today = D("2026-12-01")
    narrow = step_chart(points, until=today, unit="%", today=today, width=NARROW_WIDTH)
    wide = step_chart(points, until=today, unit="%", today=today)
    assert narrow.width == NARROW_WIDTH and wide.width == WIDTH
    assert crossed(narrow) == []
    for step in narrow.steps:
        low, high = step.text.extent
        assert low >= 0 and high <= NARROW_WIDTH, step.label
    assert len(step_chart(points, until=today, width=NARROW_WIDTH, most_years=4).x_ticks) <= 4


def test_the_parameter_page_draws_a_narrow_chart_for_phones(client, branch):
    response = client.get("/branch/parameters/zq_treasurer_branch_share/")
    markup = response.content.decode()
    assert f'class="chart-narrow" viewBox="0 0 {NARROW_WIDTH} ' in markup
    assert f'class="chart-wide" viewBox="0 0 {WIDTH} ' in markup
    assert markup.count('role="img"') == 2 and 'id="chart-title-narrow"' in markup
