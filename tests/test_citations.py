"""The citation page and the API's cite endpoint resolve a rule number the same way, through
`rulebook.citations.resolve_citation`: any numbering a rule ever had, on the date asked for."""

import datetime

import pytest
from rest_framework.test import APIClient

from rulebook.models import Rulebook
from rulebook.services import rule_create, version_create

D = datetime.date.fromisoformat
SOURCE = {"provenance": "reconstructed", "source": "Test history"}


@pytest.fixture
def book(db):
    """`alpha` is 3 from 2016 and 4 from 2020; `beta` takes the number 3 in 2022."""
    book = Rulebook.objects.create(slug="cites", title="Citation Rules")
    alpha = rule_create(rulebook=book, key="alpha")
    beta = rule_create(rulebook=book, key="beta")
    version_create(rule=alpha, effective_from=D("2016-01-01"), number="3", text="Alpha.", **SOURCE)
    version_create(rule=alpha, effective_from=D("2020-01-01"), number="4", text="Alpha.", **SOURCE)
    version_create(rule=beta, effective_from=D("2022-01-01"), number="3", text="Beta.", **SOURCE)
    return book


def page_rule(client, ref, at=None):
    """The key of the rule the page redirects to."""
    response = client.get("/cites/cite/", {"ref": ref, **({"at": at} if at else {})})
    assert response.status_code == 302, response.content.decode()[:300]
    return response["Location"].split("/rules/")[1].split("/")[0]


def api_rule(ref, at):
    response = APIClient().get("/api/rulebooks/cites/cite/", {"ref": ref, "at": at})
    assert response.status_code == 200, response.content.decode()[:300]
    return response.json()["rule"]


@pytest.mark.parametrize(
    ("ref", "at", "rule"),
    [
        ("4", "2021-06-01", "alpha"),  # the number in force that day
        ("3", "2017-06-01", "alpha"),
        ("3", "2023-06-01", "beta"),
        ("3", "2021-06-01", "alpha"),  # nobody was 3 that day: the latest before
        ("3", "2015-06-01", "alpha"),  # nobody yet: the first after
        ("4", "2015-06-01", "alpha"),
    ],
)
def test_the_page_and_the_api_resolve_a_dated_citation_to_the_same_rule(
    client, book, ref, at, rule
):
    assert page_rule(client, ref, at) == rule
    assert api_rule(ref, at) == rule


def test_a_number_only_one_rule_ever_had_needs_no_date_on_either_surface(client, book):
    assert page_rule(client, "4") == "alpha"
    assert api_rule("4", "2016-06-01") == "alpha"  # before it was 4: still the only one


def test_an_undated_number_two_rules_had_lists_both_on_the_page_and_is_today_in_the_api(
    client, book
):
    response = client.get("/cites/cite/", {"ref": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "/cites/rules/alpha/" in html and "/cites/rules/beta/" in html
    assert api_rule("3", datetime.date.today().isoformat()) == "beta"


def test_an_unknown_number_is_a_404_with_the_same_sentence_on_both(client, book):
    page = client.get("/cites/cite/", {"ref": "9"})
    api = APIClient().get("/api/rulebooks/cites/cite/", {"ref": "9"})
    assert page.status_code == 404 and api.status_code == 404
    sentence = "No rule in Citation Rules has ever been numbered '9'."
    assert api.json()["detail"] == sentence
    assert sentence.replace("'", "&#x27;") in page.content.decode()
