"""Every member page runs the same number of SQL queries however big the rule book grows."""

import pytest

from tests.web_builders import build, grow

pytestmark = pytest.mark.django_db

# page → queries; the comment lists them.
PAGES = {
    "/coop/": 5,  # rule book, rules, versions in force, their parameters, pending
    "/coop/rules/nominations/": 11,  # rule, versions, parameters, amendments twice, proposals,
    # votes, bodies, card-vote sections, roll calls, roll-call members
    "/coop/rules/nominations/v/2/": 10,  # ETag, rule, versions, parameters (2), amendment,
    # proposal, votes, bodies, sections
    "/coop/rules/nominations/compare/?from=1&to=3": 3,  # ETag, rule, the two versions
    "/coop/rules/nominations/compare/?from=1&to=3&view=side": 3,
    "/coop/rules/nominations/blame/": 7,  # rule, versions, amendment, proposal, votes, bodies,
    # sections
    "/coop/changes/?from=2016-06-01&to=2025-06-01": 6,  # book, rules, versions and
    # parameters on each date
    "/coop/proposals/": 5,  # book, count, page, amendments, their rules
    "/coop/proposals/{p20}/": 7,  # book, proposal, amendments, votes (with bodies), sections,
    # roll calls (with members), memberships
    "/coop/parameters/nomination_threshold/": 3,  # parameter, values, versions
    "/coop/search/?q=nomination": 2,  # book, matching versions
    "/coop/search/?q=nomination&at=2018-01-01": 2,
    "/coop/cite/?ref=2.1": 2,  # book, versions once numbered so
    "/coop/feed/": 2,  # book, newest versions with the text each replaced
    "/coop/rules/nominations/feed/": 2,  # rule, its newest versions
}


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_a_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, size, url, queries
):
    ns = build()
    if size == "large":
        grow(ns, count=8)
    url = url.format(p20=ns.p20.pk)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
