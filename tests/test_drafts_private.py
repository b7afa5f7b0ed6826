"""Drafts are private: staff who may read proposals see them; members and anonymous API clients
see a proposal only once it is submitted — a draft is a 404 to them and no list shows it."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from proposals.models import Amendment, Proposal
from proposals.roles import DRAFTER, SECRETARY
from tests.factories import token_for, user

pytestmark = pytest.mark.django_db

API = "/api/rulebooks/party/proposals/"
TITLE = "A quarter of branches"  # the party's draft 2026/1, to the trigger-ballot rule


def api_client(person=None) -> APIClient:
    client = APIClient()
    if person is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(person)}")
    return client


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["reference"] for p in response.json()["results"]]


@pytest.fixture
def drafter(party):
    return user("drafter", DRAFTER)


def test_an_anonymous_api_client_gets_a_404_for_a_draft_and_lists_without_it(party):
    anonymous = api_client()
    assert anonymous.get(f"{API}{party.draft.pk}/").status_code == 404
    assert anonymous.get(f"{API}{party.draft.pk}/votes/").status_code == 404
    assert references(anonymous.get(API)) == ["2021/1"]
    assert references(anonymous.get(API, {"status": "draft"})) == []
    assert references(anonymous.get(API, {"rule": "c5-trigger"})) == []
    assert anonymous.get(f"{API}{party.adopted.pk}/").status_code == 200


def test_a_user_without_the_permission_does_not_see_drafts_either(party):
    member = api_client(user("member"))
    assert member.get(f"{API}{party.draft.pk}/").status_code == 404
    assert references(member.get(API)) == ["2021/1"]


@pytest.mark.parametrize("codename", ["view_proposal", "change_proposal"])
def test_a_user_with_the_permission_to_view_or_change_proposals_sees_drafts(party, codename):
    reader = user(f"reader-{codename}")
    reader.user_permissions.add(Permission.objects.get(codename=codename))
    client = api_client(reader)
    detail = client.get(f"{API}{party.draft.pk}/")
    assert detail.status_code == 200
    assert (detail.json()["status"], detail.json()["title"]) == ("draft", TITLE)
    assert references(client.get(API)) == ["2026/1", "2021/1"]
    assert client.get(f"{API}{party.draft.pk}/votes/").status_code == 200


def test_a_drafter_creates_a_draft_through_the_api_and_reads_it_back_alone(party, drafter):
    client = api_client(drafter)
    body = {
        "reference": "2026/7",
        "title": "Secret ballots",
        "proposer": "Northfield CLP",
        "amendments": [{"kind": "amend", "rule": "c5-trigger", "text": "Half of branches."}],
    }
    created = client.post(API, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    saved = Proposal.objects.get(pk=created.json()["id"])
    assert (saved.reference, saved.status) == ("2026/7", "draft")
    assert client.get(f"{API}{saved.pk}/").status_code == 200
    edited = client.patch(f"{API}{saved.pk}/", {"title": "Secret ballots, always"}, format="json")
    assert edited.status_code == 200
    assert Proposal.objects.get(pk=saved.pk).title == "Secret ballots, always"
    assert api_client().get(f"{API}{saved.pk}/").status_code == 404


def test_once_submitted_a_proposal_is_public(party, drafter):
    submitted = api_client(drafter).post(f"{API}{party.draft.pk}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert Proposal.objects.get(pk=party.draft.pk).status == "submitted"
    anonymous = api_client()
    assert anonymous.get(f"{API}{party.draft.pk}/").status_code == 200
    assert references(anonymous.get(API)) == ["2026/1", "2021/1"]


def test_a_secretary_still_gets_the_workflow_refusal_for_a_vote_on_a_draft(party):
    secretary = api_client(user("secretary", SECRETARY))
    vote = {
        "body": "conference",
        "held_on": "2026-09-20",
        "stage": "decision",
        "method": "show_of_hands",
        "votes_for": 3,
        "votes_against": 1,
    }
    refused = secretary.post(f"{API}{party.draft.pk}/votes/", vote, format="json")
    assert refused.status_code == 409
    assert "status" in refused.json()


def test_the_member_pages_answer_404_for_a_draft_and_leave_it_out_of_every_list(client, party):
    detail = client.get(f"/party/proposals/{party.draft.pk}/")
    assert detail.status_code == 404
    assert TITLE not in detail.content.decode()
    listing = client.get("/party/proposals/")
    assert listing.status_code == 200
    assert TITLE not in listing.content.decode() and "2021/1" in listing.content.decode()
    drafts = client.get("/party/proposals/", {"status": "draft"})
    assert drafts.status_code == 200 and TITLE not in drafts.content.decode()
    rule = client.get("/party/rules/c5-trigger/")
    assert rule.status_code == 200
    assert TITLE not in rule.content.decode()
    assert "Every proposal to change this rule" not in rule.content.decode()
    for url in ("/party/feed/", "/party/rules/c5-trigger/feed/", "/party/search/?q=quarter"):
        response = client.get(url)
        assert response.status_code == 200
        assert TITLE not in response.content.decode()
        assert "One quarter of branches" not in response.content.decode()  # its amendment


def test_staff_who_may_read_proposals_see_the_draft_on_the_member_pages(client, party, drafter):
    client.force_login(drafter)
    detail = client.get(f"/party/proposals/{party.draft.pk}/")
    assert detail.status_code == 200
    assert TITLE in detail.content.decode()
    assert TITLE in client.get("/party/proposals/").content.decode()
    rule = client.get("/party/rules/c5-trigger/")
    assert rule.status_code == 200
    assert "Every proposal to change this rule" in rule.content.decode()
    assert TITLE in rule.content.decode()


def test_the_amendments_of_drafts_are_visible_only_to_draft_readers(party, drafter):
    anonymous = Amendment.objects.visible_to(None).filter(proposal__rulebook=party.book)
    assert {a.proposal.reference for a in anonymous} == {"2021/1"}
    staff = Amendment.objects.visible_to(drafter).filter(proposal__rulebook=party.book)
    assert {a.proposal.reference for a in staff} == {"2021/1", "2026/1"}


# --- Caches: nothing built with a draft reaches anyone else -----------------------------------


def test_a_page_showing_drafts_to_staff_is_private_and_varies_by_reader(client, party, drafter):
    client.force_login(drafter)
    draft = f"/party/proposals/{party.draft.pk}/"
    for url in (draft, "/party/proposals/", "/party/rules/c5-trigger/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_an_api_answer_to_a_draft_reader_is_private_and_varies_by_credentials(party, drafter):
    client = api_client(drafter)
    for url in (API, f"{API}{party.draft.pk}/", f"{API}{party.draft.pk}/votes/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_an_anonymous_request_after_a_staff_one_sees_no_draft_and_no_304(client, party, drafter):
    staff = api_client(drafter)
    seen = staff.get(API)
    assert seen.status_code == 200 and "2026/1" in seen.content.decode()
    etag = seen["ETag"]
    anonymous = api_client()
    again = anonymous.get(API, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200, "a staff ETag must not validate the anonymous answer"
    assert "2026/1" not in again.content.decode()
    assert again["ETag"] != etag
    assert "Authorization" in again["Vary"]

    client.force_login(drafter)
    page = client.get("/party/proposals/")
    assert page.status_code == 200 and TITLE in page.content.decode()
    client.logout()
    public = client.get("/party/proposals/", HTTP_IF_NONE_MATCH=page["ETag"])
    assert public.status_code == 200
    assert TITLE not in public.content.decode()
    assert client.get(f"/party/proposals/{party.draft.pk}/").status_code == 404
