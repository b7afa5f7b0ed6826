"""Dates that make sense (issue 9, item 1): a vote is not held in the future nor before its
proposal was submitted, a decision does not precede the recommendation, and an adoption neither
takes effect nor is recorded before the decision that carried it. One check
(`proposals.rules.check_vote_dates` / `check_adoption_dates`), refused alike by the services,
the API, the admin and the importer, with nothing written."""

import copy
import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from proposals.models import Body, Proposal, Vote
from proposals.roles import SECRETARY
from proposals.services import proposal_adopt, vote_record
from rulebook.exchange import InvalidRulebookFile, rulebook_export, rulebook_import
from rulebook.models import AuditEntry, Rulebook, RuleVersion
from tests.factories import (
    CARD_60_40,
    ConferenceFactory,
    NecFactory,
    ProposalFactory,
    RuleFactory,
    add_version,
    amend,
    staff,
    token_for,
    user,
)

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
DAY = datetime.timedelta(days=1)
SUBMITTED = D("2026-08-01")


@pytest.fixture
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="quorum")
    add_version(rule, "2016-01-01", "The quorum is 10.")
    return rule


@pytest.fixture
def submitted(rulebook, rule):
    ConferenceFactory(rulebook=rulebook)
    NecFactory(rulebook=rulebook)
    return ProposalFactory(
        rulebook=rulebook,
        reference="2026/4",
        amendments=[amend(rule, "The quorum is 12.")],
        submitted=True,
        submitted_on=SUBMITTED,
    )


def nothing_recorded(proposal) -> bool:
    return (
        not Vote.objects.filter(proposal=proposal).exists()
        and not AuditEntry.objects.filter(action="vote.record", data__proposal=proposal.pk).exists()
    )


def refused(call) -> dict:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value.message_dict


def hands(proposal, held_on, stage="decision", body="conference"):
    return lambda: vote_record(
        proposal=proposal,
        body=Body.objects.get(rulebook=proposal.rulebook, slug=body),
        held_on=held_on,
        stage=stage,
        method="show_of_hands",
        votes_for=5,
        votes_against=3,
    )


# --- the service --------------------------------------------------------------------------


def test_a_vote_in_the_future_is_refused_by_the_service_and_nothing_written(submitted):
    tomorrow = timezone.localdate() + DAY

    assert refused(hands(submitted, tomorrow)) == {
        "held_on": [
            f"A vote cannot be held in the future ({tomorrow.isoformat()} is after today, "
            f"{timezone.localdate().isoformat()})."
        ]
    }
    assert nothing_recorded(submitted)
    assert Proposal.objects.get(pk=submitted.pk).status == "submitted"


def test_a_vote_before_the_submission_is_refused_by_the_service(submitted):
    assert refused(hands(submitted, SUBMITTED - DAY)) == {
        "held_on": [
            "A vote cannot be held before the proposal was submitted (2026-07-31 is before "
            "2026-08-01)."
        ]
    }
    assert nothing_recorded(submitted)


def test_a_vote_on_the_day_of_submission_and_today_are_accepted(submitted):
    hands(submitted, SUBMITTED, stage="recommendation", body="nec")()
    vote = hands(submitted, timezone.localdate())()

    assert vote.result == "carried"


def test_a_decision_cannot_precede_the_recommendation(submitted):
    hands(submitted, D("2026-09-10"), stage="recommendation", body="nec")()

    assert refused(hands(submitted, D("2026-09-09"))) == {
        "held_on": [
            "A decision cannot precede the recommendation of the National Executive Committee "
            "(2026-09-09 is before 2026-09-10)."
        ]
    }
    assert submitted.votes.count() == 1


def test_an_adoption_cannot_take_effect_before_its_decision(rulebook, rule):
    carried = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "12")], carried=True, decided_on=D("2026-09-20")
    )

    assert refused(lambda: proposal_adopt(proposal=carried, effective_from=D("2026-09-19"))) == {
        "effective_from": [
            "An adoption cannot take effect before the decision that carried it (2026-09-19 is "
            "before 2026-09-20)."
        ]
    }
    carried.refresh_from_db()
    assert (carried.status, carried.adopted_on) == ("carried", None)
    assert rule.versions.count() == 1
    assert not AuditEntry.objects.filter(action="proposal.adopt").exists()


def test_an_adoption_cannot_be_recorded_before_its_decision_nor_in_the_future(rulebook, rule):
    carried = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "12")], carried=True, decided_on=D("2026-09-20")
    )

    def adopt(on):
        return lambda: proposal_adopt(
            proposal=carried, effective_from=D("2026-09-27"), adopted_on=on
        )

    assert refused(adopt(D("2026-09-19")))["adopted_on"] == [
        "An adoption cannot be recorded before the decision that carried it (2026-09-19 is "
        "before 2026-09-20)."
    ]
    later = timezone.localdate() + DAY
    assert refused(adopt(later))["adopted_on"][0].startswith(
        "An adoption cannot be recorded in the future"
    )
    assert rule.versions.count() == 1


