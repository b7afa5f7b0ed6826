"""The proposal workflow and vote recording: every illegal step and impossible figure refused."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from proposals.models import Proposal, Vote
from proposals.services import (
    proposal_adopt,
    proposal_remit,
    proposal_submit,
    proposal_withdraw,
    vote_record,
)
from rulebook.models import AuditEntry
from tests.factories import (
    ConferenceFactory,
    MembershipFactory,
    NecFactory,
    ProposalFactory,
    RulebookFactory,
    RuleFactory,
    add_version,
    amend,
    typed_figures,
)

pytestmark = pytest.mark.django_db
HELD = datetime.date(2021, 9, 25)


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
    # Submitted before the votes below (a vote cannot be held before the submission).
    return proposal_submit(proposal=proposal, submitted_on=HELD - datetime.timedelta(days=60))


@pytest.fixture
def nec(rulebook):
    return NecFactory(rulebook=rulebook)


@pytest.fixture
def conference(rulebook):
    return ConferenceFactory(rulebook=rulebook)


def refused(action) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        action()
    return excinfo.value.message_dict


def counts(proposal, body, **kwargs):
    fields = {
        "held_on": HELD,
        "stage": "recommendation",
        "method": "show_of_hands",
        "majority": "simple",
        "votes_for": 22,
        "votes_against": 12,
        "abstentions": 1,
        **kwargs,
    }
    return vote_record(proposal=proposal, body=body, **fields)


def test_submitting_sets_the_status_and_date(rulebook, rule):
    draft = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "20 per cent")])
    submitted = proposal_submit(proposal=draft)
    saved = Proposal.objects.get(pk=submitted.pk)
    assert (saved.status, saved.submitted_on) == ("submitted", timezone.localdate())
    assert AuditEntry.objects.filter(action="proposal.submit", data__proposal=saved.pk).exists()


def test_a_draft_without_amendments_cannot_be_submitted(rulebook):
    proposal = ProposalFactory(rulebook=rulebook, reference="2026/9")
    assert refused(lambda: proposal_submit(proposal=proposal)) == {
        "amendments": ["Proposal 2026/9 has no amendments to submit."]
    }


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        ("submitted", "submit", "only a draft proposal can be submitted."),
        ("lost", "submit", "only a draft proposal can be submitted."),
        ("carried", "withdraw", "only a draft or submitted proposal can be withdrawn."),
        ("withdrawn", "withdraw", "only a draft or submitted proposal can be withdrawn."),
        ("draft", "remit", "only a submitted proposal can be remitted."),
        ("carried", "remit", "only a submitted proposal can be remitted."),
        ("draft", "vote", "only a submitted proposal can be voted on."),
        ("withdrawn", "vote", "only a submitted proposal can be voted on."),
        ("lost", "adopt", "only a carried proposal can be adopted."),
        ("submitted", "adopt", "only a carried proposal can be adopted."),
        ("remitted", "adopt", "only a carried proposal can be adopted."),
    ],
)
def test_an_illegal_step_is_refused_with_its_reason(submitted, conference, status, step, message):
    submitted.status = status
    submitted.save()
    actions = {
        "submit": lambda: proposal_submit(proposal=submitted),
        "withdraw": lambda: proposal_withdraw(proposal=submitted),
        "remit": lambda: proposal_remit(proposal=submitted),
        "vote": lambda: counts(submitted, conference, stage="decision"),
        "adopt": lambda: proposal_adopt(
            proposal=submitted, effective_from=datetime.date(2027, 1, 1)
        ),
    }
    assert refused(actions[step]) == {"status": [f"Proposal 2026/4 is {status}; {message}"]}


def test_withdrawing_and_remitting(rulebook, rule, submitted):
    assert proposal_remit(proposal=submitted).status == "remitted"
    other = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "x")])
    assert proposal_withdraw(proposal=other).status == "withdrawn"
    saved = dict(Proposal.objects.filter(rulebook=rulebook).values_list("pk", "status"))
    assert saved == {submitted.pk: "remitted", other.pk: "withdrawn"}
    remitted = AuditEntry.objects.get(action="proposal.remitted", data__proposal=submitted.pk)
    withdrawn = AuditEntry.objects.get(action="proposal.withdrawn", data__proposal=other.pk)
    assert (remitted.data["previous"], withdrawn.data["previous"]) == ("submitted", "draft")


def test_a_recommendation_leaves_the_status_and_a_decision_sets_it(submitted, nec, conference):
    vote = counts(submitted, nec)
    assert (vote.result, submitted.status) == ("carried", "submitted")
    vote = counts(submitted, conference, stage="decision", votes_for=3, votes_against=5)
    submitted.refresh_from_db()
    assert (vote.result, submitted.status) == ("lost", "lost")
    recorded = AuditEntry.objects.filter(action="vote.record", data__proposal=submitted.pk)
    assert sorted(e.data["result"] for e in recorded) == ["carried", "lost"]


def test_a_lost_decision_by_the_nec_ends_the_proposal_there(submitted, nec, conference):
    vote = counts(submitted, nec, stage="decision", votes_for=7, votes_against=22, abstentions=None)
    submitted.refresh_from_db()
    assert (vote.stage, vote.result, submitted.status) == ("decision", "lost", "lost")

    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    adopt = {"proposal": submitted, "effective_from": datetime.date(2027, 1, 1)}
    assert refused(lambda: proposal_adopt(**adopt)) == {
        "status": ["Proposal 2026/4 is lost; only a carried proposal can be adopted."]
    }
    assert refused(lambda: proposal_adopt(**adopt, by=admin, note="Consolidation.")) == {
        "status": [
            "Proposal 2026/4 is lost; even with a note only a draft, submitted or carried "
            "proposal can be adopted."
        ]
    }
    assert refused(lambda: counts(submitted, conference, stage="decision")) == {
        "status": ["Proposal 2026/4 is lost; only a submitted proposal can be voted on."]
    }
    assert not submitted.amendments.filter(produced_version__isnull=False).exists()


def test_a_carried_decision_by_the_nec_is_refused_and_nothing_written(submitted, nec):
    audited = AuditEntry.objects.count()

    assert refused(lambda: counts(submitted, nec, stage="decision")) == {
        "stage": [
            "The National Executive Committee cannot adopt rule changes: record its "
            "recommendation, and Conference's decision."
        ]
    }
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not Vote.objects.exists() and AuditEntry.objects.count() == audited


def test_a_proposal_is_decided_only_once(submitted, conference):
    counts(submitted, conference, stage="decision")
    submitted.status = "submitted"  # as if someone tried to reopen it
    submitted.save()
    assert refused(lambda: counts(submitted, conference, stage="decision")) == {
        "stage": ["Proposal 2026/4 already has a decision vote."]
    }


def test_a_body_of_another_rule_book_is_refused(submitted, nec):
    elsewhere = NecFactory(rulebook=RulebookFactory(slug="elsewhere"))
    problems = refused(lambda: counts(submitted, elsewhere))
    assert "belongs to another rule book" in problems["body"][0]
    assert not Vote.objects.exists()
    assert counts(submitted, nec).body == nec


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"votes_for": -1}, "votes_for", "A count cannot be negative (-1)."),
        ({"abstentions": 1.5}, "abstentions", "Give a whole number."),
        ({"votes_against": None}, "votes_against", "Required for a show of hands."),
        ({"method": "by_acclamation"}, "method", "Unknown method 'by_acclamation'"),
        ({"majority": "unanimous"}, "majority", "Unknown majority 'unanimous'"),
        ({"declared_result": "lost"}, "declared_result", "The figures give carried, not lost"),
        ({"sections": [{"name": "All"}]}, "sections", "A show of hands does not take"),
    ],
)
def test_impossible_counts_are_refused(submitted, nec, figures, field, message):
    problems = refused(lambda: counts(submitted, nec, **figures))
    assert problems[field][0].startswith(message)
    assert not Vote.objects.exists()


def card(submitted, conference, sections, **kwargs):
    return vote_record(
        proposal=submitted,
        body=conference,
        held_on=HELD,
        stage="decision",
        method="card_vote",
        majority="simple",
        **typed_figures({"sections": sections, **kwargs}),
    )


def test_a_card_vote_is_weighed_by_section(submitted, conference):
    vote = card(
        submitted,
        conference,
        [
            {"name": "CLPs", "weight": 50, "for_percent": 35, "against_percent": 65},
            {"name": "Affiliates", "weight": 50, "for_percent": 72.34, "against_percent": 27.66},
        ],
        declared_result="carried",
    )
    assert vote.result == "carried"
    saved = Vote.objects.get(pk=vote.pk)
    assert (saved.result, saved.declared_result) == ("carried", "carried")
    assert [(s.name, s.for_percent) for s in saved.sections.all()] == [
        ("CLPs", Decimal("35.00")),
        ("Affiliates", Decimal("72.34")),
    ]
    submitted.refresh_from_db()
    assert submitted.status == "carried"


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (
            [{"name": "CLPs", "weight": 50, "for_percent": 60, "against_percent": 40}],
            "Section weights add up to 50.00%, not 100%.",
        ),
        (
            [{"name": "All", "weight": 100, "for_percent": 70, "against_percent": 40}],
            "Section 'All': for 70.00% and against 40.00% add up to more than 100%.",
        ),
        (
            [{"name": "All", "weight": 100, "for_percent": -1, "against_percent": 40}],
            "Section 'All': for -1.00% is not between 0 and 100.",
        ),
    ],
)
def test_impossible_card_vote_sections_are_refused(submitted, conference, sections, message):
    assert message in refused(lambda: card(submitted, conference, sections))["sections"]


def test_a_card_vote_takes_percentages_not_counts(submitted, conference):
    sections = [{"name": "All", "weight": 100, "for_percent": 60, "against_percent": 40}]
    problems = refused(lambda: card(submitted, conference, sections, votes_for=3))
    assert problems == {"votes_for": ["A card vote does not take votes_for."]}
    assert refused(lambda: card(submitted, conference, None)) == {
        "sections": ["A card vote needs its sections' percentages."]
    }


@pytest.fixture
def members(nec):
    return [
        MembershipFactory(body=nec, name="Yasmine Dar"),
        MembershipFactory(body=nec, name="Jon Lansman"),
        MembershipFactory(body=nec, name="Rachel Garnham"),
        MembershipFactory(body=nec, name="Left Early", end=datetime.date(2020, 1, 1)),
    ]


def roll(submitted, nec, entries, **kwargs):
    return vote_record(
        proposal=submitted,
        body=nec,
        held_on=HELD,
        stage="recommendation",
        method="roll_call",
        majority="simple",
        **typed_figures({"roll_call": entries, **kwargs}),
    )


def test_a_roll_call_is_counted_from_its_entries(submitted, nec, members):
    vote = roll(
        submitted,
        nec,
        [
            {"member": "Yasmine Dar", "choice": "for"},
            {"member": "Jon Lansman", "choice": "for"},
            {"member": members[2], "choice": "against"},
        ],
        votes_for=2,
    )
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.result) == (
        2,
        1,
        0,
        "carried",
    )
    saved = Vote.objects.get(pk=vote.pk)
    assert {e.membership.name: e.choice for e in saved.roll_call.all()} == {
        "Yasmine Dar": "for",
        "Jon Lansman": "for",
        "Rachel Garnham": "against",
    }
    entry = AuditEntry.objects.get(action="vote.record", data__vote=vote.pk)
    assert (entry.data["body"], entry.data["result"]) == ("nec", "carried")


@pytest.mark.parametrize(
    ("entries", "extra", "field", "message"),
    [
        (
            [{"member": "Left Early", "choice": "for"}],
            {},
            "roll_call[0].member",
            "'Left Early' was not a member of National Executive Committee on 2021-09-25.",
        ),
        (
            [{"member": "Nobody", "choice": "for"}],
            {},
            "roll_call[0].member",
            "'Nobody' was not a member of National Executive Committee on 2021-09-25.",
        ),
        (
            [
                {"member": "Jon Lansman", "choice": "for"},
                {"member": "Jon Lansman", "choice": "for"},
            ],
            {},
            "roll_call[1].member",
            "Jon Lansman is already listed at roll_call[0].",
        ),
        (
            [{"member": "Jon Lansman", "choice": "maybe"}],
            {},
            "roll_call[0].choice",
            "Use for, against or abstain.",
        ),
        (
            [{"member": "Jon Lansman", "choice": "for"}],
            {"votes_against": 4},
            "votes_against",
            "The roll call gives 0, not 4.",
        ),
    ],
)
def test_an_impossible_roll_call_is_refused(
    submitted, nec, members, entries, extra, field, message
):
    assert refused(lambda: roll(submitted, nec, entries, **extra)) == {field: [message]}
    assert not Vote.objects.exists()


def test_adopting_needs_a_carried_decision_by_a_body_entitled_to_decide(rulebook, rule):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "20 per cent")], carried=True
    )
    proposal.votes.all().delete()  # as if the decision was never recorded
    problems = refused(
        lambda: proposal_adopt(proposal=proposal, effective_from=datetime.date(2027, 1, 1))
    )
    assert "has no carried decision vote by a body entitled to decide" in problems["status"][0]
