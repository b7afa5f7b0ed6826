"""E-mail alerts: proposal events go to the outbox in the workflow step's transaction, and
`send_alerts` sends each watcher exactly the messages for what it watches (Django's locmem
backend: `mail.outbox`), once, with the word diff, links and unsubscribe headers."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.utils import timezone

from proposals.events import proposal_event
from proposals.services import proposal_adopt, vote_void
from tests.factories import (
    ProposalFactory,
    amend,
    decide,
    staff,
    submit,
)
from tests.worlds import D, coop_text
from web.models import AlertDelivery, AlertEvent, Watch
from web.watch import Target, watch_confirm, watch_subscribe
from web.watch_mail import alerts_send

QUORUM_TEXT = "The quorum is twelve members."


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def watching(world, email, *, rule=None, parameter=None, frequency="each") -> Watch:
    """A confirmed watch, through the services the pages call."""
    asked = watch_subscribe(
        target=Target(world.book, rule, parameter), email=email, frequency=frequency
    )
    return watch_confirm(token=asked.token)


def quorum_change(world, reference="2026/1", text=QUORUM_TEXT):
    """A draft proposal to change the quorum rule (no parameter)."""
    return ProposalFactory(
        rulebook=world.book,
        reference=reference,
        title="A larger quorum",
        amendments=[amend(world.quorum, text)],
    )


def threshold_change(world, reference="2026/2", percent=25):
    """A draft proposal to change the nominations rule and its threshold parameter."""
    return ProposalFactory(
        rulebook=world.book,
        reference=reference,
        title=f"Threshold of {percent}%",
        amendments=[
            amend(
                world.nominations,
                coop_text(percent),
                number="2.3",
                heading="Nominations",
                parameters={"nomination_threshold": percent},
            )
        ],
    )


def through_adoption(proposal):
    """Submitted, carried by Conference, adopted: three events."""
    submit(proposal, on=D("2026-08-21"))
    decide(proposal, held_on=D("2026-09-20"))
    proposal_adopt(proposal=proposal, effective_from=D("2026-09-27"), adopted_on=D("2026-09-21"))
    return proposal


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def watched(coop):
    """Four confirmed watchers: the quorum rule, the nominations rule, the threshold
    parameter, and the whole book; the confirmation messages are cleared."""
    coop.of_quorum = watching(coop, "quorum@example.org", rule=coop.quorum)
    coop.of_nominations = watching(coop, "nom@example.org", rule=coop.nominations)
    coop.of_threshold = watching(coop, "param@example.org", parameter=coop.threshold)
    coop.of_book = watching(coop, "book@example.org")
    mail.outbox.clear()
    return coop


def test_a_rule_watcher_gets_exactly_the_messages_of_its_rules_events(watched):
    through_adoption(quorum_change(watched))
    through_adoption(threshold_change(watched))
    assert mail.outbox == []  # nothing is sent by the workflow steps themselves

    call_command("send_alerts")

    subjects = [m.subject for m in to("quorum@example.org")]
    assert subjects == [
        "[Northfield Co-operative Rules] Proposal 2026/1 was submitted: A larger quorum",
        "[Northfield Co-operative Rules] Annual Conference decision on 2026/1: carried "
        "(20 September 2026)",
        "[Northfield Co-operative Rules] Proposal 2026/1 was adopted: A larger quorum",
    ]
    assert all("2026/2" not in m.body for m in to("quorum@example.org"))
    assert [m.subject.split("] ")[1][:22] for m in to("nom@example.org")] == [
        "Proposal 2026/2 was su",
        "Annual Conference deci",
        "Proposal 2026/2 was ad",
    ]
    assert len(to("param@example.org")) == 3
    assert all("2026/2" in m.subject for m in to("param@example.org"))
    assert len(to("book@example.org")) == 6
    assert len(mail.outbox) == 15


def test_a_message_has_the_word_diff_links_and_one_click_unsubscribe(watched):
    through_adoption(quorum_change(watched))
    call_command("send_alerts")

    message = to("quorum@example.org")[0]
    assert "The quorum is [-ten-]{+twelve+} members." in message.body
    assert "http://testserver.example/coop/proposals/" in message.body
    assert "http://testserver.example/coop/rules/quorum/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<del>ten</del><ins>twelve</ins>" in html
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http://testserver.example/coop/watch/unsubscribe/")
    assert link[1:-1] in message.body and link[1:-1] in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_parameter_watcher_sees_only_the_amendments_changing_it(watched):
    proposal = ProposalFactory(
        rulebook=watched.book,
        reference="2026/3",
        title="Two changes",
        amendments=[
            amend(watched.quorum, QUORUM_TEXT),
            amend(
                watched.nominations,
                coop_text(30),
                number="2.3",
                heading="Nominations",
                parameters={"nomination_threshold": 30},
            ),
        ],
    )
    submit(proposal, on=D("2026-08-21"))
    call_command("send_alerts")

    (message,) = to("param@example.org")
    assert "Parameters changed: nomination_threshold" in message.body
    assert "{+30+}" in message.body
    assert "quorum" not in message.body.split("--")[0]
    (whole,) = to("book@example.org")
    assert "{+twelve+}" in whole.body and "{+30+}" in whole.body


def test_a_rerun_sends_nothing_twice(watched):
    through_adoption(quorum_change(watched))
    call_command("send_alerts")
    sent = len(mail.outbox)
    assert sent == 6  # quorum and book watchers, three events each

    call_command("send_alerts")

    assert len(mail.outbox) == sent
    assert AlertDelivery.objects.filter(sent_at__isnull=False).count() == 6


def test_a_voided_vote_is_an_event_too(watched):
    proposal = quorum_change(watched)
    submit(proposal, on=D("2026-08-21"))
    vote = decide(proposal, held_on=D("2026-09-20"))
    vote_void(vote=vote, reason="Counted twice.", by=staff("secretary"))
    call_command("send_alerts")

    assert [m.subject.split("] ")[1] for m in to("quorum@example.org")][2] == (
        "The Annual Conference decision on 2026/1 was voided: Counted twice."
    )


def test_events_before_a_watch_was_confirmed_are_not_sent(coop):
    proposal = quorum_change(coop)
    late = watching(coop, "late@example.org", rule=coop.quorum)
    submit(proposal, on=D("2026-08-21"))  # the first event after confirming
    mail.outbox.clear()
    call_command("send_alerts")

    assert [m.subject.split("] ")[1][:30] for m in to(late.email)] == [
        "Proposal 2026/1 was submitted:"
    ]


def test_nothing_is_recorded_when_nobody_watches_the_book(coop):
    through_adoption(quorum_change(coop))
    assert AlertEvent.objects.count() == 0


def test_an_unconfirmed_address_gets_nothing_but_its_confirmation(coop):
    watch_subscribe(
        target=Target(coop.book, coop.quorum), email="maybe@example.org", frequency="each"
    )
    watching(coop, "sure@example.org", rule=coop.quorum)
    mail.outbox.clear()
    through_adoption(quorum_change(coop))
    call_command("send_alerts")

    assert to("maybe@example.org") == []
    assert len(to("sure@example.org")) == 3


def test_a_digest_groups_every_event_since_the_last_one_once_a_day(coop):
    watching(coop, "digest@example.org", rule=coop.quorum, frequency="daily")
    mail.outbox.clear()
    through_adoption(quorum_change(coop))
    now = timezone.now()

    alerts_send(now=now)

    (digest,) = to("digest@example.org")
    assert digest.subject == "[Northfield Co-operative Rules] 3 updates on rule quorum"
    for word in ("was submitted", "decision on 2026/1: carried", "was adopted"):
        assert word in digest.body
    more = quorum_change(coop, reference="2026/4", text="The quorum is 15 members.")
    submit(more, on=D("2026-08-22"))
    alerts_send(now=now + datetime.timedelta(hours=23))
    assert len(to("digest@example.org")) == 1  # not yet a day since the last digest

    alerts_send(now=now + datetime.timedelta(hours=25))

    assert len(to("digest@example.org")) == 2
    assert to("digest@example.org")[1].subject.endswith(
        "Proposal 2026/4 was submitted: A larger quorum"
    )


class RefusingBackend(locmem.EmailBackend):
    """The locmem backend, but the SMTP server refuses the addresses in `refused`."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.test_send_alerts.RefusingBackend"
    RefusingBackend.refused = set()
    yield RefusingBackend.refused
    RefusingBackend.refused = set()


