"""Every member page runs the same number of SQL queries however big the rule book grows."""

import copy

import pytest

from tests import worlds
from tests.worlds import built_once

# page → queries; the comment lists them.
PAGES = {
    # rule book; the book's order on the date, lean (rules, versions in force); the page's
    # versions, their parameters; pending. One query more than when the whole book was read in
    # full, so that a page costs the same on a book of 100,000 rules (tests/test_large_books.py)
    "/coop/": 6,
    "/coop/rules/nominations/": 13,  # rule, versions, parameters, amendments twice, proposals,
    # votes, bodies, card-vote sections, roll calls, roll-call members, the references in the
    # text, the rules citing it
    "/coop/rules/nominations/v/2/": 9,  # ETag, rule, versions, parameters with bases, amendment,
    # proposal, votes, bodies, sections
    "/coop/rules/nominations/compare/?from=1&to=3": 3,  # ETag, rule, the two versions
    "/coop/rules/nominations/compare/?from=1&to=3&view=side": 3,
    "/coop/rules/nominations/blame/": 7,  # rule, versions, amendment, proposal, votes, bodies,
    # sections
    "/coop/changes/?from=2016-06-01&to=2025-06-01": 5,  # book, the rules that differ (one
    # query, rulebook.story), the page's versions with the steps between, their parameters,
    # the steps' amendments with their proposals
    "/coop/proposals/": 4,  # book, count, page, amendments with their rules and base versions
    "/coop/proposals/{p20}/": 8,  # book, proposal, amendments, votes (with bodies), sections,
    # roll calls (with members), memberships, the parameters its amendments name (by label)
    "/coop/parameters/nomination_threshold/": 3,  # parameter, values, versions
    # book, ranked matches, those versions, matching proposals
    "/coop/search/?q=nomination": 4,
    "/coop/search/?q=nomination&at=2018-01-01": 4,
    "/coop/cite/?ref=2.1": 2,  # book, versions once numbered so
    "/coop/feed/": 2,  # book, newest versions with the text each replaced
    "/coop/rules/nominations/feed/": 2,  # rule, its newest versions
}


def grown_coop():
    world = worlds.coop()
    worlds.grow_coop(world, count=8)
    return world


@pytest.fixture(scope="module", params=["small", "large"])
def sized_world(request, django_db_setup, django_db_blocker):
    """The co-operative's world as it is, then grown; each built once for the module."""
    build = worlds.coop if request.param == "small" else grown_coop
    with built_once(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def sized(db, sized_world):
    return copy.deepcopy(sized_world)


@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_a_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, sized, url, queries
):
    url = url.format(p20=sized.p20.pk)
    # + 1: the rule book's revision, read before the view to key the shared cache
    # (web/caching.py); this request is cold, so the view then does its whole work.
    with django_assert_num_queries(queries + 1):
        response = client.get(url)
    assert response.status_code == 200
