"""Watch pages: subscribing (double opt-in, CSRF, rate limits, bad input), confirming with a
button, unsubscribing from the link (page and RFC 8058 one-click POST), and never cached."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from web.models import Watch

FORM = "/coop/watch/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def subscribe(client, email="member@example.org", **fields):
    return client.post(FORM, {"email": email, "frequency": "each", **fields})


def link_in(message, kind: str) -> str:
    """The path of the confirm or unsubscribe link in a message's text."""
    found = re.search(rf"http://testserver\.example(/coop/watch/{kind}/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def confirm(client, message):
    return client.post(link_in(message, "confirm"))


def test_the_rule_parameter_and_contents_pages_link_to_the_watch_form(client, coop):
    rule = client.get("/coop/rules/quorum/")
    parameter = client.get("/coop/parameters/nomination_threshold/")
    contents = client.get("/coop/")
    assert rule.status_code == parameter.status_code == contents.status_code == 200
    assert 'href="/coop/watch/?rule=quorum"' in rule.content.decode()
    assert 'href="/coop/watch/?parameter=nomination_threshold"' in parameter.content.decode()
    assert 'href="/coop/watch/"' in contents.content.decode()
    for page in (rule, parameter, contents):
        assert "csrfmiddlewaretoken" not in page.content.decode()


def kept_pages() -> int:
    return sum(1 for key in cache._cache if key.startswith(":1:page:"))


def test_the_form_page_names_its_target_has_a_privacy_note_and_is_never_cached(client, coop):
    assert client.get("/coop/rules/quorum/").status_code == 200
    assert kept_pages() == 1  # the rule page is kept for the next anonymous reader ...

    response = client.get(FORM, {"rule": "quorum"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Watch rule <code>quorum</code> by e-mail" in page
    assert 'name="rule" value="quorum"' in page
    assert '<span class="num">2.2</span> Quorum</a>, as in force today' in page
    assert "csrfmiddlewaretoken" in page
    assert "What we keep, and how to remove it" in page
    assert "deleted after 7 days" in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "ETag" not in response
    assert kept_pages() == 1  # ... the form, with its CSRF token, is not


def test_subscribing_sends_exactly_one_confirmation_and_nothing_is_watched_yet(client, coop):
    response = subscribe(client, rule="quorum")

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert message.subject == "[Northfield Co-operative Rules] Confirm: watch rule quorum"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    watch = Watch.objects.get()
    assert (watch.scope, watch.rule, watch.confirmed_at) == ("rule", coop.quorum, None)
    token = link_in(message, "confirm").split("/")[-2]
    assert token not in watch.confirm_token_hash and len(watch.confirm_token_hash) == 64


def test_the_answer_is_the_same_whether_or_not_the_address_already_watches(client, coop):
    first = subscribe(client, rule="quorum")
    confirm(client, mail.outbox[0])
    again = subscribe(client, rule="quorum")

    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.endswith("You already watch rule quorum")
    assert "confirm" not in mail.outbox[1].body.split("--")[0].lower()
    assert Watch.objects.count() == 1


def test_the_confirmation_link_shows_a_button_and_only_its_post_confirms(client, coop):
    subscribe(client, parameter="nomination_threshold", frequency="daily")
    path = link_in(mail.outbox[0], "confirm")

    page = client.get(path)
    assert page.status_code == 200
    assert '<button type="submit">Confirm</button>' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert Watch.objects.get().confirmed_at is None  # a mail scanner's GET confirms nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "now watches parameter nomination_threshold" in done.content.decode()
    watch = Watch.objects.get()
    assert watch.confirmed_at is not None and watch.confirm_token_hash is None
    assert client.post(path).status_code == 404  # used once


def test_confirming_needs_the_csrf_token(coop):
    browser = Client(enforce_csrf_checks=True)
    subscribe(browser, rule="quorum")  # refused: no token
    assert mail.outbox == [] and Watch.objects.count() == 0
    page = browser.get(FORM, {"rule": "quorum"})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = subscribe(browser, rule="quorum", csrfmiddlewaretoken=token)

    assert response.status_code == 200
    assert len(mail.outbox) == 1


def test_unsubscribing_from_the_page_deletes_the_address(client, coop):
    subscribe(client, rule="quorum")
    confirm(client, mail.outbox[0])
    path = link_in(mail.outbox[0], "unsubscribe")

    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe and delete my address" in page.content.decode()
    assert Watch.objects.count() == 1

    done = client.post(path)
    assert done.status_code == 200
    assert "the address has been deleted" in done.content.decode()
    assert not Watch.objects.filter(email="member@example.org").exists()
    assert client.get(path).status_code == 404


def test_one_click_unsubscribe_works_without_a_csrf_token(coop):
    mail_client = Client(enforce_csrf_checks=True)
    subscribe(Client(), email="one@example.org")
    message = mail.outbox[0]
    target = message.extra_headers["List-Unsubscribe"][1:-1].removeprefix(
        "http://testserver.example"
    )

    response = mail_client.post(target, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Watch.objects.count() == 0


def test_a_wrong_unsubscribe_token_removes_nothing(client, coop):
    subscribe(client, rule="quorum")
    path = link_in(mail.outbox[0], "unsubscribe")
    wrong = re.sub(r"/[0-9a-f]{64}/$", "/" + "0" * 64 + "/", path)

    assert client.post(wrong).status_code == 404
    assert Watch.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"email": ""}, "Give the e-mail address to send the alerts to."),
        ({"email": "a@example.org", "rule": "no-such-rule"}, "There is no rule"),
        ({"email": "a@example.org", "parameter": "nope"}, "There is no parameter"),
        (
            {"email": "a@example.org", "rule": "quorum", "parameter": "nomination_threshold"},
            "not both",
        ),
        ({"email": "a\x00b@example.org"}, "Null characters are not allowed."),
        ({"email": "a" * 250 + "@example.org"}, "at most 254 characters"),
        ({"email": "a@example.org", "rule": "x" * 101}, "at most 100 characters"),
        ({"email": "a@example.org", "frequency": "hourly"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_the_message_and_writes_nothing(client, coop, fields, message):
    response = client.post(FORM, {"frequency": "each", **fields})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Watch.objects.count() == 0
    assert mail.outbox == []


def test_an_unknown_target_on_the_form_page_is_a_400_and_an_unknown_book_a_404(client, coop):
    bad = client.get(FORM, {"rule": "no-such-rule"})
    assert bad.status_code == 400
    assert "There is no rule" in bad.content.decode()
    assert client.get("/nobook/watch/").status_code == 404
    assert client.get(FORM + "?rule=a%00b").status_code == 400


def test_subscriptions_are_limited_per_client_address(client, coop, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "watch": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert subscribe(client, email="a@example.org").status_code == 200
    assert subscribe(client, email="b@example.org").status_code == 200

    third = subscribe(client, email="c@example.org")

    assert third.status_code == 429
    assert "Too many requests" in third.content.decode()
    assert int(third["Retry-After"]) > 0
    assert len(mail.outbox) == 2
    assert not Watch.objects.filter(email="c@example.org").exists()


def test_confirmation_messages_are_limited_per_e_mail_address(coop, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "watch_address": "2/day"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for rule, address in (("quorum", "10.0.0.1"), ("dues", "10.0.0.2")):
        assert subscribe(Client(REMOTE_ADDR=address), rule=rule).status_code == 200

    third = subscribe(Client(REMOTE_ADDR="10.0.0.3"), email="MEMBER@example.org", rule="old-rule")

    assert third.status_code == 429
    assert len(mail.outbox) == 2


def test_asking_again_before_confirming_replaces_the_link(client, coop):
    subscribe(client, rule="quorum")
    subscribe(client, rule="quorum", frequency="daily")
    first, second = mail.outbox

    assert client.post(link_in(first, "confirm")).status_code == 404
    assert client.post(link_in(second, "confirm")).status_code == 200
    assert Watch.objects.get().frequency == "daily"


def test_a_failing_smtp_server_at_subscription_is_a_503_and_keeps_no_new_address(
    client, coop, settings
):
    settings.EMAIL_BACKEND = "tests.test_send_alerts.RefusingBackend"
    from tests.test_send_alerts import RefusingBackend

    RefusingBackend.refused = {"member@example.org"}
    try:
        response = subscribe(client, rule="quorum")
    finally:
        RefusingBackend.refused = set()

    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()
    assert Watch.objects.count() == 0
