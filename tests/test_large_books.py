"""A huge rule book is read a page at a time: the contents page, the API's rules on a date and
the changes between two dates read the book's order lean and only the page's rules in full, so
a page costs the same queries on a book of 1,500 rules as on the co-operative's six."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rulebook import diff
from rulebook.selectors import rulebook_at
from tests import worlds
from tests.factories import big_rulebook
from tests.worlds import built_once
from web.views.book import CHANGES_PAGE_SIZE, CONTENTS_PAGE_SIZE

SIZE = 1500
PAGES = SIZE // CONTENTS_PAGE_SIZE  # the last one full
API_PAGE = 50  # settings.REST_FRAMEWORK["PAGE_SIZE"]
RULE_IDS = re.compile(r'<section class="rule depth-\d" id="([a-z0-9-]+)"')


@pytest.fixture(scope="module")
def big_world(django_db_setup, django_db_blocker):
    def build():
        worlds.coop()  # the small book, to compare query counts with
        return big_rulebook("big", SIZE)

    with built_once(django_db_blocker, build) as book:
        yield book


@pytest.fixture
def big(db, big_world):
    return big_world


def shown_keys(response) -> list[str]:
    return RULE_IDS.findall(response.content.decode())


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_contents_of_a_huge_book_are_shown_a_page_at_a_time_in_the_dates_order(client, big):
    on = datetime.date(2019, 1, 1)
    whole = [e.rule.key for e in rulebook_at(rulebook=big, on=on).entries]
    pages = []
    for number in range(1, PAGES + 1):
        response = client.get("/big/", {"at": "2019-01-01", "page": number})
        assert response.status_code == 200
        assert f"page {number} of {PAGES}" in response.content.decode()
        pages.append(shown_keys(response))
    assert [len(keys) for keys in pages] == [CONTENTS_PAGE_SIZE] * PAGES
    # Page after page, the whole book once, in that date's order (clauses reversed in 2017).
    assert [key for keys in pages for key in keys] == whole
    assert whole[:3] == ["c0", "r19", "r18"]


def test_the_pager_keeps_the_date_and_stops_at_the_ends(client, big):
    first = client.get("/big/", {"at": "2019-01-01"})
    assert first.status_code == 200
    page = first.content.decode()
    assert 'href="?at=2019-01-01&amp;page=2">Next page' in page
    assert "Previous page" not in page
    assert f"1500 rules, page 1 of {PAGES}." in page
    last = client.get("/big/", {"at": "2019-01-01", "page": PAGES})
    assert last.status_code == 200
    assert f'href="?at=2019-01-01&amp;page={PAGES - 1}">Previous page' in last.content.decode()
    assert "Next page" not in last.content.decode()


def test_the_table_of_contents_lists_only_the_page_s_chapters_and_clauses(client, big):
    response = client.get("/big/", {"at": "2019-01-01", "page": 2})
    assert response.status_code == 200
    toc = response.content.decode().split('<nav class="toc"')[1].split("</nav>")[0]
    assert toc.count("<li") == CONTENTS_PAGE_SIZE  # chapters and clauses, depth 0 and 1
    assert f'href="#c{CONTENTS_PAGE_SIZE}"' in toc  # page 2 opens with a chapter
    assert 'href="#c0"' not in toc


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "9" * 20, "1\x00"])
def test_a_malformed_page_number_is_a_bad_request(client, big, page):
    response = client.get("/big/", {"page": page})
    assert response.status_code == 400


def test_a_page_past_the_last_is_not_found(client, big):
    response = client.get("/big/", {"at": "2019-01-01", "page": PAGES + 1})
    assert response.status_code == 404
    assert response.status_code == client.get("/big/changes/", {"page": 99}).status_code


def test_a_page_of_the_contents_runs_as_many_queries_on_a_huge_book_as_on_a_small_one(
    client, big, django_assert_num_queries
):
    small = queries_of(client, "/coop/?at=2019-01-01")
    with django_assert_num_queries(small):
        assert client.get("/big/", {"at": "2019-01-01", "page": 3}).status_code == 200


def test_the_api_lists_a_huge_book_a_page_at_a_time(big):
    api = APIClient()
    first = api.get("/api/rulebooks/big/rules/", {"at": "2019-01-01"})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == SIZE
    assert [r["key"] for r in body["results"][:3]] == ["c0", "r19", "r18"]
    assert len(body["results"]) == API_PAGE
    assert body["results"][1]["parent"] == "c0"
    second = api.get(body["next"])
    assert second.status_code == 200
    whole = [e.rule.key for e in rulebook_at(rulebook=big, on=datetime.date(2019, 1, 1)).entries]
    assert [r["key"] for r in second.json()["results"]] == whole[API_PAGE : 2 * API_PAGE]
    assert api.get("/api/rulebooks/big/rules/", {"page": 31}).status_code == 404


def test_the_api_rules_list_runs_as_many_queries_on_a_huge_book_as_on_a_small_one(
    big, django_assert_num_queries
):
    api = APIClient()
    small = queries_of(api, "/api/rulebooks/coop/rules/")
    with django_assert_num_queries(small):
        assert api.get("/api/rulebooks/big/rules/", {"page": 7}).status_code == 200


CHANGES = {"from": "2014-01-01", "to": "2018-01-01"}  # every rule changed in 2017


def test_the_changes_of_a_huge_book_are_paginated_with_the_totals_of_every_page(
    client, big, monkeypatch
):
    diffs = []
    monkeypatch.setattr("web.views.book.compare", lambda a, b: diffs.append(a) or None)
    response = client.get("/big/changes/", {**CHANGES, "page": 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{SIZE} changed" in page
    assert page.count('<article class="change">') == CHANGES_PAGE_SIZE
    assert len(diffs) == CHANGES_PAGE_SIZE  # the diffs of the page's changes only
    assert 'href="?from=2014-01-01&amp;to=2018-01-01&amp;page=3">Next page' in page
    assert 'href="?from=2014-01-01&amp;to=2018-01-01&amp;page=1">Previous page' in page


def test_the_api_changes_report_is_paginated_with_counts_of_every_page(big, monkeypatch):
    api = APIClient()
    diffs = []
    real = diff.compare
    monkeypatch.setattr(diff, "compare", lambda a, b: diffs.append(a) or real(a, b))
    response = api.get("/api/rulebooks/big/changes/", CHANGES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == SIZE
    assert body["counts"] == {
        "added": 0,
        "repealed": 0,
        "changed": SIZE,
        "renumbered": SIZE,
        # every clause but the middle one of each chapter (10th of 19, reversed in place); the
        # chapters kept theirs
        "moved": SIZE - 2 * (SIZE // 20),
    }
    assert len(body["changes"]) == API_PAGE
    assert len(diffs) == API_PAGE
    assert body["previous"] is None
    assert "page=2" in body["next"]
    last = api.get("/api/rulebooks/big/changes/", {**CHANGES, "page": SIZE // API_PAGE})
    assert last.status_code == 200
    assert last.json()["next"] is None
    beyond = api.get("/api/rulebooks/big/changes/", {**CHANGES, "page": SIZE // API_PAGE + 1})
    assert beyond.status_code == 404
    assert "detail" in beyond.json()


def test_a_page_of_changes_runs_as_many_queries_on_a_huge_book_as_on_a_small_one(
    client, big, django_assert_num_queries
):
    small = queries_of(client, "/coop/changes/?from=2016-06-01&to=2025-06-01")
    with django_assert_num_queries(small):
        assert client.get("/big/changes/", {**CHANGES, "page": 4}).status_code == 200
    api = APIClient()
    small = queries_of(api, "/api/rulebooks/coop/changes/?from=2016-06-01&to=2025-06-01")
    with django_assert_num_queries(small):
        assert api.get("/api/rulebooks/big/changes/", {**CHANGES, "page": 4}).status_code == 200


def test_the_demo_rule_book_is_one_page_with_no_pager(client, db):
    call_command("load_demo", stdout=StringIO())
    response = client.get("/labour/")
    assert response.status_code == 200
    page = response.content.decode()
    assert len(shown_keys(response)) == 63
    assert 'class="pages"' not in page
    assert "63 rules." in page
