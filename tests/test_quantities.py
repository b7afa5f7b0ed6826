"""Quantities with dated values and computed thresholds (issue 13), on a rule book the demo
does not know (tests/numbers_book.py): figures checked by hand on several dates, on every
page and API answer that shows a parameter, at a fixed number of queries; the file sections
(round trip and every problem by path); the admin's writes audited."""

import datetime
import re

import pytest
from django.urls import reverse

from rulebook.exchange import InvalidRulebookFile, rulebook_export, rulebook_import
from rulebook.models import (
    AuditEntry,
    NominationEvent,
    ParameterBasis,
    Quantity,
    QuantityValue,
    Rulebook,
)
from tests.factories import staff
from tests.numbers_book import grown_guild_document, guild_document

pytestmark = pytest.mark.django_db

# By hand, for the guild (20 % of council to 2016, rounding up; 15 % of council + wardens,
# up; 12.5 % of council + wardens, nearest; a 2024 version with no basis):
BY_HAND = {
    "2011-06-01": "no figure — 20 % of council members (no value): no figure",
    "2013-01-01": "40 nominations — 20 % of 198 council members = 39.6 → 40 nominations",
    "2015-06-15": "4 nominations — 20 % of 20 council members = 4 nominations",
    "2017-01-01": "4 nominations — 15 % of (20 council members + 1 wardens = 21) = 3.15 → 4",
    "2019-06-01": "37 nominations — 15 % of (240 council members + 1 wardens = 241) = 36.15 → 37",
    "2021-01-01": "30 nominations — 12.5 % of (240 council members + 1 wardens = 241) = 30.125",
}


@pytest.fixture
def guild():
    return rulebook_import(data=guild_document())


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("day", "expected"), BY_HAND.items())
def test_the_rule_page_computes_the_threshold_on_its_date(client, guild, day, expected):
    response = client.get(f"/guild/rules/r1/?at={day}")
    assert response.status_code == 200
    assert expected in text_of(response)


@pytest.mark.parametrize(("day", "expected"), BY_HAND.items())
def test_the_contents_computes_the_threshold_on_its_date(client, guild, day, expected):
    response = client.get(f"/guild/?at={day}")
    assert response.status_code == 200
    assert expected in text_of(response)


def test_a_value_without_basis_shows_no_computed_figure(client, guild):
    response = client.get("/guild/rules/r1/?at=2025-01-01")
    assert response.status_code == 200
    assert "30%" in text_of(response)
    assert 'class="computed"' not in response.content.decode()


def test_each_input_links_to_its_value_and_source(client, guild):
    html = client.get("/guild/rules/r1/?at=2017-01-01").content.decode()
    assert 'href="/guild/quantities/council/#from-2015-06-01"' in html
    assert "source: Roll 2015 (confidence P)" in html
    page = client.get("/guild/quantities/council/")
    assert page.status_code == 200
    assert 'id="from-2015-06-01"' in page.content.decode()
    assert "approximate" in text_of(page)


def test_the_version_page_computes_on_the_day_it_took_effect(client, guild):
    response = client.get("/guild/rules/r1/v/3/")
    assert response.status_code == 200
    assert "On 1 January 2020: 30 nominations" in text_of(response)


def test_the_parameter_page_charts_and_tables_the_computed_figure(client, guild):
    response = client.get("/guild/parameters/chair_threshold/")
    page = text_of(response)
    assert response.status_code == 200
    assert "Computed figure over time" in page
    assert "from 1 January 2012, 40; from 1 June 2015, 4" in page  # the chart's description
    assert "1 January 2019 1 January 2020 37 15 % of (240 council members" in page
    assert 'id="computed-chart-title"' in response.content.decode()


def test_an_unknown_quantity_is_a_404(client, guild):
    assert client.get("/guild/quantities/nobody/").status_code == 404
    assert client.get("/guild/quantities/Bad-Key/").status_code == 404


# --- Queries: constant in the number of parameters and bases ---------------------------------

PAGES = {
    "/guild/?at=2017-01-01": None,
    "/guild/rules/r1/?at=2017-01-01": None,
    "/guild/parameters/chair_threshold/": None,
    "/api/rulebooks/guild/parameters/?at=2017-01-01": None,
    "/api/rulebooks/guild/quantities/?at=2017-01-01": None,
}


