"""Remitting: Conference refers a submitted proposal back instead of deciding it, through the
service, the admin's workflow page and the API, each saving the row and an audit entry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from proposals.models import Proposal
from proposals.roles import DRAFTER, SECRETARY
from proposals.services import proposal_remit, proposal_submit
from rulebook.models import AuditEntry
from tests.factories import ProposalFactory, RuleFactory, add_version, amend, staff, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "15 per cent")
    return rule


@pytest.fixture
def submitted(rulebook, rule):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "20 per cent")], reference="2026/4"
    )
    return proposal_submit(proposal=proposal, submitted_on=datetime.date(2026, 7, 1))


def remits_of(proposal) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="proposal.remitted", data__proposal=proposal.pk))


def test_remitting_a_submitted_proposal_ends_it_remitted_and_audited(submitted):
    drafter = staff("drafter", DRAFTER)

    proposal_remit(proposal=submitted, by=drafter)

    assert Proposal.objects.get(pk=submitted.pk).status == "remitted"
    (entry,) = remits_of(submitted)
    assert entry.actor == drafter
    assert entry.data["previous"] == "submitted"


@pytest.mark.parametrize("status", ["draft", "carried"])
def test_only_a_submitted_proposal_can_be_remitted(rulebook, rule, status):
    proposal = (
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "20 per cent")])
        if status == "draft"
        else ProposalFactory(
            rulebook=rulebook, amendments=[amend(rule, "20 per cent")], carried=True
        )
    )

    with pytest.raises(ValidationError) as excinfo:
        proposal_remit(proposal=proposal)

    assert excinfo.value.message_dict == {
        "status": [
            f"Proposal {proposal.reference} is {status}; only a submitted proposal can be remitted."
        ]
    }
    assert Proposal.objects.get(pk=proposal.pk).status == status
    assert remits_of(proposal) == []


def admin_url(name, proposal):
    return reverse(f"admin:proposals_proposal_{name}", args=[proposal.pk])


def test_the_admin_offers_remit_for_a_submitted_proposal_and_remits_it(client, submitted):
    client.force_login(staff("drafter", DRAFTER))

    change = client.get(admin_url("change", submitted))
    assert change.status_code == 200
    assert admin_url("remit", submitted) in change.content.decode()
    page = client.get(admin_url("remit", submitted))
    assert page.status_code == 200
    done = client.post(admin_url("remit", submitted))

    assert done.status_code == 302
    assert done.url == admin_url("change", submitted)
    assert Proposal.objects.get(pk=submitted.pk).status == "remitted"
    assert len(remits_of(submitted)) == 1


def test_the_admin_does_not_offer_remit_for_a_draft_and_refuses_it(client, rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "20 per cent")])
    client.force_login(staff("drafter", DRAFTER))

    change = client.get(admin_url("change", proposal))
    assert change.status_code == 200
    assert admin_url("remit", proposal) not in change.content.decode()
    refused = client.post(admin_url("remit", proposal))

    assert refused.status_code == 200  # the page again, with the reason
    assert "only a submitted proposal can be remitted" in refused.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_the_admin_remit_page_needs_the_change_permission(client, submitted):
    client.force_login(staff("secretary", SECRETARY))

    assert client.post(admin_url("remit", submitted)).status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).status == "submitted"


def api_url(proposal):
    return f"/api/rulebooks/{proposal.rulebook.slug}/proposals/{proposal.pk}/remit/"


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_remits_a_submitted_proposal(submitted):
    drafter = user("drafter", DRAFTER)

    response = api_client(drafter).post(api_url(submitted), {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "remitted"
    assert Proposal.objects.get(pk=submitted.pk).status == "remitted"
    assert remits_of(submitted)[0].actor == drafter


def test_the_api_answers_409_when_the_status_forbids_remitting(rulebook, rule):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "20 per cent")], reference="2026/9"
    )

    response = api_client(user("drafter", DRAFTER)).post(api_url(proposal), {}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "status": ["Proposal 2026/9 is draft; only a submitted proposal can be remitted."]
    }
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_the_api_refuses_remitting_without_the_change_permission(submitted):
    response = api_client(user("secretary", SECRETARY)).post(api_url(submitted), {}, format="json")

    assert response.status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).status == "submitted"


def test_the_openapi_schema_documents_the_remit_step(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    operation = response.json()["paths"]["/api/rulebooks/{slug}/proposals/{id}/remit/"]["post"]
    assert operation["summary"] == "Remit a submitted proposal"
    assert set(operation["responses"]) >= {"200", "403", "409"}


def test_a_file_may_hold_a_remitted_proposal_only_if_no_decision_ended_it_first(db):
    from rulebook.exchange.importing import rulebook_import
    from rulebook.exchange.values import InvalidRulebookFile

    def document(votes):
        return {
            "rulebook": {"slug": "small", "title": "Small"},
            "rules": [
                {
                    "key": "quorum",
                    "versions": [{"number": "1", "text": "Ten.", "effective_from": "2015-01-01"}],
                }
            ],
            "bodies": [
                {"slug": "conference", "name": "Conference", "kind": "conference", "decides": True}
            ],
            "proposals": [
                {
                    "reference": "1",
                    "title": "Twenty",
                    "proposer": "NEC",
                    "status": "remitted",
                    "amendments": [
                        {"kind": "amend", "rule": "quorum", "base_version": 1, "text": "Twenty."}
                    ],
                    "votes": votes,
                }
            ],
        }

    decision = {
        "body": "conference",
        "held_on": "2019-09-01",
        "stage": "decision",
        "method": "show_of_hands",
        "votes_for": 5,
        "votes_against": 1,
    }
    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=document([decision]))
    assert caught.value.errors == ["proposals[0].status: remitted, but votes[0] decided it"]

    rulebook_import(data=document([]))
    assert Proposal.objects.get(reference="1").status == "remitted"
