"""The ``proposals`` section: proposals with their amendments and votes, as history.

    proposals:
      - reference: 2021/1                 # unique in the rule book
        title: …
        proposer: NEC
        rationale: …                      # optional
        submitted_on: 2021-07-01          # optional
        conference_year: 2021             # optional
        status: adopted                   # draft | submitted | carried | lost | withdrawn |
                                          #   remitted | adopted
        adopted_on: 2021-09-26            # an adopted proposal's, and only its
        adoption_note: …                  # optional, adopted only
        amendments: [...]                 # see proposals.exchange.amendments
        votes: [...]                      # see proposals.exchange.votes

The statuses must be reachable through the workflow (`proposals.models.TRANSITIONS`, see
`_check_status`); the dates must make sense as the services require
(`proposals.rules.check_vote_dates`, `check_adoption_dates`): an adopted proposal's versions
take effect, and its `adopted_on` falls, no earlier than the carried decision that counts.
An adoption without a decision vote (a superuser's, with its `adoption_note`) has no decision
to follow: historical files record so the adoptions whose vote was never found.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from proposals import rules
from proposals.exchange.amendments import (
    PlannedAmendment,
    amendment_entry,
    amendment_row,
    check_amendment,
)
from proposals.exchange.common import choice, whole_number
from proposals.exchange.votes import (
    PlannedVote,
    check_vote,
    check_vote_dates,
    void_users,
    vote_entry,
    vote_rows,
)
from proposals.models import (
    TRANSITIONS,
    Amendment,
    CardVoteSection,
    Proposal,
    RollCallEntry,
    Vote,
)
from rulebook.exchange.values import as_date, as_list, as_text, check_keys, model_field
from rulebook.models import ParameterValue, Rulebook

Status, Action = Proposal.Status, Proposal.Action
PROPOSAL_KEYS = (
    "reference",
    "title",
    "proposer",
    "rationale",
    "submitted_on",
    "conference_year",
    "status",
    "adopted_on",
    "adoption_note",
    "amendments",
    "votes",
)
# The step that ends in each status a decision vote does not set (carried and lost are).
REACHED_BY = {t.target: t for t in TRANSITIONS.values() if t.target and t.target != Status.ADOPTED}


@dataclass
class PlannedProposal:
    fields: dict
    amendments: list[PlannedAmendment] = field(default_factory=list)
    votes: list[PlannedVote] = field(default_factory=list)


def validate(value, context) -> list[str]:
    """Check the section against the file's rules and bodies (validated first); leave the
    proposals in ``context.checked["proposals"]``."""
    errors: list[str] = []
    bodies = context.checked.get("bodies", {})
    planned, seen = [], _Seen()
    for index, item in enumerate(as_list(value, "proposals", errors)):
        path = f"proposals[{index}]"
        if check_keys(item, path, errors, PROPOSAL_KEYS):
            planned.append(_check_proposal(item, path, errors, context, bodies, seen))
    context.checked["proposals"] = planned
    return errors


@dataclass
class _Seen:
    """Where each reference and each produced version (rule key, seq) first appears."""

    references: dict[str, str] = field(default_factory=dict)
    produced: dict[tuple[str, int], str] = field(default_factory=dict)

    def reference(self, reference: str | None, path: str, errors: list[str]) -> None:
        if reference in self.references:
            errors.append(f"{path}: {reference!r} is already used by {self.references[reference]}")
        elif reference is not None:
            self.references[reference] = path.removesuffix(".reference")

    def version(self, amendment: PlannedAmendment | None, path: str, errors: list[str]) -> None:
        if amendment is None or amendment.produced is None:
            return
        produced = (amendment.rule, amendment.produced)
        if produced in self.produced:
            errors.append(
                f"{path}.produced_version: {amendment.rule} v{amendment.produced} is already "
                f"produced by {self.produced[produced]}"
            )
        self.produced.setdefault(produced, path)


def _check_proposal(item, path, errors, context, bodies, seen: _Seen) -> PlannedProposal:
    def text(name, **kwargs):
        field = model_field(Proposal, name)
        return as_text(item.get(name), f"{path}.{name}", errors, field=field, **kwargs)

    fields = {name: text(name, required=True) for name in ("reference", "title", "proposer")}
    seen.reference(fields["reference"], f"{path}.reference", errors)
    fields["rationale"] = text("rationale") or ""
    fields["submitted_on"] = as_date(
        item.get("submitted_on"), f"{path}.submitted_on", errors, required=False
    )
    fields["conference_year"] = whole_number(
        item.get("conference_year"), f"{path}.conference_year", errors, low=1900, high=2200
    )
    fields["status"] = choice(item.get("status"), f"{path}.status", errors, Status)
    fields["adopted_on"] = as_date(
        item.get("adopted_on"), f"{path}.adopted_on", errors, required=False
    )
    fields["adoption_note"] = text("adoption_note") or ""
    proposal = PlannedProposal(fields=fields)
    targets = {}
    for index, entry in enumerate(
        as_list(item.get("amendments", []), f"{path}.amendments", errors)
    ):
        at = f"{path}.amendments[{index}]"
        amendment = check_amendment(entry, at, errors, context)
        seen.version(amendment, at, errors)
        proposal.amendments.append(amendment)
        target = amendment and (amendment.kind == "insert", amendment.rule)
        if target and target[1] and target in targets:
            errors.append(
                f"{at}: amendments[{targets[target]}] of this proposal already changes "
                f"{amendment.rule}; combine the two"
            )
        elif target:
            targets[target] = index
    for index, entry in enumerate(as_list(item.get("votes", []), f"{path}.votes", errors)):
        proposal.votes.append(check_vote(entry, f"{path}.votes[{index}]", errors, bodies))
    check_vote_dates(proposal.votes, fields["submitted_on"], path, errors)
    _check_status(proposal, path, errors)
    _check_adoption_dates(proposal, path, errors, context)
    return proposal


def _check_adoption_dates(proposal: PlannedProposal, path: str, errors: list[str], context):
    """`proposals.rules.check_adoption_dates` on the recorded adoption: `adopted_on`, and the
    day each produced version takes effect (from the file's rules)."""
    if proposal.fields["status"] != Status.ADOPTED:
        return
    decided = [
        v.held_on
        for v in proposal.votes
        if v and v.is_counted and v.stage == Vote.Stage.DECISION and v.result == Vote.Result.CARRIED
    ]
    decided_on = decided[0] if decided else None
    today = timezone.localdate()
    problems = rules.check_adoption_dates(
        decided_on=decided_on, adopted_on=proposal.fields["adopted_on"], today=today
    )
    errors += rules.problem_lines(problems, path)
    for index, amendment in enumerate(proposal.amendments):
        version = _produced(amendment, context)
        if version is None:
            continue
        problems = rules.check_adoption_dates(
            decided_on=decided_on, effective_from=version.effective_from, today=today
        )
        at = f"{path}.amendments[{index}].produced_version"
        errors += [f"{at}: {amendment.rule} v{amendment.produced}: {p.message}" for p in problems]


def _produced(amendment: PlannedAmendment | None, context):
    """The file's version an adopted amendment produced, if the file has it."""
    if amendment is None or amendment.produced is None or amendment.rule not in context.planned:
        return None
    if amendment.base is not None and amendment.produced <= amendment.base:
        return None  # reported as out of order: nothing more to say about its date
    versions = context.planned[amendment.rule].versions
    if not 1 <= amendment.produced <= len(versions):
        return None
    version = versions[amendment.produced - 1]
    return version if version is not None and version.effective_from is not None else None


def _check_status(proposal: PlannedProposal, path: str, errors: list[str]) -> None:
    """Refuse a state the workflow cannot reach: draft → submitted → carried/lost by a decision
    (one at most; only lost if by a body not entitled to decide, see `check_vote`) → adopted;
    submitted, withdrawn or remitted only by a step the workflow allows before any decision
    (`TRANSITIONS`); adopted without a carried decision only by a superuser with a note;
    adoption applies every amendment."""
    status, fields = proposal.fields["status"], proposal.fields
    if status is None:
        return
    votes = [v for v in proposal.votes if v is not None]
    # Only the votes that count decide: a voided decision stays on the record beside its
    # successor (see `status_from_votes`).
    decisions = [
        i
        for i, v in enumerate(proposal.votes)
        if v and v.is_counted and v.stage == Vote.Stage.DECISION
    ]
    errors += [
        f"{path}.votes[{i}].stage: the proposal already has a decision vote (votes[{decisions[0]}])"
        for i in decisions[1:]
    ]
    decided = proposal.votes[decisions[0]].result if decisions else None
    if status == Status.DRAFT and (votes or fields["submitted_on"]):
        errors.append(f"{path}.status: a draft has no votes and no submitted_on; submit it first")
    if status in (Status.CARRIED, Status.LOST) and decided != status:
        errors.append(f"{path}.status: {status}, but no decision vote was {status}")
    step = REACHED_BY.get(status)
    if step is not None and decisions and decided not in step.sources:
        errors.append(f"{path}.status: {status}, but votes[{decisions[0]}] decided it")
    if status == Status.ADOPTED and decided not in (None, Vote.Result.CARRIED):
        errors.append(f"{path}.status: adopted, but the decision vote was {decided}")
    if status == Status.ADOPTED and not decisions and not fields["adoption_note"]:
        errors.append(
            f"{path}.adoption_note: is required: without a carried decision vote only a "
            "superuser can adopt, giving a note"
        )
    adopted = status == Status.ADOPTED
    if adopted != (fields["adopted_on"] is not None):
        problem = "is required" if adopted else "only an adopted proposal has one"
        errors.append(f"{path}.adopted_on: {problem}")
    if fields["adoption_note"] and not adopted:
        errors.append(f"{path}.adoption_note: only an adopted proposal has one")
    if status != Status.DRAFT and not proposal.amendments:
        errors.append(f"{path}.amendments: at least one is needed once a proposal is submitted")
    for index, amendment in enumerate(proposal.amendments):
        at = f"{path}.amendments[{index}].produced_version"
        if amendment is not None and adopted and amendment.produced is None:
            errors.append(f"{at}: is required: adopting a proposal applies every amendment")
        elif amendment is not None and not adopted and amendment.produced is not None:
            errors.append(f"{at}: only an adopted proposal's amendments produced versions")


def load(value, rulebook: Rulebook, context, by) -> list[Proposal]:
    """Write the proposals, then their amendments, votes, sections and roll calls, in bulk."""
    planned: list[PlannedProposal] = context.checked["proposals"]
    rows = Proposal.objects.bulk_create(
        Proposal(rulebook=rulebook, created_by=by, **p.fields) for p in planned
    )
    Amendment.objects.bulk_create(
        amendment_row(a, order, row, context)
        for p, row in zip(planned, rows, strict=True)
        for order, a in enumerate(p.amendments, start=1)
    )
    loaded = context.loaded.get("bodies")
    voiders = void_users([v for p in planned for v in p.votes])
    built = [
        vote_rows(v, row, loaded.bodies, loaded.members, by, voiders)
        for p, row in zip(planned, rows, strict=True)
        for v in p.votes
    ]
    Vote.objects.bulk_create(vote for vote, _, _ in built)
    for vote, sections, entries in built:
        for part in (*sections, *entries):
            part.vote = vote
    CardVoteSection.objects.bulk_create(s for _, sections, _ in built for s in sections)
    RollCallEntry.objects.bulk_create(e for _, _, entries in built for e in entries)
    return rows


def dump(rulebook: Rulebook, at: datetime.date | None) -> list[dict] | None:
    """Every proposal in creation order with its amendments and votes (six queries).

    Left out of an export `at` a date (see `proposals.exchange`).
    """
    if at is not None:
        return None
    proposals = list(Proposal.objects.filter(rulebook=rulebook).order_by("pk"))
    in_book = {"proposal__rulebook": rulebook}
    amendments = defaultdict(list)
    for amendment in (
        Amendment.objects.filter(**in_book)
        .select_related(
            "rule", "base_version", "produced_version", "parent", "after", "conflict_version"
        )
        .order_by("order", "pk")
    ):
        amendments[amendment.proposal_id].append(amendment)
    values = _version_values(a for group in amendments.values() for a in group)
    votes = defaultdict(list)
    for vote in (
        Vote.objects.filter(**in_book).select_related("body", "voided_by").order_by("held_on", "pk")
    ):
        votes[vote.proposal_id].append(vote)
    sections, roll_calls = defaultdict(list), defaultdict(list)
    for section in CardVoteSection.objects.filter(vote__proposal__rulebook=rulebook).order_by("pk"):
        sections[section.vote_id].append(section)
    for entry in (
        RollCallEntry.objects.filter(vote__proposal__rulebook=rulebook)
        .select_related("membership")
        .order_by("membership__name", "pk")
    ):
        roll_calls[entry.vote_id].append(entry)
    return [
        _proposal_entry(
            p,
            [amendment_entry(a, values) for a in amendments[p.pk]],
            [vote_entry(v, sections[v.pk], roll_calls[v.pk]) for v in votes[p.pk]],
        )
        for p in proposals
    ]


def _version_values(amendments) -> dict[int, dict]:
    """The parameter values of the amendments' base and produced versions, in one query."""
    ids = {pk for a in amendments for pk in (a.base_version_id, a.produced_version_id) if pk}
    values = defaultdict(dict)
    for version_id, key, value in ParameterValue.objects.filter(version_id__in=ids).values_list(
        "version_id", "parameter__key", "value"
    ):
        values[version_id][key] = value
    return values


def _proposal_entry(proposal: Proposal, amendments: list[dict], votes: list[dict]) -> dict:
    entry = {
        "reference": proposal.reference,
        "title": proposal.title,
        "proposer": proposal.proposer,
    }
    if proposal.rationale:
        entry["rationale"] = proposal.rationale
    if proposal.submitted_on:
        entry["submitted_on"] = proposal.submitted_on.isoformat()
    if proposal.conference_year:
        entry["conference_year"] = proposal.conference_year
    entry["status"] = proposal.status
    if proposal.adopted_on:
        entry["adopted_on"] = proposal.adopted_on.isoformat()
    if proposal.adoption_note:
        entry["adoption_note"] = proposal.adoption_note
    if amendments:
        entry["amendments"] = amendments
    if votes:
        entry["votes"] = votes
    return entry