def queries_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_a_computed_figure_costs_no_query_per_parameter(client, url):
    small = rulebook_import(data=guild_document())
    small_count = queries_of(client, url)
    Rulebook.objects.filter(pk=small.pk).update(slug="small")
    rulebook_import(data=grown_guild_document(6))
    from django.core.cache import cache

    cache.clear()
    assert queries_of(client, url) == small_count


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # revision, book, outline, versions with values and bases, terms, quantity values …
        ("/guild/?at=2017-01-01", 9),
        # … the rule's history (as without quantities), then terms and quantity values, and the
        # cross-references (the text's, the citing rules')
        ("/guild/rules/r1/?at=2017-01-01", 10),
        # parameter, values with bases, versions, terms, quantity values
        ("/guild/parameters/chair_threshold/", 6),
    ],
)
def test_pages_with_computed_figures_run_a_pinned_number_of_queries(
    client, guild, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# --- API ------------------------------------------------------------------------------------


def test_the_api_lists_quantities_with_their_values_and_the_value_on_a_date(client, guild):
    response = client.get("/api/rulebooks/guild/quantities/?at=2016-01-01")
    assert response.status_code == 200
    council = response.json()["results"][0]
    assert council["key"] == "council"
    assert council["value_on"] == {
        "value": 20,
        "effective_from": "2015-06-01",
        "source": "Roll 2015",
        "confidence": "P",
        "note": "",
    }
    assert [v["value"] for v in council["values"]] == [198, 20, 240]
    early = client.get("/api/rulebooks/guild/quantities/wardens/?at=2011-01-01")
    assert early.status_code == 200
    assert early.json()["value_on"] is None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/rulebooks/guild/quantities/?at=2016-02-30", 400),
        ("/api/rulebooks/guild/quantities/nobody/", 404),
        ("/api/rulebooks/nobook/quantities/", 404),
        ("/api/rulebooks/guild/parameters/chair_threshold/?at=yesterday", 400),
    ],
)
def test_bad_api_input_is_a_clear_4xx(client, guild, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()


@pytest.mark.parametrize(
    ("day", "figure", "exact"),
    [("2013-01-01", 40, 39.6), ("2015-06-15", 4, 4), ("2017-01-01", 4, 3.15),
     ("2021-01-01", 30, 30.125)],
)  # fmt: skip
def test_the_parameter_api_answers_the_computed_figure_on_at(client, guild, day, figure, exact):
    response = client.get(f"/api/rulebooks/guild/parameters/chair_threshold/?at={day}")
    assert response.status_code == 200
    computed = response.json()["computed"]
    assert (computed["value"], computed["exact"]) == (figure, exact)
    assert computed["inputs"][0]["key"] == "council"
    assert computed["inputs"][0]["source"].startswith("Roll")


def test_the_parameter_api_says_why_there_is_no_figure(client, guild):
    early = client.get("/api/rulebooks/guild/parameters/chair_threshold/?at=2011-01-01").json()
    assert early["computed"]["available"] is False
    assert early["computed"]["reason"] == "no value recorded on the date for council members"
    late = client.get("/api/rulebooks/guild/parameters/chair_threshold/?at=2025-01-01").json()
    assert late["computed"] is None


# --- The file sections ------------------------------------------------------------------------


def test_quantities_bases_and_events_round_trip_through_export_and_import(guild):
    exported = rulebook_export(rulebook=guild)
    assert exported["quantities"] == guild_document()["quantities"]
    assert exported["parameter_bases"][1]["quantities"] == ["council", "wardens"]
    again = {**exported, "rulebook": {**exported["rulebook"], "slug": "guild-copy"}}
    copy = rulebook_import(data=again)
    assert rulebook_export(rulebook=copy) == {**exported, "rulebook": again["rulebook"]}
    assert ParameterBasis.objects.filter(parameter_value__parameter__rulebook=copy).count() == 3


def broken(**changes) -> dict:
    document = guild_document()
    for path, value in changes.items():
        target = document
        *parents, last = path.split("__")
        for step in parents:
            target = target[int(step)] if step.isdigit() else target[step]
        target[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"quantities__0__values__0__confidence": "X"},
         "quantities[0].values[0].confidence: expected one of V, P, U, found text 'X'"),
        ({"quantities__0__values__1__effective_from": "2012-01-01"},
         "quantities[0].values[1].effective_from: 2012-01-01 is given twice for this quantity"),
        ({"quantities__0__values__0__value": -1},
         "quantities[0].values[0].value: must be from 0 to 9999999999, found -1"),
        ({"quantities__0__values__0__source": ""},
         "quantities[0].values[0].source: must not be empty"),
        ({"quantities__1__key": "council"}, "quantities[1].key: 'council' is declared twice"),
        ({"parameter_bases__0__quantities": ["council", "nobody"]},
         "parameter_bases[0].quantities[1]: no quantity text 'nobody' in this file"),
        ({"parameter_bases__0__version": 9},
         "parameter_bases[0].version: rule 'r1' has no version 9"),
        ({"parameter_bases__0__rule": "r9"}, "parameter_bases[0].rule: no rule 'r9' in this file"),
        ({"parameter_bases__0__parameter": "other"},
         "parameter_bases[0].parameter: version 1 of rule 'r1' states no 'other'"),
        ({"parameter_bases__0__rounding": "sideways"},
         "parameter_bases[0].rounding: expected one of up, down, nearest, found text 'sideways'"),
        ({"parameter_bases__0__quantities": []},
         "parameter_bases[0].quantities: name at least one quantity"),
        ({"nomination_events__0__parameter": "nothing"},
         "nomination_events[0].parameter: no parameter 'nothing' in this file"),
        ({"nomination_events__0__nominations__0__mp": 3.5},
         "nomination_events[0].nominations[0].mp: expected a whole number from 0 to 2147483647, "
         "found 3.5"),
        ({"nomination_events__0__nominations__1__candidate": "Ada"},
         "nomination_events[0].nominations[1].candidate: 'Ada' is listed twice"),
        ({"nomination_events__0__date": "2015-02-30"},
         "nomination_events[0].date: '2015-02-30' is not a date (YYYY-MM-DD)"),
        ({"nomination_events__0__colour": "red"},
         "nomination_events[0].colour: unknown key"),
    ],
)  # fmt: skip
def test_a_bad_section_is_refused_with_its_path_and_nothing_is_written(changes, problem):
    with pytest.raises(InvalidRulebookFile) as refused:
        rulebook_import(data=broken(**changes))
    assert any(error.startswith(problem) for error in refused.value.errors), refused.value.errors
    assert not Rulebook.objects.filter(slug="guild").exists()
    assert not Quantity.objects.exists()


