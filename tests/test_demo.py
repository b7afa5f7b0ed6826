"""The demo rule book: `load_demo` loads Labour's rule book with its real history, once."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from proposals.models import (
    Amendment,
    Body,
    CardVoteSection,
    Membership,
    Proposal,
    RollCallEntry,
    Vote,
)
from rulebook.exchange import dump_document, read_document, rulebook_export, rulebook_import
from rulebook.models import Parameter, ParameterValue, Rule, Rulebook, RuleVersion

pytestmark = pytest.mark.django_db

CHAPTERS = [
    "Constitutional rules",
    "Membership",
    "Party conference",
    "Elections of national officers and national committees",
    "Selections for elected public office",
    "Disciplinary",
    "CLPs",
    "Branches",
    "Regional boards",
    "Women's forums",
    "Young Labour",
    "Local government committees",
    "Labour groups",
    "Ethnic minorities forums",
    "Model procedural rules",
    "Contacts and glossary",
]


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def in_force(key, on):
    return (
        RuleVersion.objects.filter(rule__rulebook__slug="labour", rule__key=key)
        .in_force(on=datetime.date.fromisoformat(on))
        .get()
    )


def parameter(version, key):
    return version.parameter_values.get(parameter__key=key).value


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Rulebook,
            Rule,
            RuleVersion,
            Parameter,
            ParameterValue,
            Body,
            Membership,
            Proposal,
            Amendment,
            Vote,
            CardVoteSection,
            RollCallEntry,
        )
    }


def test_load_demo_creates_the_rule_book_with_its_chapters_in_order():
    output = load_demo()

    book = Rulebook.objects.get(slug="labour")
    rules = Rule.objects.filter(rulebook=book)
    assert rules.count() >= 60
    chapters = rules.filter(parent=None).in_document_order()
    headings = [chapter.versions.order_by("seq").first().heading for chapter in chapters]
    assert headings == CHAPTERS
    summary = output.strip().splitlines()
    assert len(summary) == 1
    assert f"{rules.count()} rules" in summary[0]
    assert f"{RuleVersion.objects.filter(rule__rulebook=book).count()} versions" in summary[0]
    assert f"{Parameter.objects.filter(rulebook=book).count()} parameters" in summary[0]


def test_running_load_demo_twice_changes_nothing():
    load_demo()
    before = row_counts()

    output = load_demo()

    assert output.strip() == "Demo rule book 'labour' already loaded"
    assert row_counts() == before


def test_a_broken_demo_file_is_refused_with_its_problems_and_writes_nothing(tmp_path, monkeypatch):
    broken = tmp_path / "labour.yaml"
    broken.write_text(
        "rulebook: {slug: labour, title: Labour}\n"
        "rules:\n"
        "  - key: c1\n"
        "    versions: [{number: Chapter 1, effective_from: 2013-02-30}]\n"
    )
    monkeypatch.setattr("rulebook.management.commands.load_demo.DEMO_FILE", broken)

    with pytest.raises(CommandError, match=r"rules\[0\]\.versions\[0\]\.effective_from"):
        load_demo()
    assert not Rulebook.objects.exists()


@pytest.mark.parametrize(
    ("on", "threshold"),
    [
        ("2013-06-01", "12.5"),
        ("2016-06-01", "15"),
        ("2018-01-01", "10"),
        ("2019-06-01", "10"),
        ("2022-01-01", "20"),
    ],
)
def test_the_vacancy_nomination_threshold_follows_the_real_history(on, threshold):
    load_demo()

    version = in_force("c4-ii-2-b-i", on)

    assert parameter(version, "leader_nomination_mp_threshold") == Decimal(threshold)
    assert f"{threshold} per cent" in version.text


def test_the_clp_and_affiliate_route_exists_only_from_conference_2018():
    load_demo()

    before = in_force("c4-ii-2-b-i", "2018-01-01")
    after = in_force("c4-ii-2-b-i", "2019-06-01")

    assert not before.parameter_values.filter(parameter__key="leader_nomination_clp_threshold")
    assert parameter(after, "leader_nomination_clp_threshold") == 5
    assert parameter(after, "leader_nomination_affiliate_count") == 3


def test_the_trigger_ballot_threshold_went_to_one_third_then_one_half():
    load_demo()

    in_2019 = in_force("c5-iv-5", "2019-01-01")
    in_2022 = in_force("c5-iv-5", "2022-01-01")

    assert "one third" in in_2019.text
    assert parameter(in_2019, "trigger_ballot_branch_share") == Decimal("33.33")
    assert "one half" in in_2022.text
    assert parameter(in_2022, "trigger_ballot_branch_share") == 50


def test_every_version_says_whether_its_text_is_verified_or_reconstructed():
    load_demo()
    versions = RuleVersion.objects.filter(rule__rulebook__slug="labour").select_related("rule")

    unmarked = [
        str(v)
        for v in versions
        if "verified" not in v.note.lower() and "reconstructed" not in v.note.lower()
    ]
    verified = {(v.rule.key, v.seq) for v in versions if "(verified)" in v.note}

    assert unmarked == []
    # Only the 2016 printed wording of B.i and B.ii is verified word for word.
    assert verified == {("c4-ii-2-b-i", 3), ("c4-ii-2-b-ii", 3)}


def test_the_old_citation_of_the_challenge_rule_is_kept_in_its_versions():
    load_demo()
    rule = Rule.objects.get(rulebook__slug="labour", key="c4-ii-2-b-ii")

    numbers = list(rule.versions.order_by("seq").values_list("number", flat=True))

    assert numbers[0] == "Rule 4B(2)Bii"
    assert numbers[-1] == "4.II.2.B.ii"
    assert in_force("c4-ii-2-b-ii", "2010-01-01").number == "Rule 4B(2)Bii"


def test_conference_2017_added_three_clp_seats_to_the_nec():
    load_demo()

    assert parameter(in_force("c4-iii-1", "2017-01-01"), "nec_clp_seats") == 6
    assert parameter(in_force("c4-iii-1", "2018-01-15"), "nec_clp_seats") == 9


# --- Bodies, proposals and votes ---------------------------------------------------------------

CONFIDENCE = ("(V)", "(P)", "(U)", "(V ", "(P ", "(U ", "(V;", "(P;", "(U;")


def proposal(reference):
    return Proposal.objects.get(rulebook__slug="labour", reference=reference)


def test_the_2021_nomination_rule_comes_from_a_conference_card_vote_of_53_67_to_46_33():
    load_demo()
    version = in_force("c4-ii-2-b-i", "2022-01-01")

    amendment = version.amendment
    decision = amendment.proposal.votes.get(stage="decision")

    assert (amendment.proposal.reference, amendment.base_version.seq) == (
        "2021/NEC",
        version.seq - 1,
    )
    assert (decision.body.slug, decision.held_on, decision.method, decision.result) == (
        "conference",
        datetime.date(2021, 9, 26),
        "card_vote",
        "carried",
    )
    section = decision.sections.get()
    assert (section.weight, section.for_percent, section.against_percent) == (
        100,
        Decimal("53.67"),
        Decimal("46.33"),
    )
    assert "not published" in section.name


def test_the_nec_recommended_the_2021_package_by_22_to_12_with_one_abstention():
    load_demo()

    vote = proposal("2021/NEC").votes.get(stage="recommendation")

    assert (vote.body.slug, vote.held_on) == ("nec", datetime.date(2021, 9, 25))
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.result) == (
        22,
        12,
        1,
        "carried",
    )
    assert not vote.roll_call.exists()


def test_the_mcneill_amendment_fell_at_the_nec_and_changed_nothing():
    load_demo()
    mcneill = proposal("2021/McNeill")

    vote = mcneill.votes.get()

    assert mcneill.status == "lost"
    assert (vote.body.slug, vote.stage, vote.votes_for, vote.votes_against, vote.result) == (
        "nec",
        "decision",
        7,
        22,
        "lost",
    )
    assert not vote.body.decides
    assert "(P)" in vote.note and "(V)" in vote.note
    assert not mcneill.amendments.filter(produced_version__isnull=False).exists()


def test_the_lefts_5_per_cent_alternative_is_a_proposal_that_was_not_carried():
    load_demo()
    mcdonnell = proposal("2017/McDonnell")

    amendment = mcdonnell.amendments.get()

    assert mcdonnell.status == "remitted" and not mcdonnell.votes.exists()
    assert amendment.parameters == {"leader_nomination_mp_threshold": 5}
    assert amendment.produced_version is None
    assert "not carried (U)" in mcdonnell.rationale


def test_the_2017_changes_are_adopted_with_a_note_and_no_invented_vote():
    load_demo()
    nec_2017 = proposal("2017/NEC")

    produced = {(a.rule.key, a.produced_version.seq) for a in nec_2017.amendments.all()}

    assert produced == {("c4-ii-2-b-i", 4), ("c4-iii-1", 2)}
    assert not nec_2017.votes.exists()
    assert "figures were not found" in nec_2017.adoption_note


@pytest.mark.parametrize(
    ("key", "seq", "reference", "for_percent"),
    [
        ("c4-ii-2-b-i", 5, "2018/DR-nominations", "63.90"),
        ("c5-iv-5", 2, "2018/DR-trigger-ballots", "65.30"),
        ("c5-iv-5", 3, "2021/NEC", "53.67"),
    ],
)
def test_each_conference_change_links_to_its_card_vote(key, seq, reference, for_percent):
    load_demo()
    version = RuleVersion.objects.get(rule__rulebook__slug="labour", rule__key=key, seq=seq)

    decision = version.amendment.proposal.votes.get(stage="decision")

    assert version.amendment.proposal.reference == reference
    assert version.amendment.base_version.seq == seq - 1
    assert str(decision.sections.get().for_percent) == for_percent


def test_nec_members_on_1_february_2018_include_the_three_elected_in_january():
    load_demo()
    nec = Membership.objects.filter(body__rulebook__slug="labour", body__slug="nec")

    on_1_february = set(nec.on(datetime.date(2018, 2, 1)).values_list("name", flat=True))

    assert {"Yasmine Dar", "Jon Lansman", "Rachel Garnham"} <= on_1_february
    assert not nec.on(datetime.date(2018, 1, 14)).exists()
    assert Body.objects.get(rulebook__slug="labour", slug="conference").decides


def test_every_proposal_and_vote_says_how_sure_its_facts_are():
    load_demo()
    texts = [p.rationale for p in Proposal.objects.all()]
    texts += [p.adoption_note for p in Proposal.objects.exclude(adoption_note="")]
    texts += [v.note for v in Vote.objects.all()]

    assert len(texts) == 6 + 1 + 5  # rationales, one adoption note, votes
    assert [t for t in texts if not any(mark in t for mark in CONFIDENCE)] == []


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_the_demo_exported_and_imported_under_another_slug_exports_the_same(format):
    load_demo()
    text = dump_document(rulebook_export(rulebook=Rulebook.objects.get(slug="labour")), format)
    data = read_document(text, format=format)
    data["rulebook"]["slug"] = "labour-copy"

    copy = rulebook_export(rulebook=rulebook_import(data=data))

    assert copy["rulebook"].pop("slug") == "labour-copy"
    copy["rulebook"] = {"slug": "labour", **copy["rulebook"]}
    assert dump_document(copy, format) == text
    assert len(copy["proposals"]) == 6 and len(copy["bodies"]) == 2
