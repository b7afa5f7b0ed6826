"""The workflow buttons of the proposal page: submit, vote, adopt, rebase, withdraw."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from proposals.models import Body, Proposal, Vote
from proposals.roles import DRAFTER, SECRETARY
from proposals.services import proposal_submit
from rulebook.models import AuditEntry, RuleVersion
from tests.factories import ProposalFactory, add_version, amend, staff
from tests.worlds import NEW, OLD

pytestmark = pytest.mark.django_db
EFFECTIVE = datetime.date(2026, 9, 27)


def action_url(name, proposal):
    return reverse(f"admin:proposals_proposal_{name}", args=[proposal.pk])


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def audited(action: str, proposal) -> AuditEntry:
    return AuditEntry.objects.get(action=action, data__proposal=proposal.pk)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, *groups, superuser=False):
    client.force_login(staff("staffer", *groups, superuser=superuser))
    return client


def proposal_2026_4(club, **traits):
    """Proposal 2026/4, lowering the threshold to 10 per cent, in the state `traits` give."""
    return ProposalFactory(
        rulebook=club.rulebook, reference="2026/4", amendments=[amend(club.rule, NEW)], **traits
    )


def test_the_change_page_offers_the_buttons_the_user_may_press(client, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    html = login(client, DRAFTER).get(change_url(proposal)).content.decode()
    assert action_url("submit", proposal) in html
    assert action_url("withdraw", proposal) in html
    assert action_url("adopt", proposal) not in html
    proposal_submit(proposal=proposal)
    html = client.get(change_url(proposal)).content.decode()
    assert action_url("vote", proposal) not in html  # a Drafter does not record votes
    client.force_login(staff("secretary", SECRETARY))
    html = client.get(change_url(proposal)).content.decode()
    assert action_url("vote", proposal) in html


def test_submitting_a_draft(client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/4"
    )
    login(client, DRAFTER)
    assert client.get(action_url("submit", proposal)).status_code == 200
    response = client.post(action_url("submit", proposal), {"submitted_on": "2026-06-01"})
    assert response.status_code == 302
    assert "Submitted 2026/4 on 1 June 2026." in said(response)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.submitted_on) == ("submitted", datetime.date(2026, 6, 1))
    assert audited("proposal.submit", proposal).actor.username == "staffer"


def test_an_illegal_step_is_an_error_message_not_a_crash(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    response = login(client, DRAFTER).post(action_url("submit", proposal), {})
    assert response.status_code == 200
    assert any("is submitted; only a draft proposal can be submitted" in m for m in said(response))


def test_recording_a_recommendation_by_counts(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    response = login(client, SECRETARY).post(
        action_url("vote", proposal),
        {
            **_vote("nec", "recommendation", "show_of_hands"),
            "votes_for": "22",
            "votes_against": "12",
            "abstentions": "1",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    vote = Vote.objects.get()
    assert (vote.votes_for, vote.votes_against, vote.result) == (22, 12, "carried")
    assert "recommendation vote of National Executive Committee" in said(response)[0]
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    entry = AuditEntry.objects.get(action="vote.record", data__vote=vote.pk)
    assert (entry.actor.username, entry.data["body"]) == ("staffer", "nec")


def test_recording_a_conference_card_vote_decides_the_proposal(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    response = login(client, SECRETARY).post(
        action_url("vote", proposal),
        {
            **_vote("conference", "decision", "card_vote"),
            **_sections(("CLPs", "50", "60.1", "39.9"), ("Affiliates", "50", "45", "55")),
        },
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    sections = {s.name: s.for_percent for s in vote.sections.all()}
    assert sections == {"CLPs": Decimal("60.10"), "Affiliates": Decimal("45.00")}
    assert vote.result == "carried"
    assert "Proposal 2026/4 is now carried." in said(response)[0]
    page = client.get(change_url(proposal)).content.decode()
    assert "CLPs (50.00%): 60.10% for, 39.90% against" in page


def test_impossible_card_vote_figures_are_refused_with_the_reason(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    response = login(client, SECRETARY).post(
        action_url("vote", proposal),
        {**_vote("conference", "decision", "card_vote"), **_sections(("CLPs", "40", "60", "40"))},
    )
    assert response.status_code == 200
    assert any("weights add up to 40.00%, not 100%" in m for m in said(response))
    assert not Vote.objects.exists()


def test_a_roll_call_is_recorded_from_the_members_on_the_body(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    dar, lansman, garnham = club.members
    response = login(client, SECRETARY).post(
        action_url("vote", proposal),
        {
            **_vote("nec", "recommendation", "roll_call"),
            "roll_for": [dar.pk, lansman.pk],
            "roll_against": [garnham.pk],
        },
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert (vote.votes_for, vote.votes_against) == (2, 1)
    assert {e.membership.name: e.choice for e in vote.roll_call.all()} == {
        "Yasmine Dar": "for",
        "Jon Lansman": "for",
        "Rachel Garnham": "against",
    }


def test_adopting_creates_the_new_version_and_says_so(client, club):
    proposal = proposal_2026_4(club, carried=True)
    response = login(client, SECRETARY).post(
        action_url("adopt", proposal), {"effective_from": "2026-09-27"}
    )
    assert response.status_code == 302
    assert said(response) == [
        "Adopted 2026/4: created 4.1 Nominations version 3 from 27 September 2026."
    ]
    version = club.rule.versions.get(seq=3)
    assert (version.text, version.effective_from) == (NEW, EFFECTIVE)
    assert version.amendment.proposal == proposal
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    entry = audited("proposal.adopt", proposal)
    assert (entry.actor.username, entry.data["versions"]) == ("staffer", [version.pk])


def test_a_stale_adoption_is_refused_with_the_rules_named_and_creates_nothing(client, club):
    proposal = proposal_2026_4(club, carried=True)
    add_version(club.rule, "2024-01-01", OLD + " Amended.", number="4.1")
    response = login(client, SECRETARY).post(
        action_url("adopt", proposal), {"effective_from": "2026-09-27"}
    )
    assert response.status_code == 200
    (message,) = said(response)
    assert "Not adopted; nothing was applied" in message
    assert "drafted against c4-nominations v2" in message
    assert RuleVersion.objects.count() == 4
    proposal.refresh_from_db()
    assert proposal.status == "carried"


def test_a_superuser_adopts_without_a_vote_only_with_a_note(client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], reference="2026/4"
    )
    login(client, superuser=True)
    refused = client.post(action_url("adopt", proposal), {"effective_from": "2026-09-27"})
    assert refused.status_code == 200
    assert any("only a carried proposal can be adopted" in m for m in said(refused))
    adopted = client.post(
        action_url("adopt", proposal),
        {"effective_from": "2026-09-27", "note": "Consolidation of the 2026 rule book."},
    )
    assert adopted.status_code == 302
    assert club.rule.versions.get(seq=3).note == "Consolidation of the 2026 rule book."
    proposal.refresh_from_db()
    assert (proposal.status, proposal.adoption_note) == (
        "adopted",
        "Consolidation of the 2026 rule book.",
    )
    assert audited("proposal.adopt", proposal).data["note"] == proposal.adoption_note


@pytest.mark.parametrize("view", ["adopt", "vote"])
def test_a_drafter_may_not_adopt_or_record_votes(client, club, view):
    proposal = proposal_2026_4(club, submitted=True)
    login(client, DRAFTER)
    assert client.get(action_url(view, proposal)).status_code == 403
    post = {"effective_from": "2026-09-27", **_vote("conference", "decision", "show_of_hands")}
    assert client.post(action_url(view, proposal), post).status_code == 403
    assert RuleVersion.objects.count() == 3 and not Vote.objects.exists()


def test_a_secretary_may_not_submit_or_withdraw(client, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    login(client, SECRETARY)
    assert client.post(action_url("submit", proposal)).status_code == 403
    assert client.post(action_url("withdraw", proposal)).status_code == 403
    assert Proposal.objects.get().status == "draft"


def test_withdrawing(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    response = login(client, DRAFTER).post(action_url("withdraw", proposal))
    assert response.status_code == 302
    assert "Withdrew 2026/4." in said(response)
    assert Proposal.objects.get().status == "withdrawn"
    assert audited("proposal.withdrawn", proposal).actor.username == "staffer"


def test_a_clean_rebase_moves_the_amendment_onto_the_latest_version(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    add_version(club.rule, "2024-01-01", OLD + " Nominations close at noon.", number="4.1")
    login(client, DRAFTER)
    response = client.post(action_url("rebase", proposal), {"_rebase": "1"})
    assert response.status_code == 302
    assert said(response) == ["The change to c4-nominations merged cleanly onto v3."]
    amendment = proposal.amendments.get()
    assert amendment.text == NEW + " Nominations close at noon."
    assert amendment.base_version.seq == 3


def test_a_conflicting_rebase_shows_the_conflict_and_a_resolve_form(client, club):
    proposal = proposal_2026_4(club, submitted=True)
    add_version(club.rule, "2024-01-01", OLD.replace("15", "12"), number="4.1")
    login(client, DRAFTER)
    assert action_url("rebase", proposal) in client.get(change_url(proposal)).content.decode()
    response = client.post(action_url("rebase", proposal), {"_rebase": "1"}, follow=True)
    html = response.content.decode()
    assert "The change to c4-nominations conflicts with the rule&#x27;s latest" in html
    assert "Adopted meanwhile: v2 → v3" in html and "This amendment: v2 → proposed" in html
    amendment = proposal.amendments.get()
    assert amendment.conflict and amendment.base_version.seq == 2
    assert f'name="resolve-{amendment.pk}-text"' in html
    page = client.get(change_url(proposal)).content.decode()
    assert "rebase conflict with v3" in page and "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" in page

    prefix = f"resolve-{amendment.pk}"
    resolve = {"_resolve": amendment.pk, f"{prefix}-amendment": amendment.pk}
    markers = client.post(action_url("rebase", proposal), {**resolve, f"{prefix}-text": "<<<<<<<"})
    assert markers.status_code == 200
    assert "still contains conflict markers" in markers.content.decode()
    resolved = OLD.replace("15", "11")
    done = client.post(action_url("rebase", proposal), {**resolve, f"{prefix}-text": resolved})
    assert done.status_code == 302
    assert said(done) == ["Resolved the conflict in 4.1: now version 3."]  # v3 has no heading
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.text, amendment.base_version.seq) == (False, resolved, 3)


def _vote(body, stage, method):
    return {
        "body": Body.objects.get(slug=body).pk,
        "held_on": "2026-09-20",
        "stage": stage,
        "method": method,
        "majority": "simple",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }


def _sections(*rows):
    fields = {"sections-TOTAL_FORMS": str(len(rows))}
    for index, (name, weight, for_percent, against_percent) in enumerate(rows):
        fields.update(
            {
                f"sections-{index}-name": name,
                f"sections-{index}-weight": weight,
                f"sections-{index}-for_percent": for_percent,
                f"sections-{index}-against_percent": against_percent,
            }
        )
    return fields
