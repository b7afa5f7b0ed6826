"""Two adoptions racing through the API on PostgreSQL: exactly one wins, the other is refused
with a 409 and nothing of it is applied (the services lock the rule book and the rules)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from proposals.models import Proposal
from proposals.roles import SECRETARY
from rulebook.models import RuleVersion
from tests import worlds
from tests.factories import token_for, user

BOOK = "/api/rulebooks/party/"


def carried(party, reference, threshold):
    return worlds.party_threshold(party, reference, threshold, carried=True)


def race(token: str, urls: list[str]) -> list[int]:
    """POST adopt to each url from its own thread (and connection), all at once."""
    barrier = threading.Barrier(len(urls))
    statuses: list[int] = []

    def adopt(url):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait(timeout=10)
            response = client.post(url, {"effective_from": "2026-09-27"}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


@pytest.mark.postgres
def test_two_proposals_adopted_at_once_on_one_rule_one_wins_one_is_stale(transactional_db):
    party = worlds.party()  # committed: the threads read it on their own connections
    first, second = carried(party, "2026/1a", 12), carried(party, "2026/1b", 25)
    token = token_for(user("secretary", SECRETARY))
    versions = RuleVersion.objects.filter(rule=party.nominations).count()
    urls = [f"{BOOK}proposals/{p.pk}/adopt/" for p in (first, second)]

    assert race(token, urls) == [200, 409]

    assert RuleVersion.objects.filter(rule=party.nominations).count() == versions + 1
    statuses = sorted(
        Proposal.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["adopted", "carried"]


@pytest.mark.postgres
def test_one_proposal_adopted_twice_at_once_is_applied_once(transactional_db):
    party = worlds.party()  # committed: the threads read it on their own connections
    proposal = carried(party, "2026/2", 12)
    token = token_for(user("secretary", SECRETARY))
    versions = RuleVersion.objects.count()
    url = f"{BOOK}proposals/{proposal.pk}/adopt/"

    assert race(token, [url, url]) == [200, 409]

    assert RuleVersion.objects.count() == versions + 1
