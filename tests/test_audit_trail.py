"""Every write to the record leaves an entry saying who, when and what changed, and staff
read a proposal's trail on its admin page and through the API."""

from __future__ import annotations

import datetime

import pytest

from proposals.roles import DRAFTER, SECRETARY
from proposals.services import (
    amendment_add,
    amendment_remove,
    amendment_update,
    proposal_adopt,
    proposal_submit,
    proposal_update,
)
from rulebook.models import AuditEntry
from tests.factories import (
    CARD_60_40,
    ProposalFactory,
    RuleFactory,
    add_version,
    amend,
    decide,
    staff,
    token_for,
    user,
)

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


@pytest.fixture
def dues(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="dues")
    add_version(rule, "2016-01-01", "Dues are 5 pounds.")
    return rule


@pytest.fixture
def history(rulebook, dues):
    """A proposal drafted, edited, submitted, carried and adopted by named people."""
    drafter = user("drafter", DRAFTER)
    secretary = user("secretary", SECRETARY)
    other = RuleFactory(rulebook=rulebook, key="meetings")
    add_version(other, "2016-01-01", "Meetings are monthly.")
    proposal = ProposalFactory(
        rulebook=rulebook, reference="2026/1", amendments=[amend(dues, "Dues are 6 pounds.")]
    )
    proposal_update(proposal=proposal, title="Dues rise", by=drafter)
    added = amendment_add(proposal=proposal, by=drafter, **amend(other, "Meetings are weekly."))
    amendment_update(amendment=added, text="Meetings are fortnightly.", by=drafter)
    amendment_remove(amendment=added, by=drafter)
    proposal_submit(proposal=proposal, submitted_on=D("2026-08-01"), by=drafter)
    decide(proposal, held_on=D("2026-09-20"), sections=CARD_60_40)
    proposal_adopt(proposal=proposal, effective_from=D("2026-09-27"), by=secretary)
    return proposal


def trail(proposal) -> list[tuple[str, list[str]]]:
    return [(entry.action, entry.lines()) for entry in AuditEntry.objects.of(proposal)]


def test_each_write_to_a_proposal_is_in_its_trail_with_what_changed(history, dues):
    actions = [action for action, _ in trail(history)]
    assert actions == [
        "proposal.create",
        "proposal.update",
        "amendment.add",
        "amendment.update",
        "amendment.remove",
        "proposal.submit",
        "vote.record",
        "proposal.adopt",
    ]
    lines = dict(trail(history))
    assert "title: A rule change → Dues rise" in lines["proposal.update"]
    assert "text: Meetings are weekly. → Meetings are fortnightly." in lines["amendment.update"]
    assert "status: draft → submitted" in lines["proposal.submit"]
    assert "status: submitted → carried" in lines["vote.record"]
    assert "status: carried → adopted" in lines["proposal.adopt"]


def test_each_entry_names_its_actor_and_its_rule_book(history, rulebook):
    entries = AuditEntry.objects.of(history)
    assert {e.rulebook for e in entries} == {rulebook}
    by_action = {e.action: e.actor.username if e.actor else None for e in entries}
    assert by_action["proposal.update"] == "drafter"
    assert by_action["proposal.adopt"] == "secretary"


def test_an_import_is_audited_in_the_rule_books_trail(db):
    from rulebook.exchange import read_document, rulebook_import

    book = "rulebook: {slug: club, title: Club}\nrules: []\n"
    imported = rulebook_import(data=read_document(book, format="yaml"), by=staff("root"))
    entry = AuditEntry.objects.of(imported).get()
    assert (entry.action, entry.rulebook, entry.actor.username) == (
        "rulebook.import",
        imported,
        "root",
    )


# --- the admin ----------------------------------------------------------------------------


def test_the_proposal_page_shows_its_history_to_a_secretary(client, history):
    client.force_login(staff("clerk", SECRETARY))
    r = client.get(f"/admin/proposals/proposal/{history.pk}/change/")
    assert r.status_code == 200
    assert "History of this record" in r.text
    assert "status: submitted → carried" in r.text
    assert "title: A rule change → Dues rise" in r.text


def test_the_history_is_hidden_from_staff_who_may_not_view_the_audit(client, history):
    client.force_login(staff("writer", DRAFTER))
    r = client.get(f"/admin/proposals/proposal/{history.pk}/change/")
    assert r.status_code == 200
    assert "History of this record" not in r.text


# --- the API ------------------------------------------------------------------------------


def audit_url(proposal) -> str:
    return f"/api/rulebooks/{proposal.rulebook.slug}/proposals/{proposal.pk}/audit/"


def test_the_api_gives_the_trail_to_a_user_with_the_permission(client, history):
    token = token_for(user("clerk", SECRETARY))
    r = client.get(audit_url(history), HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 8
    first, vote = body["results"][0], body["results"][6]
    assert first["action"] == "proposal.create"
    assert (vote["action"], vote["actor"]) == ("vote.record", None)
    assert "status: submitted → carried" in vote["changes"]


def test_the_api_refuses_the_trail_to_anonymous_and_unpermitted_users(client, history):
    assert client.get(audit_url(history)).status_code == 401
    token = token_for(user("writer", DRAFTER))
    r = client.get(audit_url(history), HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 403


def test_the_trail_of_an_unknown_proposal_is_a_404(client, history):
    token = token_for(user("clerk", SECRETARY))
    url = f"/api/rulebooks/{history.rulebook.slug}/proposals/{history.pk + 100}/audit/"
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 404


def test_the_trail_is_documented_in_the_schema(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    operation = r.json()["paths"]["/api/rulebooks/{slug}/proposals/{id}/audit/"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404"}
