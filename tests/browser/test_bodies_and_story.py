"""In Chromium: a member follows a vote to its body and reads who sat on it on a past date, and
reads the story of a rule between two dates; axe finds nothing serious on those pages, and
they fit a 390 px phone."""

import pytest

pytestmark = [pytest.mark.browser]


def test_from_a_vote_to_the_body_s_members_on_a_past_date(site, page):
    page.goto(f"{site.url}/coop/proposals/{site.p20.pk}/")
    page.get_by_role("link", name="Executive Committee").first.click()
    page.wait_for_url("**/coop/bodies/nec/")
    page.get_by_role("textbox", name="Members on").fill("2010-06-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/coop/bodies/nec/?at=2010-06-01")
    members = page.locator("section[aria-labelledby=members-title]")
    assert "Retired Member" in members.inner_text()
    assert "Keir Hardie" not in members.inner_text()
    votes = page.locator("section[aria-labelledby=votes-title]")
    votes.get_by_role("link", name="2017/1").click()
    page.wait_for_url(f"**/coop/proposals/{site.p2017.pk}/#vote-*")


def test_the_story_of_a_rule_between_two_dates(site, page):
    page.goto(f"{site.url}/coop/changes/")
    page.get_by_label("From").fill("2016-06-01")
    page.get_by_label("to", exact=True).fill("2021-12-01")
    page.get_by_role("button", name="Show changes").click()
    story = page.locator(".story").first
    assert "2 steps in between" in story.inner_text()
    assert "2017/1" in story.inner_text() and "2021/7" in story.inner_text()
    story.get_by_role("link", name="diff of this step").first.click()
    page.wait_for_url("**/coop/rules/nominations/compare/?from=1&to=2")
    assert page.locator(".diff del").first.inner_text() == "15"


PAGES = [
    "/coop/bodies/",
    "/coop/bodies/nec/",
    "/coop/bodies/nec/?at=2010-06-01",
    "/coop/bodies/conference/",
    "/coop/changes/?from=2016-06-01&to=2022-06-01",
]


def test_no_serious_accessibility_violation_and_no_sideways_scroll_on_a_phone(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    axe, found = Axe(), {}
    try:
        for path in PAGES:
            page.goto(site.url + path)
            violations = axe.run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            if serious or wide:
                found[path] = (serious, "scrolls sideways" if wide else "")
    finally:
        context.close()
    assert found == {}
