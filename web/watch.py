"""Watching a rule book, a rule or a parameter by e-mail: subscribing with double opt-in,
confirming, unsubscribing, and recording proposal events in the outbox.

Steps of a watch's life:
1. `watch_subscribe` — the form's POST: a new watch (or a pending one renewed) is unconfirmed,
   with a fresh confirmation token whose SHA-256 alone is stored; the caller sends exactly
   one message (`web.watch_mail.confirmation_message`, or `already_message` when the address
   already watches that target, so that the page's answer is the same either way).
2. `watch_confirm` — the button on the confirmation page (a POST: mail scanners that follow
   links with GET confirm nothing). Only now will alerts be sent, for events from now on.
3. `watch_unsubscribe` — the link in every message, or the one-click POST of RFC 8058:
   the row and its deliveries are deleted, the address with them.
Unconfirmed watches older than `WATCH_CONFIRM_DAYS` are deleted by `send_alerts`.

`record_event` is the receiver of `proposals.events.proposal_event`: it writes the outbox
row in the workflow step's own transaction, and only when someone confirmed watches the book.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from proposals.events import affected
from rulebook.models import Parameter, Rule, Rulebook
from web.models import AlertEvent, Watch

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
_UNSUBSCRIBE_SALT = "web.watch.unsubscribe"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(watch: Watch) -> str:
    """HMAC of the watch under SECRET_KEY: nothing stored can be replayed as it."""
    return salted_hmac(
        _UNSUBSCRIBE_SALT, f"{watch.pk}:{watch.secret}", algorithm="sha256"
    ).hexdigest()


def confirm_days() -> int:
    return settings.WATCH_CONFIRM_DAYS


@dataclass(frozen=True)
class Target:
    """What a watch is of: the whole book, or one of its rules or parameters."""

    rulebook: Rulebook
    rule: Rule | None = None
    parameter: Parameter | None = None

    @property
    def scope(self) -> str:
        if self.rule is not None:
            return Watch.Scope.RULE
        if self.parameter is not None:
            return Watch.Scope.PARAMETER
        return Watch.Scope.BOOK


@dataclass(frozen=True)
class Subscribed:
    watch: Watch
    token: str | None  # the confirmation token to send; None: the address already watches
    created: bool


def watch_subscribe(*, target: Target, email: str, frequency: str, now=None) -> Subscribed:
    """Ask for a watch. Steps: find the address's watch of the target; a confirmed one is left
    as it is (token None: tell the address it already watches); a pending one gets a new
    token, frequency and request time (the old link stops working); else a new unconfirmed
    watch. Only the token's hash is stored."""
    now = now or timezone.now()
    email = email.strip().lower()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        watch = (
            Watch.objects.select_for_update()
            .filter(rulebook=target.rulebook, scope=target.scope, email=email)
            .filter(rule=target.rule, parameter=target.parameter)
            .first()
        )
        if watch is not None and watch.confirmed_at is not None:
            return Subscribed(watch, None, created=False)
        created = watch is None
        if created:
            watch = Watch(
                rulebook=target.rulebook,
                scope=target.scope,
                rule=target.rule,
                parameter=target.parameter,
                email=email,
                secret=secrets.token_hex(16),
            )
        watch.frequency = frequency
        watch.requested_at = now
        watch.confirm_token_hash = _hash(token)
        try:
            with transaction.atomic():
                watch.save()
        except IntegrityError:
            # The same request raced in from another worker: answer as for a pending watch.
            return Subscribed(watch, None, created=False)
    return Subscribed(watch, token, created)


def watch_pending(*, token: str, now=None) -> Watch | None:
    """The unconfirmed, unexpired watch a confirmation token is for, else None."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    now = now or timezone.now()
    return (
        Watch.objects.select_related("rulebook", "rule", "parameter")
        .filter(
            confirm_token_hash=_hash(token),
            confirmed_at__isnull=True,
            requested_at__gte=now - datetime.timedelta(days=confirm_days()),
        )
        .first()
    )


def watch_confirm(*, token: str, now=None) -> Watch | None:
    """Confirm the watch of `token` (see `watch_pending`): it is sent alerts of events from
    now on; the token is forgotten. None if the token is unknown, used or expired."""
    now = now or timezone.now()
    with transaction.atomic():
        watch = watch_pending(token=token, now=now)
        if watch is None:
            return None
        watch.confirmed_at = now
        watch.confirm_token_hash = None
        watch.save(update_fields=["confirmed_at", "confirm_token_hash"])
    return watch


def watch_for_unsubscribe(*, pk: int, token: str) -> Watch | None:
    """The watch an unsubscribe link names, if its token is right; else None."""
    if not isinstance(token, str) or len(token) != 64:
        return None
    watch = Watch.objects.select_related("rulebook", "rule", "parameter").filter(pk=pk).first()
    if watch is None or not constant_time_compare(unsubscribe_token(watch), token):
        return None
    return watch


def watch_unsubscribe(*, watch: Watch) -> None:
    """Delete the watch, its address and its deliveries."""
    watch.delete()


def watches_expire(*, now=None) -> int:
    """Delete unconfirmed watches older than `WATCH_CONFIRM_DAYS`; returns how many."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=confirm_days())
    deleted, _ = Watch.objects.unconfirmed_since(before).delete()
    return deleted


def record_event(sender, *, event, proposal, vote=None, **kwargs) -> None:
    """Receiver of `proposal_event`: the outbox row, in the step's transaction (see module)."""
    if not Watch.objects.confirmed().filter(rulebook_id=proposal.rulebook_id).exists():
        return
    rules, parameter_keys = affected(proposal)
    row = AlertEvent.objects.create(
        rulebook_id=proposal.rulebook_id, proposal=proposal, kind=event, vote=vote
    )
    row.rules.set(sorted(rules))
    if parameter_keys:
        row.parameters.set(
            Parameter.objects.filter(rulebook_id=proposal.rulebook_id, key__in=parameter_keys)
        )
