"""Bodies, proposals, amendments and votes in rule book files (DESIGN.md, "Import/export file";
the sections `proposals.exchange` registers)."""

import pytest
from django.db import transaction

from proposals.models import (
    Amendment,
    Body,
    Membership,
    Proposal,
    Vote,
)
from rulebook.exchange import (
    InvalidRulebookFile,
    dump_document,
    read_document,
    rulebook_export,
    rulebook_import,
)
from rulebook.models import Rulebook, RuleVersion
from tests import worlds
from tests.factories import ProposalFactory, amend
from tests.worlds import CLUB, D

pytestmark = pytest.mark.django_db


def exported(rulebook, format):
    return dump_document(rulebook_export(rulebook=rulebook), format)


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_export_then_import_into_an_empty_database_then_export_gives_the_same_file(format):
    with transaction.atomic():
        first = exported(worlds.club_history(), format)
        transaction.set_rollback(True)
    assert not Rulebook.objects.exists() and not Proposal.objects.exists()

    imported = rulebook_import(data=read_document(first, format=format))

    assert exported(imported, format) == first


def test_an_imported_history_has_its_votes_links_and_conflicts(db):
    with transaction.atomic():
        text = exported(worlds.club_history(), "yaml")
        transaction.set_rollback(True)

    rulebook = rulebook_import(data=read_document(text, format="yaml"))

    quorum_v2 = RuleVersion.objects.get(rule__rulebook=rulebook, rule__key="quorum", seq=2)
    proposal = quorum_v2.amendment.proposal
    assert (proposal.reference, proposal.status) == ("2020/1", "adopted")
    assert quorum_v2.amendment.base_version.seq == 1
    decision = proposal.votes.get(stage="decision")
    assert (decision.body.slug, decision.method, decision.result) == (
        "conference",
        "card_vote",
        "carried",
    )
    assert [(s.name, str(s.for_percent)) for s in decision.sections.all()] == [
        ("CLPs", "60.10"),
        ("Affiliates", "45.00"),
    ]
    roll_call = proposal.votes.get(stage="recommendation")
    assert [(e.membership.name, e.choice) for e in roll_call.roll_call.all()] == [
        ("Alice", "for"),
        ("Bob", "against"),
        ("Carol", "abstain"),
    ]
    assert (roll_call.votes_for, roll_call.votes_against, roll_call.abstentions) == (1, 1, 1)
    rival = Amendment.objects.get(proposal__reference="2020/9")
    assert rival.conflict and rival.conflict_version == quorum_v2 and rival.is_stale
    agenda = RuleVersion.objects.get(rule__rulebook=rulebook, rule__key="agenda")
    assert agenda.amendment.kind == "insert" and agenda.amendment.rule == agenda.rule
    assert Proposal.objects.get(reference="2021/1").adoption_note == "Typo corrected."
    assert Body.objects.get(slug="org").parent.slug == "nec"
    assert list(Membership.objects.on(D("2020-01-01")).values_list("name", flat=True)) == [
        "Alice",
        "Bob",
        "Carol",
    ]


def test_adopted_amendments_name_the_version_they_produced_and_leave_the_wording_to_it(db):
    document = rulebook_export(rulebook=worlds.club_history())
    by_reference = {p["reference"]: p for p in document["proposals"]}

    assert by_reference["2020/1"]["amendments"] == [
        {"kind": "amend", "rule": "quorum", "base_version": 1, "produced_version": 2}
    ]
    assert by_reference["2020/3"]["amendments"][0] == {
        "kind": "insert",
        "key": "agenda",
        "parent": "meetings",
        "after": "quorum",
        "produced_version": 1,
    }
    assert by_reference["2020/9"]["amendments"][0]["conflict"]["version"] == 2
    assert by_reference["2021/5"]["amendments"][0]["parameters"] == {"quorum": 12.5}
    assert [b["slug"] for b in document["bodies"]] == ["nec", "org", "conference"]


def test_an_export_on_a_date_leaves_out_bodies_and_proposals(db):
    document = rulebook_export(rulebook=worlds.club_history(), at=D("2020-06-01"))

    assert set(document) == {"rulebook", "parameters", "rules"}


def test_export_runs_a_fixed_number_of_queries_whatever_the_number_of_proposals(
    db, django_assert_num_queries
):
    rulebook = worlds.club_history()
    # 16: the rule book, its bodies and proposals, and the numbers sections (quantities with
    # their values, parameter bases with their terms, nomination events with nominations).
    with django_assert_num_queries(16):
        rulebook_export(rulebook=rulebook)
    for n in range(5):
        ProposalFactory(rulebook=rulebook, amendments=[amend("quorum", f"{n}")])

    with django_assert_num_queries(16):
        rulebook_export(rulebook=rulebook)


