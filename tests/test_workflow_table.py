"""The workflow is one table on Proposal: which action each status allows, read by the
services, the admin's buttons, the API and the importer alike."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import TRANSITIONS, Proposal

Status, Action = Proposal.Status, Proposal.Action

# The table as the product defines it (DESIGN.md, the workflow): changing it is deliberate.
ALLOWED = {
    Action.EDIT: {"draft"},
    Action.SUBMIT: {"draft"},
    Action.VOTE: {"submitted"},
    Action.ADOPT: {"carried"},
    Action.REBASE: {"draft", "submitted", "carried"},
    Action.WITHDRAW: {"draft", "submitted"},
    Action.REMIT: {"submitted"},
}


def test_every_action_of_the_workflow_is_in_the_table():
    assert set(TRANSITIONS) == set(Action.values)


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", Action.values)
def test_a_proposal_allows_an_action_exactly_in_the_statuses_of_the_table(status, action):
    proposal = Proposal(reference="2026/4", status=status)

    assert proposal.allows(action) == (status in ALLOWED[action])


@pytest.mark.parametrize("status", Status.values)
def test_a_superuser_with_a_note_may_adopt_any_proposal_still_open(status):
    proposal = Proposal(reference="2026/4", status=status)

    assert proposal.allows(Action.ADOPT, with_note=True) == (
        status in {"draft", "submitted", "carried"}
    )


def test_the_steps_that_set_a_status_say_which():
    targets = {action: t.target for action, t in TRANSITIONS.items() if t.target}

    assert targets == {
        Action.SUBMIT: "submitted",
        Action.ADOPT: "adopted",
        Action.WITHDRAW: "withdrawn",
        Action.REMIT: "remitted",
    }


def test_a_refused_action_says_the_status_and_which_statuses_allow_it():
    proposal = Proposal(reference="2026/4", status=Status.LOST)

    with pytest.raises(ValidationError) as excinfo:
        proposal.require(Action.WITHDRAW)

    assert excinfo.value.message_dict == {
        "status": ["Proposal 2026/4 is lost; only a draft or submitted proposal can be withdrawn."]
    }
    assert excinfo.value.error_dict["status"][0].code == "status"


def test_a_refused_adoption_with_a_note_says_so():
    proposal = Proposal(reference="2026/4", status=Status.ADOPTED)

    with pytest.raises(ValidationError) as excinfo:
        proposal.require(Action.ADOPT, with_note=True)

    assert excinfo.value.message_dict["status"] == [
        "Proposal 2026/4 is adopted; even with a note only a draft, submitted or carried "
        "proposal can be adopted."
    ]


def test_an_allowed_action_is_not_refused():
    Proposal(reference="2026/4", status=Status.SUBMITTED).require(Action.REMIT)
