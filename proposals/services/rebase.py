"""Rebasing: moving a stale amendment onto its rule's latest version by three-way merge.

Decision: a conflicting rebase leaves `base_version` where it was (the version the proposed
text was really drafted against) and records the version it failed to merge with in
`conflict_version`, with the merge in `conflict_text` (conflict markers). Adoption is blocked
until someone supplies the text (`amendment_resolve_conflict`, or `amendment_rebase` with
`resolved_text`), which moves the base to `conflict_version`. Keeping the real base means a
second rebase, if the rule moves on again meanwhile, still merges from the right ancestor.
Nothing is ever resolved silently: number and heading are merged field by field, and a field
changed on both sides differently is a conflict too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from proposals.models import Amendment, AmendmentRebase, Proposal
from proposals.services.common import (
    audit,
    latest_version,
    lock_proposal,
)
from rulebook.diff import TextDiff, compare
from rulebook.models import Rule, RuleVersion

Kind = Amendment.Kind
Outcome = AmendmentRebase.Outcome


@dataclass(frozen=True)
class RebaseResult:
    """One amendment after a rebase, in the shape of the API's rebase answer."""

    id: int
    outcome: str  # "unchanged" | "clean" | "conflict" | "resolved"
    conflict: bool
    base_version: int | None
    text: str
    conflict_text: str

    def as_dict(self) -> dict:
        return asdict(self)


def amendment_rebase(
    *, amendment: Amendment, by=None, resolved_text: str | None = None
) -> RebaseResult:
    """Rebase one amendment onto its rule's latest version.

    Steps: lock the proposal (draft, submitted or carried only) and the rule; nothing to do
    for an insert or an amendment already on the latest version without a conflict; merge
    base → latest with base → proposed (text with `rulebook.merge.merge3`, number and heading
    field by field, parameters taken from the latest version if the amendment left them as
    they were); a clean merge moves the base and takes the merged wording; a conflict is
    recorded (see the module docstring) unless `resolved_text` settles it; audit.
    """
    with transaction.atomic():
        lock_proposal(amendment.proposal)
        amendment.proposal.require(Proposal.Action.REBASE)
        current = Amendment.objects.select_related("rule", "base_version").get(pk=amendment.pk)
        outcome = _rebase(current, by, resolved_text)
    amendment.refresh_from_db()
    return _result(amendment, outcome)


def _rebase(amendment: Amendment, by, resolved_text: str | None) -> str:
    if amendment.kind == Kind.INSERT:
        return "unchanged"
    Rule.objects.select_for_update().filter(pk=amendment.rule_id).get()
    target = latest_version(amendment.rule)
    if not amendment.conflict and target.pk == amendment.base_version_id:
        return "unchanged"
    if amendment.conflict and target.pk == amendment.conflict_version_id and not resolved_text:
        return Outcome.CONFLICT  # already recorded against this version
    merged = _merge(amendment, amendment.base_version, target)
    text_before, previous_base = amendment.text, amendment.base_version
    if merged.clean:
        outcome = Outcome.CLEAN
        amendment.number, amendment.heading = merged.number, merged.heading
        amendment.text, amendment.parameters = merged.text, merged.parameters
    elif resolved_text is not None:
        if amendment.kind != Kind.AMEND:
            raise ValidationError({"resolved_text": _NOT_BY_TEXT.format(kind=amendment.kind)})
        outcome = Outcome.RESOLVED
        _settle(amendment, resolved_text)
    else:
        outcome = Outcome.CONFLICT
        amendment.conflict, amendment.conflict_version = True, target
        amendment.conflict_text = merged.conflict_text
    if outcome != Outcome.CONFLICT:
        amendment.base_version = target
        amendment.conflict, amendment.conflict_version, amendment.conflict_text = False, None, ""
    _record(amendment, previous_base, target, outcome, text_before, by)
    return outcome


_NOT_BY_TEXT = (
    "A conflicting {kind} cannot be settled this way: give the new text of an amend or the "
    "number of a renumber; otherwise remove the amendment or propose a new one."
)


