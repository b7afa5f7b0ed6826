"""Helpers shared by the proposal services: locking, dates, rule look-ups and auditing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from proposals.models import Proposal
from rulebook.models import Rule, Rulebook, RuleVersion
from rulebook.services import audit_record


def lock_proposal(proposal: Proposal) -> Proposal:
    """Re-read the proposal under a row lock, so two workflow steps on it queue; the caller's
    instance is refreshed in place (the step then sees, and changes, the current row)."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    for field in Proposal._meta.concrete_fields:
        setattr(proposal, field.attname, getattr(locked, field.attname))
    proposal._status_when_locked = locked.status  # for `audit`: the status change, if any
    return proposal


def as_date(value, field: str) -> datetime.date:
    """A date given as a date or an ISO string (YYYY-MM-DD), or a ValidationError."""
    if isinstance(value, datetime.datetime):
        raise ValidationError({field: "Give a date, not a date and time."})
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a date (YYYY-MM-DD)."}) from None


def find_rule(rulebook: Rulebook, value) -> Rule | None:
    """A rule of `rulebook` given as a Rule or its key; None if there is no such rule."""
    if isinstance(value, Rule):
        return value if value.rulebook_id == rulebook.pk else None
    if not isinstance(value, str):
        return None
    return Rule.objects.filter(rulebook=rulebook, key=value).first()


def latest_version(rule: Rule) -> RuleVersion | None:
    """The rule's newest version, pending (future) ones included."""
    return rule.versions.order_by("-seq").first()


def audit(action: str, proposal: Proposal, by, *, changes: dict | None = None, **data) -> None:
    """Record a write to `proposal` (or its amendments and votes) in its trail.

    `changes` is what the write changed, by field, as (before, after). A change of status is
    added here: `lock_proposal` remembered the status the step started from, so every
    workflow step (submit, a decision vote, withdraw, adopt …) records, e.g., "status:
    submitted → carried" without restating it.
    """
    changes = dict(changes or {})
    before = getattr(proposal, "_status_when_locked", None)
    if before is not None and before != proposal.status and "status" not in changes:
        changes["status"] = (before, proposal.status)
    proposal._status_when_locked = proposal.status
    audit_record(
        action=action,
        subject=f"proposal {proposal.reference} ({proposal.rulebook.slug})",
        by=by,
        data={"proposal": proposal.pk, **data},
        rulebook=proposal.rulebook,
        record=proposal,
        changes=changes,
    )
