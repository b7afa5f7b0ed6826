"""The proposal workflow: submit, withdraw, remit, and record votes.

draft ─submit→ submitted ─decision vote→ carried ─adopt→ adopted
  │                │                   → lost
  └──withdraw──────┴─withdraw→ withdrawn
                   └─remit→ remitted

A decision is normally taken by a body entitled to decide rule changes (Conference). A body
that is not (the NEC) may record a decision only when it is lost: the NEC decides what it puts
to Conference, so an amendment it rejects falls there and the proposal is lost. It cannot carry
one: that takes its recommendation and then Conference's decision.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from proposals.models import Body, CardVoteSection, Membership, Proposal, RollCallEntry, Vote
from proposals.services import tally
from proposals.services.common import as_date, audit, lock_proposal, require_status

Status = Proposal.Status


def proposal_submit(
    *, proposal: Proposal, by=None, submitted_on: datetime.date | None = None
) -> Proposal:
    """Submit a draft. Steps: lock; refuse unless draft and with at least one amendment;
    set status submitted and `submitted_on` (default today); audit."""
    with transaction.atomic():
        lock_proposal(proposal)
        require_status(proposal, (Status.DRAFT,), "submitted")
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
    return proposal


def proposal_withdraw(*, proposal: Proposal, by=None) -> Proposal:
    """Withdraw a draft or submitted proposal. Steps: lock; check status; set; audit."""
    return _transition(proposal, (Status.DRAFT, Status.SUBMITTED), Status.WITHDRAWN, by)


def proposal_remit(*, proposal: Proposal, by=None) -> Proposal:
    """Remit (refer back) a submitted proposal. Steps: lock; check status; set; audit."""
    return _transition(proposal, (Status.SUBMITTED,), Status.REMITTED, by)


def _transition(proposal, allowed, to, by) -> Proposal:
    with transaction.atomic():
        lock_proposal(proposal)
        require_status(proposal, allowed, to)
        previous, proposal.status = proposal.status, to
        proposal.save(update_fields=["status", "updated_at"])
        audit(f"proposal.{to}", proposal, by, previous=previous)
    return proposal


def vote_record(
    *,
    proposal: Proposal,
    body: Body | str,
    held_on: datetime.date,
    stage: str,
    method: str,
    majority: str = Vote.Majority.SIMPLE,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    sections: list[dict] | None = None,
    roll_call: list[dict] | None = None,
    declared_result: str | None = None,
    note: str = "",
    by=None,
) -> Vote:
    """Record a body's vote on a submitted proposal (DESIGN.md POST …/votes/ shapes).

    `body` is a Body or its slug; `sections` are {"name", "weight", "for_percent",
    "against_percent"}; `roll_call` entries are {"member": name or Membership, "choice"}.

    Steps: lock the proposal; refuse unless submitted; check the body, stage, method and
    majority; a decision may be taken once; check the figures the method needs and refuse
    impossible ones; compute the result and refuse a declared result that disagrees; refuse a
    carried decision by a body not entitled to decide (its lost decision ends the proposal);
    save the vote with its sections or roll call; a decision sets the proposal carried or lost;
    audit.
    """
    with transaction.atomic():
        lock_proposal(proposal)
        require_status(proposal, (Status.SUBMITTED,), "voted on")
        body = _body(proposal, body)
        _check_choices(stage=stage, method=method, majority=majority, declared=declared_result)
        if stage == Vote.Stage.DECISION:
            _check_once(proposal)
        held_on = as_date(held_on, "held_on")
        vote = Vote(
            proposal=proposal,
            body=body,
            held_on=held_on,
            stage=stage,
            method=method,
            majority=majority,
            declared_result=declared_result,
            note=note or "",
            created_by=by,
        )
        counts = _counts(votes_for, votes_against, abstentions)
        if method == Vote.Method.CARD_VOTE:
            parts = _card_vote(vote, counts, sections, roll_call)
        elif method == Vote.Method.ROLL_CALL:
            parts = _roll_call(vote, counts, sections, roll_call)
        else:
            parts = _show_of_hands(vote, counts, sections, roll_call)
        if declared_result and declared_result != vote.result:
            raise ValidationError(
                {
                    "declared_result": f"The figures give {vote.result}, not the declared "
                    f"{declared_result}; check the figures or the majority rule ({majority})."
                }
            )
        if stage == Vote.Stage.DECISION:
            _check_entitled(body, vote.result)
        vote.save()
        for part in parts:
            part.vote = vote
            part.save()
        if stage == Vote.Stage.DECISION:
            proposal.status = vote.result
            proposal.save(update_fields=["status", "updated_at"])
        audit("vote.record", proposal, by, vote=vote.pk, body=body.slug, result=vote.result)
    return vote


def _body(proposal: Proposal, body) -> Body:
    slug = body.slug if isinstance(body, Body) else body
    found = Body.objects.filter(rulebook=proposal.rulebook, slug=slug).first()
    if found is None:
        raise ValidationError({"body": f"Rule book {proposal.rulebook.slug} has no body {slug!r}."})
    return found


def _check_choices(*, stage, method, majority, declared) -> None:
    problems = {}
    for field, value, choices in (
        ("stage", stage, Vote.Stage),
        ("method", method, Vote.Method),
        ("majority", majority, Vote.Majority),
    ):
        if value not in choices.values:
            problems[field] = f"Unknown {field} {value!r}: use {', '.join(choices.values)}."
    if declared is not None and declared not in Vote.Result.values:
        problems["declared_result"] = "Use carried or lost."
    if problems:
        raise ValidationError(problems)


def _check_once(proposal: Proposal) -> None:
    if proposal.votes.filter(stage=Vote.Stage.DECISION).exists():
        raise ValidationError(
            {"stage": f"Proposal {proposal.reference} already has a decision vote."}
        )


def _check_entitled(body: Body, result: str) -> None:
    """A body not entitled to decide may lose a proposal (it falls there), never carry one."""
    if not body.decides and result != Vote.Result.LOST:
        raise ValidationError(
            {
                "stage": f"The {body.name} cannot adopt rule changes: record its "
                "recommendation, and Conference's decision."
            }
        )


def _counts(votes_for, votes_against, abstentions) -> dict[str, int | None]:
    counts = {"votes_for": votes_for, "votes_against": votes_against, "abstentions": abstentions}
    problems = {}
    for field, value in counts.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems[field] = "Give a whole number."
        elif value < 0:
            problems[field] = f"A count cannot be negative ({value})."
    if problems:
        raise ValidationError(problems)
    return counts


def _refuse_extras(method: str, **given) -> None:
    extras = {
        name: f"A {method.replace('_', ' ')} does not take {name}."
        for name, value in given.items()
        if value
    }
    if extras:
        raise ValidationError(extras)


def _show_of_hands(vote, counts, sections, roll_call) -> list:
    _refuse_extras(vote.method, sections=sections, roll_call=roll_call)
    missing = {
        f: "Required for a show of hands."
        for f in ("votes_for", "votes_against")
        if counts[f] is None
    }
    if missing:
        raise ValidationError(missing)
    for field, value in counts.items():
        setattr(vote, field, value)
    vote.result = tally.decide(
        votes_for=counts["votes_for"], votes_against=counts["votes_against"], majority=vote.majority
    )
    return []


def _card_vote(vote, counts, sections, roll_call) -> list[CardVoteSection]:
    given = {k: v for k, v in counts.items() if v is not None}
    _refuse_extras(vote.method, roll_call=roll_call, **given)
    if not isinstance(sections, list) or not sections:
        raise ValidationError({"sections": "A card vote needs its sections' percentages."})
    parsed = [_section(index, s) for index, s in enumerate(sections)]
    problems = tally.section_problems(parsed)
    if problems:
        raise ValidationError({"sections": problems})
    weighted_for, weighted_against = tally.card_vote_totals(parsed)
    vote.result = tally.decide(
        votes_for=weighted_for, votes_against=weighted_against, majority=vote.majority
    )
    return [
        CardVoteSection(
            name=s.name,
            weight=s.weight,
            for_percent=s.for_percent,
            against_percent=s.against_percent,
        )
        for s in parsed
    ]


def _section(index: int, data) -> tally.Section:
    if not isinstance(data, dict):
        raise ValidationError({f"sections[{index}]": "Give name, weight and percentages."})
    problems, numbers = {}, {}
    for field in ("weight", "for_percent", "against_percent"):
        value = data.get(field)
        try:
            if isinstance(value, bool) or value is None:
                raise InvalidOperation
            numbers[field] = Decimal(str(value)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            problems[f"sections[{index}].{field}"] = "Give a percentage, e.g. 53.67."
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems[f"sections[{index}].name"] = "Name the section, e.g. CLPs."
    if problems:
        raise ValidationError(problems)
    return tally.Section(name=name.strip(), **numbers)


def _roll_call(vote, counts, sections, roll_call) -> list[RollCallEntry]:
    _refuse_extras(vote.method, sections=sections)
    if not isinstance(roll_call, list) or not roll_call:
        raise ValidationError({"roll_call": "A roll call needs each member's vote."})
    members = Membership.objects.filter(body=vote.body).on(vote.held_on)
    by_name = {m.name: m for m in members}
    problems, entries, seen = {}, [], set()
    for index, item in enumerate(roll_call):
        item = item if isinstance(item, dict) else {}
        member, choice = item.get("member"), item.get("choice")
        name = member.name if isinstance(member, Membership) else member
        membership = by_name.get(name)
        if isinstance(member, Membership) and membership and membership.pk != member.pk:
            membership = None
        if membership is None:
            problems[f"roll_call[{index}].member"] = (
                f"{name!r} was not a member of {vote.body.name} on {vote.held_on.isoformat()}."
            )
        elif membership.pk in seen:
            problems[f"roll_call[{index}].member"] = f"{name} is listed twice."
        if choice not in RollCallEntry.Choice.values:
            problems[f"roll_call[{index}].choice"] = "Use for, against or abstain."
        if membership is not None:
            seen.add(membership.pk)
            entries.append(RollCallEntry(membership=membership, choice=choice))
    if problems:
        raise ValidationError(problems)
    tallied = dict(zip(counts, tally.roll_call_counts(e.choice for e in entries), strict=True))
    disagree = {
        field: f"The roll call gives {tallied[field]}, not {value}."
        for field, value in counts.items()
        if value is not None and value != tallied[field]
    }
    if disagree:
        raise ValidationError(disagree)
    for field, value in tallied.items():
        setattr(vote, field, value)
    vote.result = tally.decide(
        votes_for=tallied["votes_for"],
        votes_against=tallied["votes_against"],
        majority=vote.majority,
    )
    return entries
