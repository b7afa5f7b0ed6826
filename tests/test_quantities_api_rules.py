"""The rules list of the API on a date carries each computed threshold with its working, as
the pages do (issue 13: "wherever a parameter appears … API"), at no extra query without a
basis."""

import pytest

from rulebook.exchange import rulebook_import
from tests.numbers_book import guild_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return rulebook_import(data=guild_document())


def version_stating(data, key):
    return next(
        entry["version"]
        for entry in data["results"]
        if key in (entry["version"] or {}).get("parameters", {})
    )


@pytest.mark.parametrize(
    ("day", "figure", "exact"),
    [("2013-01-01", 40, 39.6), ("2017-01-01", 4, 3.15), ("2021-01-01", 30, 30.125)],
)
def test_the_rules_list_on_a_date_carries_the_computed_figure(client, guild, day, figure, exact):
    response = client.get(f"/api/rulebooks/guild/rules/?at={day}")
    assert response.status_code == 200
    version = version_stating(response.json(), "chair_threshold")
    computed = version["computed"]["chair_threshold"]
    assert (computed["value"], computed["exact"]) == (figure, exact)
    assert computed["inputs"][0]["key"] == "council"


def test_a_value_without_a_basis_has_no_computed_entry(client, guild):
    data = client.get("/api/rulebooks/guild/rules/?at=2025-01-01").json()
    version = version_stating(data, "chair_threshold")
    assert version["computed"] == {}
    assert version["parameters"]["chair_threshold"] == 30
