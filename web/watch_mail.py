"""The messages of e-mail alerts, and sending what the outbox holds (`alerts_send`).

Every message is plain text with an HTML alternative, links are absolute (`SITE_URL`), and
each carries a one-click unsubscribe link in its text and in the `List-Unsubscribe` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` headers (RFC 2369, RFC 8058), and
`Auto-Submitted: auto-generated` (RFC 3834) so that autoresponders stay quiet.

Sending happens only here, from `manage.py send_alerts` (cron), never in the request that
submitted, voted on or adopted a proposal: those only wrote an outbox row (`web.watch`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from proposals.events import Event, parameters_changed
from rulebook.diff import DiffInputTooLarge
from web.models import AlertDelivery, AlertEvent, Watch
from web.watch import unsubscribe_token, watches_expire

logger = logging.getLogger(__name__)

DIGEST_EVERY = datetime.timedelta(days=1)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(watch: Watch) -> str:
    return absolute(
        reverse(
            "web:watch_unsubscribe", args=[watch.rulebook.slug, watch.pk, unsubscribe_token(watch)]
        )
    )


def target_url(watch: Watch) -> str:
    if watch.scope == Watch.Scope.RULE:
        return absolute(reverse("web:rule", args=[watch.rulebook.slug, watch.rule.key]))
    if watch.scope == Watch.Scope.PARAMETER:
        return absolute(reverse("web:parameter", args=[watch.rulebook.slug, watch.parameter.key]))
    return absolute(reverse("web:contents", args=[watch.rulebook.slug]))


def _message(watch: Watch, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    link = unsubscribe_url(watch)
    context = {
        **context,
        "watch": watch,
        "rulebook": watch.rulebook,
        "unsubscribe_url": link,
        "target_url": target_url(watch),
    }
    text = render_to_string(f"web/watch/email/{template}.txt", context)
    html = render_to_string(f"web/watch/email/{template}.html", context)
    message = EmailMultiAlternatives(
        # One line: a title typed with a line break must not make every attempt fail.
        subject=" ".join(f"[{watch.rulebook.title}] {subject}".split())[:200],
        body=text,
        to=[watch.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(watch: Watch, token: str) -> EmailMultiAlternatives:
    url = absolute(reverse("web:watch_confirm", args=[watch.rulebook.slug, token]))
    return _message(
        watch,
        f"Confirm: watch {watch.target_label}",
        "confirm",
        {"confirm_url": url, "days": settings.WATCH_CONFIRM_DAYS},
    )


def already_message(watch: Watch) -> EmailMultiAlternatives:
    return _message(watch, f"You already watch {watch.target_label}", "already", {})


# --- alerts ---------------------------------------------------------------------------------


def _amendment_item(amendment, slug: str) -> dict:
    rule = amendment.rule
    number = amendment.number or (
        amendment.base_version.number if amendment.base_version_id else ""
    )
    key = rule.key if rule else amendment.new_key
    try:
        diff = amendment.proposed_diff()
    except DiffInputTooLarge:
        diff = None
    return {
        "label": f"{amendment.get_kind_display()}: {number or key} ({key})",
        "rule_url": absolute(reverse("web:rule", args=[slug, rule.key])) if rule else "",
        "text_diff": word_diff_text(diff) if diff else "(too long to show here)",
        "html_diff": diff.html if diff else "",
        "parameters": sorted(parameters_changed(amendment)),
    }


def word_diff_text(diff) -> str:
    """A word diff in plain text, as `git diff --word-diff` writes it: [-gone-]{+new+}."""
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    return "".join(
        f"{marks[op.kind][0]}{op.text}{marks[op.kind][1]}" if op.kind in marks else op.text
        for op in diff.ops
    )


def headline(event: AlertEvent) -> str:
    """The event in one line, e.g. "National Executive Committee recommendation on 2026/4:
    carried (20 September 2026)"."""
    proposal, vote = event.proposal, event.vote
    if event.kind == Event.SUBMITTED:
        return f"Proposal {proposal.reference} was submitted: {proposal.title}"
    if event.kind == Event.ADOPTED:
        return f"Proposal {proposal.reference} was adopted: {proposal.title}"
    if event.kind == Event.VOTE_VOIDED and vote is not None:
        return (
            f"The {vote.body.name} {vote.get_stage_display().lower()} on {proposal.reference} "
            f"was voided: {vote.void_reason}"
        )
    if vote is not None:
        return (
            f"{vote.body.name} {vote.get_stage_display().lower()} on {proposal.reference}: "
            f"{vote.get_result_display().lower()} ({vote.held_on:%-d %B %Y})"
        )
    return f"Proposal {proposal.reference}: {event.get_kind_display().lower()}"


