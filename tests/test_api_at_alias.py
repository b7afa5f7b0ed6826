"""Every API endpoint that reads on a date takes `?at=`; `?on=` stays as an alias (the bodies
endpoint once took only `on`); two different dates are a 400 naming the problem."""

import pytest
from rest_framework.test import APIClient

BOOK = "/api/rulebooks/party/"
NEC = BOOK + "bodies/nec/"


@pytest.fixture
def api():
    return APIClient()


def get(api, url, status=200, **params):
    response = api.get(url, params)
    assert response.status_code == status, response.content[:300]
    return response.json()


def names(body) -> list[str]:
    return [m["name"] for m in body["members"]]


def test_a_body_s_members_on_a_date_are_read_with_at(api, party):
    body = get(api, NEC, at="2017-06-01")
    assert names(body) == ["Old Member"]
    assert body["on"] == "2017-06-01"
    assert len(names(get(api, NEC))) == 5  # today, by default


def test_on_stays_an_alias_of_at(api, party):
    assert get(api, NEC, on="2017-06-01") == get(api, NEC, at="2017-06-01")
    assert get(api, NEC, on="2017-06-01", at="2017-06-01") == get(api, NEC, at="2017-06-01")


@pytest.mark.parametrize(
    "url",
    [NEC, BOOK + "rules/", BOOK + "rules/c4-nominations/", BOOK + "rules/c4-nominations/blame/"],
)
def test_two_different_dates_are_refused_naming_both(api, party, url):
    body = get(api, url, 400, at="2017-06-01", on="2019-06-01")
    (message,) = body["on"]
    assert "alias of 'at'" in message and "2017-06-01" in message and "2019-06-01" in message


@pytest.mark.parametrize("value", ["2021-02-30", "yesterday", "2017-13-01"])
def test_a_bad_date_in_either_name_is_a_400_naming_it(api, party, value):
    assert list(get(api, NEC, 400, at=value)) == ["at"]
    assert list(get(api, NEC, 400, on=value)) == ["on"]


def test_the_rule_book_on_a_date_takes_on_as_well(api, party):
    with_at = get(api, BOOK + "rules/", at="2017-01-01")["results"]
    with_on = get(api, BOOK + "rules/", on="2017-01-01")["results"]
    assert with_at == with_on
    numbers = {r["key"]: r["version"]["number"] for r in with_on if r.get("version")}
    assert numbers["c4-nominations"] == "4.II.2.B"  # not 4.II.2.B.i, in force from 2017-09-27


def test_the_schema_documents_at_and_its_alias_on_the_bodies_endpoint(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    (path,) = [p for p in schema["paths"] if p.endswith("/bodies/{body}/")]
    params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    assert params["at"]["in"] == "query" and params["at"]["schema"]["format"] == "date"
    assert "alias" in params["on"]["description"]
