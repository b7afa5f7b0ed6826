"""What happened to a proposal, told to whoever listens: an extension point for the apps above.

The workflow services (`proposals.services.workflow`, `adoption`) call `announce` as the last
step inside their transaction, after the audit entry. Receivers (the e-mail alerts of `web`,
connected in `WebConfig.ready`) run in that same transaction: what they write (an outbox row)
commits with the step or not at all. So a receiver must only write rows — never send mail or
call out — and the step fails only if its own database does, never because mail does.

`proposals` never imports the apps above it; they connect here, as `rulebook/exchange/sections.py`
lets them add file sections.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import models
from django.dispatch import Signal

from proposals.models import Amendment, Proposal, Vote
from rulebook.models import json_number


class Event(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VOTE_RECORDED = "vote_recorded", "Vote recorded"
    VOTE_VOIDED = "vote_voided", "Vote voided"
    ADOPTED = "adopted", "Adopted"


# Sent with sender=Proposal and keyword arguments `event` (an `Event`), `proposal`, `vote` (the
# vote recorded or voided, else None).
proposal_event = Signal()


def announce(event: Event, proposal: Proposal, *, vote: Vote | None = None) -> None:
    """Tell the receivers, inside the caller's transaction (see the module)."""
    proposal_event.send(sender=Proposal, event=event, proposal=proposal, vote=vote)


def parameters_changed(amendment: Amendment) -> set[str]:
    """The keys of the parameters whose value the amendment changes: added, removed or given
    another value than its base version states. A repeal removes every value; a renumbering
    keeps them (it carries the text and values over)."""
    before = amendment.base_version.parameters if amendment.base_version_id else {}
    if amendment.kind == Amendment.Kind.RENUMBER:
        return set()
    after = {} if amendment.kind == Amendment.Kind.REPEAL else (amendment.parameters or {})
    if not isinstance(after, dict):
        return set(before)
    return {
        key
        for key in set(before) | set(after)
        if _number(before.get(key)) != _number(after.get(key))
    }


def _number(value):
    if value is None:
        return None
    try:
        return json_number(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return value


def affected(proposal: Proposal) -> tuple[set[int], set[str]]:
    """The ids of the rules the proposal's amendments change (an insert's once adoption has
    made it) and the keys of the parameters they change (`parameters_changed`)."""
    rules: set[int] = set()
    parameters: set[str] = set()
    for amendment in proposal.amendments.select_related("base_version"):
        if amendment.rule_id:
            rules.add(amendment.rule_id)
        parameters |= parameters_changed(amendment)
    return rules, parameters
