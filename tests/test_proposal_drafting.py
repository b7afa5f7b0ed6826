"""Drafting proposals: the API shapes of DESIGN.md turned into amendments, and their checks."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import Amendment, Proposal
from proposals.services import (
    amendment_add,
    amendment_remove,
    amendment_update,
    proposal_create,
    proposal_submit,
    proposal_update,
)
from rulebook.models import AuditEntry
from tests.factories import ParameterFactory, ProposalFactory, RuleFactory, add_version, amend

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="c4-ii-2-b-i")
    add_version(rule, "2016-01-01", "supported by 15 per cent of the PLP", number="4.II.2.B.i")
    return rule


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_creating_a_proposal_drafts_each_amendment_against_the_latest_version(rulebook, rule):
    later = add_version(rule, "2030-01-01", "by 12 per cent of the PLP", number="4.II.2.B.i")
    proposal = proposal_create(
        rulebook=rulebook,
        reference="2026/4",
        title="Lower the threshold",
        proposer="Northfield CLP",
        amendments=[amend(rule, "supported by 10 per cent of the PLP")],
        by=None,
    )
    (amendment,) = proposal.amendments.all()
    assert proposal.status == "draft"
    assert amendment.base_version == later  # pending future versions count as the latest
    assert amendment.number == "4.II.2.B.i"  # number omitted: kept from the base
    assert not amendment.is_stale
    assert AuditEntry.objects.filter(action="proposal.create").count() == 1


def test_parameters_default_to_the_base_versions_values(rulebook):
    ParameterFactory(rulebook=rulebook, key="mp_threshold")
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "15 per cent", parameters={"mp_threshold": 15})
    kept = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "15 per cent of members")]
    ).amendments.get()
    changed = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "20 per cent", parameters={"mp_threshold": 20})]
    )
    assert kept.parameters == {"mp_threshold": 15}
    assert changed.amendments.get().parameters == {"mp_threshold": 20}


def test_every_problem_in_the_amendments_is_named_by_its_path(rulebook, rule):
    with pytest.raises(ValidationError) as excinfo:
        proposal_create(
            rulebook=rulebook,
            reference="",
            title="t",
            proposer="p",
            amendments=[
                {"kind": "amend", "rule": "no-such-rule", "text": "x"},
                {"kind": "insert", "key": "Bad Key", "number": "", "text": "x"},
                {"kind": "repeal", "rule": rule.key, "text": "x"},
                {"kind": "delete"},
                {"kind": "amend", "rule": rule.key, "parameters": {"nope": 1}, "text": "y"},
            ],
            by=None,
        )
    found = errors(excinfo)
    assert found["reference"] == ["Must not be empty."]
    assert "There is no rule 'no-such-rule'" in found["amendments[0].rule"][0]
    assert "lower-case" in found["amendments[1].key"][0]
    assert found["amendments[1].number"] == ["Must not be empty."]
    assert found["amendments[2].text"] == ["A repeal amendment does not take 'text'."]
    assert "Unknown kind 'delete'" in found["amendments[3].kind"][0]
    assert "has no parameter 'nope'" in found["amendments[4].parameters"][0]
    assert not Proposal.objects.exists()


def test_an_amendment_that_changes_nothing_is_refused(rulebook, rule):
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(rulebook=rulebook, amendments=[{"kind": "amend", "rule": rule.key}])
    assert "changes nothing" in errors(excinfo)["amendments[0].text"][0]


def test_two_amendments_to_one_rule_are_refused(rulebook, rule):
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "a"), amend(rule, "b")])
    assert "already changes it" in errors(excinfo)["amendments[1].rule"][0]


def test_a_reference_is_unique_in_its_rule_book(rulebook, rule):
    ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "a")], reference="2026/4")
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "b")], reference="2026/4")
    assert "already has a proposal 2026/4" in errors(excinfo)["reference"][0]


def test_an_insert_needs_a_free_key_and_a_consistent_place(rulebook, rule):
    chapter = RuleFactory(rulebook=rulebook, key="c5")
    add_version(chapter, "2016-01-01", "Chapter 5")
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(
            rulebook=rulebook,
            amendments=[
                {"kind": "insert", "key": rule.key, "number": "1", "text": "t"},
                {
                    "kind": "insert",
                    "key": "new",
                    "number": "1",
                    "text": "t",
                    "parent": "c5",
                    "after": rule.key,
                },
            ],
        )
    found = errors(excinfo)
    assert "already has a rule c4-ii-2-b-i" in found["amendments[0].key"][0]
    assert "is not directly under c5" in found["amendments[1].after"][0]


def test_a_repealed_rule_cannot_be_amended(rulebook, rule):
    add_version(rule, "2020-01-01", repealed=True)
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "back again")])
    assert "was repealed by version 2" in errors(excinfo)["amendments[0].rule"][0]


def test_a_draft_can_be_edited_and_its_amendments_added_changed_and_removed(rulebook, rule):
    other = RuleFactory(rulebook=rulebook)
    add_version(other, "2016-01-01", "old")
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "10 per cent")])
    proposal_update(proposal=proposal, title="New title", rationale="Because")
    added = amendment_add(proposal=proposal, kind="repeal", rule=other.key)
    first = proposal.amendments.get(order=1)
    amendment_update(amendment=first, text="supported by 12 per cent of the PLP")
    amendment_remove(amendment=added)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.rationale) == ("New title", "Because")
    assert [a.text for a in proposal.amendments.all()] == ["supported by 12 per cent of the PLP"]
    actions = AuditEntry.objects.filter(data__proposal=proposal.pk).values_list("action", flat=True)
    assert sorted(actions) == [
        "amendment.add",
        "amendment.remove",
        "amendment.update",
        "proposal.create",
        "proposal.update",
    ]


def test_an_amendment_edit_keeps_its_base_and_refuses_a_change_of_rule(rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "10 per cent")])
    base = proposal.amendments.get().base_version
    add_version(rule, "2020-01-01", "newer")
    edited = amendment_update(amendment=proposal.amendments.get(), text="11 per cent")
    assert edited.base_version == base
    assert edited.is_stale
    with pytest.raises(ValidationError) as excinfo:
        amendment_update(amendment=edited, rule="other")
    assert "remove the amendment" in errors(excinfo)["rule"][0]


def test_replacing_all_amendments_through_proposal_update(rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "10 per cent")])
    proposal_update(proposal=proposal, amendments=[{"kind": "repeal", "rule": rule.key}])
    assert [a.kind for a in proposal.amendments.all()] == ["repeal"]
    assert Amendment.objects.filter(proposal=proposal).count() == 1
    update = AuditEntry.objects.get(action="proposal.update", data__proposal=proposal.pk)
    assert update.data["fields"] == ["amendments"]


def test_only_a_draft_can_be_edited(rulebook, rule):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "10 per cent")], reference="2026/4"
    )
    proposal_submit(proposal=proposal)
    message = "Proposal 2026/4 is submitted; only a draft proposal can be edited."
    amendment = proposal.amendments.get()
    for attempt in (
        lambda: proposal_update(proposal=proposal, title="x"),
        lambda: amendment_add(proposal=proposal, kind="repeal", rule=rule.key),
        lambda: amendment_update(amendment=amendment, text="y"),
        lambda: amendment_remove(amendment=amendment),
    ):
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert errors(excinfo) == {"status": [message]}
    assert Amendment.objects.count() == 1