def amendment_resolve_conflict(
    *,
    amendment: Amendment,
    text: str | None = None,
    by=None,
    number: str | None = None,
    heading: str | None = None,
) -> RebaseResult:
    """Settle a rebase conflict by hand: the text (and number or heading, if given) of an
    amend, or the number of a renumber.

    Steps: lock the proposal (draft, submitted or carried); refuse if there is no conflict,
    or for a repeal (remove it instead); take the given wording; move the base to the version
    the conflict was against; clear the conflict; record the rebase as resolved; audit.
    If the rule has moved on again since, the amendment is simply stale once more.
    """
    with transaction.atomic():
        lock_proposal(amendment.proposal)
        amendment.proposal.require(Proposal.Action.REBASE)
        current = Amendment.objects.select_related("base_version").get(pk=amendment.pk)
        if not current.conflict:
            raise ValidationError({"text": "This amendment has no rebase conflict to resolve."})
        text_before, target = current.text, current.conflict_version
        from_version = current.base_version
        if current.kind == Kind.AMEND:
            _settle(current, text, number=number, heading=heading)
        elif current.kind == Kind.RENUMBER and number and number.strip() and not target.repealed:
            current.number = number.strip()
            current.heading, current.text = target.heading, target.text
        else:
            field = "number" if current.kind == Kind.RENUMBER else "text"
            raise ValidationError({field: _NOT_BY_TEXT.format(kind=current.kind)})
        current.base_version = target
        current.conflict, current.conflict_version, current.conflict_text = False, None, ""
        _record(current, from_version, target, Outcome.RESOLVED, text_before, by)
    amendment.refresh_from_db()
    return _result(amendment, Outcome.RESOLVED)


@dataclass(frozen=True)
class Resolution:
    """The text a person gives to settle one amendment's rebase conflict."""

    amendment: Amendment
    text: str


def proposal_rebase(
    *, proposal: Proposal, by=None, resolutions: Sequence[Resolution] = ()
) -> list[RebaseResult]:
    """Rebase every stale amendment of a proposal; one result per amendment, in order.

    Steps: lock the proposal; refuse unless draft, submitted or carried; check every
    resolution first (`resolution_problems`: refused whole, keyed `resolutions[i].…`, with
    nothing written) and settle each with `amendment_resolve_conflict`; then
    `amendment_rebase` each amendment (no-ops for those already up to date); audit through
    each rebase.
    """
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(Proposal.Action.REBASE)
        problems = resolution_problems(proposal, resolutions)
        if problems:
            raise ValidationError(problems)
        resolved = {
            r.amendment.pk: amendment_resolve_conflict(amendment=r.amendment, text=r.text, by=by)
            for r in resolutions
        }
        results = [amendment_rebase(amendment=a, by=by) for a in proposal.amendments.all()]
    return [resolved[r.id] if r.outcome == "unchanged" and r.id in resolved else r for r in results]


def resolution_problems(
    proposal: Proposal, resolutions: Sequence[Resolution]
) -> dict[str, list[str]]:
    """Why these resolutions cannot be applied to `proposal`, keyed by path
    (`resolutions[1].text`), or {}: an amendment of another proposal, one named twice, one
    without a conflict, or a text that is empty or still has conflict markers."""
    problems: dict[str, list[str]] = {}
    own = {
        pk: (conflict, kind)
        for pk, conflict, kind in proposal.amendments.values_list("pk", "conflict", "kind")
    }
    seen: set[int] = set()
    for index, resolution in enumerate(resolutions):
        at, pk = f"resolutions[{index}].", resolution.amendment.pk
        conflict, kind = own.get(pk, (None, None))
        if conflict is None:
            problems[at + "amendment"] = [f"Proposal {proposal.reference} has no amendment {pk}."]
        elif pk in seen:
            problems[at + "amendment"] = [f"Amendment {pk} is resolved twice; give it once."]
        elif not conflict:
            problems[at + "amendment"] = [f"Amendment {pk} has no rebase conflict to resolve."]
        elif kind != Kind.AMEND:
            problems[at + "amendment"] = [_NOT_BY_TEXT.format(kind=kind)]
        seen.add(pk)
        text_problems = resolved_text_problems(resolution.text)
        if text_problems:
            problems[at + "text"] = text_problems
    return problems


# The lines `MergeResult.render_with_markers` writes (git's): none may be left in a text.
_MARKERS = ("<<<<<<<", ">>>>>>>")


def resolved_text_problems(text) -> list[str]:
    """Why `text` cannot settle a conflict, or []: the one check of a resolution's wording,
    read by the admin's and the API's resolutions alike (through the services)."""
    if not isinstance(text, str) or not text.strip():
        return ["Give the resolved text; it must not be empty."]
    if any(marker in text for marker in _MARKERS) or any(
        line.strip() == "=======" for line in text.splitlines()
    ):
        return ["The text still contains conflict markers: remove them and keep one wording."]
    return []


