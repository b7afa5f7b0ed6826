"""Drafting a proposal in the admin: the add and change forms save through the services."""

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from proposals.models import Amendment, Proposal
from proposals.roles import DRAFTER, SECRETARY
from proposals.services import proposal_adopt, proposal_submit
from rulebook.models import AuditEntry
from tests.factories import ProposalFactory, add_version, amend, staff
from tests.worlds import NEW, OLD, proposal_post

pytestmark = pytest.mark.django_db
ADD = reverse("admin:proposals_proposal_add")
CHANGELIST = reverse("admin:proposals_proposal_changelist")


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


@pytest.fixture
def drafter_client(client):
    client.force_login(staff("drafter", DRAFTER))
    return client


def test_choosing_a_rule_fills_in_its_latest_version_then_saving_drafts_against_it(
    drafter_client, club
):
    first = drafter_client.post(ADD, proposal_post(club.rulebook, [{"rule": club.rule.pk}]))
    assert first.status_code == 200
    assert not Proposal.objects.exists()
    amendment_form = first.context["inline_admin_formsets"][0].formset.forms[0]
    assert amendment_form["text"].value() == OLD
    assert amendment_form["number"].value() == "4.1"
    assert amendment_form["heading"].value() == "Nominations"
    assert "Filled in from 4.1 Nominations, version 2" in first.content.decode()

    row = {"rule": club.rule.pk, "number": "4.1", "heading": "Nominations", "text": NEW}
    second = drafter_client.post(ADD, proposal_post(club.rulebook, [row]))
    assert second.status_code == 302
    proposal = Proposal.objects.get()
    amendment = proposal.amendments.get()
    assert (proposal.status, proposal.created_by.username) == ("draft", "drafter")
    assert (amendment.base_version.seq, amendment.text) == (2, NEW)
    created = AuditEntry.objects.get(action="proposal.create")
    assert (created.actor.username, created.data["proposal"]) == ("drafter", proposal.pk)


def test_a_refusal_by_the_service_is_shown_on_the_form_and_nothing_is_saved(drafter_client, club):
    unchanged = {"rule": club.rule.pk, "number": "4.1", "heading": "Nominations", "text": OLD}
    response = drafter_client.post(ADD, proposal_post(club.rulebook, [unchanged]))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert "changes nothing in rule c4-nominations v2" in errors["text"][0]
    assert response.context["adminform"].form["title"].value() == "Lower the nomination threshold"
    assert not Proposal.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_implausible_conference_year_is_refused_with_the_allowed_range(drafter_client, club):
    row = {"rule": club.rule.pk, "number": "4.1", "text": NEW}
    post = proposal_post(club.rulebook, [row], conference_year="20266")
    response = drafter_client.post(ADD, post)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["conference_year"]
    assert errors == ["Ensure this value is less than or equal to 2200."]
    assert not Proposal.objects.exists()


def test_a_duplicate_reference_is_refused_on_the_form(drafter_client, club):
    ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/4")
    row = {"rule": club.rule.pk, "number": "4.1", "text": NEW}
    response = drafter_client.post(ADD, proposal_post(club.rulebook, [row], reference="2026/4"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Proposal.objects.count() == 1


def test_the_change_page_shows_the_diff_and_a_stale_badge(drafter_client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW + " <b>bold</b>")]
    )
    add_version(club.rule, "2024-01-01", OLD + " Amended.", number="4.1")
    response = drafter_client.get(change_url(proposal))
    html = response.content.decode()
    assert response.status_code == 200
    assert "supported by <del>15</del> <ins>10</ins> per cent" in html
    assert "<ins> &lt;b&gt;bold&lt;/b&gt;</ins>" in html and "<b>bold</b>" not in html
    assert "stale: drafted against v2, rule now at v3" in html
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Rebase before adoption" in m for m in warnings)


def test_editing_a_draft_updates_it_through_the_services(drafter_client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/4"
    )
    amendment = proposal.amendments.get()
    existing = {
        "id": amendment.pk,
        "number": "4.1",
        "heading": "Nominations",
        "text": NEW.replace("10", "12"),
        "parameters": json.dumps(amendment.parameters),
    }
    post = proposal_post(club.rulebook, existing=[existing], title="Twelve per cent")
    response = drafter_client.post(change_url(proposal), post)
    assert response.status_code == 302, response.context["errors"]
    proposal.refresh_from_db()
    amendment.refresh_from_db()
    assert proposal.title == "Twelve per cent"
    assert amendment.text == NEW.replace("10", "12")
    assert amendment.base_version.seq == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"proposal.update", "amendment.update"} <= actions