def test_a_superuser_may_still_adopt_with_a_note_and_no_decision(rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "12")], submitted=True)
    root = user("root", superuser=True)

    proposal_adopt(
        proposal=proposal, effective_from=D("2017-09-27"), by=root, note="Consolidation."
    )

    assert Proposal.objects.get(pk=proposal.pk).status == "adopted"


# --- the API ------------------------------------------------------------------------------


def test_the_api_refuses_a_vote_in_the_future_naming_the_field(submitted):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user('sec', SECRETARY))}")
    url = f"/api/rulebooks/{submitted.rulebook.slug}/proposals/{submitted.pk}/votes/"
    body = {
        "body": "conference",
        "held_on": "2031-09-20",
        "stage": "decision",
        "method": "card_vote",
        "sections": CARD_60_40,
    }

    response = client.post(url, body, format="json")

    assert response.status_code == 400
    assert response.json()["held_on"][0].startswith("A vote cannot be held in the future")
    assert nothing_recorded(submitted)


def test_the_api_refuses_an_adoption_taking_effect_before_its_decision(rulebook, rule):
    carried = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "12")], carried=True, decided_on=D("2026-09-20")
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user('sec', SECRETARY))}")

    response = client.post(
        f"/api/rulebooks/{rulebook.slug}/proposals/{carried.pk}/adopt/",
        {"effective_from": "2026-09-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "before the decision that carried it" in response.json()["effective_from"][0]
    assert Proposal.objects.get(pk=carried.pk).status == "carried"


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_shows_the_refusal_on_the_date_field(client, submitted):
    client.force_login(staff("sec", SECRETARY))
    url = reverse("admin:proposals_proposal_vote", args=[submitted.pk])
    conference = submitted.rulebook.bodies.get(slug="conference")

    response = client.post(
        url,
        {
            "body": conference.pk,
            "held_on": "2031-09-20",
            "stage": "decision",
            "method": "show_of_hands",
            "majority": "simple",
            "votes_for": 5,
            "votes_against": 3,
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert "A vote cannot be held in the future" in response.context["form"].errors["held_on"][0]
    assert nothing_recorded(submitted)


# --- the importer -------------------------------------------------------------------------


def exported_file(build) -> dict:
    """The file of a world built and then rolled back: the database is empty again."""
    with transaction.atomic():
        data = rulebook_export(rulebook=build())
        transaction.set_rollback(True)
    return data


@pytest.fixture
def history(db):
    def build():
        book = Rulebook.objects.create(slug="club", title="Club")
        rule = RuleFactory(rulebook=book, key="quorum")
        add_version(rule, "2016-01-01", "The quorum is 10.")
        ConferenceFactory(rulebook=book)
        ProposalFactory(
            rulebook=book,
            reference="2026/1",
            amendments=[amend(rule, "The quorum is 12.")],
            adopted=True,
            decided_on=D("2026-09-20"),
        )
        return book

    return exported_file(build)


def import_problems(data) -> list[str]:
    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=data)
    assert not Rulebook.objects.exists() and not Vote.objects.exists()
    return caught.value.errors


def test_the_history_round_trips(history):
    rulebook_import(data=copy.deepcopy(history))

    assert Proposal.objects.get().status == "adopted"


def test_the_importer_refuses_a_vote_in_the_future(history):
    history["proposals"][0]["votes"][0]["held_on"] = "2031-09-20"

    problems = import_problems(history)

    assert any(
        p.startswith("proposals[0].votes[0].held_on: a vote cannot be held in the future")
        for p in problems
    )


def test_the_importer_refuses_a_vote_before_the_submission(history):
    history["proposals"][0]["submitted_on"] = "2026-09-21"

    assert (
        "proposals[0].votes[0].held_on: a vote cannot be held before the proposal was "
        "submitted (2026-09-20 is before 2026-09-21)"
    ) in import_problems(history)


def test_the_importer_refuses_an_adoption_before_its_decision(history):
    history["proposals"][0]["adopted_on"] = "2026-09-19"
    history["rules"][0]["versions"][1]["effective_from"] = "2026-09-18"

    problems = import_problems(history)

    assert (
        "proposals[0].adopted_on: an adoption cannot be recorded before the decision that "
        "carried it (2026-09-19 is before 2026-09-20)"
    ) in problems
    assert (
        "proposals[0].amendments[0].produced_version: quorum v2: an adoption cannot take "
        "effect before the decision that carried it (2026-09-18 is before 2026-09-20)"
    ) in problems


def test_the_importer_keeps_an_adoption_with_a_note_and_no_vote(history):
    entry = history["proposals"][0]
    del entry["votes"]
    entry["adoption_note"] = "Carried at Conference; the vote's figures were never found."

    rulebook_import(data=history)

    assert RuleVersion.objects.filter(rule__key="quorum").count() == 2


def test_the_demo_obeys_the_date_checks():
    from django.core.management import call_command

    call_command("load_demo")

    assert Proposal.objects.filter(status="adopted").count() == 4
