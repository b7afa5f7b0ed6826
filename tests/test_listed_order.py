"""Proposals are listed in one order everywhere: the newest Conference first, those not yet
put to a Conference last (on PostgreSQL too, where NULLs would sort first), then by
reference."""

import pytest
from rest_framework.test import APIClient

from proposals.models import Proposal
from tests.factories import ProposalFactory, RuleFactory, add_version, amend

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(rulebook):
    rule = RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "Ten.")
    for reference, year in [("2021/2", 2021), ("X/1", None), ("2023/1", 2023), ("2021/1", 2021)]:
        ProposalFactory(
            rulebook=rulebook,
            reference=reference,
            conference_year=year,
            amendments=[amend(rule, f"Twenty for {reference}.")],
            submitted=True,
        )
    return rulebook


EXPECTED = ["2023/1", "2021/1", "2021/2", "X/1"]


def test_the_queryset_lists_newest_conference_first_and_undated_last(proposals):
    listed = Proposal.objects.filter(rulebook=proposals).listed()

    assert [p.reference for p in listed] == EXPECTED
    assert [p.reference for p in Proposal.objects.filter(rulebook=proposals)] == EXPECTED


def test_the_api_lists_them_in_that_order(proposals):
    response = APIClient().get(f"/api/rulebooks/{proposals.slug}/proposals/")

    assert response.status_code == 200
    assert [p["reference"] for p in response.json()["results"]] == EXPECTED
