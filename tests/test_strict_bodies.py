"""Write bodies are strict: an unknown field, a number where text belongs, a control or
bidirectional-override character, or a list over its cap is a 400 naming its path, with
nothing written; an overlong list is refused before any of its items is read."""

import pytest
from django.urls import reverse

from proposals.api.inputs import MAX_AMENDMENTS, MAX_ROLL_CALL, MAX_SECTIONS
from proposals.models import Amendment, Proposal, Vote
from proposals.roles import DRAFTER, SECRETARY
from rulebook.exchange import validate_document
from rulebook.models import AuditEntry
from tests.factories import CARD_60_40, staff, user
from tests.test_api_write import PROPOSALS, client_for, new_proposal, post, vote
from tests.test_exchange import minimal, rule, version
from tests.worlds import proposal_post

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shows what follows it backwards


@pytest.fixture
def drafter(party):
    return client_for(user("drafter", DRAFTER))


@pytest.fixture
def secretary(party):
    return client_for(user("secretary", SECRETARY))


@pytest.fixture
def submitted(drafter, party):
    post(drafter, f"{PROPOSALS}{party.draft.pk}/submit/")
    Proposal.objects.filter(pk=party.draft.pk).update(submitted_on="2026-06-01")
    return f"{PROPOSALS}{party.draft.pk}/"


