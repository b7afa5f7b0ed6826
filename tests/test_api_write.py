"""The write API: drafting proposals with nested amendments, the workflow steps and votes.

Each answer is checked; every refusal is a 4xx JSON body naming the field and the problem.
"""

import pytest
from rest_framework.test import APIClient

from proposals.models import Proposal, Vote
from proposals.roles import DRAFTER, SECRETARY
from rulebook.models import AuditEntry, RuleVersion
from tests.factories import CARD_60_40, token_for, user
from tests.worlds import nomination_text

PROPOSALS = "/api/rulebooks/party/proposals/"


def client_for(person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(person)}")
    return client


@pytest.fixture
def drafter(party):
    return client_for(user("drafter", DRAFTER))


@pytest.fixture
def secretary(party):
    return client_for(user("secretary", SECRETARY))


def audited(action: str, proposal_id: int) -> AuditEntry:
    """The one audit entry of `action` on the proposal."""
    return AuditEntry.objects.get(action=action, data__proposal=proposal_id)


def post(client, url, body=None, status=200):
    response = client.post(url, body or {}, format="json")
    assert response.status_code == status, response.content
    return response.json()


def new_proposal(**fields):
    return {
        "reference": "2026/7",
        "title": "Four kinds of change",
        "proposer": "Northfield CLP",
        "rationale": "Because.",
        "conference_year": 2026,
        **fields,
    }


def test_a_drafter_creates_a_proposal_with_each_kind_of_amendment(drafter):
    body = new_proposal(
        amendments=[
            {
                "kind": "amend",
                "rule": "c4-nominations",
                "text": nomination_text(5),
                "parameters": {"mp_threshold": 5},
            },
            {
                "kind": "insert",
                "key": "c4-affiliates",
                "parent": "ch4",
                "after": "c4-nominations",
                "number": "4.II.2.B.ii",
                "heading": "Affiliate route",
                "text": "Or 5 per cent of CLPs.",
            },
            {"kind": "repeal", "rule": "c5-trigger"},
            {"kind": "renumber", "rule": "ch5", "number": "6"},
        ]
    )
    created = post(drafter, PROPOSALS, body, 201)
    assert created["status"] == "draft"
    assert created["reference"] == "2026/7"
    amend, insert, repeal, renumber = created["amendments"]
    assert (amend["rule"], amend["base_version"], amend["stale"]) == ("c4-nominations", 3, False)
    assert "<del>20</del><ins>5</ins>" in amend["diff"]["html"]
    assert (insert["rule"], insert["key"], insert["base_version"]) == (None, "c4-affiliates", None)
    assert insert["after"] == "c4-nominations"
    assert repeal["diff"]["stats"]["words_added"] == 0
    assert renumber["number"] == "6"
    saved = Proposal.objects.get(pk=created["id"])
    assert (saved.status, saved.created_by.username) == ("draft", "drafter")
    assert [a.kind for a in saved.amendments.order_by("order")] == [
        "amend",
        "insert",
        "repeal",
        "renumber",
    ]
    entry = audited("proposal.create", saved.pk)
    assert (entry.actor.username, entry.data["amendments"]) == ("drafter", 4)


