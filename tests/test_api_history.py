"""A rule change's whole history driven through the API, every answer checked.

The leadership nomination threshold stands at 20 per cent (2021). Three drafts target it:
A lowers it to 12 per cent, B moves the closing time of nominations (another sentence), C
raises it to 30 per cent. The NEC recommends A by roll call; Conference carries all three by
card vote. A is adopted; B, drafted on the old text, is refused as stale (409) with nothing
applied, rebased cleanly and adopted; C's rebase conflicts with A and stays refused.
"""

import pytest
from rest_framework.test import APIClient

from proposals.models import Proposal
from proposals.roles import DRAFTER, SECRETARY
from rulebook.models import RuleVersion
from tests import worlds
from tests.factories import CARD_60_40, token_for, user

BOOK = "/api/rulebooks/party/"
RULE = BOOK + "rules/c4-nominations/"
TEXT_20 = worlds.nomination_text(20)


def client_for(person):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(person)}")
    return client


def call(client, method, url, body=None, status=200):
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == status, (url, response.content)
    return response.json()


def draft(drafter, reference, text, **amendment):
    body = {
        "reference": reference,
        "title": f"Proposal {reference}",
        "proposer": "Northfield CLP",
        "conference_year": 2026,
        "amendments": [{"kind": "amend", "rule": "c4-nominations", "text": text, **amendment}],
    }
    created = call(drafter, "post", BOOK + "proposals/", body, 201)
    assert created["status"] == "draft"
    [amendment] = created["amendments"]
    assert (amendment["base_version"], amendment["stale"]) == (3, False)
    return created