@dataclass(frozen=True)
class ConflictView:
    """A recorded conflict as a person resolves it: the base text and the two competing
    edits of it — what was adopted meanwhile (base → current) and what this amendment
    proposes (base → amendment) — with the stretches where they collide, and a suggested
    resolution that is either a clean merge of both edits or empty, never one side alone."""

    amendment: int
    rule: str
    base_version: int
    current_version: int
    base_text: str
    current_text: str
    amendment_text: str
    current_repealed: bool
    suggestion: str  # a clean merge of both edits, or "" where the texts collide
    hunks: tuple = field(default=())  # rulebook.merge.Conflict, one per collision
    field_problems: tuple[str, ...] = ()  # number or heading changed on both sides

    @property
    def adopted_meanwhile(self) -> TextDiff:
        return compare(self.base_text, self.current_text)

    @property
    def this_amendment(self) -> TextDiff:
        return compare(self.base_text, self.amendment_text)

    def as_dict(self) -> dict:
        return {
            "amendment": self.amendment,
            "rule": self.rule,
            "base_version": self.base_version,
            "current_version": self.current_version,
            "base_text": self.base_text,
            "current_text": self.current_text,
            "amendment_text": self.amendment_text,
            "current_repealed": self.current_repealed,
            "suggestion": self.suggestion,
            "hunks": [hunk.as_dict() for hunk in self.hunks],
            "field_problems": list(self.field_problems),
        }


def amendment_conflict(amendment: Amendment) -> ConflictView | None:
    """The amendment's recorded conflict, for a person to resolve; None without one.

    Reads `base_version`, `conflict_version` and `rule` (select them first for lists).
    """
    from rulebook.merge import merge3

    if not amendment.conflict:
        return None
    base, current = amendment.base_version, amendment.conflict_version
    problems: list[str] = []
    _field("Number", base.number, current.number, amendment.number, problems)
    if amendment.kind == Kind.AMEND:
        _field("Heading", base.heading, current.heading, amendment.heading, problems)
    merged = None if current.repealed else merge3(base.text, current.text, amendment.text)
    return ConflictView(
        amendment=amendment.pk,
        rule=amendment.rule.key,
        base_version=base.seq,
        current_version=current.seq,
        base_text=base.text,
        current_text="" if current.repealed else current.text,
        amendment_text=amendment.text,
        current_repealed=current.repealed,
        suggestion=merged.text if merged is not None and merged.clean else "",
        hunks=tuple(merged.conflicts) if merged is not None else (),
        field_problems=tuple(problems),
    )


@dataclass(frozen=True)
class _Merged:
    clean: bool
    number: str
    heading: str
    text: str
    parameters: dict
    conflict_text: str


def _merge(amendment: Amendment, base: RuleVersion, current: RuleVersion) -> _Merged:
    from rulebook.merge import merge3  # written alongside; imported late to keep apps loading

    if current.repealed:
        note = f"Rule {amendment.rule.key} was repealed by version {current.seq}."
        return _Merged(False, "", "", amendment.text, amendment.parameters, note)
    problems = []
    number = _field("Number", base.number, current.number, amendment.number, problems)
    if amendment.kind == Kind.REPEAL:
        return _Merged(True, "", "", "", {}, "")
    if amendment.kind == Kind.RENUMBER:
        clean = not problems
        text = "\n".join(problems)
        return _Merged(clean, number, current.heading, current.text, current.parameters, text)
    heading = _field("Heading", base.heading, current.heading, amendment.heading, problems)
    result = merge3(base.text, current.text, amendment.text)
    stated = base.parameters
    parameters = current.parameters if amendment.parameters == stated else amendment.parameters
    clean = result.clean and not problems
    conflict_text = "" if clean else "\n".join([*problems, result.render_with_markers()])
    return _Merged(
        clean,
        number,
        heading,
        result.text if result.clean else amendment.text,
        parameters,
        conflict_text,
    )


def _field(label: str, base: str, current: str, proposed: str, problems: list[str]) -> str:
    """Three-way merge of one short field: whichever side changed it wins; both differently
    is a conflict (the proposed value is kept until resolved)."""
    if proposed == base:
        return current
    if current in (base, proposed):
        return proposed
    problems.append(f"{label}: was {base!r}, is now {current!r}, proposed {proposed!r}.")
    return proposed


def _settle(amendment: Amendment, text, *, number=None, heading=None) -> None:
    problems = resolved_text_problems(text)
    if problems:
        raise ValidationError({"text": problems})
    amendment.text = text.strip()
    if number is not None:
        amendment.number = number.strip()
    if heading is not None:
        amendment.heading = heading.strip()


def _record(amendment, from_version, to_version, outcome, text_before, by) -> None:
    """Save the amendment, and record the rebase in its history and the audit log."""
    amendment.save()
    AmendmentRebase.objects.create(
        amendment=amendment,
        from_version=from_version,
        to_version=to_version,
        outcome=outcome,
        text_before=text_before,
        by=by,
    )
    audit("amendment.rebase", amendment.proposal, by, amendment=amendment.pk, outcome=outcome)


def _result(amendment: Amendment, outcome: str) -> RebaseResult:
    return RebaseResult(
        id=amendment.pk,
        outcome=outcome,
        conflict=amendment.conflict,
        base_version=amendment.base_version.seq if amendment.base_version_id else None,
        text=amendment.text,
        conflict_text=amendment.conflict_text,
    )
