"""Fair use: rate limits per client that made-up headers cannot dodge, shared by the API and
the expensive member pages, and brute-force lockouts for API tokens and the admin login."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from rulebook.models import AuditEntry
from tests.factories import RulebookFactory, staff, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    return set_rates


@pytest.fixture
def book():
    return RulebookFactory(slug="club", title="Club")


def test_anonymous_clients_are_limited_and_a_made_up_forwarded_for_changes_nothing(book, rates):
    rates(anon="3/minute")
    client = Client()
    answers = [
        client.get("/api/rulebooks/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/rulebooks/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "detail" in refused.json()


def test_behind_a_trusted_proxy_each_real_client_has_its_own_budget(book, rates, settings):
    rates(anon="2/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = Client()

    def get(address):
        return client.get("/api/rulebooks/", HTTP_X_FORWARDED_FOR=f"spoof, {address}").status_code

    assert [get("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.2") == 200


def test_authenticated_clients_have_their_own_limit(book, rates):
    rates(anon="1/minute", user="3/minute")
    client = Client(HTTP_AUTHORIZATION=f"Token {token_for(staff('ann'))}")
    assert [client.get("/api/rulebooks/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_expensive_member_pages_share_the_apis_expensive_budget(book, rates):
    rates(expensive="2/minute")
    client = Client()
    assert client.get("/club/search/", {"q": "dues"}).status_code == 200
    assert client.get("/club/changes/").status_code == 200
    refused = client.get("/club/search/", {"q": "dues"}, HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode()
    assert client.get("/club/").status_code == 200  # ordinary pages are not limited so


def test_repeated_wrong_tokens_lock_the_address_out_and_are_audited_once(book, settings):
    settings.TOKEN_FAILURE_LIMIT = 3
    good = token_for(staff("ann"))
    client = Client()
    answers = [
        client.get("/api/rulebooks/", HTTP_AUTHORIZATION=f"Token wrong{n}").status_code
        for n in range(3)
    ]
    assert answers == [401, 401, 401]
    locked = client.get("/api/rulebooks/", HTTP_AUTHORIZATION=f"Token {good}")
    assert locked.status_code == 429
    assert "Too many wrong tokens" in locked.json()["detail"]
    client.get("/api/rulebooks/", HTTP_AUTHORIZATION="Token wrong-again")
    entries = AuditEntry.objects.filter(action="auth.token_lockout")
    assert [(e.data["address"], e.data["failures"]) for e in entries] == [("127.0.0.1", 3)]
    assert client.get("/api/rulebooks/").status_code == 200  # anonymous reads still work


def test_repeated_failed_admin_logins_lock_the_form_and_are_recorded(settings):
    settings.AXES_FAILURE_LIMIT = 3
    staff("ann", password="right-password-123")
    client = Client()
    for _ in range(3):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "ann", "password": "wrong"}
        )
    assert response.status_code == 429
    refused = client.post(
        "/admin/login/?next=/admin/", {"username": "ann", "password": "right-password-123"}
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()  # the attempt while locked counts as one more
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "ann",
        "127.0.0.1",
        4,
    )