def test_a_refused_edit_rolls_back_the_whole_save(drafter_client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/4"
    )
    amendment = proposal.amendments.get()
    emptied = {"id": amendment.pk, "number": "4.1", "heading": "Nominations", "text": ""}
    post = proposal_post(club.rulebook, existing=[emptied], title="A new title")
    response = drafter_client.post(change_url(proposal), post)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["text"] == ["Must not be empty. Use a repeal."]
    proposal.refresh_from_db()
    amendment.refresh_from_db()
    assert (proposal.title, amendment.text) == ("A rule change", NEW)
    assert not AuditEntry.objects.filter(action="proposal.update").exists()


def test_removing_and_adding_amendments_on_a_draft(drafter_client, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    amendment = proposal.amendments.get()
    existing = {"id": amendment.pk, "text": NEW, "number": "4.1", "heading": "Nominations"}
    existing["DELETE"] = "on"
    chapter = {"rule": club.chapter.pk, "number": "4", "text": "Chapter 4: Selections"}
    post = proposal_post(club.rulebook, [chapter], existing=[existing])
    assert drafter_client.post(change_url(proposal), post).status_code == 302
    assert [a.rule.key for a in proposal.amendments.all()] == ["c4"]
    actions = AuditEntry.objects.filter(data__proposal=proposal.pk, actor__username="drafter")
    assert {"amendment.add", "amendment.remove"} <= set(actions.values_list("action", flat=True))


def test_a_submitted_proposal_is_read_only(drafter_client, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    proposal_submit(proposal=proposal)
    response = drafter_client.get(change_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title"' not in html and 'name="amendments-0-text"' not in html
    post = proposal_post(club.rulebook, title="Changed after submission")
    assert drafter_client.post(change_url(proposal), post).status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "A rule change"


def test_a_secretary_sees_but_cannot_edit_a_draft(client, club):
    client.force_login(staff("secretary", SECRETARY))
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    assert client.get(change_url(proposal)).status_code == 200
    post = proposal_post(club.rulebook, title="Secretary's title")
    assert client.post(change_url(proposal), post).status_code == 403
    assert client.get(ADD).status_code == 403


def changelist_data(rulebook, rule, count):
    for n in range(count):
        proposal = ProposalFactory(
            rulebook=rulebook,
            amendments=[amend(rule, f"{NEW} Version {n}.")],
            reference=f"2026/{n}",
        )
        if n % 3 == 1:
            proposal_submit(proposal=proposal)


def test_the_changelist_runs_a_constant_number_of_queries(
    drafter_client, club, django_assert_num_queries
):
    changelist_data(club.rulebook, club.rule, 2)
    with django_assert_num_queries(9):
        assert drafter_client.get(CHANGELIST).status_code == 200
    changelist_data(club.rulebook, club.chapter, 0)
    for n in range(2, 25):
        ProposalFactory(
            rulebook=club.rulebook,
            amendments=[amend(club.chapter, f"Chapter {n}")],
            reference=f"2027/{n}",
        )
    add_version(club.rule, "2024-01-01", OLD + " Amended.", number="4.1")
    with django_assert_num_queries(9):
        response = drafter_client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 25


def test_the_stale_filter_and_the_search_by_rule_key(drafter_client, club):
    stale = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/1"
    )
    fresh = ProposalFactory(
        rulebook=club.rulebook,
        amendments=[amend(club.chapter, "Chapter 4: Selections")],
        reference="2026/2",
    )
    add_version(club.rule, "2024-01-01", OLD + " Amended.", number="4.1")

    def listed(**params):
        response = drafter_client.get(CHANGELIST, params)
        return {p.reference for p in response.context["cl"].result_list}

    assert listed(stale="yes") == {stale.reference}
    assert listed(stale="no") == {fresh.reference}
    assert listed(q="c4-nominations") == {stale.reference}
    assert "rb-badge-stale" in drafter_client.get(CHANGELIST).content.decode()


def test_an_adopted_amendment_shows_the_version_it_produced(client, club):
    client.force_login(staff("root", superuser=True))
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], carried=True
    )
    proposal_adopt(proposal=proposal, effective_from=datetime.date(2026, 9, 27))
    html = client.get(change_url(proposal)).content.decode()
    assert "adopted as v3" in html
    assert Amendment.objects.get().produced_version.seq == 3
