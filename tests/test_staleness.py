"""One definition of a stale amendment: the `with_staleness` annotation, which
`Amendment.is_stale` reads (or computes the same way), used by adoption, the admin, the API
and the admissibility warnings, with one wording of the reason."""

import datetime

import pytest
from rest_framework.test import APIClient

from proposals.checks import admissibility_warnings
from proposals.models import Amendment, Proposal
from proposals.services import StaleAmendments, proposal_adopt
from tests.factories import ProposalFactory, RuleFactory, add_version, amend, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rulebook):
    """An up-to-date draft, an insert, a carried proposal overtaken by a newer version, and
    an adopted one."""
    rule, other = RuleFactory(rulebook=rulebook, key="quorum"), RuleFactory(rulebook=rulebook)
    add_version(rule, "2016-01-01", "Ten.")
    add_version(other, "2016-01-01", "Old.")
    adopted = ProposalFactory(
        rulebook=rulebook, amendments=[amend(other, "New.")], reference="A/1", carried=True
    )
    proposal_adopt(proposal=adopted, effective_from=datetime.date(2026, 10, 1))
    overtaken = ProposalFactory(
        rulebook=rulebook, amendments=[amend(rule, "Twenty.")], reference="S/1", carried=True
    )
    add_version(rule, "2020-01-01", "Fifteen.")
    fresh = ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "Thirty.")], reference="D/1")
    inserting = ProposalFactory(
        rulebook=rulebook,
        amendments=[{"kind": "insert", "key": "new", "number": "9", "text": "t"}],
        reference="I/1",
    )
    return {"fresh": fresh, "overtaken": overtaken, "adopted": adopted, "insert": inserting}


def test_the_annotation_and_the_property_agree_on_every_amendment(world):
    annotated = {a.pk: a.is_stale for a in Amendment.objects.with_staleness()}
    computed = {a.pk: a.is_stale for a in Amendment.objects.all()}

    assert annotated == computed
    stale = {a.proposal.reference for a in Amendment.objects.all() if a.is_stale}
    assert stale == {"S/1"}
    assert list(Proposal.objects.stale()) == [world["overtaken"]]


def test_the_annotation_gives_the_rules_latest_version(world):
    amendment = Amendment.objects.with_staleness().get(proposal=world["overtaken"])

    assert (amendment.is_stale, amendment.latest_seq, amendment.base_version.seq) == (True, 2, 1)
    assert amendment.stale_reason() == "drafted against quorum v1; the rule is now at v2"


def test_adoption_the_warnings_and_the_admin_give_one_reason(world, admin_client):
    overtaken = world["overtaken"]
    reason = "drafted against quorum v1; the rule is now at v2"

    with pytest.raises(StaleAmendments) as excinfo:
        proposal_adopt(proposal=overtaken, effective_from=datetime.date(2027, 1, 1))
    assert reason in str(excinfo.value)
    assert Proposal.objects.get(pk=overtaken.pk).status == "carried"
    (warning,) = [w for w in admissibility_warnings(overtaken) if w.code == "stale"]
    assert warning.message == f"D{reason[1:]}. Rebase before adoption."
    response = admin_client.post(
        f"/admin/proposals/proposal/{overtaken.pk}/adopt/", {"effective_from": "2027-01-01"}
    )
    assert response.status_code == 200
    assert reason in response.content.decode()


def test_the_api_marks_exactly_the_stale_amendments(world):
    slug = world["fresh"].rulebook.slug

    # As staff: drafts are private, and two of these are drafts.
    api = APIClient()
    api.force_authenticate(user("reader", superuser=True))
    response = api.get(f"/api/rulebooks/{slug}/proposals/")

    assert response.status_code == 200
    stale = {
        p["reference"]: [a["stale"] for a in p["amendments"]] for p in response.json()["results"]
    }
    assert stale == {"A/1": [False], "S/1": [True], "D/1": [False], "I/1": [False]}
