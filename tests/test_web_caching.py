"""Pages about fixed versions never change, so browsers and proxies may keep them."""

import pytest

pytestmark = pytest.mark.django_db

IMMUTABLE = [
    "/coop/rules/nominations/v/2/",
    "/coop/rules/nominations/compare/?from=1&to=3",
    "/coop/rules/nominations/compare/?from=1&to=3&view=side",
]


@pytest.mark.parametrize("url", IMMUTABLE)
def test_an_immutable_page_sends_an_etag_and_public_cache_control(client, coop, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"]
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


@pytest.mark.parametrize("url", IMMUTABLE)
def test_a_matching_if_none_match_is_answered_304_without_rendering(
    client, coop, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag
    with django_assert_num_queries(1):  # only the ETag's lookup
        response = client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 304
    assert response["ETag"] == tag
    assert response.content == b""


def test_each_view_and_each_version_pair_has_its_own_etag(client, coop):
    tags = set()
    for url in [*IMMUTABLE, "/coop/rules/nominations/compare/?from=1&to=2"]:
        response = client.get(url)
        assert response.status_code == 200, url
        tags.add(response["ETag"])
    assert len(tags) == 4


@pytest.mark.parametrize(
    "url", ["/coop/rules/nominations/v/9/", "/coop/rules/nominations/compare/?from=1&to=9"]
)
def test_a_missing_version_is_a_404_that_is_not_kept_as_it_may_exist_tomorrow(client, coop, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_the_rule_page_changes_with_history_so_it_is_kept_only_briefly(client, coop):
    # Its copies are keyed on the book's revision (web/caching.py), but proxies keep it
    # only for PAGE_CACHE_MAX_AGE, not for the day an immutable version page is kept.
    response = client.get("/coop/rules/nominations/")
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