# --- Validation --------------------------------------------------------------------------------

BODIES = """
bodies:
  - slug: nec
    name: NEC
    kind: nec
    members:
      - {name: Alice, from: 2019-01-01}
      - {name: Bob, from: 2019-01-01, until: 2018-12-31}
  - {slug: conference, name: Conference, kind: conference, decides: true}
  - {slug: sub, name: Sub-committee, kind: committee, parent: nobody}
"""


def problems_in(text):
    before = [m.objects.count() for m in (Rulebook, Body, Proposal, Vote, Amendment)]
    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=read_document(text, format="yaml"))
    assert [m.objects.count() for m in (Rulebook, Body, Proposal, Vote, Amendment)] == before
    return caught.value.errors


def test_a_bad_bodies_section_is_reported_by_path():
    again = "  - {slug: nec, name: Again, kind: board, decides: 'no', members: [{name: Eve}]}\n"

    assert problems_in(CLUB + BODIES + again) == [
        "bodies[0].members[1].until: 2018-12-31 is before the term's start (2019-01-01)",
        "bodies[2].parent: unknown body 'nobody' (a parent must be listed first)",
        "bodies[3].decides: expected true or false, found text 'no'",
        "bodies[3].kind: 'board' is not one of nec, conference, committee",
        "bodies[3].members[0].from: is required",
        "bodies[3].slug: 'nec' is already used by bodies[0]",
    ]


PROPOSALS = """
proposals:
  - reference: A
    title: Unknown rule
    proposer: X
    status: submitted
    amendments: [{kind: amend, rule: x, base_version: 1, text: T}]
    votes:
      - {body: conference, held_on: 2020-01-01, stage: recommendation, method: card_vote,
         sections: [{name: CLPs, weight: 40, for_percent: 60, against_percent: 40},
                    {name: Unions, weight: 50, for_percent: 60, against_percent: 40}]}
  - reference: B
    title: Figures that do not add up
    proposer: X
    status: carried
    amendments: [{kind: amend, rule: quorum, base_version: 1, text: The quorum is 12.}]
    votes:
      - {body: nec, held_on: 2020-01-01, stage: decision, method: show_of_hands,
         votes_for: 3, votes_against: 5, result: carried}
      - {body: nec, held_on: 2020-01-02, stage: recommendation, method: roll_call,
         roll_call: [{member: Bob, choice: for}, {member: Zed, choice: for}]}
  - reference: C
    title: Produced twice, and out of order
    proposer: X
    status: adopted
    adopted_on: 2021-01-01
    amendments:
      - {kind: amend, rule: quorum, base_version: 1, text: The quorum is 11., produced_version: 2}
      - {kind: repeal, rule: notice, base_version: 1}
    votes:
      - {body: conference, held_on: 2020-01-01, stage: decision, method: show_of_hands,
         votes_for: 5, votes_against: 3}
  - reference: C
    title: Same reference
    proposer: X
    status: adopted
    adopted_on: 2021-01-01
    adoption_note: Consolidation.
    amendments:
      - {kind: amend, rule: quorum, base_version: 1, produced_version: 2}
      - {kind: amend, rule: quorum, base_version: 2, text: Twice.}
"""

QUORUM_V2 = """\
  - {number: '1.1', heading: Quorum, text: The quorum is 12., effective_from: 2020-06-01,
     parameters: {quorum: 10}}
"""


def test_a_bad_proposals_section_is_reported_by_path_and_nothing_is_written():
    text = CLUB.replace(
        "     parameters: {quorum: 10}}\n", "     parameters: {quorum: 10}}\n" + QUORUM_V2
    )
    text += BODIES.replace("until: 2018-12-31", "until: 2019-12-31").replace(
        "parent: nobody", "parent: nec"
    )
    assert problems_in(text + PROPOSALS) == [
        "proposals[0].amendments[0].rule: unknown rule 'x'",
        "proposals[0].votes[0].sections: Section weights add up to 90.00%, not 100%.",
        "proposals[1].votes[0].result: the figures give lost, not carried (majority: simple)",
        "proposals[1].votes[1].roll_call[0].member: 'Bob' was not a member of NEC on 2020-01-02",
        "proposals[1].votes[1].roll_call[1].member: 'Zed' was not a member of NEC on 2020-01-02",
        "proposals[1].votes[1].held_on: a recommendation cannot follow the decision of the NEC "
        "(2020-01-02 is after 2020-01-01)",
        "proposals[1].status: carried, but no decision vote was carried",
        "proposals[2].amendments[0].text: differs from the text of quorum v2, the version it "
        "produced",
        "proposals[2].amendments[1].produced_version: is required: adopting a proposal applies "
        "every amendment",
        "proposals[3].reference: 'C' is already used by proposals[2]",
        "proposals[3].amendments[0].produced_version: quorum v2 is already produced by "
        "proposals[2].amendments[0]",
        "proposals[3].amendments[1]: amendments[0] of this proposal already changes quorum; "
        "combine the two",
        "proposals[3].amendments[1].produced_version: is required: adopting a proposal applies "
        "every amendment",
    ]


