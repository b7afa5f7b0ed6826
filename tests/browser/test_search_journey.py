"""A member searches with the page's syntax and types a citation into the search box."""

import datetime

import pytest

from rulebook.services import rule_create, version_create

pytestmark = pytest.mark.browser


def search(page, site, words):
    page.goto(f"{site.url}/coop/search/")
    page.fill("#q", words)
    page.locator("#main").get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def rule_links(page) -> list[str]:
    return page.locator("ol.hits h3 a").evaluate_all("links => links.map(a => a.pathname)")


def test_phrases_or_and_exclusion_from_the_search_page(site, page):
    search(page, site, '"per cent of the members"')
    assert [link.split("/")[3] for link in rule_links(page)] == ["nominations"]
    search(page, site, "deputy or banners")
    assert [link.split("/")[3] for link in rule_links(page)] == ["old-rule", "deputy"]
    search(page, site, "leader -deputy")
    assert [link.split("/")[3] for link in rule_links(page)] == ["nominations"]
    search(page, site, "-leader")
    assert page.get_by_text("as well as what to leave out").is_visible()


def test_a_citation_in_the_search_box_opens_the_rule(site, page):
    book = site.book
    rule = rule_create(rulebook=book, key="c4-ii", parent=None, after=None)
    version_create(
        rule=rule,
        effective_from=datetime.date(2015, 1, 1),
        number="4.II",
        heading="Clause II",
        text="Selections.",
        provenance="reconstructed",
        source="Test history",
    )
    search(page, site, "Chapter 4 Clause II")
    page.wait_for_url("**/coop/rules/c4-ii/")
    assert page.get_by_role("heading", name="Clause II").first.is_visible()
