"""Show the arithmetic (issue 9, item 7): a card vote's weighted totals and a two-thirds vote's
share against its threshold, computed once (`proposals.services.tally.arithmetic`) and shown on
the pages and in the API; an adoption without a decision vote says so plainly."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from proposals.services import tally
from tests.factories import (
    ConferenceFactory,
    ProposalFactory,
    RuleFactory,
    add_version,
    amend,
    record_vote,
    user,
)

pytestmark = pytest.mark.django_db
CARD = [
    {"name": "CLPs", "weight": 50, "for_percent": 60.1, "against_percent": 39.9},
    {"name": "Affiliates", "weight": 50, "for_percent": 45, "against_percent": 55},
]


def test_a_card_vote_is_weighted_section_by_section():
    sections = [tally.Section.of(**s) for s in CARD]

    shown = tally.arithmetic(
        method="card_vote", majority="simple", votes_for=None, votes_against=None, sections=sections
    )

    assert (shown.weighted_for, shown.weighted_against) == (Decimal("52.55"), Decimal("47.45"))
    assert shown.text == "CLPs 60.1 % and Affiliates 45 % at 50/50 → 52.55 % for, 47.45 % against"


def test_a_two_thirds_vote_shows_its_share_against_the_threshold():
    shown = tally.arithmetic(
        method="show_of_hands", majority="two_thirds", votes_for=30, votes_against=14, sections=[]
    )

    assert shown.for_share == Decimal("68.2")
    assert shown.text == "68.2 % for, two thirds needed"


def test_a_simple_show_of_hands_needs_no_more_than_its_counts():
    shown = tally.arithmetic(
        method="show_of_hands", majority="simple", votes_for=3, votes_against=1, sections=[]
    )

    assert shown.text == "" and shown.weighted_for is None and shown.for_share is None


@pytest.fixture
def rule(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="quorum")
    add_version(rule, "2016-01-01", "The quorum is 10.")
    return rule


def test_the_page_and_the_api_show_the_weighted_total(client, rulebook, rule):
    proposal = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "12")], carried=True, sections=CARD
    )

    page = client.get(f"/{rulebook.slug}/proposals/{proposal.pk}/")
    answer = APIClient().get(f"/api/rulebooks/{rulebook.slug}/proposals/{proposal.pk}/votes/")

    assert page.status_code == 200
    assert "CLPs 60.1 % and Affiliates 45 % at 50/50 → 52.55 % for" in page.content.decode()
    assert answer.status_code == 200
    [vote] = answer.json()["results"]
    assert (vote["weighted_for_percent"], vote["weighted_against_percent"]) == (52.55, 47.45)
    assert vote["arithmetic"].endswith("→ 52.55 % for, 47.45 % against")


def test_the_rule_page_shows_the_arithmetic_of_the_votes_behind_a_version(client, rulebook, rule):
    ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "12")], adopted=True, sections=CARD)

    page = client.get(f"/{rulebook.slug}/rules/quorum/")

    assert page.status_code == 200
    assert "at 50/50 → 52.55 % for" in page.content.decode()


def test_a_two_thirds_vote_in_the_api(rulebook, rule):
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "12")], submitted=True)
    record_vote(
        proposal,
        body=ConferenceFactory(rulebook=rulebook),
        held_on=proposal.submitted_on,
        stage="decision",
        method="show_of_hands",
        majority="two_thirds",
        votes_for=30,
        votes_against=14,
    )

    [vote] = (
        APIClient()
        .get(f"/api/rulebooks/{rulebook.slug}/proposals/{proposal.pk}/votes/")
        .json()["results"]
    )

    assert (vote["for_share_percent"], vote["arithmetic"]) == (
        68.2,
        "68.2 % for, two thirds needed",
    )


def test_an_adoption_without_a_decision_vote_says_so_on_both_pages(client, rulebook, rule):
    note = "Carried by Conference; its figures were never found."
    proposal = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "12")], submitted=True)
    from proposals.services import proposal_adopt

    proposal_adopt(
        proposal=proposal,
        effective_from=proposal.submitted_on,
        by=user("root", superuser=True),
        note=note,
    )

    for url in (f"/{rulebook.slug}/proposals/{proposal.pk}/", f"/{rulebook.slug}/rules/quorum/"):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert f"Adopted without a recorded decision vote: {note}" in text
        assert "without a Conference vote" not in text


def test_the_demo_2017_adoption_reads_plainly(client):
    from django.core.management import call_command

    from proposals.models import Proposal

    call_command("load_demo")
    proposal = Proposal.objects.get(reference="2017/NEC")

    page = client.get(f"/labour/proposals/{proposal.pk}/").content.decode()
    rule_page = client.get("/labour/rules/c4-ii-2-b-i/").content.decode()

    assert "Adopted without a recorded decision vote: Carried by Conference 2017" in page
    assert "Adopted without a recorded decision vote: Carried by Conference 2017" in rule_page
