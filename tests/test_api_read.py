"""The read API, anonymous: rule books, rules on a date, versions, diffs, blame, changes,
parameters and citations. Bad input is a 4xx JSON answer naming the field."""

import datetime

import pytest
from rest_framework.test import APIClient

from rulebook.services import version_create
from tests import worlds
from tests.factories import token_for, user

BOOK = "/api/rulebooks/party/"
RULE = BOOK + "rules/c4-nominations/"


@pytest.fixture
def api():
    return APIClient()


def get(api, url, status=200, **params):
    response = api.get(url, params)
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def test_rule_books_are_listed_with_links_to_everything_in_them(api, party):
    listing = get(api, "/api/rulebooks/")
    assert listing["count"] == 1
    book = listing["results"][0]
    assert book["slug"] == "party"
    assert book["links"]["rules"].endswith("/api/rulebooks/party/rules/")
    assert book["links"]["cite"].endswith("/api/rulebooks/party/cite/")
    assert get(api, BOOK)["title"] == "Party Rule Book"


def test_an_unknown_rule_book_is_a_json_404(api, party):
    assert "detail" in get(api, "/api/rulebooks/nope/", 404)
    assert "detail" in get(api, "/api/rulebooks/nope/rules/", 404)
    assert "detail" in get(api, "/api/rulebooks/nope/changes/", 404, **{"from": "2016-01-01"})


def test_the_rules_on_a_date_are_in_document_order_with_the_version_then_in_force(api, party):
    rules = get(api, BOOK + "rules/", at="2017-01-01")["results"]
    assert [r["key"] for r in rules] == ["ch4", "c4-nominations", "c4-banners", "ch5", "c5-trigger"]
    nominations = rules[1]
    assert nominations["parent"] == "ch4"
    assert nominations["depth"] == 1
    assert nominations["version"]["version"] == 1
    assert nominations["version"]["parameters"] == {"mp_threshold": 15}
    later = get(api, BOOK + "rules/", at="2020-01-01")["results"]
    assert "c4-banners" not in [r["key"] for r in later], "repealed in 2019"


def test_the_rules_default_to_today(api, party):
    rules = get(api, BOOK + "rules/")["results"]
    assert rules[1]["version"]["parameters"] == {"mp_threshold": 20}


@pytest.mark.parametrize("value", ["yesterday", "2021-02-30", "2021-13-01", "0"])
def test_a_bad_date_is_a_400_naming_the_parameter(api, party, value):
    for url in (BOOK + "rules/", RULE, RULE + "blame/"):
        assert list(get(api, url, 400, at=value)) == ["at"]
    assert list(get(api, BOOK + "changes/", 400, **{"from": value})) == ["from"]
    assert list(get(api, BOOK + "bodies/nec/", 400, on=value)) == ["on"]


def test_the_rules_are_paginated(api, party):
    worlds.grow_party(party, 3)
    first = get(api, BOOK + "rules/", at="2023-01-01")
    assert first["count"] == 7
    assert first["next"] is None
    assert "detail" in get(api, BOOK + "rules/", 404, page=2)
    assert "detail" in get(api, BOOK + "rules/", 404, page="x")


def test_a_rule_has_its_parent_children_version_in_force_and_every_number_it_had(api, party):
    rule = get(api, RULE, at="2018-01-01")
    assert rule["parent"] == "ch4"
    assert rule["children"] == []
    assert rule["current"]["version"] == 2
    assert rule["current"]["until"] == "2021-09-29"
    assert rule["versions"] == 3
    assert [v["version"] for v in rule["pending"]] == [3]
    assert rule["numbers"] == [
        {"number": "4.II.2.B", "effective_from": "2016-01-01", "until": "2017-09-27"},
        {"number": "4.II.2.B.i", "effective_from": "2017-09-27", "until": None},
    ]
    chapter = get(api, BOOK + "rules/ch4/")
    assert chapter["children"] == ["c4-nominations", "c4-banners"]
    assert chapter["parent"] is None
    assert get(api, RULE, at="2000-01-01")["current"] is None


def test_a_rule_says_which_proposal_produced_its_current_version(api, party):
    produced = get(api, RULE)["current"]["produced_by"]
    assert produced["reference"] == "2021/1"
    assert produced["proposal"] == party.adopted.pk
    assert produced["url"].endswith(f"/api/rulebooks/party/proposals/{party.adopted.pk}/")


def test_unknown_rules_and_versions_are_404(api, party):
    assert "detail" in get(api, BOOK + "rules/nope/", 404)
    assert "detail" in get(api, BOOK + "rules/nope/versions/", 404)
    assert "detail" in get(api, RULE + "versions/9/", 404)