def test_a_rule_change_from_draft_to_adoption_with_a_stale_rival(party):
    drafter = client_for(user("drafter", DRAFTER))
    secretary = client_for(user("secretary", SECRETARY))
    public = APIClient()

    a = draft(
        drafter, "2026/A", TEXT_20.replace("20 per", "12 per"), parameters={"mp_threshold": 12}
    )
    b = draft(drafter, "2026/B", TEXT_20.replace("at noon", "at 5pm"))
    c = draft(
        drafter, "2026/C", TEXT_20.replace("20 per", "30 per"), parameters={"mp_threshold": 30}
    )
    assert "<del>20</del><ins>12</ins>" in a["amendments"][0]["diff"]["html"]
    urls = {p["reference"]: f"{BOOK}proposals/{p['id']}/" for p in (a, b, c)}

    # Drafts can still change; then they are submitted.
    edited = call(drafter, "patch", urls["2026/A"], {"rationale": "Widen the field."})
    assert edited["rationale"] == "Widen the field."
    for url in urls.values():
        assert call(drafter, "post", url + "submit/")["status"] == "submitted"
    # The API submits today; the story's submissions went in on 1 August, before its votes
    # (a vote cannot be held before its proposal was submitted).
    Proposal.objects.filter(rulebook__slug="party").update(submitted_on="2026-08-01")
    call(drafter, "patch", urls["2026/A"], {"title": "Too late"}, status=409)

    # The NEC recommends A by roll call; Conference decides each by card vote.
    nec = call(
        secretary,
        "post",
        urls["2026/A"] + "votes/",
        {
            "body": "nec",
            "held_on": "2026-09-01",
            "stage": "recommendation",
            "method": "roll_call",
            "majority": "simple",
            "roll_call": [
                {"member": "Ada Lovelace", "choice": "for"},
                {"member": "Keir Hardie", "choice": "for"},
                {"member": "Ellen Wilkinson", "choice": "against"},
                {"member": "Jo Cox", "choice": "for"},
                {"member": "Clement Attlee", "choice": "abstain"},
            ],
        },
        201,
    )
    assert (nec["result"], nec["votes_for"], nec["votes_against"], nec["abstentions"]) == (
        "carried",
        3,
        1,
        1,
    )
    assert call(public, "get", urls["2026/A"])["status"] == "submitted", "a recommendation"
    for url in urls.values():
        decision = {
            "body": "conference",
            "held_on": "2026-09-20",
            "stage": "decision",
            "method": "card_vote",
            "sections": CARD_60_40,
            "declared_result": "carried",
        }
        assert call(secretary, "post", url + "votes/", decision, 201)["result"] == "carried"
        assert call(public, "get", url)["status"] == "carried"
    votes = call(public, "get", urls["2026/A"] + "votes/")["results"]
    assert [(v["body"], v["stage"]) for v in votes] == [
        ("nec", "recommendation"),
        ("conference", "decision"),
    ]
    assert votes[0]["roll_call"][0]["member"] == "Ada Lovelace"

    # A is adopted: a new version of the rule, linked back to A.
    adopted = call(secretary, "post", urls["2026/A"] + "adopt/", {"effective_from": "2026-09-27"})
    assert adopted["proposal"]["status"] == "adopted"
    [v4] = adopted["versions"]
    assert (v4["rule"], v4["version"], v4["parameters"]) == (
        "c4-nominations",
        4,
        {"mp_threshold": 12},
    )
    call(secretary, "post", urls["2026/A"] + "adopt/", {"effective_from": "2026-09-30"}, status=409)

    # B was drafted on version 3: refused as stale, nothing applied.
    versions_before = RuleVersion.objects.count()
    stale = call(
        secretary, "post", urls["2026/B"] + "adopt/", {"effective_from": "2026-09-28"}, status=409
    )
    b_amendment = b["amendments"][0]["id"]
    assert stale["stale"] == [b_amendment]
    assert "Rebase" in stale["detail"]
    assert RuleVersion.objects.count() == versions_before
    shown = call(public, "get", urls["2026/B"])["amendments"][0]
    assert (shown["stale"], shown["base_version"], shown["latest_version"]) == (True, 3, 4)
    assert call(public, "get", BOOK + "proposals/", {"status": "carried"})["count"] == 2

    # Rebasing B merges both changes cleanly; then it is adopted.
    rebased = call(drafter, "post", urls["2026/B"] + "rebase/")["amendments"]
    assert rebased == [
        {
            "id": b_amendment,
            "outcome": "clean",
            "conflict": False,
            "base_version": 4,
            "text": TEXT_20.replace("20 per", "12 per").replace("at noon", "at 5pm"),
            "conflict_text": "",
        }
    ]
    again = call(secretary, "post", urls["2026/B"] + "adopt/", {"effective_from": "2026-09-28"})
    [v5] = again["versions"]
    assert v5["version"] == 5 and "12 per cent" in v5["text"] and "5pm" in v5["text"]
    assert v5["parameters"] == {"mp_threshold": 12}, "B left the parameter as it was"

    # C overlaps A: its rebase is a conflict, shown and never resolved silently.
    answer = call(drafter, "post", urls["2026/C"] + "rebase/", status=409)
    [conflicted] = answer["amendments"]
    assert conflicted["conflict"] is True and conflicted["base_version"] == 3
    assert [c["amendment"] for c in answer["conflicts"]] == [conflicted["id"]]
    assert "<<<<<<<" in conflicted["conflict_text"]
    refused = call(
        secretary, "post", urls["2026/C"] + "adopt/", {"effective_from": "2026-10-01"}, status=409
    )
    assert refused["stale"] == [c["amendments"][0]["id"]]
    assert "conflict" in refused["detail"]

    # The record, as readers see it.
    rule = call(public, "get", RULE, {"at": "2026-12-01"})
    assert rule["current"]["version"] == 5
    assert rule["current"]["produced_by"]["reference"] == "2026/B"
    history = call(public, "get", RULE + "versions/")["results"]
    assert [v["produced_by"] and v["produced_by"]["reference"] for v in history] == [
        None,
        None,
        "2021/1",
        "2026/A",
        "2026/B",
    ]
    diff = call(public, "get", RULE + "diff/", {"from": 3, "to": 5})
    assert (
        "<del>20</del><ins>12</ins>" in diff["html"]
        and "<del>noon</del><ins>5pm</ins>" in diff["html"]
    )
    blame = call(public, "get", RULE + "blame/", {"at": "2026-12-01"})
    origins = {
        p["text"].strip(): p["produced_by"]["reference"]
        for p in blame["passages"]
        if p["produced_by"]
    }
    assert origins == {"12": "2026/A", "5pm": "2026/B"}
    changes = call(public, "get", BOOK + "changes/", {"from": "2026-01-01", "to": "2026-12-01"})
    assert [(ch["rule"], ch["kind"]) for ch in changes["changes"]] == [
        ("c4-nominations", "changed")
    ]
    timeline = call(public, "get", BOOK + "parameters/mp_threshold/")["timeline"]
    assert [(p["effective_from"], p["value"]) for p in timeline][-3:] == [
        ("2021-09-29", 20),
        ("2026-09-27", 12),
        ("2026-09-28", 12),
    ]
    cited = call(public, "get", BOOK + "cite/", {"ref": "4.II.2.B.i", "at": "2026-12-01"})
    assert (cited["rule"], cited["cited"]["version"]) == ("c4-nominations", 5)


@pytest.mark.parametrize("reference", ["2026/X"])
def test_a_withdrawn_proposal_can_no_longer_be_voted_on(party, reference):
    drafter = client_for(user("drafter", DRAFTER))
    secretary = client_for(user("secretary", SECRETARY))
    created = draft(drafter, reference, TEXT_20.replace("20 per", "25 per"))
    url = f"{BOOK}proposals/{created['id']}/"
    call(drafter, "post", url + "submit/")
    assert call(drafter, "post", url + "withdraw/")["status"] == "withdrawn"
    vote = {
        "body": "nec",
        "held_on": "2026-09-01",
        "stage": "recommendation",
        "method": "show_of_hands",
        "votes_for": 1,
        "votes_against": 0,
    }
    assert "status" in call(secretary, "post", url + "votes/", vote, status=409)
