"""Staff journeys in Chromium through the real admin pages: drafting with the live diff, the
vote form that shows the chosen method's fields, and resolving a rebase conflict so that the
change adopted meanwhile is kept."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from proposals.roles import DRAFTER, SECRETARY
from tests import worlds
from tests.factories import ProposalFactory, add_version, amend, rebase, staff
from tests.worlds import NEW, OLD

pytestmark = [pytest.mark.browser]
PASSWORD = "a long test password"
MEANWHILE = OLD.replace("15", "12").replace("PLP.", "PLP and MEPs.")
RESOLVED = NEW.replace("PLP.", "PLP and MEPs.")


@pytest.fixture
def journey(transactional_db):
    """The data, made before the browser starts (the `page` fixture comes after this one):
    the ORM is not used while Playwright's event loop runs in this thread. 2026/4 (15 → 10)
    is carried, and its rebase onto v3 (12 per cent, and MEPs) is a recorded conflict."""
    staff("clerk", DRAFTER, SECRETARY, password=PASSWORD)
    club = worlds.club()
    proposal = ProposalFactory(
        rulebook=club.rulebook, reference="2026/4", amendments=[amend(club.rule, NEW)], carried=True
    )
    submitted = ProposalFactory(
        rulebook=club.rulebook,
        reference="2026/5",
        amendments=[amend(club.rule, NEW)],
        submitted=True,
    )
    add_version(club.rule, "2024-01-01", MEANWHILE, number="4.1", heading="Nominations")
    amendment = proposal.amendments.get()
    assert rebase(amendment).conflict
    return SimpleNamespace(club=club, proposal=proposal, amendment=amendment, submitted=submitted)


@pytest.fixture
def script_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == [], f"JavaScript errors on the admin pages: {errors}"


def log_in(page, url):
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("clerk")


def test_drafting_shows_the_diff_as_the_text_changes_without_saving(
    live_server, journey, page, script_errors
):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/proposals/proposal/add/")
    page.fill("#id_reference", "2026/9")
    page.fill("#id_title", "Lower the threshold again")
    page.fill("#id_proposer", "Northfield CLP")
    page.click("#amendments-0 .field-rule .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "nomin")
    page.click(".select2-results__option:has-text('4.1 Nominations')")  # by number and heading

    # "Start from the current text" is a button: the form comes back filled in, unsaved.
    page.click("button[name='amendments-0-text_start']")
    text = page.locator("#id_amendments-0-text")
    expect(text).to_have_value(MEANWHILE)
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator("#amendments-0 .field-text .help")).to_contain_text(
        "Filled in from 4.1 Nominations, version 3"
    )

    # Typing updates the diff against v3 in place; nothing is saved.
    shown = page.locator("#amendments-0 .field-proposed_change .readonly")
    expect(shown).to_contain_text("Shown once the amendment is saved.")
    text.fill(MEANWHILE.replace("12", "10"))
    expect(shown.locator("del")).to_have_text("12")
    expect(shown.locator("ins")).to_have_text("10")
    expect(shown).to_contain_text("1 word added, 1 word removed")
    text.fill(MEANWHILE + " Nominations close at noon.")
    expect(shown.locator("ins")).to_contain_text("Nominations close at noon")
    expect(shown.locator("del")).to_have_count(0)
    assert page.url.endswith("/admin/proposals/proposal/add/")
    expect(page.locator(".messagelist")).to_have_count(0)

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#amendments-0 .rb-diff ins")).to_contain_text("Nominations close")


def test_the_vote_form_shows_only_the_chosen_methods_fields(
    live_server, journey, page, script_errors
):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/proposals/proposal/{journey.submitted.pk}/vote/")
    page.select_option("#id_method", "show_of_hands")
    expect(page.locator(".field-votes_for")).to_be_visible()
    expect(page.locator(".field-sections")).to_be_hidden()
    expect(page.locator(".field-roll_for")).to_be_hidden()
    page.select_option("#id_method", "card_vote")
    expect(page.locator(".field-sections")).to_be_visible()
    expect(page.locator(".field-votes_for")).to_be_hidden()
    page.select_option("#id_method", "roll_call")
    expect(page.locator(".field-roll_for")).to_be_visible()
    expect(page.locator(".field-sections")).to_be_hidden()

    # The server still checks: a card vote without sections is refused, and said.
    page.select_option("#id_body", label="Annual Conference")
    page.fill("#id_held_on", "2026-09-20")
    page.select_option("#id_stage", "decision")
    page.select_option("#id_method", "card_vote")
    page.click("input[name=_confirm]")
    expect(page.locator(".errorlist, .messagelist .error").first).to_be_visible()
    expect(page.locator("#id_method")).to_have_value("card_vote")


def test_resolving_a_conflict_in_the_admin_keeps_the_adopted_meanwhile_change(
    live_server, journey, page, script_errors
):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/proposals/proposal/{journey.proposal.pk}/change/")
    page.click(".object-tools a:has-text('Rebase')")

    panel = page.locator(f"#amendment-{journey.amendment.pk}")
    meanwhile = panel.locator(".rb-conflict-side").nth(0)
    proposed = panel.locator(".rb-conflict-side").nth(1)
    expect(meanwhile).to_contain_text("Adopted meanwhile: v2 → v3")
    expect(meanwhile.locator("ins").nth(0)).to_have_text("12")
    expect(meanwhile.locator("ins").nth(1)).to_have_text(" and MEPs")
    expect(proposed).to_contain_text("This amendment: v2 → proposed")
    expect(proposed.locator("ins")).to_have_text("10")
    box = page.locator(f"#id_resolve-{journey.amendment.pk}-text")
    expect(box).to_have_value("")

    # Markers left in are refused; then the text that keeps both changes.
    box.fill("<<<<<<< current\n" + MEANWHILE + "\n=======\n" + NEW + "\n>>>>>>> proposed\n")
    page.click(f"button[name=_resolve][value='{journey.amendment.pk}']")
    expect(page.locator(".errorlist")).to_contain_text("still contains conflict markers")
    page.locator(f"#id_resolve-{journey.amendment.pk}-text").fill(RESOLVED)
    page.click(f"button[name=_resolve][value='{journey.amendment.pk}']")
    expect(page.locator(".messagelist")).to_contain_text(
        "Resolved the conflict in 4.1 Nominations: now version 3."
    )

    page.goto(f"{live_server.url}/admin/proposals/proposal/{journey.proposal.pk}/change/")
    page.click(".object-tools a:has-text('Adopt')")
    page.fill("#id_effective_from", "2026-09-27")
    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text(
        "Adopted 2026/4: created 4.1 Nominations version 4 from 27 September 2026."
    )
    page.goto(f"{live_server.url}/club/rules/c4-nominations/?at=2026-09-27")
    expect(page.locator(".rule-text")).to_have_text(RESOLVED)
