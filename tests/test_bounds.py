"""Every number and text is bounded where it is first given, to what the database stores and
the diff engine compares: nothing accepted at drafting can fail later, and a proposal whose
stored diff cannot be computed is still read (and written) without an error."""

import pytest
from django.urls import reverse

from proposals.models import Amendment, Proposal, Vote
from proposals.roles import DRAFTER, SECRETARY
from rulebook.diff import MAX_DIFF_CHARS
from rulebook.exchange import validate_document
from rulebook.models import AuditEntry
from tests.factories import staff, user
from tests.test_api_write import PROPOSALS, client_for, new_proposal, post, vote
from tests.test_exchange import minimal, rule, version
from tests.worlds import nomination_text, proposal_post

HUGE_TEXT = "word " * (MAX_DIFF_CHARS // 5 + 1)  # just over what the diff engine compares


@pytest.fixture
def drafter(party):
    return client_for(user("drafter", DRAFTER))


@pytest.fixture
def secretary(party):
    return client_for(user("secretary", SECRETARY))


def nothing_drafted():
    """No proposal 2026/7 (the one `new_proposal` drafts), nor any audit entry of it."""
    return (
        not Proposal.objects.filter(reference="2026/7").exists()
        and not AuditEntry.objects.filter(subject__contains="2026/7").exists()
    )


def test_a_parameter_value_too_large_to_store_is_refused_at_drafting(drafter):
    amendment = {"kind": "amend", "rule": "c4-nominations", "parameters": {"mp_threshold": 1e20}}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 400)
    assert errors == {
        "amendments[0].parameters": [
            "The value of 'mp_threshold': Ensure that there are no more than 14 digits in total."
        ]
    }
    assert nothing_drafted()


def test_a_parameter_value_with_too_many_decimal_places_is_refused_at_drafting(drafter):
    amendment = {"kind": "amend", "rule": "c4-nominations", "parameters": {"mp_threshold": 0.12345}}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 400)
    assert errors["amendments[0].parameters"] == [
        "The value of 'mp_threshold': Ensure that there are no more than 4 decimal places."
    ]
    assert nothing_drafted()


def test_the_importer_refuses_the_same_parameter_value_with_the_same_words():
    document = minimal(rule("a", version("1", "2015-01-01", parameters={"size": 1e20})))
    assert validate_document(document) == [
        "rules[0].versions[0].parameters.size: Ensure that there are no more than 14 digits in "
        "total."
    ]


def test_the_admin_drafting_form_refuses_a_parameter_value_too_large_to_store(client, club):
    client.force_login(staff("drafter", DRAFTER))
    row = {"rule": club.rule.pk, "text": "New text.", "parameters": '{"threshold": 1e20}'}
    response = client.post(
        reverse("admin:proposals_proposal_add"), proposal_post(club.rulebook, [row])
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["parameters"] == [
        "The value of 'threshold': Ensure that there are no more than 14 digits in total."
    ]
    assert not Proposal.objects.filter(rulebook=club.rulebook, reference="2026/4").exists()


def test_an_amendment_text_over_the_diff_cap_is_refused_naming_the_limit(drafter):
    amendment = {"kind": "amend", "rule": "c4-nominations", "text": HUGE_TEXT}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 400)
    assert errors == {
        "amendments[0].text": [f"Ensure this field has no more than {MAX_DIFF_CHARS} characters."]
    }
    assert nothing_drafted()


def test_drafting_itself_refuses_a_text_over_the_diff_cap_whatever_the_surface(party):
    from proposals.services.amendments import amendment_build

    with pytest.raises(Exception) as refused:
        amendment_build(
            rulebook=party.book, data={"kind": "amend", "rule": "c4-nominations", "text": HUGE_TEXT}
        )
    assert refused.value.message_dict == {
        "text": [
            f"The text is {len(HUGE_TEXT.strip()):,} characters long; the limit is "
            f"{MAX_DIFF_CHARS:,}."
        ]
    }


def test_a_heading_over_its_column_is_refused_at_drafting(drafter):
    amendment = {"kind": "amend", "rule": "c4-nominations", "heading": "h" * 301}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 400)
    assert errors == {
        "amendments[0].heading": ["Ensure this field has no more than 300 characters."]
    }
    assert nothing_drafted()


def stored_huge_amendment(party) -> Amendment:
    """The party's draft with a text saved before drafting refused such texts."""
    amendment = party.draft.amendments.get()
    Amendment.objects.filter(pk=amendment.pk).update(text=HUGE_TEXT)
    return amendment


def test_a_proposal_whose_stored_diff_cannot_be_computed_is_still_read(drafter, party):
    amendment = stored_huge_amendment(party)
    response = drafter.get(f"{PROPOSALS}{party.draft.pk}/")
    assert response.status_code == 200
    (answered,) = response.json()["amendments"]
    assert (answered["id"], answered["diff"]) == (amendment.pk, None)
    assert answered["text"] == HUGE_TEXT


def test_a_write_whose_answer_holds_a_huge_diff_still_answers_with_the_write_done(drafter, party):
    stored_huge_amendment(party)
    answer = post(drafter, f"{PROPOSALS}{party.draft.pk}/submit/", {}, 200)
    assert answer["status"] == "submitted"
    assert answer["amendments"][0]["diff"] is None
    assert Proposal.objects.get(pk=party.draft.pk).status == "submitted"
    assert (
        AuditEntry.objects.filter(action="proposal.submit", subject__contains="2026/1").count() == 1
    )


def test_a_count_beyond_what_the_database_stores_is_refused(secretary, drafter, party):
    post(drafter, f"{PROPOSALS}{party.draft.pk}/submit/")
    Proposal.objects.filter(pk=party.draft.pk).update(submitted_on="2026-06-01")
    show = vote(method="show_of_hands", votes_for=2**31, votes_against=1)
    errors = post(secretary, f"{PROPOSALS}{party.draft.pk}/votes/", show, 400)
    assert errors == {"votes_for": ["Ensure this value is less than or equal to 2147483647."]}
    assert not Vote.objects.filter(proposal=party.draft).exists()


def test_the_vote_check_itself_bounds_counts_for_the_admin_and_the_importer(party):
    from proposals.rules import check_vote

    checked = check_vote(
        body=party.nec,
        held_on=None,
        stage="recommendation",
        method="show_of_hands",
        majority="simple",
        counts={"votes_for": 2**31, "votes_against": 1, "abstentions": None},
    )
    assert [(p.path, p.message) for p in checked.problems] == [
        ("votes_for", "2147483648 is too large: a count is at most 2,147,483,647")
    ]


def test_an_ordinary_amendment_is_still_drafted_with_its_diff(drafter):
    amendment = {
        "kind": "amend",
        "rule": "c4-nominations",
        "text": nomination_text(5),
        "parameters": {"mp_threshold": 5.25},
    }
    created = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 201)
    assert created["amendments"][0]["parameters"] == {"mp_threshold": 5.25}
    assert created["amendments"][0]["diff"]["stats"]
