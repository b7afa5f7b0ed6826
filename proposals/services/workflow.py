"""The proposal workflow: submit, withdraw, remit, record votes and void them.

Which step each status allows is `proposals.models.TRANSITIONS` (the diagram is there); what
makes a vote valid is `proposals.rules.check_vote`. These services lock, check, write and
audit.

A decision is normally taken by a body entitled to decide rule changes (Conference). A body
that is not (the NEC) may record a decision only when it is lost: the NEC decides what it puts
to Conference, so an amendment it rejects falls there and the proposal is lost. It cannot carry
one: that takes its recommendation and then Conference's decision.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from proposals.events import Event, announce
from proposals.models import (
    TRANSITIONS,
    Body,
    CardVoteSection,
    Membership,
    Proposal,
    RollCallEntry,
    Vote,
    status_from_votes,
)
from proposals.rules import Dated, RollCall, check_vote, check_vote_dates, raise_problems
from proposals.services import tally
from proposals.services.common import as_date, audit, lock_proposal

Status, Action = Proposal.Status, Proposal.Action


def proposal_submit(
    *, proposal: Proposal, by=None, submitted_on: datetime.date | None = None
) -> Proposal:
    """Submit a draft. Steps: lock; refuse unless the workflow allows it (a draft) and it
    has at least one amendment; set status submitted and `submitted_on` (default today);
    audit."""
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(Action.SUBMIT)
        if not proposal.amendments.exists():
            raise ValidationError(
                {"amendments": f"Proposal {proposal.reference} has no amendments to submit."}
            )
        proposal.status = Status.SUBMITTED
        proposal.submitted_on = (
            as_date(submitted_on, "submitted_on") if submitted_on else timezone.localdate()
        )
        proposal.save(update_fields=["status", "submitted_on", "updated_at"])
        audit("proposal.submit", proposal, by)
        announce(Event.SUBMITTED, proposal)
    return proposal


def proposal_withdraw(*, proposal: Proposal, by=None) -> Proposal:
    """Withdraw a draft or submitted proposal. Steps: lock; check the workflow allows it;
    set withdrawn; audit."""
    return _transition(proposal, Action.WITHDRAW, by)


def proposal_remit(*, proposal: Proposal, by=None) -> Proposal:
    """Remit (refer back to the NEC) a submitted proposal, as Conference does instead of
    deciding it. Steps: lock; check the workflow allows it; set remitted; audit."""
    return _transition(proposal, Action.REMIT, by)


def _transition(proposal: Proposal, action: str, by) -> Proposal:
    to = TRANSITIONS[action].target
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(action)
        previous, proposal.status = proposal.status, to
        proposal.save(update_fields=["status", "updated_at"])
        audit(f"proposal.{to}", proposal, by, previous=previous)
    return proposal


def vote_record(
    *,
    proposal: Proposal,
    body: Body,
    held_on: datetime.date,
    stage: str,
    method: str,
    majority: str = Vote.Majority.SIMPLE,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    sections: list[tally.Section] | None = None,
    roll_call: list[RollCall] | None = None,
    declared_result: str | None = None,
    note: str = "",
    by=None,
) -> Vote:
    """Record a body's vote on a submitted proposal (DESIGN.md POST …/votes/ shapes).

    Takes typed values: the `Body`, the `date`, card-vote sections as `tally.Section`s and a
    roll call as `rules.RollCall`s. Parsing a body's slug, a date or dicts is the caller's
    (the API's input serializer, the admin's form, the importer).

    Steps: lock the proposal; refuse unless the workflow allows a vote (submitted); a
    decision may be taken once (of the votes that count); check the vote
    (`proposals.rules.check_vote`: stage, method, majority, the figures the method needs, the
    declared result, a body not entitled to decide carrying it) and its date
    (`check_vote_dates`: not in the future, not before submission, in stage order) and raise
    every problem; save the vote with its sections or roll call; a decision sets the proposal
    carried or lost (`status_from_votes`); audit.
    """
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(Action.VOTE)
        if body.rulebook_id != proposal.rulebook_id:
            raise ValidationError(
                {"body": f"{body.name} belongs to another rule book than {proposal.reference}."}
            )
        counted = list(proposal.votes.counted().select_related("body"))
        if stage == Vote.Stage.DECISION and any(v.stage == stage for v in counted):
            raise ValidationError(
                {"stage": f"Proposal {proposal.reference} already has a decision vote."}
            )
        members = Membership.objects.none()
        if method == Vote.Method.ROLL_CALL:
            members = Membership.objects.filter(body=body).on(held_on)
        counts = {
            "votes_for": votes_for,
            "votes_against": votes_against,
            "abstentions": abstentions,
        }
        checked = check_vote(
            body=body,
            held_on=held_on,
            stage=stage,
            method=method,
            majority=majority,
            counts=counts,
            sections=sections,
            roll_call=roll_call,
            declared_result=declared_result,
            members=members,
        )
        dates = check_vote_dates(
            held_on=held_on,
            stage=stage,
            submitted_on=proposal.submitted_on,
            others=[Dated(v.stage, v.held_on, v.body.name) for v in counted],
            today=timezone.localdate(),
        )
        raise_problems(checked.problems + dates)
        vote = Vote.objects.create(
            proposal=proposal,
            body=body,
            held_on=held_on,
            stage=stage,
            method=method,
            majority=majority,
            declared_result=declared_result,
            result=checked.result,
            note=note or "",
            created_by=by,
            **(counts if method == Vote.Method.SHOW_OF_HANDS else {}),
            **(checked.counts if method == Vote.Method.ROLL_CALL else {}),
        )
        if method == Vote.Method.CARD_VOTE:
            CardVoteSection.objects.bulk_create(
                CardVoteSection(
                    vote=vote,
                    name=s.name,
                    weight=s.weight,
                    for_percent=s.for_percent,
                    against_percent=s.against_percent,
                )
                for s in sections
            )
        if method == Vote.Method.ROLL_CALL:
            RollCallEntry.objects.bulk_create(
                RollCallEntry(vote=vote, membership=member, choice=entry.choice)
                for member, entry in zip(checked.members, roll_call, strict=True)
            )
        if stage == Vote.Stage.DECISION:
            proposal.status = status_from_votes(proposal.status, vote.result)
            proposal.save(update_fields=["status", "updated_at"])
        audit("vote.record", proposal, by, vote=vote.pk, body=body.slug, result=vote.result)
        announce(Event.VOTE_RECORDED, proposal, vote=vote)
    return vote


def vote_void(*, vote: Vote, reason: str, by) -> Vote:
    """Void a wrongly recorded vote: it stays on the record, marked voided (when, by whom,
    why), and no longer counts (`VoteQuerySet.counted`). Nothing is deleted.

    Steps: lock the proposal, and re-read the vote under the lock; refuse an empty reason, a
    vote already voided, and any vote of an adopted proposal (its record is history: a
    correction is a new proposal, or a superuser's correction with a note); mark the vote
    voided now by `by`; the proposal takes the status its votes that still count give
    (`status_from_votes`: voiding the decision of a proposal not yet adopted makes it
    submitted again); audit "vote.voided" with the reason.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        proposal = lock_proposal(vote.proposal)
        vote = Vote.objects.select_related("body", "voided_by").get(pk=vote.pk)
        vote.proposal = proposal
        if not reason:
            raise ValidationError({"reason": "Give the reason the vote is voided."})
        if vote.voided_at is not None:
            by_whom = vote.voided_by.get_username()
            raise ValidationError(
                {
                    "status": f"This vote was already voided on "
                    f"{timezone.localdate(vote.voided_at).isoformat()} by {by_whom}."
                }
            )
        if proposal.status == Status.ADOPTED:
            raise ValidationError(
                {
                    "status": f"Proposal {proposal.reference} is adopted: its votes are history "
                    "and cannot be voided. A correction is a new proposal, or a superuser's "
                    "correction with a note."
                }
            )
        vote.voided_at, vote.voided_by, vote.void_reason = timezone.now(), by, reason
        vote.save(update_fields=["voided_at", "voided_by", "void_reason"])
        decision = (
            proposal.votes.counted()
            .filter(stage=Vote.Stage.DECISION)
            .values_list("result", flat=True)
            .first()
        )
        previous = proposal.status
        proposal.status = status_from_votes(previous, decision)
        if proposal.status != previous:
            proposal.save(update_fields=["status", "updated_at"])
        audit(
            "vote.voided",
            proposal,
            by,
            vote=vote.pk,
            body=vote.body.slug,
            stage=vote.stage,
            reason=reason,
            previous=previous,
            status=proposal.status,
        )
        announce(Event.VOTE_VOIDED, proposal, vote=vote)
    return vote