def test_every_problem_with_the_amendments_is_named_by_its_path(drafter):
    body = new_proposal(
        amendments=[
            {"kind": "amend", "rule": "nope", "text": "x"},
            {"kind": "insert", "key": "Bad Key", "number": "1"},
            {"kind": "explode"},
            "not an object",
        ]
    )
    errors = post(drafter, PROPOSALS, body, 400)
    assert set(errors) == {
        "amendments[2].kind",
        "amendments[3]",
    }, "type errors are reported before the service is asked"
    del body["amendments"][2:]
    errors = post(drafter, PROPOSALS, body, 400)
    assert "amendments[0].rule" in errors
    assert errors["amendments[1].text"] == ["Required for an insert amendment."]
    assert all(isinstance(m, list) and m for m in errors.values())
    assert not Proposal.objects.filter(reference="2026/7").exists()
    assert not AuditEntry.objects.filter(action="proposal.create", actor__username="drafter")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "t", "proposer": "p"}, "reference"),
        ({"reference": "", "title": "t", "proposer": "p"}, "reference"),
        ({"reference": "2021/1", "title": "t", "proposer": "p"}, "reference"),
        (
            {"reference": "r", "title": "t", "proposer": "p", "conference_year": 1200},
            "conference_year",
        ),
        (
            {"reference": "r", "title": "t", "proposer": "p", "amendments": {"kind": "x"}},
            "amendments",
        ),
        ({"reference": ["r"], "title": "t", "proposer": "p"}, "reference"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(drafter, body, field):
    assert field in post(drafter, PROPOSALS, body, 400)


def test_a_body_that_is_not_a_json_object_is_a_400(drafter):
    assert "detail" in post(drafter, PROPOSALS, ["a list"], 400)
    response = drafter.post(PROPOSALS, "{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    response = drafter.post(PROPOSALS, "reference=x", content_type="text/plain")
    assert response.status_code == 415 and "detail" in response.json()


def test_a_draft_is_edited_with_patch_and_replaced_with_put(drafter, party):
    url = f"{PROPOSALS}{party.draft.pk}/"
    patched = drafter.patch(url, {"title": "One quarter"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "One quarter"
    assert patched.json()["amendments"][0]["text"] == "One quarter of branches."
    replaced = drafter.put(
        url,
        new_proposal(
            reference="2026/1",
            amendments=[{"kind": "amend", "rule": "c5-trigger", "text": "Half of branches."}],
        ),
        format="json",
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["rationale"] == "Because."
    assert [a["text"] for a in replaced.json()["amendments"]] == ["Half of branches."]
    incomplete = drafter.put(url, {"title": "x"}, format="json")
    assert incomplete.status_code == 400
    assert {"reference", "proposer"} <= set(incomplete.json())
    saved = Proposal.objects.get(pk=party.draft.pk)
    assert (saved.title, saved.rationale) == ("Four kinds of change", "Because.")
    assert [a.text for a in saved.amendments.all()] == ["Half of branches."]
    assert AuditEntry.objects.filter(action="proposal.update", data__proposal=saved.pk).count() == 2


def test_only_a_draft_can_be_edited_or_submitted(drafter, party):
    url = f"{PROPOSALS}{party.adopted.pk}/"
    refused = drafter.patch(url, {"title": "Changed"}, format="json")
    assert refused.status_code == 409
    assert "only a draft" in refused.json()["status"][0]
    assert "status" in post(drafter, url + "submit/", status=409)
    saved = Proposal.objects.get(pk=party.adopted.pk)
    assert (saved.title, saved.status) == ("Proposal 2021/1", "adopted")


def test_submitting_and_withdrawing(drafter, party):
    url = f"{PROPOSALS}{party.draft.pk}/"
    submitted = post(drafter, url + "submit/")
    assert submitted["status"] == "submitted"
    assert submitted["submitted_on"]
    assert Proposal.objects.get(pk=party.draft.pk).status == "submitted"
    assert audited("proposal.submit", party.draft.pk).actor.username == "drafter"
    assert post(drafter, url + "withdraw/")["status"] == "withdrawn"
    assert "status" in post(drafter, url + "withdraw/", status=409)
    assert Proposal.objects.get(pk=party.draft.pk).status == "withdrawn"
    assert audited("proposal.withdrawn", party.draft.pk).data["previous"] == "submitted"


def test_a_proposal_without_amendments_cannot_be_submitted(drafter):
    created = post(drafter, PROPOSALS, new_proposal(), 201)
    errors = post(drafter, f"{PROPOSALS}{created['id']}/submit/", status=400)
    assert "amendments" in errors
    assert Proposal.objects.get(pk=created["id"]).status == "draft"
    assert not AuditEntry.objects.filter(action="proposal.submit", data__proposal=created["id"])


def test_unknown_proposals_are_404_for_every_action(drafter, secretary, party):
    for action in ("submit/", "withdraw/", "rebase/"):
        assert "detail" in post(drafter, f"{PROPOSALS}999999/{action}", status=404)
    adopt = {"effective_from": "2027-01-01"}
    assert "detail" in post(secretary, f"{PROPOSALS}999999/adopt/", adopt, 404)
    assert "detail" in post(secretary, f"{PROPOSALS}999999/votes/", {}, 404)
    assert drafter.get(f"{PROPOSALS}999999/").status_code == 404


@pytest.fixture
def submitted(drafter, party):
    post(drafter, f"{PROPOSALS}{party.draft.pk}/submit/")
    # The API submits today; the votes below were held in 2026, after a submission in June
    # (a vote cannot be held before its proposal was submitted).
    Proposal.objects.filter(pk=party.draft.pk).update(submitted_on="2026-06-01")
    return f"{PROPOSALS}{party.draft.pk}/"


def vote(**fields):
    return {"body": "nec", "held_on": "2026-07-01", "stage": "recommendation", **fields}


def test_a_show_of_hands_is_recorded_with_its_computed_result(secretary, submitted):
    show = vote(method="show_of_hands", votes_for=22, votes_against=12, abstentions=1)
    recorded = post(secretary, submitted + "votes/", show, 201)
    assert recorded["result"] == "carried"
    assert (recorded["votes_for"], recorded["votes_against"]) == (22, 12)
    two_thirds = vote(method="show_of_hands", majority="two_thirds", votes_for=20, votes_against=12)
    assert post(secretary, submitted + "votes/", two_thirds, 201)["result"] == "lost"
    listed = secretary.get(submitted + "votes/").json()
    assert listed["count"] == 2
    saved = Vote.objects.get(pk=recorded["id"])
    assert (saved.body.slug, saved.votes_for, saved.votes_against, saved.abstentions) == (
        "nec",
        22,
        12,
        1,
    )
    entry = AuditEntry.objects.get(action="vote.record", data__vote=saved.pk)
    assert (entry.actor.username, entry.data["result"]) == ("secretary", "carried")


def test_a_roll_call_records_each_members_choice(secretary, submitted):
    roll_call = [
        {"member": "Ada Lovelace", "choice": "for"},
        {"member": "Keir Hardie", "choice": "against"},
        {"member": "Jo Cox", "choice": "abstain"},
    ]
    recorded = post(
        secretary, submitted + "votes/", vote(method="roll_call", roll_call=roll_call), 201
    )
    assert (recorded["votes_for"], recorded["votes_against"], recorded["abstentions"]) == (1, 1, 1)
    assert recorded["result"] == "lost", "a tie is lost"
    assert [e["member"] for e in recorded["roll_call"]] == ["Ada Lovelace", "Jo Cox", "Keir Hardie"]
    saved = Vote.objects.get(pk=recorded["id"])
    assert {e.membership.name: e.choice for e in saved.roll_call.all()} == {
        "Ada Lovelace": "for",
        "Keir Hardie": "against",
        "Jo Cox": "abstain",
    }


def test_a_card_vote_decides_the_proposal(secretary, submitted):
    card = vote(
        body="conference",
        stage="decision",
        method="card_vote",
        sections=CARD_60_40,
        held_on="2026-09-20",
    )
    recorded = post(secretary, submitted + "votes/", card, 201)
    assert recorded["result"] == "carried"
    assert [s["name"] for s in recorded["sections"]] == ["CLPs", "Affiliates"]
    assert recorded["sections"][0]["for_percent"] == 60.1
    assert secretary.get(submitted).json()["status"] == "carried"
    saved = Vote.objects.get(pk=recorded["id"])
    assert [(s.name, float(s.for_percent)) for s in saved.sections.all()] == [
        ("CLPs", 60.1),
        ("Affiliates", 55.0),
    ]
    assert saved.proposal.status == "carried"


def hands(**fields):
    return {"method": "show_of_hands", "votes_for": 3, "votes_against": 1, **fields}


def card(**section):
    return {"method": "card_vote", "sections": [{"name": "CLPs", "weight": 50, **section}]}


def roll(member, choice):
    return {"method": "roll_call", "roll_call": [{"member": member, "choice": choice}]}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (roll("Nobody", "for"), "roll_call[0].member"),
        (roll("Jo Cox", "maybe"), "roll_call[0].choice"),
        (hands(votes_against=None), "votes_against"),
        (hands(votes_for=-3), "votes_for"),
        (card(for_percent=70, against_percent=40), "sections"),
        (card(weight="half", for_percent=1, against_percent=1), "sections[0].weight"),
        (hands(stage="decision"), "stage"),
        (hands(body="nope"), "body"),
        (hands(held_on="soon"), "held_on"),
        (hands(declared_result="lost"), "declared_result"),
        ({"method": "by_acclamation"}, "method"),
    ],
)
def test_impossible_votes_are_refused_naming_the_field(secretary, submitted, fields, problem):
    errors = post(secretary, submitted + "votes/", vote(**fields), 400)
    assert problem in errors, errors
    assert not Vote.objects.filter(proposal__reference="2026/1").exists()
    assert not AuditEntry.objects.filter(action="vote.record", actor__username="secretary")


def test_votes_on_a_draft_are_refused(secretary, party):
    show = vote(method="show_of_hands", votes_for=1, votes_against=0)
    assert "status" in post(secretary, f"{PROPOSALS}{party.draft.pk}/votes/", show, 409)


def test_votes_filter_by_body_stage_and_date(secretary, party):
    url = f"{PROPOSALS}{party.adopted.pk}/votes/"

    def held(**params):
        return [v["body"] for v in secretary.get(url, params).json()["results"]]

    assert held() == ["nec", "conference"]
    assert held(body="conference") == ["conference"]
    assert held(stage="recommendation") == ["nec"]
    assert held(held_on_after="2021-09-20") == ["conference"]
    assert held(held_on_before="2021-09-20") == ["nec"]
    assert secretary.get(url, {"stage": "vote"}).status_code == 400


def test_proposals_filter_by_status_year_proposer_and_rule(drafter, party):
    api = drafter  # who may read the draft 2026/1 (tests/test_drafts_private.py: no one else)

    def references(**params):
        return [p["reference"] for p in api.get(PROPOSALS, params).json()["results"]]

    assert references() == ["2026/1", "2021/1"], "newest Conference first"
    assert references(status="adopted") == ["2021/1"]
    assert references(year=2026) == ["2026/1"]
    assert references(proposer="northfield") == ["2026/1"]
    assert references(rule="c4-nominations") == ["2021/1"]
    assert references(rule="nope") == []
    bad = api.get(PROPOSALS, {"status": "won", "year": "soon"})
    assert bad.status_code == 400 and {"status", "year"} <= set(bad.json())


def test_adoption_needs_a_date_and_a_carried_decision(secretary, party, submitted):
    url = submitted + "adopt/"
    assert list(post(secretary, url, {}, 400)) == ["effective_from"]
    assert list(post(secretary, url, {"effective_from": "27/09/2026"}, 400)) == ["effective_from"]
    refused = post(secretary, url, {"effective_from": "2026-09-27"}, 409)
    assert "only a carried proposal" in refused["status"][0]
    assert Proposal.objects.get(pk=party.draft.pk).status == "submitted"
    assert party.trigger.versions.count() == 1
    assert not AuditEntry.objects.filter(action="proposal.adopt", data__proposal=party.draft.pk)


def test_a_superuser_adopts_without_a_vote_given_a_note(party):
    root = client_for(user("root", superuser=True))
    adopted = post(
        root,
        f"{PROPOSALS}{party.draft.pk}/adopt/",
        {"effective_from": "2027-01-01", "note": "Consolidation of the 2026 text."},
    )
    assert adopted["proposal"]["status"] == "adopted"
    assert adopted["proposal"]["adoption_note"] == "Consolidation of the 2026 text."
    [version] = adopted["versions"]
    assert (version["rule"], version["version"], version["effective_from"]) == (
        "c5-trigger",
        2,
        "2027-01-01",
    )
    assert version["text"] == "One quarter of branches."
    saved = RuleVersion.objects.get(rule=party.trigger, seq=2)
    assert (saved.text, saved.effective_from.isoformat(), saved.amendment.proposal_id) == (
        "One quarter of branches.",
        "2027-01-01",
        party.draft.pk,
    )
    assert Proposal.objects.get(pk=party.draft.pk).status == "adopted"
    entry = audited("proposal.adopt", party.draft.pk)
    assert (entry.actor.username, entry.data["note"]) == ("root", "Consolidation of the 2026 text.")
    assert entry.data["versions"] == [saved.pk]


def test_rebasing_a_proposal_with_nothing_stale_changes_nothing(drafter, party):
    rebased = post(drafter, f"{PROPOSALS}{party.draft.pk}/rebase/")
    [amendment] = rebased["amendments"]
    assert amendment["outcome"] == "unchanged"
    assert (amendment["conflict"], amendment["base_version"]) == (False, 1)
    saved = party.draft.amendments.get()
    assert (saved.base_version.seq, saved.text) == (1, "One quarter of branches.")


def test_a_token_is_made_by_the_management_command(party):
    from io import StringIO

    from django.core.management import call_command

    person = user("cli", DRAFTER)
    out = StringIO()
    call_command("drf_create_token", "cli", stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert post(client, PROPOSALS, new_proposal(), 201)["status"] == "draft"
    assert person.auth_token.key == key


def test_a_session_login_can_write_too(party):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(user("session", DRAFTER))
    assert post(client, PROPOSALS, new_proposal(), 201)["status"] == "draft"


def test_a_bad_token_is_a_401_even_for_reads(party):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(PROPOSALS)
    assert response.status_code == 401 and "detail" in response.json()
