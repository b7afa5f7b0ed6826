"""Querysets and database constraints of the proposal models."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from proposals.models import Amendment, CardVoteSection, Membership, Proposal, Vote
from tests.factories import (
    ConferenceFactory,
    MembershipFactory,
    NecFactory,
    ProposalFactory,
    RuleFactory,
    add_version,
    amend,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_memberships_on_a_date_include_both_ends_of_a_term(rulebook):
    nec = NecFactory(rulebook=rulebook)
    MembershipFactory(body=nec, name="Ann Black", start=D(2010, 1, 1), end=D(2018, 1, 14))
    MembershipFactory(body=nec, name="Yasmine Dar", start=D(2018, 1, 15))

    def names(day):
        return sorted(Membership.objects.on(day).values_list("name", flat=True))

    assert names(D(2018, 1, 14)) == ["Ann Black"]
    assert names(D(2018, 1, 15)) == ["Yasmine Dar"]


def test_a_term_cannot_end_before_it_starts(rulebook):
    with pytest.raises(IntegrityError):
        MembershipFactory(
            body=NecFactory(rulebook=rulebook), start=D(2018, 1, 1), end=D(2017, 1, 1)
        )


def test_proposals_by_status_and_staleness(rulebook):
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "old")
    fresh = ProposalFactory(
        rulebook=rulebook, amendments=[{"kind": "insert", "key": "new", "number": "9", "text": "t"}]
    )
    stale = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "new")], carried=True)
    add_version(rule, "2020-01-01", "newer")
    assert list(Proposal.objects.stale()) == [stale]
    annotated = Amendment.objects.with_staleness().get(proposal=stale)
    assert (annotated.latest_seq, annotated.is_stale) == (2, True)
    assert not fresh.amendments.get().is_stale


def test_the_database_refuses_impossible_vote_figures(rulebook):
    proposal = ProposalFactory(rulebook=rulebook)
    conference = ConferenceFactory(rulebook=rulebook)
    vote = Vote.objects.create(
        proposal=proposal,
        body=conference,
        held_on=D(2021, 9, 26),
        stage="decision",
        method="card_vote",
        result="carried",
    )
    bad = [
        {"weight": 100, "for_percent": Decimal("70"), "against_percent": Decimal("40")},
        {"weight": 100, "for_percent": Decimal("101"), "against_percent": Decimal("0")},
    ]
    for figures in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            CardVoteSection.objects.create(vote=vote, name="All", **figures)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            proposal=proposal,
            body=conference,
            held_on=D(2021, 9, 27),
            stage="decision",
            method="show_of_hands",
            result="lost",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            proposal=proposal,
            body=conference,
            held_on=D(2021, 9, 27),
            stage="recommendation",
            method="show_of_hands",
            result="lost",
            declared_result="carried",
        )


def test_the_database_refuses_an_adopted_proposal_without_a_date(rulebook):
    with pytest.raises(IntegrityError):
        Proposal.objects.create(
            rulebook=rulebook, reference="2026/1", title="t", proposer="p", status="adopted"
        )


def test_the_proposal_list_runs_a_fixed_number_of_queries(rulebook, django_assert_num_queries):
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "old")
    for n in range(3):
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, f"new {n}")], carried=True)
    with django_assert_num_queries(5):
        proposals = list(Proposal.objects.filter(status="carried").listed().with_details())
        for proposal in proposals:
            assert [a.is_stale for a in proposal.amendments.all()] == [False]
            assert [len(v.sections.all()) for v in proposal.votes.all()] == [2]