# --- Admin --------------------------------------------------------------------------------------


def test_a_value_added_in_the_admin_is_audited_and_moves_the_revision(client, guild):
    client.force_login(staff("root", superuser=True))
    quantity = Quantity.objects.get(rulebook=guild, key="wardens")
    values = list(quantity.values.all())
    revision = Rulebook.objects.get(pk=guild.pk).revision
    prefix = "values"
    data = {
        "label": quantity.label,
        "unit": "",
        "description": "",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(values[0].pk),
        f"{prefix}-0-quantity": str(quantity.pk),
        f"{prefix}-0-effective_from": "2015-06-01",
        f"{prefix}-0-value": "1",
        f"{prefix}-0-source": "Roll 2015",
        f"{prefix}-0-confidence": "V",
        f"{prefix}-0-note": "",
        f"{prefix}-1-quantity": str(quantity.pk),
        f"{prefix}-1-effective_from": "2018-01-01",
        f"{prefix}-1-value": "3",
        f"{prefix}-1-source": "Roll 2018",
        f"{prefix}-1-confidence": "P",
        f"{prefix}-1-note": "",
    }
    response = client.post(reverse("admin:rulebook_quantity_change", args=[quantity.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = QuantityValue.objects.get(quantity=quantity, effective_from="2018-01-01")
    assert added.value == 3
    entry = AuditEntry.objects.of(quantity).get(action="quantityvalue.create")
    assert "value: 3" in entry.lines()
    assert Rulebook.objects.get(pk=guild.pk).revision > revision
    # and the page now computes with it: 15 % of (20 + 3) = 3.45 -> 4
    assert "15 % of (20 council members + 3 wardens = 23) = 3.45 → 4" in text_of(
        client.get("/guild/rules/r1/?at=2018-06-01")
    )


def test_a_value_refused_by_the_admin_writes_nothing(client, guild):
    client.force_login(staff("root", superuser=True))
    quantity = Quantity.objects.get(rulebook=guild, key="wardens")
    before = AuditEntry.objects.count()
    data = {
        "label": quantity.label,
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
        "values-0-quantity": str(quantity.pk),
        "values-0-effective_from": "2018-01-01",
        "values-0-value": "-3",
        "values-0-source": "",
        "values-0-confidence": "Z",
    }
    response = client.post(reverse("admin:rulebook_quantity_change", args=[quantity.pk]), data)
    assert response.status_code == 200  # the form again, with its errors
    assert quantity.values.count() == 1
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", ["quantity", "parameterbasis", "nominationevent"])
def test_the_new_admin_pages_render(client, guild, name):
    client.force_login(staff("root", superuser=True))
    assert client.get(reverse(f"admin:rulebook_{name}_changelist")).status_code == 200
    model = {"quantity": Quantity, "parameterbasis": ParameterBasis}.get(name, NominationEvent)
    first = model.objects.first()
    response = client.get(reverse(f"admin:rulebook_{name}_change", args=[first.pk]))
    assert response.status_code == 200


def test_an_export_at_a_date_keeps_the_basis_of_the_version_then_in_force(guild):
    exported = rulebook_export(rulebook=guild, at=datetime.date(2017, 1, 1))
    assert exported["parameter_bases"] == [
        {
            "rule": "r1",
            "version": 1,
            "parameter": "chair_threshold",
            "quantities": ["council", "wardens"],
            "rounding": "up",
            "when_absent": "unavailable",
            "unit": "nominations",
        }
    ]
    copy = rulebook_import(data={**exported, "rulebook": {"slug": "guild-2017", "title": "G"}})
    basis = ParameterBasis.objects.get(parameter_value__parameter__rulebook=copy)
    assert basis.parameter_value.value == 15
