"""A vote's rules are written once (`proposals.rules.check_vote`): the service raises each
problem keyed by its path, and the importer reports the same message under the vote's place
in the file."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from proposals.models import Body, Membership, Vote
from proposals.rules import Problem, RollCall, check_vote, sentence
from proposals.services import proposal_submit, vote_record
from proposals.services.tally import Section
from rulebook.exchange.importing import rulebook_import
from rulebook.exchange.values import InvalidRulebookFile
from tests.factories import ProposalFactory, RuleFactory, add_version, amend

pytestmark = pytest.mark.django_db
HELD = datetime.date(2021, 9, 25)

# Each bad vote: as a file gives it, and the problem the one check finds.
BAD_VOTES = {
    "a show of hands without its count against": (
        {"body": "conference", "stage": "recommendation", "method": "show_of_hands",
         "votes_for": 5},
        Problem("votes_against", "required for a show of hands"),
    ),
    "a card vote whose weights do not add up": (
        {"body": "conference", "stage": "recommendation", "method": "card_vote",
         "sections": [{"name": "CLPs", "weight": 90, "for_percent": 60, "against_percent": 40}]},
        Problem("sections", "Section weights add up to 90.00%, not 100%."),
    ),
    "a roll call naming someone not serving that day": (
        {"body": "nec", "stage": "recommendation", "method": "roll_call",
         "roll_call": [{"member": "Bob", "choice": "for"}]},
        Problem("roll_call[0].member", "'Bob' was not a member of NEC on 2021-09-25"),
    ),
    "the NEC carrying a decision": (
        {"body": "nec", "stage": "decision", "method": "show_of_hands", "votes_for": 5,
         "votes_against": 1},
        Problem(
            "stage",
            "the NEC cannot adopt rule changes: record its recommendation, and Conference's "
            "decision",
        ),
    ),
    "a declared result the figures deny": (
        {"body": "conference", "stage": "recommendation", "method": "show_of_hands",
         "votes_for": 1, "votes_against": 5, "declared_result": "carried"},
        Problem("declared_result", "the figures give lost, not carried (majority: simple)"),
    ),
}  # fmt: skip


def document(vote: dict) -> dict:
    return {
        "rulebook": {"slug": "small", "title": "Small"},
        "rules": [
            {
                "key": "quorum",
                "versions": [{"number": "1", "text": "Ten.", "effective_from": "2015-01-01"}],
            }
        ],
        "bodies": [
            {
                "slug": "nec",
                "name": "NEC",
                "kind": "nec",
                "members": [{"name": "Alice", "from": "2019-01-01"}],
            },
            {"slug": "conference", "name": "Conference", "kind": "conference", "decides": True},
        ],
        "proposals": [
            {
                "reference": "1",
                "title": "Twenty",
                "proposer": "NEC",
                # A decision sets the status: the file must say what it set.
                "status": "carried" if vote["stage"] == "decision" else "submitted",
                "amendments": [
                    {"kind": "amend", "rule": "quorum", "base_version": 1, "text": "Twenty."}
                ],
                "votes": [{"held_on": HELD.isoformat(), **vote}],
            }
        ],
    }


def service_kwargs(vote: dict, rulebook) -> dict:
    """The same vote as typed values, as the API and the admin pass them."""
    kwargs = {key: value for key, value in vote.items() if key not in ("sections", "roll_call")}
    kwargs["body"] = Body.objects.get(rulebook=rulebook, slug=vote["body"])
    if "sections" in vote:
        kwargs["sections"] = [Section.of(**s) for s in vote["sections"]]
    if "roll_call" in vote:
        kwargs["roll_call"] = [RollCall(**r) for r in vote["roll_call"]]
    return kwargs


@pytest.fixture
def submitted(rulebook):
    Body.objects.create(rulebook=rulebook, slug="conference", name="Conference", decides=True)
    nec = Body.objects.create(rulebook=rulebook, slug="nec", name="NEC", kind="nec")
    Membership.objects.create(body=nec, name="Alice", start=datetime.date(2019, 1, 1))
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2015-01-01", "Ten.")
    return proposal_submit(
        proposal=ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "Twenty.")]),
        submitted_on=HELD - datetime.timedelta(days=30),
    )


@pytest.mark.parametrize("case", BAD_VOTES)
def test_the_importer_and_the_service_refuse_a_bad_vote_with_one_message(case, submitted):
    vote, problem = BAD_VOTES[case]

    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=document(vote))
    with pytest.raises(ValidationError) as refused:
        vote_record(proposal=submitted, held_on=HELD, **service_kwargs(vote, submitted.rulebook))

    assert caught.value.errors == [f"proposals[0].votes[0].{problem.path}: {problem.message}"]
    assert refused.value.message_dict == {problem.path: [sentence(problem.message)]}
    assert not Vote.objects.exists()


def test_the_check_is_pure_and_gives_the_result_of_good_figures():
    conference = Body(name="Conference", decides=True)
    sections = [
        Section.of(name="CLPs", weight=50, for_percent=35, against_percent=65),
        Section.of(name="Affiliates", weight=50, for_percent=72.34, against_percent=27.66),
    ]

    checked = check_vote(
        body=conference,
        held_on=HELD,
        stage="decision",
        method="card_vote",
        majority="simple",
        counts={"votes_for": None, "votes_against": None, "abstentions": None},
        sections=sections,
    )

    assert (checked.problems, checked.result) == ([], "carried")
    assert sections[1].for_percent == Decimal("72.34")
