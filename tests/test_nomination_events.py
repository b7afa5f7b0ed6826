"""Nomination events judged under the rules of their date, of a date the member chooses, and
of every edition (issue 13): the page, the API, the wording, bad input, queries, the demo's
2015 and 2020 Labour leadership nominations, and the event's round trip through a file."""

import re

import pytest
from django.core.management import call_command

from rulebook.exchange import rulebook_export, rulebook_import
from rulebook.models import Nomination, NominationEvent
from tests.numbers_book import grown_guild_document, guild_document

pytestmark = pytest.mark.django_db

EVENT = "/guild/events/chair-2015/"
API = "/api/rulebooks/guild/events/chair-2015/"


@pytest.fixture
def guild():
    return rulebook_import(data=guild_document())


def text_of(response) -> str:
    html = response.content.decode().replace("&#x27;", "'")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_event_page_says_who_qualified_under_the_rules_of_the_time(client, guild):
    response = client.get(EVENT)
    page = text_of(response)
    assert response.status_code == 200
    assert (
        "Under the rules in force on 15 June 2015, 20 % of 20 council members = 4 nominations"
        in page
    )
    assert "Ada's 4 qualified" in page
    assert "Bo's 3 did not qualify" in page
    assert "the threshold reported at the time was 4" in page


def test_another_dates_rules_are_applied_to_the_quantities_of_the_events_date(client, guild):
    response = client.get(EVENT + "?rules_on=2021-01-01")
    page = text_of(response)
    assert response.status_code == 200
    # 12.5 % (the 2020 rule) of the 2015 council and wardens, not of the 2021 ones (241).
    assert (
        "Under the rules in force on 1 January 2021, 12.5 % of (20 council members + 1 wardens"
        " = 21) = 2.625 → 3 nominations" in page
    )
    assert "Bo's 3 would have qualified" in page


def test_a_date_whose_rule_states_no_basis_cannot_be_judged_and_says_why(client, guild):
    page = text_of(client.get(EVENT + "?rules_on=2030-01-01"))
    assert "no threshold can be computed (the rule in force then states no basis" in page
    assert "Ada's 4: cannot be judged" in page


def test_a_date_before_any_rule_says_no_rule_states_the_threshold(client, guild):
    page = text_of(client.get(EVENT + "?rules_on=2001-01-01"))
    assert "no rule in force on the date states this threshold" in page


def test_the_event_is_tabled_under_every_edition(client, guild):
    response = client.get(EVENT)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('href="?rules_on=') == 4  # one column per edition of the rule
    row = re.search(r"<th scope=\"row\">Bo</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells == [
        "3",
        "<strong>does not qualify</strong>",  # 2010 rules: 20 % of 20 = 4
        "<strong>does not qualify</strong>",  # 2016 rules: 15 % of 21 = 3.15 -> 4
        "qualifies",  # 2020 rules: 12.5 % of 21 = 2.625 -> 3
        "cannot be judged",  # 2024 rules: no basis
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?rules_on=2021-02-30", "'rules_on' must be a date written YYYY-MM-DD"),
        ("?rules_on=yesterday", "'rules_on' must be a date written YYYY-MM-DD"),
        ("?rules_on=%00", "contains a NUL character (in 'rules_on')"),
    ],
)
def test_a_bad_date_is_a_400_naming_the_field(client, guild, query, message):
    response = client.get(EVENT + query)
    assert response.status_code == 400
    assert message in text_of(response).replace("&#x27;", "'")


def test_an_unknown_event_is_a_404(client, guild):
    assert client.get("/guild/events/nothing/").status_code == 404
    assert client.get("/guild/events/" + "x" * 200 + "/").status_code == 404
    assert client.get("/nobook/events/chair-2015/").status_code == 404


def test_the_events_are_listed(client, guild):
    response = client.get("/guild/events/")
    assert response.status_code == 200
    assert 'href="/guild/events/chair-2015/"' in response.content.decode()


