"""`/<rulebook>/parameters/`: every parameter with its label and its value on a date
(issue 12, item 2), linked from the contents and from each parameter's page."""

import re

import pytest

from rulebook.models import Parameter
from tests.factories import ParameterFactory, RuleFactory, add_version
from tests.test_people_words import squeeze, visible_text

pytestmark = pytest.mark.django_db


def rows(markup: str) -> dict[str, str]:
    """Each row of the table as {parameter label: the rest of the row, as read}."""
    body = markup[markup.index("<tbody>") : markup.index("</tbody>")]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        label = squeeze(visible_text(re.search(r"<th[^>]*>(.*?)</th>", row, flags=re.S)[1]))
        found[label] = squeeze(visible_text(row.split("</th>", 1)[1]))
    return found


def read(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:300]
    return response.content.decode()


def test_every_parameter_is_listed_by_label_with_its_value_today_and_the_rule_stating_it(
    client, branch
):
    markup = read(client, "/branch/parameters/")
    listed = rows(markup)
    assert list(listed) == [
        "Honorarium of the secretary",
        "Notice of a general meeting",
        "Treasurer nominations: share of branches",
    ]  # by label
    treasurer = listed["Treasurer nominations: share of branches"]
    assert treasurer.startswith("10% since 1 October 2019 9.X.2.B.iii Nominations for treasurer")
    notice = listed["Notice of a general meeting"]
    future = f"{branch.future:%-d %B %Y}"
    assert (
        notice
        == f"7 days since 1 January 2016 9.X.4 Notice of meetings 14 days from {future} pending"
    )
    assert listed["Honorarium of the secretary"] == "not stated — —"
    assert 'href="/branch/parameters/zq_treasurer_branch_share/"' in markup
    assert 'href="/branch/rules/zq9-x-2-b-iii/v/2/"' in markup  # the version stating it


def test_the_values_on_a_past_date(client, branch):
    listed = rows(read(client, "/branch/parameters/?at=2018-06-01"))
    assert listed["Treasurer nominations: share of branches"].startswith(
        "15% since 1 January 2016 9.X.2.B.iii Nominations for treasurer 10% from 1 October 2019"
    )
    before = rows(read(client, "/branch/parameters/?at=2015-06-01"))
    assert before["Treasurer nominations: share of branches"].startswith("not stated")


def test_a_parameter_whose_rule_was_repealed_is_no_longer_stated(client, branch):
    """A repeal ends the value: the index says "not stated", not the last value."""
    rule = RuleFactory(rulebook=branch.book, key="zq-flags")
    add_version(rule, "2016-01-01", "Two flags.", number="9.X.9", heading="Flags",
                parameters={branch.spare.key: 2})  # fmt: skip
    add_version(rule, "2020-01-01", repealed=True)
    assert rows(read(client, "/branch/parameters/?at=2019-01-01"))[
        "Honorarium of the secretary"
    ].startswith("2 since 1 January 2016 9.X.9 Flags")
    assert rows(read(client, "/branch/parameters/"))["Honorarium of the secretary"] == (
        "not stated — —"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("at=2021-02-30", "2021-02-30 is not a real date (February 2021 has 28 days)"),
        ("at=yesterday", "must be a date written YYYY-MM-DD"),
        ("at=2021-02-01%00", "NUL character"),
    ],
)
def test_a_bad_date_is_a_400_saying_what_is_wrong(client, branch, query, message):
    markup = read(client, f"/branch/parameters/?{query}", status=400)
    assert message in visible_text(markup)


def test_an_unknown_rule_book_is_a_404(client, branch):
    assert "no rule book called" in read(client, "/nowhere/parameters/", status=404)


def test_a_book_without_parameters_says_so(client, one_rule):
    Parameter.objects.filter(rulebook__slug="club").delete()
    assert "This rule book states no parameters." in read(client, "/club/parameters/")


def test_the_index_is_linked_from_the_contents_and_each_parameter_page(client, branch):
    assert 'href="/branch/parameters/"' in read(client, "/branch/")
    assert 'href="/branch/parameters/?at=2018-01-01"' in read(client, "/branch/?at=2018-01-01")
    assert 'href="/branch/parameters/"' in read(
        client, "/branch/parameters/zq_treasurer_branch_share/"
    )


def grow(branch, count: int) -> None:
    """`count` more parameters, each stated by a rule of its own in two versions."""
    for n in range(count):
        key = f"zq_grown_{n}"
        ParameterFactory(rulebook=branch.book, key=key, label=f"Grown figure {n}", unit="")
        rule = RuleFactory(rulebook=branch.book, key=f"zq-grown-{n}", parent=branch.chapter)
        add_version(rule, "2016-01-01", f"Figure {n}.", number=f"9.G.{n}", parameters={key: n})
        add_version(rule, "2020-01-01", f"Figure {n}!", number=f"9.G.{n}", parameters={key: n + 1})


# book, parameters, their values, the versions of the rules stating them; + 1: the book's
# revision, read before the view to key the shared cache (web/caching.py).
QUERIES = 4 + 1


def test_the_index_runs_the_same_number_of_queries_however_many_parameters(
    client, branch, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        assert client.get("/branch/parameters/").status_code == 200
    grow(branch, 12)
    with django_assert_num_queries(QUERIES):
        response = client.get("/branch/parameters/?at=2021-01-01")
    assert response.status_code == 200
    assert rows(response.content.decode())["Grown figure 11"].startswith("12 since 1 January 2020")


@pytest.mark.postgres
def test_the_index_on_postgresql(client, branch):
    listed = rows(read(client, "/branch/parameters/?at=2020-06-01"))
    assert listed["Treasurer nominations: share of branches"].startswith("10% since")