def record():
    """Every proposal, amendment and vote row, and the audit trail, as they stand."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Amendment.objects.order_by("pk").values()),
        list(Vote.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def test_a_misspelt_amendment_field_is_refused_with_its_path(drafter):
    before = record()
    typo = {"kind": "amend", "rule": "c4-nominations", "parametrs": {"mp_threshold": 5}}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[typo]), 400)
    assert errors == {"amendments[0].parametrs": ["Unknown field."]}
    assert record() == before


def test_an_unknown_proposal_field_is_refused_on_create_and_on_edit(drafter, party):
    before = record()
    errors = post(drafter, PROPOSALS, new_proposal(status="adopted"), 400)
    assert errors == {"status": ["Unknown field."]}
    response = drafter.patch(f"{PROPOSALS}{party.draft.pk}/", {"titel": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"titel": ["Unknown field."]}
    assert record() == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"method": "show_of_hands", "votes_for": 3, "votes_against": 1, "result": "carried"},
         "result"),
        ({"method": "card_vote", "sections": [{**CARD_60_40[0], "abstain_percent": 0}]},
         "sections[0].abstain_percent"),
        ({"method": "roll_call", "roll_call": [{"member": "A", "choice": "for", "seat": "x"}]},
         "roll_call[0].seat"),
    ],
)  # fmt: skip
def test_an_unknown_vote_field_is_refused_with_its_path(secretary, submitted, fields, path):
    before = record()
    errors = post(secretary, submitted + "votes/", vote(**fields), 400)
    assert errors == {path: ["Unknown field."]}
    assert record() == before


@pytest.mark.parametrize("step", ["submit", "withdraw", "remit", "rebase"])
def test_a_step_that_takes_no_input_refuses_any_field(drafter, party, step):
    before = record()
    errors = post(drafter, f"{PROPOSALS}{party.draft.pk}/{step}/", {"force": True}, 400)
    assert errors == {"force": ["Unknown field."]}
    assert record() == before


def test_adoption_and_void_refuse_unknown_fields(secretary, party):
    before = record()
    url = f"{PROPOSALS}{party.adopted.pk}/"
    adopt = {"effective_from": "2027-01-01", "efective_to": "2028-01-01"}
    assert post(secretary, url + "adopt/", adopt, 400) == {"efective_to": ["Unknown field."]}
    voted = party.adopted.votes.first()
    void = {"reason": "Wrong proposal", "voided_at": "2020-01-01"}
    errors = post(secretary, f"{url}votes/{voted.pk}/void/", void, 400)
    assert errors == {"voided_at": ["Unknown field."]}
    assert record() == before


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"title": 12}, "title", "Give text, not a number."),
        ({"proposer": True}, "proposer", "Give text, not true or false."),
        ({"title": f"Lower the threshold{RLO}dlohserht"}, "title",
         "Text contains the bidirectional formatting character U+202E at position 20, which "
         "can make text display otherwise than it reads."),
        ({"title": "Two\nlines"}, "title", "Text contains the control character U+000A at "
         "position 4."),
        ({"rationale": "Bell\x07"}, "rationale", "Text contains the control character U+0007 at "
         "position 5 (line breaks and tabs are allowed)."),
    ],
)  # fmt: skip
def test_text_fields_take_only_safe_text(drafter, fields, path, message):
    before = record()
    errors = post(drafter, PROPOSALS, new_proposal(**fields), 400)
    assert errors == {path: [message]}
    assert record() == before


def test_an_amendment_number_and_text_are_checked_the_same_way(drafter):
    before = record()
    amendment = {"kind": "amend", "rule": "c4-nominations", "number": 4, "text": f"a{RLO}b"}
    errors = post(drafter, PROPOSALS, new_proposal(amendments=[amendment]), 400)
    assert set(errors) == {"amendments[0].number", "amendments[0].text"}
    assert errors["amendments[0].number"] == ["Give text, not a number."]
    assert record() == before


def test_line_breaks_and_tabs_are_kept_in_long_texts(drafter):
    created = post(drafter, PROPOSALS, new_proposal(rationale="One.\n\tTwo.\r\nThree."), 201)
    assert Proposal.objects.get(pk=created["id"]).rationale == "One.\n\tTwo.\r\nThree."


def test_too_many_amendments_are_refused_before_any_is_read(drafter, django_assert_max_num_queries):
    before = record()
    many = [{"kind": "repeal", "rule": "c5-trigger"}] * (10 * MAX_AMENDMENTS)
    with django_assert_max_num_queries(5):  # the token and the rule book, never per item
        errors = post(drafter, PROPOSALS, new_proposal(amendments=many), 400)
    assert errors == {"amendments": [f"At most {MAX_AMENDMENTS} items; this list has more."]}
    assert record() == before


def test_too_many_sections_or_roll_call_entries_are_refused_before_any_is_read(
    secretary, submitted, django_assert_max_num_queries
):
    before = record()
    sections = [CARD_60_40[0]] * (500 * MAX_SECTIONS)
    entries = [{"member": "A", "choice": "for"}] * (MAX_ROLL_CALL + 1)
    for fields, path, cap in (
        ({"method": "card_vote", "sections": sections}, "sections", MAX_SECTIONS),
        ({"method": "roll_call", "roll_call": entries}, "roll_call", MAX_ROLL_CALL),
    ):
        with django_assert_max_num_queries(8):  # token, rule book, proposal, body: not per item
            errors = post(secretary, submitted + "votes/", vote(**fields), 400)
        assert errors == {path: [f"At most {cap} items; this list has more."]}
    assert record() == before


def test_the_caps_are_in_the_schema_as_max_items(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert schemas["ProposalInputRequest"]["properties"]["amendments"]["maxItems"] == 200
    assert schemas["VoteInputRequest"]["properties"]["sections"]["maxItems"] == 20
    assert schemas["VoteInputRequest"]["properties"]["roll_call"]["maxItems"] == 1000


def test_the_admin_proposal_form_refuses_a_bidirectional_override_in_a_title(client, club):
    client.force_login(staff("drafter", DRAFTER))
    before = record()
    data = proposal_post(club.rulebook, title=f"Lower{RLO}rewol")
    response = client.post(reverse("admin:proposals_proposal_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Text contains the bidirectional formatting character U+202E at position 6, which "
        "can make text display otherwise than it reads."
    ]
    assert record() == before


def test_the_admin_amendment_row_refuses_a_control_character_in_a_heading(client, club):
    client.force_login(staff("drafter", DRAFTER))
    before = record()
    row = {"rule": club.rule.pk, "heading": "Nomi\x1bnations", "text": "New text."}
    response = client.post(
        reverse("admin:proposals_proposal_add"), proposal_post(club.rulebook, [row])
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["heading"] == ["The heading contains the control character U+001B at position 5."]
    assert record() == before


def test_the_importer_refuses_the_same_characters_with_its_path():
    document = minimal(rule("a", version("1", "2015-01-01", heading=f"A{RLO}b", text="x\x0by")))
    assert validate_document(document) == [
        "rules[0].versions[0].heading: contains the bidirectional formatting character U+202E "
        "at position 2, which can make text display otherwise than it reads",
        "rules[0].versions[0].text: contains the control character U+000B at position 2 (line "
        "breaks and tabs are allowed)",
    ]
