"""Adoption: a carried proposal's amendments become new rule versions, all or nothing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from proposals.events import Event, announce
from proposals.models import Amendment, Proposal, Vote
from proposals.rules import check_adoption_dates, raise_problems
from proposals.services.common import (
    as_date,
    audit,
    latest_version,
    lock_proposal,
)
from rulebook.models import Rule, Rulebook, RuleVersion
from rulebook.services import rule_create, rule_move, version_create

Kind = Amendment.Kind
Status = Proposal.Status


class StaleAmendments(Exception):
    """Adoption refused: these amendments were drafted against an older version of their
    rule (or carry an unresolved rebase conflict). Nothing was applied; rebase them first."""

    def __init__(self, amendments: list[Amendment]):
        self.amendments = amendments
        described = ", ".join(f"amendment {a.pk} {a.stale_reason()}" for a in amendments)
        super().__init__(f"Rebase before adopting: {described}.")

    @property
    def ids(self) -> list[int]:
        return [a.pk for a in self.amendments]


def proposal_adopt(
    *,
    proposal: Proposal,
    effective_from: datetime.date,
    by=None,
    note: str = "",
    adopted_on: datetime.date | None = None,
) -> list[RuleVersion]:
    """Apply a carried proposal: one new rule version per amendment, taking effect on
    `effective_from`. Returns the new versions in amendment order.

    Steps, in one transaction:
    1. lock the proposal; it must be carried with a carried decision vote (that counts) by a
       body entitled to decide — or `by` is a superuser giving a `note` (consolidations,
       corrections), for a draft, submitted or carried proposal; it takes effect and is
       recorded (`adopted_on`, default today) no earlier than that decision, and is not
       recorded in the future (`proposals.rules.check_adoption_dates`);
    2. lock the rule book row, then the affected rules in primary-key order, so concurrent
       adoptions queue in one stable order instead of deadlocking;
    3. re-check, under the locks, that no amendment is stale or conflicted; if any is, raise
       StaleAmendments listing them, with nothing applied;
    4. per amendment: amend → new version; insert → new rule then its first version;
       repeal → repealing version; renumber → same text under the new number, moved if it
       names a parent or sibling (the new version carries the new placement); each version
       is "recorded at adoption" with the proposal as its source; link it to its amendment;
    5. mark the proposal adopted on `adopted_on` (default today); audit.
    """
    note = (note or "").strip()
    effective_from = as_date(effective_from, "effective_from")
    today = timezone.localdate()
    adopted_on = as_date(adopted_on, "adopted_on") if adopted_on else today
    with transaction.atomic():
        lock_proposal(proposal)
        _check_entitled(proposal, by, note)
        decision = _carried_decision(proposal).first()
        raise_problems(
            check_adoption_dates(
                decided_on=decision and decision.held_on,
                effective_from=effective_from,
                adopted_on=adopted_on,
                today=today,
            )
        )
        Rulebook.objects.select_for_update().filter(pk=proposal.rulebook_id).get()
        rule_ids = sorted(
            set(proposal.amendments.filter(rule__isnull=False).values_list("rule_id", flat=True))
        )
        list(Rule.objects.select_for_update().filter(pk__in=rule_ids).order_by("pk"))
        # Read under the locks: staleness is what no other adoption can change now.
        amendments = list(
            proposal.amendments.with_staleness().select_related(
                "rule", "base_version", "parent", "after"
            )
        )
        if not amendments:
            raise ValidationError({"amendments": f"Proposal {proposal.reference} changes nothing."})
        blocked = [a for a in amendments if a.conflict or a.is_stale]
        if blocked:
            raise StaleAmendments(blocked)
        adopted_on = as_date(adopted_on, "adopted_on") if adopted_on else timezone.localdate()
        recorded = {
            "provenance": RuleVersion.Provenance.ADOPTED,
            "source": adoption_source(proposal, adopted_on),
        }
        versions = [_apply(a, proposal, effective_from, note, by, recorded) for a in amendments]
        proposal.status = Status.ADOPTED
        proposal.adopted_on = adopted_on
        proposal.adoption_note = note
        proposal.save(update_fields=["status", "adopted_on", "adoption_note", "updated_at"])
        audit(
            "proposal.adopt",
            proposal,
            by,
            effective_from=effective_from.isoformat(),
            versions=[v.pk for v in versions],
            note=note,
        )
        announce(Event.ADOPTED, proposal)
    return versions


def _check_entitled(proposal: Proposal, by, note: str) -> None:
    if by is not None and by.is_superuser and note:
        proposal.require(Proposal.Action.ADOPT, with_note=True)
        return
    proposal.require(Proposal.Action.ADOPT)
    if not _carried_decision(proposal).filter(body__decides=True).exists():
        raise ValidationError(
            {
                "status": f"Proposal {proposal.reference} has no carried decision vote by a body "
                "entitled to decide; only a superuser, with a note, can adopt it."
            }
        )


def _carried_decision(proposal: Proposal):
    """The carried decision vote that counts (a voided one does not)."""
    return proposal.votes.counted().filter(stage=Vote.Stage.DECISION, result=Vote.Result.CARRIED)


def adoption_source(proposal: Proposal, adopted_on: datetime.date) -> str:
    """The `source` of a version recorded at adoption: which proposal, adopted when."""
    return f"{proposal.reference} {proposal.title}, adopted {adopted_on.isoformat()}"


def _apply(amendment: Amendment, proposal, effective_from, note, by, recorded) -> RuleVersion:
    common = {"effective_from": effective_from, "note": note, "by": by, **recorded}
    rule = amendment.rule
    if amendment.kind == Kind.INSERT:
        try:
            rule = rule_create(
                rulebook=proposal.rulebook,
                key=amendment.new_key,
                parent=amendment.parent,
                after=amendment.after,
            )
        except ValidationError as error:
            raise ValidationError(
                {"amendments": [f"Inserting {amendment.new_key}: {m}" for m in error.messages]}
            ) from None
        amendment.rule = rule
        fields = _wording(amendment, amendment.parameters)
    elif amendment.kind == Kind.AMEND:
        fields = _wording(amendment, amendment.parameters)
    elif amendment.kind == Kind.REPEAL:
        fields = {"repealed": True}
    else:
        current = latest_version(rule)
        fields = {
            "number": amendment.number,
            "heading": current.heading,
            "text": current.text,
            "parameters": current.parameters,
        }
        if amendment.parent_id or amendment.after_id:
            rule_move(rule=rule, parent=amendment.parent, after=amendment.after)
    version = version_create(rule=rule, **fields, **common)
    amendment.produced_version = version
    amendment.save(update_fields=["rule", "produced_version"])
    return version


def _wording(amendment: Amendment, parameters: dict) -> dict:
    return {
        "number": amendment.number,
        "heading": amendment.heading,
        "text": amendment.text,
        "parameters": parameters,
    }
