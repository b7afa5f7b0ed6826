"""Correcting the record without erasing it (issue 9, item 2): a Secretary voids a wrongly
recorded vote with a reason; it stays listed, marked, audited, and no longer counts."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from proposals.models import Proposal, Vote
from proposals.roles import DRAFTER, SECRETARY
from proposals.services import proposal_adopt, vote_void
from rulebook.exchange import rulebook_export, rulebook_import
from rulebook.models import AuditEntry, Rulebook
from tests.factories import (
    ConferenceFactory,
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
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="quorum")
    add_version(rule, "2016-01-01", "The quorum is 10.")
    return rule


@pytest.fixture
def carried(rulebook, rule):
    return ProposalFactory(
        rulebook=rulebook, reference="2026/4", amendments=[amend(rule, "12")], carried=True
    )


@pytest.fixture
def secretary():
    return user("sec", SECRETARY)


def api(person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(person)}")
    return client


def void_url(vote) -> str:
    proposal = vote.proposal
    return f"/api/rulebooks/{proposal.rulebook.slug}/proposals/{proposal.pk}/votes/{vote.pk}/void/"


def test_voiding_the_decision_puts_the_proposal_back_to_submitted(carried, secretary):
    decision = carried.votes.get()

    vote_void(vote=decision, reason="Recorded on the wrong proposal.", by=secretary)

    saved = Vote.objects.get(pk=decision.pk)
    assert (saved.voided_by, saved.void_reason) == (secretary, "Recorded on the wrong proposal.")
    assert saved.voided_at is not None
    assert Proposal.objects.get(pk=carried.pk).status == "submitted"
    assert list(Vote.objects.counted()) == [] and list(Vote.objects.voided()) == [saved]
    entry = AuditEntry.objects.get(action="vote.voided")
    assert entry.data["reason"] == "Recorded on the wrong proposal."
    assert (entry.data["previous"], entry.data["status"]) == ("carried", "submitted")


def test_after_a_void_a_new_decision_can_be_recorded_and_adopted(carried, secretary):
    vote_void(vote=carried.votes.get(), reason="Wrong figures.", by=secretary)
    carried.refresh_from_db()

    decide(carried, held_on=D("2026-09-21"))
    proposal_adopt(proposal=carried, effective_from=D("2026-09-27"))

    assert Proposal.objects.get(pk=carried.pk).status == "adopted"
    assert carried.votes.count() == 2


def test_a_voided_decision_does_not_let_the_proposal_be_adopted(carried, secretary):
    vote_void(vote=carried.votes.get(), reason="Wrong figures.", by=secretary)

    with pytest.raises(Exception) as caught:
        proposal_adopt(proposal=carried, effective_from=D("2026-09-27"))
    assert "status" in caught.value.message_dict


def test_voiding_twice_and_voiding_after_adoption_are_refused(rulebook, rule, carried, secretary):
    vote = carried.votes.get()
    vote_void(vote=vote, reason="Wrong.", by=secretary)
    with pytest.raises(Exception) as twice:
        vote_void(vote=vote, reason="Again.", by=secretary)
    assert "already voided" in twice.value.message_dict["status"][0]

    adopted = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "13")], adopted=True)
    with pytest.raises(Exception) as after:
        vote_void(vote=adopted.votes.get(), reason="Wrong.", by=secretary)
    assert "A correction is a new proposal" in after.value.message_dict["status"][0]
    assert not adopted.votes.voided().exists()
    assert AuditEntry.objects.filter(action="vote.voided").count() == 1


def test_the_database_refuses_a_void_without_its_reason(carried, secretary):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(proposal=carried).update(voided_at=timezone.now(), voided_by=secretary)


# --- the API ------------------------------------------------------------------------------


def test_the_api_voids_a_vote_and_keeps_it_listed(carried, secretary):
    vote = carried.votes.get()

    response = api(secretary).post(void_url(vote), {"reason": "Wrong proposal."}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["voided_by"], body["void_reason"]) == (
        vote.pk,
        "sec",
        "Wrong proposal.",
    )
    assert body["voided_at"] and body["counted"] is False
    book = f"/api/rulebooks/{carried.rulebook.slug}/proposals/{carried.pk}/"
    listed = APIClient().get(book + "votes/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["voided_by"], row["void_reason"]) == ("sec", "Wrong proposal.")
    detail = APIClient().get(book)
    assert detail.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reason": ""}, "reason"), ({}, "reason"), ({"reason": "x", "voided_by": "y"}, "voided_by")],
)
def test_the_api_refuses_a_bad_void_naming_the_field(carried, secretary, body, field):
    vote = carried.votes.get()

    response = api(secretary).post(void_url(vote), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.voided().exists()
    assert not AuditEntry.objects.filter(action="vote.voided").exists()


def test_the_api_answers_403_404_and_409(carried, secretary):
    vote = carried.votes.get()
    drafter = user("drafter", DRAFTER)

    assert api(drafter).post(void_url(vote), {"reason": "x"}, format="json").status_code == 403
    assert APIClient().post(void_url(vote), {"reason": "x"}, format="json").status_code in (
        401,
        403,
    )
    missing = void_url(vote).replace(f"/votes/{vote.pk}/", "/votes/999999/")
    assert api(secretary).post(missing, {"reason": "x"}, format="json").status_code == 404
    assert api(secretary).post(void_url(vote), {"reason": "x"}, format="json").status_code == 200
    again = api(secretary).post(void_url(vote), {"reason": "x"}, format="json")
    assert again.status_code == 409
    assert "already voided" in again.json()["status"][0]
    assert AuditEntry.objects.filter(action="vote.voided").count() == 1


# --- the admin and the page ---------------------------------------------------------------


def test_the_admin_voids_a_vote_with_a_reason(client, carried):
    client.force_login(staff("sec", SECRETARY))
    vote = carried.votes.get()
    change = client.get(reverse("admin:proposals_proposal_change", args=[carried.pk]))
    url = reverse("admin:proposals_proposal_void", args=[carried.pk])
    assert url in change.content.decode()

    empty = client.post(url, {"vote": vote.pk, "reason": ""})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    assert not Vote.objects.voided().exists()

    done = client.post(url, {"vote": vote.pk, "reason": "Wrong figures."})

    assert done.status_code == 302
    assert Vote.objects.voided().get().void_reason == "Wrong figures."
    assert Proposal.objects.get(pk=carried.pk).status == "submitted"


def test_a_drafter_cannot_open_the_void_page(client, carried):
    client.force_login(staff("drafter", DRAFTER))

    response = client.get(reverse("admin:proposals_proposal_void", args=[carried.pk]))

    assert response.status_code == 403


def test_the_public_page_shows_the_void_struck_through(client, carried, secretary):
    vote_void(vote=carried.votes.get(), reason="Recorded on the wrong proposal", by=secretary)

    response = client.get(f"/{carried.rulebook.slug}/proposals/{carried.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    on = timezone.localdate().strftime("%-d %B %Y")
    assert f"Voided</strong> on {on} by sec — Recorded on the wrong proposal" in page
    body = f"/{carried.rulebook.slug}/bodies/conference/"
    assert f'<s><strong><a href="{body}">Annual Conference</a></strong>' in page
    assert "outcome-submitted" in page


# --- import and export --------------------------------------------------------------------


def test_a_voided_vote_round_trips_through_export_and_import(db):
    with transaction.atomic():
        book = Rulebook.objects.create(slug="club", title="Club")
        rule = RuleFactory(rulebook=book, key="quorum")
        add_version(rule, "2016-01-01", "The quorum is 10.")
        ConferenceFactory(rulebook=book)
        proposal = ProposalFactory(rulebook=book, amendments=[amend(rule, "12")], carried=True)
        vote_void(vote=proposal.votes.get(), reason="Wrong figures.", by=user("clerk", SECRETARY))
        proposal.refresh_from_db()
        decide(proposal, held_on=D("2026-09-22"))
        first = rulebook_export(rulebook=book)
        transaction.set_rollback(True)
    assert not Vote.objects.exists()
    voided = first["proposals"][0]["votes"][0]
    assert (voided["voided_by"], voided["void_reason"]) == ("clerk", "Wrong figures.")

    imported = rulebook_import(data=first)

    assert rulebook_export(rulebook=imported) == first
    saved = Vote.objects.voided().get()
    assert saved.voided_by.username == "clerk" and not saved.voided_by.is_active
    assert Proposal.objects.get().status == "carried"


def test_the_importer_refuses_half_a_void(db):
    with transaction.atomic():
        book = Rulebook.objects.create(slug="club", title="Club")
        rule = RuleFactory(rulebook=book, key="quorum")
        add_version(rule, "2016-01-01", "The quorum is 10.")
        ConferenceFactory(rulebook=book)
        ProposalFactory(rulebook=book, amendments=[amend(rule, "12")], carried=True)
        data = rulebook_export(rulebook=book)
        transaction.set_rollback(True)
    data["proposals"][0]["votes"][0]["void_reason"] = "Wrong."

    from rulebook.exchange import InvalidRulebookFile

    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=data)

    assert "proposals[0].votes[0].voided_at: is required for a voided vote (with void_reason)" in (
        caught.value.errors
    )
    assert not Rulebook.objects.exists()