def test_smtp_failing_breaks_neither_adoption_nor_other_recipients_and_is_retried(
    watched, refusing
):
    refusing.add("quorum@example.org")
    proposal = through_adoption(quorum_change(watched))
    proposal.refresh_from_db()
    assert proposal.status == "adopted"  # adoption never waits for mail

    with pytest.raises(CommandError, match="3 message"):
        call_command("send_alerts")

    assert to("quorum@example.org") == []
    assert len(to("book@example.org")) == 3
    failed = AlertDelivery.objects.filter(watch=watched.of_quorum)
    assert [(d.sent_at, d.attempts) for d in failed] == [(None, 1)] * 3
    assert "No such user" in failed[0].last_error

    refusing.clear()
    call_command("send_alerts")

    assert len(to("quorum@example.org")) == 3
    assert len(to("book@example.org")) == 3  # not sent again


def test_the_outbox_row_is_written_in_the_adoptions_own_transaction(watched):
    proposal = quorum_change(watched)
    submit(proposal, on=D("2026-08-21"))
    decide(proposal, held_on=D("2026-09-20"))
    seen = []

    def fail_after_the_outbox(sender, *, proposal, **kwargs):
        seen.append(AlertEvent.objects.filter(proposal=proposal, kind="adopted").exists())
        raise RuntimeError("the database fails after the outbox row")

    proposal_event.connect(fail_after_the_outbox, dispatch_uid="test-fail-after")
    try:
        with pytest.raises(RuntimeError):
            proposal_adopt(proposal=proposal, effective_from=D("2026-09-27"))
    finally:
        proposal_event.disconnect(dispatch_uid="test-fail-after")

    assert seen == [True]  # written before the step committed ...
    assert not AlertEvent.objects.filter(kind="adopted").exists()  # ... and undone with it
    proposal.refresh_from_db()
    assert proposal.status == "carried"
    assert watched.quorum.versions.count() == 1


def test_unconfirmed_watches_expire_and_old_events_are_pruned(watched, settings):
    asked = watch_subscribe(
        target=Target(watched.book, watched.dues), email="slow@example.org", frequency="each"
    )
    Watch.objects.filter(pk=asked.watch.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=8)
    )
    submit(quorum_change(watched), on=D("2026-08-21"))
    AlertEvent.objects.update(occurred_at=timezone.now() - datetime.timedelta(days=31))

    report = alerts_send()

    assert not Watch.objects.filter(email="slow@example.org").exists()
    assert report.expired == 1
    assert AlertEvent.objects.count() == 0
    assert watch_confirm(token=asked.token) is None
