"""Anonymous reads of a rule book are kept in the shared cache, keyed on its revision
(web/caching.py): a repeat costs one query, a write shows at once, and nobody logged in or
holding a token reads or fills the shared copies."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from proposals.roles import DRAFTER
from tests.factories import staff, token_for, user

pytestmark = pytest.mark.django_db

PAGE = "/party/proposals/"
API = "/api/rulebooks/party/proposals/"
READS = [PAGE, API, "/party/", "/party/rules/c4-nominations/", "/api/rulebooks/party/rules/"]
# Views with an ETag of their own (a version's): the revision's replaces it when kept, so a
# conditional read of them is answered as cheaply too.
VERSIONED = [
    "/party/rules/c4-nominations/v/1/",
    "/party/rules/c4-nominations/compare/?from=1&to=2",
    "/api/rulebooks/party/rules/c4-nominations/diff/?from=1&to=2",
]


@pytest.mark.parametrize("url", READS)
def test_a_repeated_anonymous_read_costs_only_the_revision_query(
    client, party, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", READS)
def test_an_anonymous_read_is_public_for_a_short_while(client, party, url):
    response = client.get(url)
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "public" in control
    assert "max-age=60" in control and "stale-while-revalidate=300" in control


@pytest.mark.parametrize("url", READS + VERSIONED)
def test_a_conditional_read_is_answered_304_after_only_the_revision_query(
    client, party, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    cache.clear()  # no kept copy either: the ETag alone answers
    with django_assert_num_queries(1):
        response = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", [PAGE, API])
def test_a_write_through_the_api_shows_at_once_to_anonymous_readers(client, party, url):
    before = client.get(url)
    assert before.status_code == 200
    assert b"2026/1" not in before.content  # a draft: not shown to anonymous readers
    drafter = APIClient()
    drafter.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user('drafter', DRAFTER))}")
    submitted = drafter.post(f"{API}{party.draft.pk}/submit/", {}, format="json")
    assert submitted.status_code == 200
    after = client.get(url)
    assert after.status_code == 200
    assert b"2026/1" in after.content
    assert after["ETag"] != before["ETag"]
    assert client.get(url, headers={"If-None-Match": before["ETag"]}).status_code == 200


def test_a_logged_in_reader_neither_reads_nor_fills_the_shared_cache(client, party):
    client.force_login(staff("secretary", DRAFTER))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"2026/1" in response.content  # sees the draft
    assert "private" in response["Cache-Control"]
    client.logout()
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 200
    assert b"2026/1" not in anonymous.content


def test_a_logged_in_reader_is_not_served_the_anonymous_copy(
    client, party, django_assert_num_queries
):
    assert client.get(PAGE).status_code == 200
    client.force_login(staff("secretary", DRAFTER))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"2026/1" in response.content
    assert "private" in response["Cache-Control"]


def test_a_token_client_neither_reads_nor_fills_the_shared_cache(party):
    anonymous = APIClient()
    assert anonymous.get(API).status_code == 200
    drafter = APIClient()
    drafter.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user('drafter', DRAFTER))}")
    response = drafter.get(API)
    assert response.status_code == 200
    assert b"2026/1" in response.content
    assert "private" in response["Cache-Control"]
    assert b"2026/1" not in anonymous.get(API).content


def test_a_missing_page_is_not_kept(client, party):
    assert client.get("/party/rules/no-such-rule/").status_code == 404
    response = client.get("/party/rules/no-such-rule/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_each_representation_is_kept_apart(client, party):
    html = client.get("/api/rulebooks/party/rules/", headers={"Accept": "text/html"})
    json = client.get("/api/rulebooks/party/rules/", headers={"Accept": "application/json"})
    assert html.status_code == 200 and json.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert json["Content-Type"].startswith("application/json")
    assert html["ETag"] != json["ETag"]