def test_versions_are_listed_oldest_first_and_filter_by_date(api, party):
    versions = get(api, RULE + "versions/")["results"]
    assert [(v["version"], v["until"]) for v in versions] == [
        (1, "2017-09-27"),
        (2, "2021-09-29"),
        (3, None),
    ]
    assert versions[2]["produced_by"]["reference"] == "2021/1"
    assert versions[0]["produced_by"] is None
    since = get(api, RULE + "versions/", effective_from_after="2017-01-01")["results"]
    assert [v["version"] for v in since] == [2, 3]
    between = get(
        api,
        RULE + "versions/",
        effective_from_after="2017-01-01",
        effective_from_before="2020-01-01",
    )
    assert [v["version"] for v in between["results"]] == [2]
    assert "effective_from_after" in get(api, RULE + "versions/", 400, effective_from_after="x")
    repeals = get(api, BOOK + "rules/c4-banners/versions/", repealed="true")["results"]
    assert [v["version"] for v in repeals] == [2]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_versions_are_read_only_even_for_a_superuser(api, party, method):
    admin = user("root", superuser=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(admin)}")
    for url in (RULE + "versions/2/", RULE + "versions/"):
        response = getattr(api, method)(url, {"text": "rewritten"}, format="json")
        assert response.status_code == 405
        assert "detail" in response.json()
    assert APIClient().put(RULE + "versions/2/", {"text": "x"}, format="json").status_code == 405


