"""A member walks through the rule book in Chromium, with no JavaScript of ours on any page."""

import pytest

pytestmark = [pytest.mark.browser]


def test_a_member_reads_the_rule_book_on_a_past_date_and_opens_a_rule(site, page):
    page.goto(f"{site.url}/coop/")
    page.fill("#at", "2017-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/coop/?at=2017-01-01")
    assert page.locator("p.as-of", has_text="As in force on 1 January 2017").is_visible()
    assert "15 per cent" in page.inner_text("#nominations")
    page.get_by_role("link", name="History of 2.1").click()
    page.wait_for_url("**/coop/rules/nominations/?at=2017-01-01")
    assert "15 per cent" in page.inner_text(".rule-text")
    assert page.get_by_text("It has changed since").is_visible()


def test_a_member_compares_two_versions_by_choosing_radio_buttons(site, page):
    page.goto(f"{site.url}/coop/rules/nominations/")
    page.check("#from-1")
    page.check("#to-4")
    page.select_option("#view", "side")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?from=1&to=4&view=side")
    assert page.locator("table.side-by-side del").first.inner_text() == "15"
    assert "added" in page.inner_text(".stats")
    page.get_by_role("link", name="Inline").click()
    assert page.locator(".diff ins").first.inner_text() == "20"


def test_a_member_opens_the_proposal_behind_a_change(site, page):
    page.goto(f"{site.url}/coop/rules/nominations/")
    page.locator("#v3").get_by_role("link", name="2021/7 — Raise the threshold to 20%").click()
    page.wait_for_url(f"**/coop/proposals/{site.p20.pk}/")
    assert page.get_by_role("heading", name="Raise the threshold to 20%").is_visible()
    assert page.get_by_text("Who sat on the Executive Committee on 28 August 2021").is_visible()
    page.get_by_text("Roll call", exact=False).first.is_visible()


def test_a_member_searches_from_the_header(site, page):
    page.goto(f"{site.url}/coop/")
    page.fill("#site-q", "committee")
    page.locator(".site-search button").click()
    page.wait_for_url("**/coop/search/?q=committee")
    # The four matching versions of the nomination rule are grouped under it (issue 12).
    assert page.locator(".hits mark").count() >= 1
    assert page.get_by_text("Also matched in versions").is_visible()
    page.locator(".hits a").first.click()
    assert "/coop/rules/nominations/v/" in page.url


def test_pages_work_with_javascript_switched_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}/coop/rules/nominations/")
    page.check("#from-2")
    page.check("#to-3")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?from=2&to=3&view=inline")
    assert page.locator(".diff del").first.inner_text() == "10"
    context.close()


def test_the_rule_page_fits_a_phone_screen(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site.url}/coop/rules/nominations/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{site.url}/coop/proposals/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_printing_a_rule_keeps_the_text_and_history_and_drops_the_controls(site, page):
    page.goto(f"{site.url}/coop/rules/nominations/")
    page.emulate_media(media="print")
    assert page.locator(".rule-text").is_visible()
    assert page.locator("#v3").is_visible()
    assert not page.locator("header.site").is_visible()
    assert not page.locator("#from-1").is_visible()
