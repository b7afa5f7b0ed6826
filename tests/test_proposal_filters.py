"""The proposals page and the proposals API filter through one FilterSet
(`proposals.filters.ProposalFilter`): the same query finds the same proposals on both, and a
bad value is refused by both with a 400 naming the filter."""

import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def on_page(client, **query):
    response = client.get("/coop/proposals/", query)
    assert response.status_code == 200
    return sorted(re.findall(r'href="/coop/proposals/\d+/">([^<]+)</a>', response.content.decode()))


def in_api(**query):
    response = APIClient().get("/api/rulebooks/coop/proposals/", query)
    assert response.status_code == 200
    return sorted(p["reference"] for p in response.json()["results"])


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "lost"},
        {"year": "2017"},
        {"proposer": "riverside"},
        {"rule": "nominations"},  # by key
        {"rule": "2.3"},  # by a number the rule had (only the page knew this before)
        {"rule": "quorum"},
        {"status": "adopted", "rule": "2.1"},
    ],
)
def test_the_page_and_the_api_find_the_same_proposals(client, coop, query):
    assert on_page(client, **query) == in_api(**query)


def test_a_filter_by_a_number_the_rule_once_had_finds_its_proposals(client, coop):
    assert "2021/7" in in_api(rule="2.3")


@pytest.mark.parametrize(
    ("name", "value"), [("status", "won"), ("year", "1800"), ("year", "soon"), ("rule", "x" * 101)]
)
def test_a_bad_filter_value_is_a_400_naming_it_on_both(client, coop, name, value):
    page = client.get("/coop/proposals/", {name: value})
    assert page.status_code == 400 and name in page.content.decode()
    api = APIClient().get("/api/rulebooks/coop/proposals/", {name: value})
    assert api.status_code == 400 and name in api.json()