@pytest.mark.parametrize("url", [EVENT, EVENT + "?rules_on=2021-01-01", API])
def test_judging_every_edition_costs_the_same_whatever_the_numbers(
    client, django_assert_num_queries, url
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = rulebook_import(data=guild_document())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Rule books are never deleted: the first one moves aside for the grown one.
    type(small).objects.filter(pk=small.pk).update(slug="small")
    rulebook_import(data=grown_guild_document(8))
    cache.clear()
    with django_assert_num_queries(len(captured)):
        assert client.get(url).status_code == 200


def test_the_event_page_runs_a_pinned_number_of_queries(client, guild, django_assert_num_queries):
    # revision, event, nominations, the stating versions, their values with bases, terms,
    # quantity values
    with django_assert_num_queries(7):
        assert client.get(EVENT + "?rules_on=2021-01-01").status_code == 200


# --- API ----------------------------------------------------------------------------------


def test_the_api_judges_the_event_at_the_time_on_rules_on_and_under_every_edition(client, guild):
    response = client.get(API + "?rules_on=2021-01-01")
    assert response.status_code == 200
    body = response.json()
    assert body["at_the_time"]["threshold"]["value"] == 4
    assert body["at_the_time"]["candidates"] == [
        {"candidate": "Ada", "mp": 4, "qualified": True},
        {"candidate": "Bo", "mp": 3, "qualified": False},
    ]
    chosen = body["under_rules_on"]
    assert (chosen["rule"], chosen["version"]) == ("r1", 3)
    assert chosen["threshold"]["working"] == (
        "12.5 % of (20 council members + 1 wardens = 21) = 2.625 → 3 nominations"
    )
    assert [c["qualified"] for c in chosen["candidates"]] == [True, True]
    assert [e["rules_on"] for e in body["editions"]] == [
        "2010-01-01",
        "2016-01-01",
        "2020-01-01",
        "2024-01-01",
    ]
    assert body["editions"][3]["threshold"] is None
    assert body["editions"][3]["reason"].startswith("the rule in force then states no basis")
    assert body["nominations"][1] == {
        "candidate": "Bo",
        "mp": 3,
        "clp": 7,
        "affiliates": None,
        "source": "Gazette",
        "confidence": "P",
        "note": "",
    }


def test_the_api_without_rules_on_leaves_it_null(client, guild):
    body = client.get(API).json()
    assert body["under_rules_on"] is None
    listed = client.get("/api/rulebooks/guild/events/").json()
    assert [e["slug"] for e in listed["results"]] == ["chair-2015"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (API + "?rules_on=2021-13-01", 400),
        (API + "?rules_on=soon", 400),
        ("/api/rulebooks/guild/events/nothing/", 404),
        ("/api/rulebooks/nobook/events/", 404),
    ],
)
def test_bad_api_input_is_a_clear_4xx(client, guild, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()


# --- The file ---------------------------------------------------------------------------


def test_an_event_round_trips_through_export_and_import(guild):
    exported = rulebook_export(rulebook=guild)
    assert exported["nomination_events"] == guild_document()["nomination_events"]
    copy = rulebook_import(
        data={**exported, "rulebook": {**exported["rulebook"], "slug": "guild-again"}}
    )
    event = NominationEvent.objects.get(rulebook=copy)
    assert (event.date.isoformat(), event.parameter.key, event.reported_threshold) == (
        "2015-06-15",
        "chair_threshold",
        4,
    )
    assert Nomination.objects.get(event=event, candidate="Bo").clp_nominations == 7


# --- The demo ---------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_the_demo_reproduces_the_reported_2015_threshold_and_the_issues_counterfactual(
    client, demo
):
    page = text_of(client.get("/labour/events/labour-leadership-2015/?rules_on=2022-01-01"))
    assert "15 % of 232 Commons members of the PLP = 34.8 → 35 nominations" in page
    assert "the threshold reported at the time was 35" in page
    assert "Jeremy Corbyn's 36 qualified" in page
    assert (
        "Under the rules in force on 1 January 2022, 20 % of 232 Commons members of the PLP"
        " = 46.4 → 47 nominations" in page
    )
    assert "Jeremy Corbyn's 36 would not have qualified" in page
    assert "Andy Burnham's 68 would have qualified" in page


def test_the_demo_reproduces_the_reported_2020_threshold(client, demo):
    body = client.get("/api/rulebooks/labour/events/labour-leadership-2020/").json()
    threshold = body["at_the_time"]["threshold"]
    assert threshold["value"] == body["reported_threshold"] == 22
    assert threshold["working"] == (
        "10 % of (202 Commons members of the PLP + 10 members of the EPLP = 212) = 21.2 → 22 "
        "nominations"
    )
    assert all(c["qualified"] for c in body["at_the_time"]["candidates"])
    assert {n["confidence"] for n in body["nominations"]} == {"V"}


def test_every_demo_figure_names_its_source_and_confidence(demo):
    events = NominationEvent.objects.filter(rulebook__slug="labour")
    assert events.count() == 2
    for nomination in Nomination.objects.filter(event__in=events):
        assert nomination.source.strip()
        assert nomination.confidence in {"V", "P", "U"}


def test_an_event_cannot_be_judged_against_another_books_parameter(guild):
    from django.core.exceptions import ValidationError

    other = rulebook_import(data={**guild_document(), "rulebook": {"slug": "other", "title": "O"}})
    event = NominationEvent.objects.get(rulebook=guild)
    event.parameter = other.parameters.get()
    with pytest.raises(ValidationError, match="parameter of this event's book"):
        event.full_clean()
