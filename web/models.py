"""E-mail alerts: who watches what (`Watch`), what happened (`AlertEvent`, the outbox) and
what each watcher has been sent (`AlertDelivery`).

Addresses are kept only as long as needed: an unconfirmed watch is deleted after
`WATCH_CONFIRM_DAYS`, a confirmed one when its owner unsubscribes (its deliveries go with it),
and nothing about a watch is written to the audit trail, which is kept for ever. The
confirmation token is stored only as its SHA-256; the unsubscribe token is an HMAC of the
watch under SECRET_KEY (`web.watch.tokens`), so a copy of the database alone can neither
confirm nor remove anybody.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from proposals.events import Event
from proposals.models import Proposal, Vote
from rulebook.models import Parameter, Rule, Rulebook


class WatchQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, before):
        """Unconfirmed watches asked for before `before` (expired: to delete)."""
        return self.filter(confirmed_at__isnull=True, requested_at__lt=before)


class Watch(models.Model):
    """One address watching a rule book, a rule or a parameter, no account needed."""

    class Scope(models.TextChoices):
        BOOK = "book", "The whole rule book"
        RULE = "rule", "A rule"
        PARAMETER = "parameter", "A parameter"

    class Frequency(models.TextChoices):
        EACH = "each", "A message for each event"
        DAILY = "daily", "A daily digest"

    rulebook = models.ForeignKey(Rulebook, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    rule = models.ForeignKey(
        Rule, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    parameter = models.ForeignKey(
        Parameter, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(max_length=254)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    confirm_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Random per watch: the unsubscribe token is HMAC(SECRET_KEY, id:secret).
    secret = models.CharField(max_length=32)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects = WatchQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="book", rule__isnull=True, parameter__isnull=True)
                | Q(scope="rule", rule__isnull=False, parameter__isnull=True)
                | Q(scope="parameter", rule__isnull=True, parameter__isnull=False),
                name="web_watch_scope_target",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["each", "daily"]), name="web_watch_frequency_known"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirm_token_hash__isnull=True),
                name="web_watch_confirmed_token_gone",
            ),
            # One watch per address and target (nulls are distinct in a plain unique index).
            models.UniqueConstraint(
                fields=["rulebook", "email"], condition=Q(scope="book"), name="web_watch_book_once"
            ),
            models.UniqueConstraint(
                fields=["rule", "email"], condition=Q(scope="rule"), name="web_watch_rule_once"
            ),
            models.UniqueConstraint(
                fields=["parameter", "email"],
                condition=Q(scope="parameter"),
                name="web_watch_parameter_once",
            ),
        ]

    def __str__(self):
        return f"{self.email} watching {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.scope == self.Scope.RULE:
            return f"rule {self.rule.key}"
        if self.scope == self.Scope.PARAMETER:
            return f"parameter {self.parameter.key}"
        return f"the rule book {self.rulebook.title}"


class AlertEventQuerySet(models.QuerySet):
    def for_watch(self, watch: Watch):
        """The events `watch` is to be told of and has not been sent: of its book, since it
        was confirmed, about its rule or parameter (any for a book watch), given up on after
        `attempts` failures."""
        events = self.filter(rulebook_id=watch.rulebook_id, occurred_at__gte=watch.confirmed_at)
        if watch.scope == Watch.Scope.RULE:
            events = events.filter(rules=watch.rule_id)
        elif watch.scope == Watch.Scope.PARAMETER:
            events = events.filter(parameters=watch.parameter_id)
        done = AlertDelivery.objects.filter(watch=watch, event=OuterRef("pk")).filter(
            Q(sent_at__isnull=False) | Q(attempts__gte=AlertDelivery.MAX_ATTEMPTS)
        )
        return events.exclude(Exists(done)).order_by("occurred_at", "pk")


class AlertEvent(models.Model):
    """The outbox: one row per proposal event, written in the event's transaction
    (`web.watch.events`), sent later by `manage.py send_alerts`."""

    rulebook = models.ForeignKey(Rulebook, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Event.choices)
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    rules = models.ManyToManyField(Rule, blank=True, related_name="+")
    parameters = models.ManyToManyField(Parameter, blank=True, related_name="+")

    objects = AlertEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.proposal.reference} {self.get_kind_display().lower()}"


class AlertDelivery(models.Model):
    """An event sent (or tried) to one watch: what makes a rerun of `send_alerts` send nothing
    twice, and retry what failed."""

    MAX_ATTEMPTS = 10

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(fields=["watch", "event"], name="web_delivery_once"),
        ]

    def __str__(self):
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else "not sent"
        return f"{self.event} to watch {self.watch_id}: {state}"
