"""Every list and detail of the API runs a fixed number of queries, on a small rule book and
on one with several times more rules, versions, parameters, proposals, votes and members."""

import datetime

import pytest
from rest_framework.test import APIClient

from proposals.services import vote_record
from rulebook.services import version_create
from tests import api_data

BOOK = "/api/rulebooks/party/"
RULE = BOOK + "rules/c4-nominations/"

# path (with {busy}: a submitted proposal with votes) → queries, whatever the data
QUERIES = {
    "/api/rulebooks/": 2,  # count, page
    BOOK: 1,
    BOOK + "rules/": 5,  # book, rules, versions in force, their parameters, pending
    BOOK + "rules/?at=2017-06-01": 5,
    RULE: 4,  # rule and parent, children, versions (with amendment), parameters
    RULE + "versions/": 4,  # rule, count, page, parameters
    RULE + "versions/2/": 3,  # rule, version, parameters
    RULE + "diff/?from=1&to=3": 2,  # both versions, their parameters
    RULE + "blame/": 5,  # rule, versions, amendments, proposals, parameters
    BOOK + "changes/?from=2016-06-01": 6,  # book, rules, 2 x (versions, parameters)
    BOOK + "parameters/": 5,  # book, count, page, values, versions
    BOOK + "parameters/mp_threshold/": 4,
    BOOK + "cite/?ref=4.II.2.B": 2,  # book, citations
    BOOK + "proposals/": 7,  # book, count, page, amendments, votes, sections, roll calls
    BOOK + "proposals/{busy}/": 6,
    BOOK + "proposals/{busy}/votes/": 6,  # book, proposal, count, page, sections, roll calls
    BOOK + "bodies/": 3,  # book, count, page
    BOOK + "bodies/nec/?on=2020-01-01": 3,  # book, body, members
}


def busy_proposal(data, votes: int):
    """A submitted proposal with `votes` NEC roll calls."""
    proposal = api_data.proposal(data.book, "2026/busy", state="submitted")
    for day in range(votes):
        vote_record(
            proposal=proposal,
            body="nec",
            held_on=datetime.date(2026, 6, 1) + datetime.timedelta(days=day),
            stage="recommendation",
            method="roll_call",
            roll_call=[{"member": name, "choice": "for"} for name in api_data.NEC],
        )
    return proposal


@pytest.fixture(params=["small", "larger"])
def busy(request, db):
    data = api_data.build()
    if request.param == "small":
        return busy_proposal(data, votes=1)
    api_data.grow(data, 6)
    for year in range(2031, 2037):  # more versions of the rule the tests read, some pending
        version_create(
            rule=data.nominations,
            effective_from=datetime.date(year, 1, 1),
            number="4.II.2.B.i",
            text=api_data.nomination_text(year - 2010),
            parameters={"mp_threshold": year - 2010},
        )
    return busy_proposal(data, votes=6)


@pytest.mark.parametrize("path", list(QUERIES))
def test_queries_do_not_grow_with_the_data(busy, path, django_assert_num_queries):
    client = APIClient()
    url = path.format(busy=busy.pk)
    with django_assert_num_queries(QUERIES[path]):
        response = client.get(url)
    assert response.status_code == 200, response.content


def test_each_listing_really_holds_more_rows_on_the_larger_data(db):
    data = api_data.build()
    api_data.grow(data, 6)
    client = APIClient()
    assert client.get(BOOK + "rules/").json()["count"] == 4 + 6
    assert client.get(BOOK + "parameters/").json()["count"] == 1 + 6
    assert client.get(BOOK + "proposals/").json()["count"] == 2 + 6
    nec = client.get(BOOK + "bodies/nec/", {"on": "2020-01-01"}).json()
    assert len(nec["members"]) == 5 + 6
