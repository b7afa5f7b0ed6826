"""Admissibility warnings: shown to drafters, never enforced."""

import datetime

import pytest

from proposals.checks import admissibility_warnings
from proposals.services import proposal_adopt
from tests.factories import ProposalFactory, RuleFactory, add_version, amend

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="c5-iv-5")
    add_version(rule, "2016-01-01", "a majority of branches")
    return rule


def codes(proposal):
    return [w.code for w in admissibility_warnings(proposal)]


def test_a_clean_proposal_has_no_warnings(rulebook, rule):
    assert (
        codes(
            ProposalFactory(
                rulebook=rulebook, amendments=[amend(rule, "one third")], conference_year=2019
            )
        )
        == []
    )


def test_changing_a_rule_conference_decided_within_three_years_is_warned(rulebook, rule):
    decided = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend(rule, "one third")],
        decided_on=D(2018, 9, 24),
        reference="2018/1",
        carried=True,
    )
    proposal_adopt(proposal=decided, effective_from=D(2018, 9, 27))
    (warning,) = admissibility_warnings(
        ProposalFactory(
            rulebook=rulebook, amendments=[amend(rule, "one half")], conference_year=2020
        )
    )
    assert warning.code == "three_year_rule"
    assert "3.III.2.H" in warning.message and "2018/1" in warning.message
    assert warning.amendment.rule == rule
    assert (
        codes(
            ProposalFactory(
                rulebook=rulebook, amendments=[amend(rule, "two thirds")], conference_year=2022
            )
        )
        == []
    )


def test_two_carried_proposals_on_one_rule_warn_each_other(rulebook, rule):
    first = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "one third")], reference="2026/1", carried=True
    )
    second = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "one half")], reference="2026/2", carried=True
    )
    assert codes(first) == ["competing_carried"]
    assert "2026/1" in admissibility_warnings(second)[0].message


def test_a_stale_amendment_is_warned(rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "one third")])
    add_version(rule, "2020-01-01", "a majority of branches and affiliates")
    (warning,) = admissibility_warnings(proposal)
    assert (warning.code, warning.message) == (
        "stale",
        "Drafted against c5-iv-5 v1; the rule is now at v2. Rebase before adoption.",
    )
