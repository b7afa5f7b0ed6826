"""A body's page: its members on any date, every term as a timeline, and the votes it took,
linked from every vote; and the list of bodies."""

import copy
import datetime
import re

import pytest

from tests import worlds
from tests.factories import MembershipFactory
from tests.worlds import built_once

D = datetime.date.fromisoformat


def page(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_the_bodies_are_listed_with_links_to_their_pages(client, coop):
    html = page(client, "/coop/bodies/")
    assert 'href="/coop/bodies/nec/">Executive Committee</a>' in html
    assert 'href="/coop/bodies/conference/">Annual Conference</a>' in html
    assert "decides rule changes" in html
    assert 'href="/coop/bodies/"' in page(client, "/coop/")  # in the site's navigation


def test_the_members_on_a_past_date_are_those_whose_term_covered_it(client, coop):
    then = section(page(client, "/coop/bodies/nec/", at="2010-06-01"), "members-title")
    assert "Retired Member" in then
    assert "Ada Lovelace" in then and "Clement Attlee" in then  # from 2010-01-15
    assert "Keir Hardie" not in then  # from 2011-01-15
    assert "3 members." in then
    today = section(page(client, "/coop/bodies/nec/"), "members-title")
    assert "Retired Member" not in today
    assert all(name in today for name in worlds.COOP_NEC)
    assert "(today)" in page(client, "/coop/bodies/nec/")


def test_a_term_s_last_day_is_a_day_served(client, coop):
    assert "Retired Member" in section(
        page(client, "/coop/bodies/nec/", at="2015-12-31"), "members-title"
    )
    assert "Retired Member" not in section(
        page(client, "/coop/bodies/nec/", at="2016-01-01"), "members-title"
    )


def test_every_term_is_in_the_table_and_drawn_on_the_timeline(client, coop):
    html = section(page(client, "/coop/bodies/nec/"), "terms-title")
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', html)
    assert rows[0] == "Retired Member"  # earliest first
    assert sorted(rows) == sorted([*worlds.COOP_NEC, "Retired Member"])
    assert html.count("<rect ") == len(rows)
    assert html.count('class="term term-running"') == len(worlds.COOP_NEC)
    assert "still serving" in html and "31 Dec 2015" in html
    assert 'role="img"' in html and "<figcaption>" in html  # the picture is described


def test_the_votes_it_took_link_to_their_proposals(client, coop):
    html = section(page(client, "/coop/bodies/nec/"), "votes-title")
    for proposal in (coop.p2017, coop.p5, coop.p20):
        assert f'href="/coop/proposals/{proposal.pk}/#vote-' in html
    assert "2021/9" not in html  # submitted, never voted on
    conference = section(page(client, "/coop/bodies/conference/"), "votes-title")
    assert "Card vote by section" in conference and "Executive Committee" not in conference


def test_every_vote_links_to_its_body(client, coop):
    html = page(client, f"/coop/proposals/{coop.p20.pk}/")
    assert '<a href="/coop/bodies/nec/">Executive Committee</a>' in html
    assert '<a href="/coop/bodies/conference/">Annual Conference</a>' in html
    assert '<a href="/coop/bodies/nec/">' in page(client, "/coop/rules/nominations/")


def test_a_body_is_found_by_its_id_too(client, coop):
    assert "<h1>Executive Committee</h1>" in page(client, f"/coop/bodies/{coop.nec.pk}/")


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/coop/bodies/nec/", {"at": "2021-02-30"}, 400, "must be a date"),
        ("/coop/bodies/nec/", {"at": "last year"}, 400, "must be a date"),
        ("/coop/bodies/nec/", {"page": "0"}, 400, "whole number"),
        ("/coop/bodies/nec/", {"page": "5"}, 404, "no page 5"),
        ("/coop/bodies/nobody/", {}, 404, "no body"),
        ("/coop/bodies/999999/", {}, 404, "no body"),
        ("/coop/bodies/99999999999999999999/", {}, 404, "no body"),
        ("/coop/bodies/%00nec/", {}, 400, "NUL character"),
        ("/coop/bodies/" + "n" * 61 + "/", {}, 404, "no body"),
        ("/nowhere/bodies/nec/", {}, 404, "no body"),
        ("/nowhere/bodies/", {}, 404, "no rule book"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, coop, url, params, status, message):
    assert message in page(client, url, status, **params)


def test_a_body_of_another_book_is_not_found_here(client, coop, club):
    assert page(client, "/club/bodies/nec/").count("<h1>") == 1
    other = worlds.club("other")
    assert "no body" in page(client, f"/coop/bodies/{other.nec.pk}/", 404)


def small():
    return worlds.coop("sized")


def grown():
    world = worlds.coop("sized")
    worlds.grow_coop(world, count=8)
    for index in range(30):
        MembershipFactory(body=world.nec, name=f"Extra {index}", start="2019-01-01")
    return world


@pytest.fixture(scope="module", params=["small", "large"])
def sized_world(request, django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, small if request.param == "small" else grown) as w:
        yield w


@pytest.fixture
def sized(db, sized_world):
    return copy.deepcopy(sized_world)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/sized/bodies/", 3),  # revision, book, bodies
        ("/sized/bodies/nec/", 7),  # revision, body with book, terms, count, page of votes with
        # proposals, card-vote sections, roll calls
        ("/sized/bodies/conference/?at=2020-01-01", 7),
    ],
)
def test_a_body_s_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, sized, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_new_term_shows_at_once_although_the_page_was_kept(client, coop):
    from proposals.services.bodies import membership_create

    first = client.get("/coop/bodies/nec/")
    assert first.status_code == 200 and "Barbara Castle" not in first.content.decode()
    membership_create(body=coop.nec, name="Barbara Castle", start=D("2020-01-01"))
    again = client.get("/coop/bodies/nec/")
    assert again.status_code == 200
    assert "Barbara Castle" in section(again.content.decode(), "members-title")
