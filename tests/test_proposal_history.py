"""A full history on a rule book made in the test: drafts, an NEC roll call recommendation,
Conference card votes, adoption, and the text in force on every date in between."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.rules import RollCall
from proposals.services import proposal_adopt, proposal_submit, vote_record
from proposals.services.tally import Section
from rulebook.models import RuleVersion
from rulebook.selectors import parameter_timeline, rulebook_at
from tests.factories import (
    ConferenceFactory,
    MembershipFactory,
    NecFactory,
    ParameterFactory,
    ProposalFactory,
    RulebookFactory,
    RuleFactory,
    add_version,
    amend,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def threshold(percent):
    return (
        "In the case of a vacancy for leader or deputy leader, each nomination must be "
        f"supported by {percent} per cent of the combined Commons members of the PLP and "
        "members of the EPLP. Nominations not attaining this threshold shall be null and void."
    )


def card_vote(proposal, conference, held_on, clps, affiliates):
    return vote_record(
        proposal=proposal,
        body=conference,
        held_on=held_on,
        stage="decision",
        method="card_vote",
        majority="simple",
        sections=[
            Section.of(name="CLPs", weight=50, for_percent=clps, against_percent=100 - clps),
            Section.of(
                name="Affiliates",
                weight=50,
                for_percent=affiliates,
                against_percent=100 - affiliates,
            ),
        ],
    )


def test_the_leadership_threshold_history_reads_right_on_every_date(rulebook):
    ParameterFactory(rulebook=rulebook, key="mp_threshold")
    rule = RuleFactory(rulebook=rulebook, key="c4-ii-2-b-i")
    add_version(
        rule, "2016-01-01", threshold(15), number="4.II.2.B.i", parameters={"mp_threshold": 15}
    )
    nec, conference = NecFactory(rulebook=rulebook), ConferenceFactory(rulebook=rulebook)
    for name in ("Yasmine Dar", "Jon Lansman", "Rachel Garnham"):
        MembershipFactory(body=nec, name=name, start=D(2018, 1, 15))
    MembershipFactory(body=nec, name="Ann Black", start=D(2010, 1, 1), end=D(2018, 1, 14))

    # 2017: the 5% "McDonnell amendment" is lost; the NEC's 10% compromise is carried.
    five = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend(rule, threshold(5), parameters={"mp_threshold": 5})],
        reference="2017/5",
    )
    ten = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend(rule, threshold(10), parameters={"mp_threshold": 10})],
        reference="2017/10",
        proposer="NEC",
    )
    for proposal in (five, ten):
        proposal_submit(proposal=proposal, submitted_on=D(2017, 9, 1))
    card_vote(five, conference, D(2017, 9, 25), clps=40, affiliates=30)
    card_vote(ten, conference, D(2017, 9, 25), clps=70, affiliates=65)
    five.refresh_from_db()
    assert five.status == "lost"
    proposal_adopt(proposal=ten, effective_from=D(2017, 9, 27), adopted_on=D(2017, 9, 25))

    # 2021: NEC recommends 20% by roll call on 25 Sep; Conference carries it 53.67 - 46.33.
    twenty = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend(rule, threshold(20), parameters={"mp_threshold": 20})],
        reference="2021/1",
        proposer="NEC",
        conference_year=2021,
    )
    proposal_submit(proposal=twenty, submitted_on=D(2021, 9, 20))
    recommendation = vote_record(
        proposal=twenty,
        body=nec,
        held_on=D(2021, 9, 25),
        stage="recommendation",
        method="roll_call",
        majority="simple",
        roll_call=[
            RollCall("Yasmine Dar", "against"),
            RollCall("Jon Lansman", "for"),
            RollCall("Rachel Garnham", "for"),
        ],
    )
    decision = vote_record(
        proposal=twenty,
        body=conference,
        held_on=D(2021, 9, 26),
        stage="decision",
        method="card_vote",
        majority="simple",
        sections=[
            Section.of(name="CLPs", weight=50, for_percent=35, against_percent=65),
            Section.of(name="Affiliates", weight=50, for_percent=72.34, against_percent=27.66),
        ],
        declared_result="carried",
    )
    assert (recommendation.result, recommendation.votes_for, decision.result) == (
        "carried",
        2,
        "carried",
    )
    (adopted,) = proposal_adopt(proposal=twenty, effective_from=D(2021, 9, 29))

    expected = {
        D(2016, 1, 1): 15,
        D(2017, 9, 26): 15,
        D(2017, 9, 27): 10,
        D(2019, 12, 1): 10,
        D(2021, 9, 28): 10,
        D(2021, 9, 29): 20,
        D(2030, 1, 1): 20,
    }
    for day, percent in expected.items():
        (entry,) = rulebook_at(rulebook=rulebook, on=day).entries
        assert entry.version.text == threshold(percent), day
        in_force = RuleVersion.objects.filter(rule=rule).in_force(on=day).get()
        assert in_force == entry.version
    assert rulebook_at(rulebook=rulebook, on=D(2015, 12, 31)).entries == []
    assert [
        p.value
        for p in parameter_timeline(
            parameter=rule.versions.first().parameter_values.get().parameter
        )
    ] == [15, 10, 20]
    assert adopted.amendment.proposal == twenty
    assert list(adopted.amendment.proposal.votes.values_list("body__slug", flat=True)) == [
        "nec",
        "conference",
    ]
    assert list(rule.versions.values_list("seq", flat=True)) == [1, 2, 3]


words = st.lists(
    st.sampled_from(["members", "per", "cent", "PLP", "nominate", "20", "the"]),
    min_size=1,
    max_size=12,
).map(" ".join)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(base=words, proposed=words, days=st.integers(min_value=1, max_value=4000))
def test_after_adoption_the_rule_book_on_the_effective_date_shows_the_proposed_text(
    base, proposed, days
):
    rulebook = RulebookFactory()
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", base)
    proposal = ProposalFactory(
        rulebook=rulebook,
        amendments=[amend(rule, proposed + " (amended)")],
        carried=True,
        decided_on=D(2016, 1, 1),
    )
    effective = D(2016, 1, 1) + datetime.timedelta(days=days)
    proposal_adopt(proposal=proposal, effective_from=effective)
    (entry,) = rulebook_at(rulebook=rulebook, on=effective).entries
    assert entry.version.text == proposed + " (amended)"
    (before,) = rulebook_at(rulebook=rulebook, on=effective - datetime.timedelta(days=1)).entries
    assert before.version.text == base
