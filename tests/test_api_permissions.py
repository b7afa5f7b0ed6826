"""Who may write: every write endpoint, for anonymous, a user without permissions, Drafter,
Secretary and superuser. The groups are those of the admin (`proposals.roles`)."""

import pytest
from rest_framework.test import APIClient

from proposals.roles import DRAFTER, SECRETARY
from tests import worlds
from tests.factories import token_for, user

PROPOSALS = "/api/rulebooks/party/proposals/"
CREATED, OK, DENIED, UNAUTHENTICATED, NOT_ALLOWED = 201, 200, 403, 401, 405


# endpoint: (method, proposal state or None, path after the proposal, body)
ENDPOINTS = {
    "create": ("post", None, "", {"reference": "2026/10", "title": "t", "proposer": "p"}),
    "edit": ("patch", "draft", "", {"title": "Changed"}),
    "replace": ("put", "draft", "", {"reference": "2026/9", "title": "t", "proposer": "p"}),
    "delete": ("delete", "draft", "", None),
    "submit": ("post", "draft", "submit/", {}),
    "withdraw": ("post", "draft", "withdraw/", {}),
    "rebase": ("post", "draft", "rebase/", {}),
    "vote": (
        "post",
        "submitted",
        "votes/",
        {
            "body": "nec",
            "held_on": "2026-09-01",
            "stage": "recommendation",
            "method": "show_of_hands",
            "votes_for": 3,
            "votes_against": 1,
        },
    ),
    "adopt": ("post", "carried", "adopt/", {"effective_from": "2026-09-27"}),
}

SUCCESS = {"create": CREATED, "vote": CREATED, "delete": NOT_ALLOWED}
DRAFTING = {"create", "edit", "replace", "submit", "withdraw", "rebase"}
RECORDING = {"vote", "adopt"}


def expected(role: str, endpoint: str) -> int:
    if endpoint == "delete":
        return NOT_ALLOWED  # proposals are withdrawn, never deleted, whoever asks
    if role == "anonymous":
        return UNAUTHENTICATED
    allowed = {
        "member": set(),
        "drafter": DRAFTING,
        "secretary": RECORDING,
        "superuser": DRAFTING | RECORDING,
    }[role]
    return SUCCESS.get(endpoint, OK) if endpoint in allowed else DENIED


ROLES = ["anonymous", "member", "drafter", "secretary", "superuser"]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_write_permissions(party, role, endpoint):
    method, state, action, body = ENDPOINTS[endpoint]
    if state is None:
        url = PROPOSALS
    else:
        proposal = worlds.party_proposal(party, "2026/9", stage=state)
        url = f"{PROPOSALS}{proposal.pk}/{action}"
    client = APIClient()
    if role != "anonymous":
        groups = {"drafter": [DRAFTER], "secretary": [SECRETARY]}.get(role, [])
        person = user(role, *groups, superuser=role == "superuser")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(person)}")
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected(role, endpoint), response.content
    assert isinstance(response.json(), dict)
    if response.status_code == UNAUTHENTICATED:
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_read(party, role):
    client = APIClient()
    if role != "anonymous":
        person = user(role, superuser=role == "superuser")
        client.force_authenticate(person)
    for url in (
        PROPOSALS,
        f"{PROPOSALS}{party.adopted.pk}/",
        f"{PROPOSALS}{party.adopted.pk}/votes/",
    ):
        assert client.get(url).status_code == 200