def _concerns(watch: Watch, amendment) -> bool:
    if watch.scope == Watch.Scope.RULE:
        return amendment.rule_id == watch.rule_id
    if watch.scope == Watch.Scope.PARAMETER:
        return watch.parameter.key in parameters_changed(amendment)
    return True


def _event_item(watch: Watch, event: AlertEvent) -> dict:
    slug = watch.rulebook.slug
    proposal = event.proposal
    amendments = proposal.amendments.select_related("rule", "base_version").order_by("order")
    return {
        "event": event,
        "headline": headline(event),
        "proposal": proposal,
        "proposal_url": absolute(reverse("web:proposal", args=[slug, proposal.pk])),
        "amendments": [_amendment_item(a, slug) for a in amendments if _concerns(watch, a)],
    }


def alert_message(watch: Watch, events: list[AlertEvent]) -> EmailMultiAlternatives:
    """One event's message, or a digest of several."""
    items = [_event_item(watch, event) for event in events]
    if len(items) == 1:
        subject = items[0]["headline"]
    else:
        subject = f"{len(items)} updates on {watch.target_label}"
    return _message(watch, subject, "alert", {"items": items, "digest": len(items) > 1})


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    expired: int = 0
    pruned: int = 0
    errors: list[str] = field(default_factory=list)


def alerts_send(*, now=None, connection=None) -> Report:
    """Send what the outbox holds. Steps:
    1. delete unconfirmed watches past `WATCH_CONFIRM_DAYS`, and events older than
       `WATCH_EVENT_DAYS` (with their deliveries);
    2. per confirmed watch, its events not yet sent (`AlertEventQuerySet.for_watch`): one
       message each, or for a daily-digest watch one message with all of them once a day;
    3. record each message's events as sent; a message that fails (SMTP refused, connection
       lost) is recorded as an attempt and tried again by the next run, and the run goes on
       with the other watches.
    A rerun sends nothing twice: sent deliveries are skipped.
    """
    now = now or timezone.now()
    report = Report(expired=watches_expire(now=now))
    old = now - datetime.timedelta(days=settings.WATCH_EVENT_DAYS)
    report.pruned, _ = AlertEvent.objects.filter(occurred_at__lt=old).delete()
    connection = connection or get_connection()
    watches = Watch.objects.confirmed().select_related("rulebook", "rule", "parameter")
    for watch in watches.order_by("pk").iterator():
        events = list(
            AlertEvent.objects.for_watch(watch).select_related("proposal", "vote__body", "rulebook")
        )
        if not events:
            continue
        digest = watch.frequency == Watch.Frequency.DAILY
        if digest and watch.last_digest_at and now - watch.last_digest_at < DIGEST_EVERY:
            continue
        for batch in [events] if digest else [[event] for event in events]:
            message = alert_message(watch, batch)
            message.connection = connection
            try:
                message.send()
            except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
                # The error's text often holds the address: it stays on the delivery row,
                # deleted with the watch, and out of logs that outlive it.
                logger.warning("Alert to watch %s not sent: %s", watch.pk, type(exc).__name__)
                report.failed += 1
                report.errors.append(f"watch {watch.pk}: {type(exc).__name__}")
                _attempted(watch, batch, exc)
                connection.close()  # the next message opens a fresh connection
                continue
            _sent(watch, batch, now, digest=digest)
            report.sent += 1
    return report


def _sent(watch: Watch, events: list[AlertEvent], now, *, digest: bool) -> None:
    with transaction.atomic():
        for event in events:
            AlertDelivery.objects.update_or_create(
                watch=watch, event=event, defaults={"sent_at": now}
            )
        if digest:
            watch.last_digest_at = now
            watch.save(update_fields=["last_digest_at"])


def _attempted(watch: Watch, events: list[AlertEvent], exc: Exception) -> None:
    with transaction.atomic():
        for event in events:
            delivery, _ = AlertDelivery.objects.get_or_create(watch=watch, event=event)
            AlertDelivery.objects.filter(pk=delivery.pk).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:300]
            )
