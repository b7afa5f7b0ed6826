"""A Secretary who also drafts takes a rule change from a blank form to a new rule version,
in Chromium, through the real admin pages: draft (picking the rule with the autocomplete),
save, submit, record Conference's decision, adopt, and read the new text."""

import pytest
from playwright.sync_api import expect

from proposals.roles import DRAFTER, SECRETARY
from tests import worlds
from tests.factories import staff
from tests.worlds import NEW, OLD

pytestmark = [pytest.mark.browser]
PASSWORD = "a long test password"


@pytest.fixture
def journey(transactional_db):
    """The data, made before the browser starts (the `page` fixture comes after this one):
    the ORM is not used while Playwright's event loop runs in this thread."""
    staff("clerk", DRAFTER, SECRETARY, password=PASSWORD)
    return worlds.club()


@pytest.fixture
def script_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == [], f"JavaScript errors on the admin pages: {errors}"


def test_drafting_voting_and_adopting_a_rule_change_in_the_admin(
    live_server, journey, page, script_errors
):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("clerk")

    # Draft: the rule book is preselected (there is only one); pick the rule by typing.
    page.goto(f"{live_server.url}/admin/proposals/proposal/add/")
    page.fill("#id_reference", "2026/4")
    page.fill("#id_title", "Lower the nomination threshold")
    page.fill("#id_proposer", "Northfield CLP")
    page.fill("#id_conference_year", "2026")
    page.click("#amendments-0 .field-rule .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "nomin")
    page.click(".select2-results__option:has-text('4.1 Nominations')")  # by number and heading
    page.click("input[name=_continue]")

    # Saving with the text left empty fills it in from the rule's latest version.
    text = page.locator("#id_amendments-0-text")
    expect(text).to_have_value(OLD)
    expect(page.locator("#id_amendments-0-number")).to_have_value("4.1")
    text.fill(NEW)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#amendments-0 .field-state")).to_contain_text("up to date (v2)")
    expect(page.locator("#amendments-0 .rb-diff del")).to_have_text("15")
    expect(page.locator("#amendments-0 .rb-diff ins")).to_have_text("10")

    page.click(".object-tools a:has-text('Submit')")
    page.fill("#id_submitted_on", "2026-06-01")
    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text("Submitted 2026/4 on 1 June 2026.")

    page.click(".object-tools a:has-text('Record a vote')")
    page.select_option("#id_body", label="Annual Conference")
    page.fill("#id_held_on", "2026-09-20")
    page.select_option("#id_stage", "decision")
    page.select_option("#id_method", "show_of_hands")
    page.fill("#id_votes_for", "300")
    page.fill("#id_votes_against", "100")
    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text("Proposal 2026/4 is now carried.")

    page.click(".object-tools a:has-text('Adopt')")
    page.fill("#id_effective_from", "2026-09-27")
    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text(
        "Adopted 2026/4: created 4.1 Nominations version 3 from 27 September 2026."
    )

    # The rule's admin page lists the new version; the member page shows its text from the
    # effective date on, and the old text the day before.
    page.goto(f"{live_server.url}/admin/rulebook/rule/{journey.rule.pk}/change/")
    expect(page.locator("#versions-2 .field-seq")).to_have_text("3")
    page.goto(f"{live_server.url}/club/rules/c4-nominations/?at=2026-09-27")
    expect(page.locator(".rule-text")).to_have_text(NEW)
    expect(page.locator("#v3 .origin")).to_contain_text("Made by proposal 2026/4")
    page.goto(f"{live_server.url}/club/rules/c4-nominations/?at=2026-09-26")
    expect(page.locator(".rule-text")).to_have_text(OLD)
