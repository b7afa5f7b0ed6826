"""The front page and the liveness probe."""

import pytest

from rulebook.services import rule_create
from tests.factories import RulebookFactory, add_version


def test_healthz_answers_ok_without_touching_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_the_front_page_shows_the_only_rulebook_in_force_today(client):
    book = RulebookFactory(slug="club", title="Riverside Rowing Club Rules")
    rule = rule_create(rulebook=book, key="dues")
    add_version(rule, "2010-01-01", "Dues are <b>£5</b>.", number="1", heading="Dues")
    add_version(rule, "2015-01-01", "Dues are £10.", number="1", heading="Dues")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Rowing Club Rules" in html
    assert "Dues are £10." in html
    assert "£5" not in html
    past = client.get("/club/?at=2012-05-01").content.decode()
    assert "Dues are &lt;b&gt;£5&lt;/b&gt;." in past


@pytest.mark.django_db
def test_the_front_page_lists_rulebooks_when_there_are_several(client):
    RulebookFactory(slug="one", title="Book One")
    RulebookFactory(slug="two", title="Book Two")
    html = client.get("/").content.decode()
    assert "Book One" in html and "Book Two" in html


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2020-13-01", "yesterday", "2020-02-30", "%00"])
def test_a_malformed_date_is_a_400_that_says_what_was_wrong(client, bad):
    RulebookFactory(slug="club")
    response = client.get("/club/", {"at": bad})
    assert response.status_code == 400
    assert "must be a date written YYYY-MM-DD" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_address_gets_a_styled_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/address/at/all/")
    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()
