"""Adoption and rebasing: carried proposals become rule versions, all or nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from proposals.models import Proposal
from proposals.services import (
    StaleAmendments,
    amendment_rebase,
    amendment_resolve_conflict,
    proposal_adopt,
    proposal_rebase,
)
from rulebook.models import AuditEntry, Rule
from rulebook.selectors import rulebook_at
from rulebook.services import rule_create
from tests.factories import ProposalFactory, RuleFactory, add_version, amend

pytestmark = pytest.mark.django_db
D = datetime.date
EFFECTIVE = D(2026, 9, 27)

B_I = "Each nomination must be supported by 15 per cent of the PLP. Others are void."


@pytest.fixture
def rules(rulebook):
    made = []
    for key, text in (("c4", "Chapter 4"), ("b-i", B_I), ("b-ii", "Where there is no vacancy.")):
        rule = RuleFactory(rulebook=rulebook, key=key, parent=made[0] if made else None)
        add_version(rule, "2016-01-01", text, number=key.upper())
        made.append(rule)
    return made


def texts_on(rulebook, day):
    return {e.rule.key: e.version.text for e in rulebook_at(rulebook=rulebook, on=day).entries}


def test_adopting_creates_one_version_per_amendment_linked_to_it(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend("b-i", B_I.replace("15", "10")), {"kind": "repeal", "rule": "b-ii"}],
        carried=True,
    )
    versions = proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    proposal.refresh_from_db()
    assert [v.seq for v in versions] == [2, 2]
    assert versions[0].amendment.proposal == proposal
    assert versions[1].repealed
    assert (proposal.status, proposal.adopted_on is not None) == ("adopted", True)
    assert texts_on(rulebook, EFFECTIVE - datetime.timedelta(days=1))["b-i"] == B_I
    assert texts_on(rulebook, EFFECTIVE) == {"c4": "Chapter 4", "b-i": B_I.replace("15", "10")}
    entry = AuditEntry.objects.get(action="proposal.adopt", data__proposal=proposal.pk)
    assert entry.data["versions"] == [v.pk for v in versions]
    assert entry.data["effective_from"] == EFFECTIVE.isoformat()


def test_an_insert_creates_the_rule_in_document_order(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[
            {
                "kind": "insert",
                "key": "b-i-a",
                "parent": "c4",
                "after": "b-i",
                "number": "4.B.i.a",
                "heading": "Affiliates",
                "text": "or three affiliates",
            }
        ],
        carried=True,
    )
    (version,) = proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    keys = list(
        Rule.objects.filter(rulebook=rulebook).order_by("position").values_list("key", flat=True)
    )
    assert keys == ["c4", "b-i", "b-i-a", "b-ii"]
    assert version.rule.parent == rules[0]
    assert proposal.amendments.get().rule == version.rule
    assert "b-i-a" not in texts_on(rulebook, EFFECTIVE - datetime.timedelta(days=1))


def test_a_renumber_keeps_the_text_and_can_move_the_rule(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[{"kind": "renumber", "rule": "b-i", "number": "4.B.ii", "after": "b-ii"}],
        carried=True,
    )
    (version,) = proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    keys = list(Rule.objects.order_by("position").values_list("key", flat=True))
    assert (version.number, version.text) == ("4.B.ii", B_I)
    assert keys == ["c4", "b-ii", "b-i"]


def test_a_new_version_must_take_effect_after_the_rules_latest(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", "new")], carried=True, decided_on=D(2015, 9, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        proposal_adopt(proposal=proposal, effective_from=D(2016, 1, 1))
    assert "a new version must take effect later" in excinfo.value.message_dict["effective_from"][0]
    proposal.refresh_from_db()
    assert proposal.status == "carried"


def test_a_stale_proposal_is_refused_with_nothing_half_applied(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[
            amend("b-ii", "Where there is no vacancy, at any time."),
            amend("b-i", B_I.replace("15", "20")),
        ],
        carried=True,
    )
    add_version(
        rules[1], "2025-01-01", B_I.replace("Others are void.", "Others are null."), number="B-I"
    )
    with pytest.raises(StaleAmendments) as excinfo:
        proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    stale = proposal.amendments.get(rule__key="b-i")
    assert excinfo.value.ids == [stale.pk]
    assert "drafted against b-i v1" in str(excinfo.value)
    assert rules[2].versions.count() == 1  # the other amendment's rule was not touched
    assert Proposal.objects.stale().get() == proposal


def test_a_stale_amendment_is_rebased_cleanly_and_then_adopted(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))], carried=True
    )
    add_version(
        rules[1], "2025-01-01", B_I.replace("Others are void.", "Others are null."), number="B-I"
    )
    (result,) = proposal_rebase(proposal=proposal)
    assert (result.outcome, result.conflict, result.base_version) == ("clean", False, 2)
    expected = "Each nomination must be supported by 20 per cent of the PLP. Others are null."
    assert result.text == expected
    assert result.as_dict()["id"] == proposal.amendments.get().pk
    saved = proposal.amendments.get()
    assert (saved.text, saved.base_version.seq, saved.conflict) == (expected, 2, False)
    rebase = AuditEntry.objects.get(action="amendment.rebase", data__proposal=proposal.pk)
    assert rebase.data == {"proposal": proposal.pk, "amendment": saved.pk, "outcome": "clean"}
    proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    assert texts_on(rulebook, EFFECTIVE)["b-i"] == expected
    assert proposal.amendments.get().rebases.get().outcome == "clean"


def test_a_conflicting_rebase_blocks_adoption_until_resolved(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))], carried=True
    )
    add_version(rules[1], "2025-01-01", B_I.replace("15", "12"), number="B-I")
    amendment = proposal.amendments.get()
    result = amendment_rebase(amendment=amendment)
    assert (result.outcome, result.conflict, result.base_version) == ("conflict", True, 1)
    assert "<<<<<<<" in result.conflict_text and "12" in result.conflict_text
    with pytest.raises(StaleAmendments, match="unresolved conflict"):
        proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    amendment_resolve_conflict(amendment=amendment, text=B_I.replace("15", "25"))
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.base_version.seq) == (False, 2)
    proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    assert texts_on(rulebook, EFFECTIVE)["b-i"] == B_I.replace("15", "25")
    assert [r.outcome for r in amendment.rebases.all()] == ["conflict", "resolved"]


def test_a_rebase_conflict_can_be_settled_in_the_same_call(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))]
    )
    add_version(rules[1], "2025-01-01", B_I.replace("15", "12"), number="B-I")
    result = amendment_rebase(amendment=proposal.amendments.get(), resolved_text="18 per cent")
    assert (result.outcome, result.conflict, result.base_version, result.text) == (
        "resolved",
        False,
        2,
        "18 per cent",
    )
    saved = proposal.amendments.get()
    assert (saved.text, saved.base_version.seq, saved.conflict) == ("18 per cent", 2, False)
    assert [r.outcome for r in saved.rebases.all()] == ["resolved"]


def test_resolved_text_with_conflict_markers_is_refused(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))]
    )
    add_version(rules[1], "2025-01-01", B_I.replace("15", "12"), number="B-I")
    amendment = proposal.amendments.get()
    conflict_text = amendment_rebase(amendment=amendment).conflict_text
    with pytest.raises(ValidationError, match="conflict markers"):
        amendment_resolve_conflict(amendment=amendment, text=conflict_text)


def test_rebasing_an_up_to_date_amendment_changes_nothing(rulebook, rules):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend("b-i", "new")])
    assert [r.outcome for r in proposal_rebase(proposal=proposal)] == ["unchanged"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "a@example.org", "pw")


def test_a_superuser_adopts_a_consolidation_without_a_vote_given_a_note(rulebook, rules, superuser):
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend("b-i", B_I.replace("PLP", "Parliamentary Labour Party"))],
    )
    note = "Consolidation: names spelled out, Rule Book 2018"
    (version,) = proposal_adopt(
        proposal=proposal, effective_from=EFFECTIVE, by=superuser, note=note
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.adoption_note, version.note) == ("adopted", note, note)
    assert AuditEntry.objects.get(action="proposal.adopt").data["note"] == note


def test_adopting_without_a_vote_is_refused_to_others_and_without_a_note(
    rulebook, rules, superuser
):
    staff = get_user_model().objects.create_user("staff", is_staff=True)
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", "new")], reference="2026/4"
    )
    expected = {"status": ["Proposal 2026/4 is draft; only a carried proposal can be adopted."]}
    for by, note in ((staff, "a note"), (superuser, "  "), (None, "note")):
        with pytest.raises(ValidationError) as excinfo:
            proposal_adopt(proposal=proposal, effective_from=EFFECTIVE, by=by, note=note)
        assert excinfo.value.message_dict == expected
    assert rules[1].versions.count() == 1


def test_a_superuser_cannot_adopt_a_lost_proposal_even_with_a_note(rulebook, rules, superuser):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", "new")], reference="2026/5"
    )
    Proposal.objects.filter(pk=proposal.pk).update(status="lost")
    with pytest.raises(ValidationError, match="even with a note"):
        proposal_adopt(proposal=proposal, effective_from=EFFECTIVE, by=superuser, note="n")


def test_an_adopted_proposal_cannot_be_adopted_again(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", "new")], reference="2026/6", carried=True
    )
    proposal_adopt(proposal=proposal, effective_from=EFFECTIVE)
    with pytest.raises(ValidationError) as excinfo:
        proposal_adopt(proposal=proposal, effective_from=D(2027, 1, 1))
    assert excinfo.value.message_dict == {
        "status": ["Proposal 2026/6 is adopted; only a carried proposal can be adopted."]
    }


def test_rebasing_again_against_the_same_version_records_the_conflict_once(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))]
    )
    add_version(rules[1], "2025-01-01", B_I.replace("15", "12"), number="B-I")
    amendment = proposal.amendments.get()
    amendment_rebase(amendment=amendment)
    assert amendment_rebase(amendment=amendment).outcome == "conflict"
    assert amendment.rebases.count() == 1


def test_a_conflicted_amendment_re_merges_from_its_real_base_when_the_rule_moves_on(
    rulebook, rules
):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-i", B_I.replace("15", "20"))]
    )
    add_version(rules[1], "2025-01-01", B_I.replace("15", "12"), number="B-I")
    amendment = proposal.amendments.get()
    amendment_rebase(amendment=amendment)
    add_version(rules[1], "2025-06-01", B_I, number="B-I")  # the 12% change is reverted
    result = amendment_rebase(amendment=amendment)
    assert (result.outcome, result.base_version, result.text) == (
        "clean",
        3,
        B_I.replace("15", "20"),
    )


def test_an_amendment_to_a_rule_repealed_since_is_a_conflict(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend("b-ii", "Where there is no vacancy, each year.")]
    )
    add_version(rules[2], "2025-01-01", repealed=True)
    result = proposal_rebase(proposal=proposal)[0]
    assert result.conflict
    assert result.conflict_text == "Rule b-ii was repealed by version 2."


def test_a_renumber_conflict_is_resolved_by_giving_the_number(rulebook, rules):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[{"kind": "renumber", "rule": "b-i", "number": "4.B.1"}]
    )
    add_version(rules[1], "2025-01-01", "reworded", number="4.B.a")
    amendment = proposal.amendments.get()
    result = amendment_rebase(amendment=amendment)
    assert result.conflict_text == "Number: was 'B-I', is now '4.B.a', proposed '4.B.1'."
    with pytest.raises(ValidationError, match="number of a renumber"):
        amendment_resolve_conflict(amendment=amendment, text="x")
    amendment_resolve_conflict(amendment=amendment, number="4.B.2")
    assert (amendment.number, amendment.text, amendment.base_version.seq) == (
        "4.B.2",
        "reworded",
        2,
    )


def test_moving_a_rule_takes_its_sub_rules_along(rulebook, rules):
    chapter5 = rule_create(rulebook=rulebook, key="c5")
    add_version(chapter5, "2016-01-01", "Chapter 5", number="5")
    child = rule_create(rulebook=rulebook, key="b-i-x", parent=rules[1])
    add_version(child, "2016-01-01", "sub-rule", number="x")
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[{"kind": "renumber", "rule": "b-i", "number": "5.1", "parent": "c5"}],
        carried=True,
    )
    proposal_adopt(proposal=proposal, effective_from="2026-09-27")
    ordered = Rule.objects.filter(rulebook=rulebook).order_by("position")
    assert [(r.key, r.parent.key if r.parent else None) for r in ordered] == [
        ("c4", None),
        ("b-ii", "c4"),
        ("c5", None),
        ("b-i", "c5"),
        ("b-i-x", "b-i"),
    ]
    assert list(ordered.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_a_rule_cannot_be_moved_under_itself(rulebook, rules):
    with pytest.raises(ValidationError) as excinfo:
        ProposalFactory(
            rulebook=rulebook,
            amendments=[{"kind": "renumber", "rule": "c4", "number": "4", "parent": "b-i"}],
        )
    assert (
        "cannot be placed under or after itself"
        in excinfo.value.message_dict["amendments[0].parent"][0]
    )
