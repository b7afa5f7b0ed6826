"""Every list and detail of the API runs a fixed number of queries, on a small rule book and
on one with several times more rules, versions, parameters, proposals, votes and members."""

import datetime

import pytest
from rest_framework.test import APIClient

from tests import worlds
from tests.factories import add_version, recommend, roll_call
from tests.worlds import built_once

BOOK = "/api/rulebooks/party/"
RULE = BOOK + "rules/c4-nominations/"

# path (with {busy}: a submitted proposal with votes) → queries, whatever the party
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
    # book, rules, versions on each date, the shown versions' parameters (once for the page,
    # not on each date: the changes are paginated)
    BOOK + "changes/?from=2016-06-01": 5,
    BOOK + "parameters/": 5,  # book, count, page, values, versions
    BOOK + "parameters/mp_threshold/": 4,
    BOOK + "cite/?ref=4.II.2.B": 2,  # book, citations
    BOOK + "proposals/": 7,  # book, count, page, amendments, votes, sections, roll calls
    BOOK + "proposals/{busy}/": 6,
    BOOK + "proposals/{busy}/votes/": 6,  # book, proposal, count, page, sections, roll calls
    BOOK + "bodies/": 3,  # book, count, page
    BOOK + "bodies/nec/?on=2020-01-01": 3,  # book, body, members
}


def busy_world(size: str):
    """The party's world, as it is or grown, with a submitted proposal with NEC roll calls: one
    on the small world, six on the larger one, where the nomination rule has more versions."""
    party = worlds.party()
    votes = 1
    if size == "larger":
        votes = 6
        worlds.grow_party(party, 6)
        for year in range(2031, 2037):  # more versions of the rule the tests read, some pending
            add_version(
                party.nominations,
                datetime.date(year, 1, 1),
                worlds.nomination_text(year - 2010),
                number="4.II.2.B.i",
                parameters={"mp_threshold": year - 2010},
            )
    party.busy = worlds.party_proposal(party, "2026/busy", submitted=True)
    for day in range(votes):
        recommend(
            party.busy,
            held_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=day),  # after submission
            entries=roll_call(worlds.PARTY_NEC, ["for"] * 5),
        )
    return party


@pytest.fixture(scope="module", params=["small", "larger"])
def sized_world(request, django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, busy_world, request.param) as world:
        yield world


@pytest.fixture
def busy(db, sized_world):
    return sized_world.busy


@pytest.mark.parametrize("path", list(QUERIES))
def test_queries_do_not_grow_with_the_data(busy, path, django_assert_num_queries):
    client = APIClient()
    url = path.format(busy=busy.pk)
    # + 1 under a rule book: its revision, read to key the shared cache (web/caching.py);
    # this request is cold, so the view then does its whole work.
    extra = 1 if path.startswith(BOOK) else 0
    with django_assert_num_queries(QUERIES[path] + extra):
        response = client.get(url)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("sized_world", ["larger"], indirect=True)
def test_each_listing_really_holds_more_rows_on_the_larger_data(busy):
    client = APIClient()
    assert client.get(BOOK + "rules/").json()["count"] == 4 + 6
    assert client.get(BOOK + "parameters/").json()["count"] == 1 + 6
    # the adopted one, six more and the busy one; the draft is not listed to anonymous clients
    assert client.get(BOOK + "proposals/").json()["count"] == 1 + 6 + 1
    nec = client.get(BOOK + "bodies/nec/", {"on": "2020-01-01"}).json()
    assert len(nec["members"]) == 5 + 6