def test_a_version_answers_if_none_match_with_304(api, party):
    first = api.get(RULE + "versions/2/")
    etag = first["ETag"]
    assert etag and first.json()["version"] == 2
    again = api.get(RULE + "versions/2/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert api.get(RULE + "versions/1/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_diff_gives_operations_html_stats_and_a_unified_diff(api, party):
    diff = get(api, RULE + "diff/", **{"from": 1, "to": 3})
    assert diff["from_version"]["version"] == 1
    assert diff["to_version"]["number"] == "4.II.2.B.i"
    assert {"op": "delete", "text": "15"} in diff["ops"]
    assert {"op": "insert", "text": "20"} in diff["ops"]
    assert "<del>15</del><ins>20</ins>" in diff["html"]
    assert diff["stats"]["words_added"] == 1
    assert diff["unified"].startswith("--- v1\n+++ v3\n")
    backwards = get(api, RULE + "diff/", **{"from": 3, "to": 1})
    assert {"op": "insert", "text": "15"} in backwards["ops"]


def test_a_diff_is_immutable_and_answers_304(api, party):
    first = api.get(RULE + "diff/", {"from": 1, "to": 2})
    assert first.status_code == 200
    assert "max-age" in first["Cache-Control"]
    again = api.get(RULE + "diff/", {"from": 1, "to": 2}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert api.get(RULE + "diff/", {"from": 1, "to": 3}).get("ETag") != first["ETag"]


def test_a_diff_needs_two_existing_versions(api, party):
    assert list(get(api, RULE + "diff/", 400, to=2)) == ["from"]
    assert list(get(api, RULE + "diff/", 400, **{"from": "one", "to": 2})) == ["from"]
    assert list(get(api, RULE + "diff/", 400, **{"from": 0, "to": 2})) == ["from"]
    assert "version 7" in get(api, RULE + "diff/", 404, **{"from": 1, "to": 7})["detail"]
    assert "detail" in get(api, BOOK + "rules/nope/diff/", 404, **{"from": 1, "to": 2})


def test_blame_attributes_each_passage_to_the_version_and_proposal_behind_it(api, party):
    blame = get(api, RULE + "blame/")
    assert blame["version"]["version"] == 3
    passages = blame["passages"]
    assert "".join(p["text"] for p in passages) == worlds.nomination_text(20)
    twenty = next(p for p in passages if p["text"] == "20")
    assert twenty["version"] == 3
    assert twenty["produced_by"]["reference"] == "2021/1"
    assert passages[0]["version"] == 1 and passages[0]["produced_by"] is None
    before = get(api, RULE + "blame/", at="2015-01-01")
    assert before["version"] is None and before["passages"] == []


def test_changes_between_two_dates_list_added_repealed_changed_and_renumbered_rules(api, party):
    version_create(
        rule=party.trigger,
        effective_from=datetime.date(2018, 1, 1),
        number="5.I.2",
        text="A trigger ballot needs one third of branches.",
        provenance="reconstructed",
        source="Test history",
    )
    changes = get(api, BOOK + "changes/", **{"from": "2016-06-01", "to": "2020-01-01"})
    kinds = {c["rule"]: c["kind"] for c in changes["changes"]}
    assert kinds == {
        "c4-nominations": "changed",
        "c4-banners": "repealed",
        "c5-trigger": "renumbered",
    }
    changed = changes["changes"][0]
    assert changed["renumbered"] is True
    assert "<del>15</del><ins>10</ins>" in changed["diff"]["html"]
    assert changes["changes"][1]["after"] is None
    added = get(api, BOOK + "changes/", **{"from": "2015-01-01", "to": "2016-01-01"})
    assert {c["kind"] for c in added["changes"]} == {"added"}


def test_changes_need_a_start_not_after_the_end(api, party):
    assert list(get(api, BOOK + "changes/", 400)) == ["from"]
    reversed_dates = {"from": "2020-01-01", "to": "2019-01-01"}
    assert list(get(api, BOOK + "changes/", 400, **reversed_dates)) == ["to"]


def test_parameters_have_their_timelines(api, party):
    listing = get(api, BOOK + "parameters/")["results"]
    assert [p["key"] for p in listing] == ["mp_threshold"]
    timeline = get(api, BOOK + "parameters/mp_threshold/")["timeline"]
    assert [(p["effective_from"], p["value"]) for p in timeline] == [
        ("2016-01-01", 15),
        ("2017-09-27", 10),
        ("2021-09-29", 20),
    ]
    assert timeline[0]["until"] == "2017-09-27" and timeline[2]["until"] is None
    assert "detail" in get(api, BOOK + "parameters/nope/", 404)
    assert get(api, BOOK + "parameters/", unit="members")["count"] == 0


def test_a_citation_in_any_numbering_resolves_to_the_rule(api, party):
    old = get(api, BOOK + "cite/", ref="4.II.2.B")
    assert old["rule"] == "c4-nominations"
    assert old["url"].endswith("/api/rulebooks/party/rules/c4-nominations/")
    assert old["cited"]["version"] == 1
    current = get(api, BOOK + "cite/", ref="4.II.2.B.i", at="2018-01-01")
    assert current["cited"]["version"] == 2
    assert "ever been numbered" in get(api, BOOK + "cite/", 404, ref="9.9")["detail"]
    assert list(get(api, BOOK + "cite/", 400)) == ["ref"]


def test_bodies_list_their_members_on_a_date(api, party):
    bodies = get(api, BOOK + "bodies/")["results"]
    assert [b["slug"] for b in bodies] == ["conference", "nec"]
    assert bodies[0]["decides"] is True
    in_2017 = get(api, BOOK + "bodies/nec/", on="2017-06-01")["members"]
    assert [m["name"] for m in in_2017] == ["Old Member"]
    in_2019 = get(api, BOOK + "bodies/nec/", on="2019-06-01")["members"]
    assert len(in_2019) == 5
    assert in_2019[0] == {
        "name": "Ada Lovelace",
        "seat": "CLP section",
        "from": "2018-01-15",
        "until": None,
    }
    assert "detail" in get(api, BOOK + "bodies/nope/", 404)


def test_unknown_api_addresses_are_json_404s_and_a_missing_slash_redirects(api, party):
    assert "detail" in get(api, "/api/nothing/here/", 404)
    redirect = api.get("/api/rulebooks/party/rules", {"at": "2020-01-01"})
    assert redirect.status_code == 301
    assert redirect["Location"] == "/api/rulebooks/party/rules/?at=2020-01-01"
    posted = api.post("/api/rulebooks/party/proposals", {}, format="json")
    assert posted.status_code == 404 and "slash" in posted.json()["detail"]


def test_expensive_endpoints_are_rate_limited_per_client(api, party, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"expensive": "2/minute"},
    }
    for _ in range(2):
        assert api.get(RULE + "diff/", {"from": 1, "to": 2}).status_code == 200
    limited = api.get(RULE + "blame/")
    assert limited.status_code == 429
    assert "detail" in limited.json() and int(limited["Retry-After"]) > 0
    assert api.get(RULE).status_code == 200, "cheap reads are not limited"
    other = APIClient(REMOTE_ADDR="10.0.0.9")
    assert other.get(BOOK + "changes/", {"from": "2016-01-01"}).status_code == 200
    cache.clear()


def test_options_and_head_answer_everywhere_without_a_server_error(api, party):
    api.force_authenticate(user("root", superuser=True))
    proposal = f"{BOOK}proposals/{party.draft.pk}/"
    urls = [
        "/api/rulebooks/",
        BOOK,
        BOOK + "rules/",
        RULE,
        RULE + "versions/",
        RULE + "versions/1/",
        RULE + "diff/?from=1&to=2",
        RULE + "blame/",
        BOOK + "changes/?from=2016-01-01",
        BOOK + "cite/?ref=4",
        BOOK + "parameters/",
        BOOK + "parameters/mp_threshold/",
        BOOK + "bodies/",
        BOOK + "bodies/nec/",
        BOOK + "proposals/",
        proposal,
        proposal + "votes/",
        proposal + "submit/",
        proposal + "adopt/",
    ]
    for url in urls:
        assert api.options(url).status_code == 200, url
        assert api.head(url).status_code in (200, 405), url


def test_the_schema_and_the_interactive_docs_are_served_without_a_cdn(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/rulebooks/{slug}/rules/{key}/diff/" in schema.json()["paths"]
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