def test_an_imported_lost_decision_by_the_nec_ends_the_proposal(db):
    with transaction.atomic():
        text = exported(worlds.club_history(), "yaml")
        transaction.set_rollback(True)

    rulebook = rulebook_import(data=read_document(text, format="yaml"))

    fell = Proposal.objects.get(rulebook=rulebook, reference="2021/6")
    vote = fell.votes.get()
    assert fell.status == "lost"
    assert (vote.body.slug, vote.stage, vote.result) == ("nec", "decision", "lost")


NEC_DECIDES = """
proposals:
  - reference: A
    title: Fell at the NEC
    proposer: X
    status: lost
    amendments: [{kind: amend, rule: quorum, base_version: 1, text: The quorum is 5.}]
    votes:
      - {body: nec, held_on: 2020-01-01, stage: decision, method: show_of_hands,
         votes_for: 2, votes_against: 9}
  - reference: B
    title: Carried by the NEC alone
    proposer: X
    status: carried
    amendments: [{kind: amend, rule: quorum, base_version: 1, text: The quorum is 6.}]
    votes:
      - {body: nec, held_on: 2020-01-01, stage: recommendation, method: show_of_hands,
         votes_for: 9, votes_against: 2}
      - {body: nec, held_on: 2020-01-02, stage: decision, method: show_of_hands,
         votes_for: 9, votes_against: 2}
  - reference: C
    title: Lost at the NEC, then at Conference
    proposer: X
    status: lost
    amendments: [{kind: amend, rule: quorum, base_version: 1, text: The quorum is 7.}]
    votes:
      - {body: nec, held_on: 2020-01-01, stage: decision, method: show_of_hands,
         votes_for: 2, votes_against: 9}
      - {body: conference, held_on: 2020-01-02, stage: decision, method: show_of_hands,
         votes_for: 2, votes_against: 9}
"""


def test_the_nec_may_only_lose_a_proposal_and_only_once():
    text = CLUB + BODIES.replace("until: 2018-12-31", "until: 2019-12-31").replace(
        "parent: nobody", "parent: nec"
    )
    assert problems_in(text + NEC_DECIDES) == [
        "proposals[1].votes[1].stage: the NEC cannot adopt rule changes: record its "
        "recommendation, and Conference's decision",
        "proposals[2].votes[1].stage: the proposal already has a decision vote (votes[0])",
    ]

    rulebook = rulebook_import(data=read_document(text + NEC_DECIDES.split("  - reference: B")[0]))
    fell = Proposal.objects.get(rulebook=rulebook, reference="A")
    assert (fell.status, fell.votes.get().stage) == ("lost", "decision")


def small_document():
    """A valid file: one rule with two versions, the second produced by an adopted proposal."""
    return {
        "rulebook": {"slug": "small", "title": "Small"},
        "parameters": [{"key": "quorum", "label": "Quorum"}],
        "rules": [
            {
                "key": "quorum",
                "versions": [
                    {"number": "1", "text": "Ten.", "effective_from": "2015-01-01"},
                    {"number": "1", "text": "Twenty.", "effective_from": "2020-01-01"},
                ],
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
                "status": "adopted",
                "adopted_on": "2019-09-02",
                "amendments": [
                    {"kind": "amend", "rule": "quorum", "base_version": 1, "produced_version": 2}
                ],
                "votes": [
                    {
                        "body": "conference",
                        "held_on": "2019-09-01",
                        "stage": "decision",
                        "method": "show_of_hands",
                        "votes_for": 5,
                        "votes_against": 1,
                    }
                ],
            }
        ],
    }


def test_the_small_document_is_valid(db):
    rulebook_import(data=small_document())

    assert Proposal.objects.get().amendments.get().produced_version.text == "Twenty."


def without(mapping, *names):
    return {key: value for key, value in mapping.items() if key not in names}


