"""Whatever a visitor types into an address, a page answers 400 or 404 saying what was wrong,
never a 500 — on SQLite and on PostgreSQL, which refuses NUL bytes and huge integers."""

import html
from urllib.parse import urlencode

import pytest

NUL = "\x00"
HUGE = "99999999999999999999"
BAD_DATES = ["2020-13-01", "yesterday", "2020-02-30", "20200101", "0000-01-01", "2020-1-1"]

# (url, parameter, bad value, expected status, words the page must contain)
CASES = [
    *[("/club/", "at", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/rules/dues/", "at", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/rules/dues/blame/", "at", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/changes/", "from", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/changes/", "to", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/search/?q=dues", "at", bad, 400, "must be a date") for bad in BAD_DATES],
    *[("/club/cite/?ref=1", "at", bad, 400, "must be a date") for bad in BAD_DATES],
    *[
        ("/club/rules/dues/compare/?to=1", "from", bad, 400, "must be a whole number")
        for bad in ["x", "-1", "0", "1.5", HUGE, "\u0661"]
    ],
    *[
        (url, name, NUL, 400, "contains a NUL character")
        for url, name in [
            ("/club/", "at"),
            ("/club/rules/dues/", "at"),
            ("/club/rules/dues/blame/", "at"),
            ("/club/changes/", "from"),
            ("/club/search/?q=x", "at"),
        ]
    ],
    ("/club/rules/dues/compare/?to=1", "from", NUL, 400, "NUL character"),
    ("/club/rules/dues/", "at", "2020-01-01" + "x" * 100, 400, "must be a date"),
    *[
        ("/club/rules/dues/compare/?from=1", "to", bad, 400, "must be a whole number")
        for bad in ["x", "-1", "0", HUGE]
    ],
    ("/club/rules/dues/compare/?from=1", "to", "", 400, "'to' is missing"),
    ("/club/rules/dues/compare/?to=2", "from", "", 400, "'from' is missing"),
    ("/club/rules/dues/compare/?from=1", "to", "9", 404, "has no version 9"),
    ("/club/rules/dues/compare/?from=1&to=2", "view", "sideways", 400, "must be one of"),
    ("/club/changes/?to=2015-01-01", "from", "2016-01-01", 400, "is after"),
    ("/club/cite/", "ref", "", 400, "'ref' is missing"),
    ("/club/cite/", "ref", "9.9", 404, "has ever been numbered"),
    ("/club/cite/", "ref", NUL, 400, "NUL"),
    ("/club/cite/", "ref", "x" * 200, 400, "too long"),
    ("/club/search/", "q", "x" * 201, 400, "too long"),
    ("/club/search/", "q", "dues" + NUL, 400, "NUL"),
    ("/club/proposals/", "status", "nonsense", 400, "status"),
    ("/club/proposals/", "year", "twenty", 400, "year"),
    ("/club/proposals/", "year", HUGE, 400, "year"),
    ("/club/proposals/", "proposer", NUL, 400, "proposer"),
    ("/club/proposals/", "rule", NUL, 400, "rule"),
    ("/club/proposals/", "page", "0", 400, "page"),
    ("/club/proposals/", "page", "7", 404, "no page 7"),
    ("/club/proposals/", "page", HUGE, 400, "page"),
]

BAD_PATHS = [
    ("/nobook/", "no rule book"),
    ("/club/rules/nosuch/", "no rule"),
    ("/club/rules/%00/", "contains a nul character"),
    ("/club/rules/" + "a" * 300 + "/", "no page at this address"),
    ("/club/rules/dues/v/9/", "has no version 9"),
    (f"/club/rules/dues/v/{HUGE}/", "no page at this address"),
    ("/club/rules/nosuch/compare/?from=1&to=2", "no rule"),
    ("/club/rules/nosuch/blame/", "no rule"),
    ("/club/rules/nosuch/feed/", ""),
    ("/nobook/feed/", ""),
    ("/club/parameters/nosuch/", "no parameter"),
    ("/club/parameters/%00/", "contains a nul character"),
    ("/club/proposals/999/", "no proposal"),
    (f"/club/proposals/{HUGE}/", "no page at this address"),
    ("/nobook/proposals/", "no rule book"),
    ("/nobook/search/?q=x", "no rule book"),
]


def with_param(url, name, value):
    return f"{url}{'&' if '?' in url else '?'}{urlencode({name: value})}"


@pytest.mark.parametrize(("url", "name", "value", "status", "says"), CASES)
def test_a_bad_query_string_is_answered_with_a_page_saying_what_was_wrong(
    client, one_rule, url, name, value, status, says
):
    response = client.get(with_param(url, name, value))
    assert response.status_code == status
    assert says.lower() in html.unescape(response.content.decode()).lower()


@pytest.mark.parametrize(("url", "says"), BAD_PATHS)
def test_an_address_naming_nothing_is_a_404_or_400(client, one_rule, url, says):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert says in html.unescape(response.content.decode()).lower()


@pytest.mark.parametrize("url", ["/club/rules/dues/", "/club/search/", "/club/proposals/"])
def test_member_pages_refuse_writes(client, one_rule, url):
    assert client.post(url).status_code == 405