AMENDMENT = {"kind": "amend", "rule": "quorum", "base_version": 1, "produced_version": 2}
DECISION = small_document()["proposals"][0]["votes"][0]
CARD_VOTE = {
    **without(DECISION, "votes_for", "votes_against"),
    "method": "card_vote",
    "sections": [{"name": "All", "weight": 100, "for_percent": 40, "against_percent": 60}],
}
ROLL_CALL = {
    "body": "nec",
    "held_on": "2019-08-01",
    "stage": "recommendation",
    "method": "roll_call",
    "roll_call": [{"member": "Alice", "choice": "for"}],
}
ONLY_ADOPTED = "only an adopted proposal's amendments produced versions"


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (
            {"status": "withdrawn", "adopted_on": None},
            ["status: withdrawn, but votes[0] decided it",
             f"amendments[0].produced_version: {ONLY_ADOPTED}"],
        ),
        (
            {"status": "draft", "adopted_on": None, "votes": [], "submitted_on": "2019-01-01"},
            ["status: a draft has no votes and no submitted_on; submit it first",
             f"amendments[0].produced_version: {ONLY_ADOPTED}"],
        ),
        (
            {"votes": []},
            ["adoption_note: is required: without a carried decision vote only a superuser can "
             "adopt, giving a note"],
        ),
        ({"adopted_on": None}, ["adopted_on: is required"]),
        ({"status": "carried"}, ["adopted_on: only an adopted proposal has one",
                                 f"amendments[0].produced_version: {ONLY_ADOPTED}"]),
        ({"status": "adopted", "amendments": []}, ["amendments: at least one is needed once a "
                                                   "proposal is submitted"]),
        (
            {"votes": [without(DECISION, "votes_for", "votes_against")]},
            ["votes[0].votes_for: required for a show of hands",
             "votes[0].votes_against: required for a show of hands"],
        ),
        (
            {"votes": [{**CARD_VOTE, "votes_for": 3}]},
            ["votes[0].votes_for: a card vote does not take votes_for",
             "status: adopted, but the decision vote was lost"],
        ),
        (
            {"votes": [DECISION, {**DECISION, "body": "agm"}]},
            ["votes[1].body: unknown body 'agm' (not in the bodies section)",
             "votes[1].stage: the proposal already has a decision vote (votes[0])"],
        ),
        (
            {"votes": [DECISION, {**ROLL_CALL, "roll_call": [{"member": "Alice", "choice": "yes"},
                                                             {"member": "Bob", "choice": "for"}]}]},
            ["votes[1].roll_call[0].choice: 'yes' is not one of for, against, abstain",
             "votes[1].roll_call[1].member: 'Bob' was not a member of NEC on 2019-08-01"],
        ),
        (
            {"votes": [{**ROLL_CALL, "votes_for": 2, "abstentions": 0}, DECISION]},
            ["votes[0].votes_for: the roll call gives 1, not 2"],
        ),
        (
            {"votes": [DECISION, {**ROLL_CALL, "roll_call": ROLL_CALL["roll_call"] * 2}]},
            ["votes[1].roll_call[1].member: Alice is already listed at roll_call[0]"],
        ),
        (
            {"amendments": [{**AMENDMENT, "produced_version": 1}]},
            ["amendments[0].produced_version: v1 does not follow the base version v1; adoption "
             "turns an amendment drafted against v1 into v2"],
        ),
        (
            {"amendments": [{**AMENDMENT, "base_version": 3}]},
            ["amendments[0].base_version: quorum has no version 3"],
        ),
        (
            {"amendments": [{**AMENDMENT, "kind": "repeal"}]},
            ["amendments[0].produced_version: quorum v2 is not a repeal"],
        ),
        (
            {"amendments": [{**AMENDMENT, "parameters": {"size": 3}}]},
            ["amendments[0].parameters.size: not a parameter of this rule book",
             "amendments[0].parameters: differs from the parameters of quorum v2, the version it "
             "produced"],
        ),
        (
            {"amendments": [{**AMENDMENT, "kind": "insert"}]},
            ["amendments[0].rule: an insert amendment does not take rule",
             "amendments[0].base_version: an insert amendment does not take base_version",
             "amendments[0].key: is required"],
        ),
        (
            {"status": "submitted", "adopted_on": None, "votes": [],
             "amendments": [{**without(AMENDMENT, "produced_version"), "text": "Ten."}]},
            ["amendments[0].text: the amendment changes nothing in rule quorum v1"],
        ),
        (
            {"status": "submitted", "adopted_on": None, "votes": [],
             "amendments": [{**without(AMENDMENT, "produced_version"), "text": "Fifteen.",
                             "conflict": {"version": 1}}]},
            ["amendments[0].conflict.version: a rebase goes to a version after the base v1",
             "amendments[0].conflict.text: is required"],
        ),
    ],
)  # fmt: skip
def test_each_broken_invariant_is_reported_with_its_path(db, change, problems):
    document = small_document()
    proposal = document["proposals"][0]
    proposal.update({key: value for key, value in change.items() if value is not None})
    for key in [key for key, value in change.items() if value is None]:
        del proposal[key]

    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=document)

    assert caught.value.errors == [f"proposals[0].{problem}" for problem in problems]
    assert not Rulebook.objects.exists()
