"""Drafting: creating a proposal with its amendments and editing it while it is a draft."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from proposals.models import Amendment, Proposal
from proposals.services.amendments import (
    EDITABLE,
    Problems,
    amendment_build,
    amendment_data,
    duplicate_targets,
)
from proposals.services.common import audit, lock_proposal
from rulebook.models import Rule, Rulebook

PROPOSAL_FIELDS = {"reference", "title", "proposer", "rationale", "conference_year"}


def proposal_create(
    *,
    rulebook: Rulebook,
    reference: str,
    title: str,
    proposer: str,
    rationale: str = "",
    conference_year: int | None = None,
    amendments: list[dict] | None = None,
    by=None,
) -> Proposal:
    """Create a draft proposal with its amendments (DESIGN.md POST …/proposals/ shapes).

    Steps: validate the proposal's fields (reference unique in the rule book); build every
    amendment against its rule's latest version, collecting all problems; refuse two
    amendments to one rule; save the proposal and its amendments in order; audit.
    """
    proposal = Proposal(
        rulebook=rulebook,
        reference=(reference or "").strip(),
        title=(title or "").strip(),
        proposer=(proposer or "").strip(),
        rationale=rationale or "",
        conference_year=conference_year,
        created_by=by,
    )
    problems = Problems()
    _check_fields(proposal, problems)
    built = _build_all(rulebook, amendments or [], problems)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        proposal.save()
        _save_amendments(proposal, built)
        audit(
            "proposal.create",
            proposal,
            by,
            amendments=len(built),
            changes={
                name: (None, getattr(proposal, name))
                for name in ("reference", "title", "proposer", "conference_year")
            },
        )
    return proposal


def proposal_update(*, proposal: Proposal, by=None, **fields) -> Proposal:
    """Change a draft's reference, title, proposer, rationale or conference year, and, with
    `amendments=[…]`, replace all its amendments.

    Steps: lock the proposal; refuse unless it is a draft; refuse unknown fields; validate;
    save; rebuild the amendments if given (each against its rule's latest version); audit.
    """
    unknown = sorted(set(fields) - PROPOSAL_FIELDS - {"amendments"})
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(Proposal.Action.EDIT)
        before = {name: getattr(proposal, name) for name in PROPOSAL_FIELDS}
        for name in PROPOSAL_FIELDS & set(fields):
            value = fields[name]
            setattr(proposal, name, value.strip() if isinstance(value, str) else value)
        problems = Problems()
        _check_fields(proposal, problems)
        built = None
        if "amendments" in fields:
            built = _build_all(proposal.rulebook, fields["amendments"] or [], problems)
        if problems:
            raise ValidationError(problems)
        proposal.save()
        if built is not None:
            proposal.amendments.all().delete()
            _save_amendments(proposal, built)
        changes = {
            name: (before[name], getattr(proposal, name))
            for name in sorted(PROPOSAL_FIELDS)
            if before[name] != getattr(proposal, name)
        }
        if built is not None:
            changes["amendments"] = (None, ", ".join(_described(a) for a in built))
        audit("proposal.update", proposal, by, fields=sorted(fields), changes=changes)
    return proposal


def amendment_add(*, proposal: Proposal, by=None, **data) -> Amendment:
    """Add one amendment (API shape, e.g. kind="amend", rule="c4-ii", text=…) to a draft.

    Steps: lock the proposal; refuse unless draft; build the amendment against the rule's
    latest version; refuse a second amendment to the same rule; save it last; audit.
    """
    with transaction.atomic():
        lock_proposal(proposal)
        proposal.require(Proposal.Action.EDIT)
        amendment = amendment_build(rulebook=proposal.rulebook, data=data)
        existing = list(proposal.amendments.all())
        problems = Problems()
        duplicate_targets([*existing, amendment], problems)
        if problems:
            field = "rule" if amendment.rule_id else "key"
            raise ValidationError({field: next(iter(problems.values()))})
        last = proposal.amendments.aggregate(m=Max("order"))["m"] or 0
        amendment.proposal, amendment.order = proposal, last + 1
        amendment.save()
        audit(
            "amendment.add", proposal, by, amendment=amendment.pk, changes=_changed(None, amendment)
        )
    return amendment


def amendment_update(*, amendment: Amendment, by=None, **changes) -> Amendment:
    """Edit a draft's amendment: number, heading, text, parameters, placement, insert key.

    Steps: lock the proposal; refuse unless draft, or if the amendment has an unresolved
    rebase conflict; refuse a change of kind or rule (remove and add instead); rebuild the
    amendment from its current shape plus the changes, keeping its base version; save; audit.
    """
    refused = sorted(set(changes) - EDITABLE)
    if refused:
        raise ValidationError(
            dict.fromkeys(refused, "Cannot be changed: remove the amendment and add a new one.")
        )
    with transaction.atomic():
        proposal = amendment.proposal
        lock_proposal(proposal)
        proposal.require(Proposal.Action.EDIT)
        if amendment.conflict:
            raise ValidationError(
                {"text": "This amendment has a rebase conflict: resolve it first."}
            )
        data = {**amendment_data(amendment), **changes}
        before = _wording(amendment)
        rebuilt = amendment_build(
            rulebook=proposal.rulebook, data=data, base=amendment.base_version
        )
        for field in ("new_key", "number", "heading", "text", "parameters", "parent", "after"):
            setattr(amendment, field, getattr(rebuilt, field))
        if "key" in changes:
            others = proposal.amendments.exclude(pk=amendment.pk)
            if others.filter(new_key=amendment.new_key).exists():
                raise ValidationError({"key": "Another amendment here inserts this key."})
        amendment.save()
        audit(
            "amendment.update",
            proposal,
            by,
            amendment=amendment.pk,
            fields=sorted(changes),
            changes=_changed(before, amendment),
        )
    return amendment


def amendment_remove(*, amendment: Amendment, by=None) -> None:
    """Remove an amendment from a draft. Steps: lock; refuse unless draft; delete; audit."""
    with transaction.atomic():
        proposal = amendment.proposal
        lock_proposal(proposal)
        proposal.require(Proposal.Action.EDIT)
        audit(
            "amendment.remove",
            proposal,
            by,
            amendment=amendment.pk,
            kind=amendment.kind,
            rule=_described(amendment),
        )
        amendment.delete()


WORDING = ("new_key", "number", "heading", "text", "parameters", "parent", "after")


def _wording(amendment: Amendment) -> dict:
    """An amendment's wording and placement, as the audit records it (rules by key)."""
    return {name: _plain(getattr(amendment, name)) for name in WORDING}


def _changed(before: dict | None, amendment: Amendment) -> dict:
    """The audited changes from `before` (`_wording` earlier; None: a new amendment)."""
    now = _wording(amendment)
    if before is None:
        added = {name: (None, value) for name, value in now.items() if value not in (None, "", {})}
        return {"amendment": (None, _described(amendment)), **added}
    return {name: (before[name], now[name]) for name in WORDING if before[name] != now[name]}


def _plain(value):
    return value.key if isinstance(value, Rule) else value


def _described(amendment: Amendment) -> str:
    target = amendment.rule.key if amendment.rule_id else amendment.new_key
    return f"{amendment.kind} {target}"


def _save_amendments(proposal: Proposal, built: list[Amendment]) -> None:
    for order, amendment in enumerate(built, start=1):
        amendment.proposal, amendment.order = proposal, order
        amendment.save()


def _check_fields(proposal: Proposal, problems: Problems) -> None:
    for name in ("reference", "title", "proposer"):
        if not getattr(proposal, name):
            problems.add(name, "Must not be empty.")
    clash = Proposal.objects.filter(rulebook=proposal.rulebook, reference=proposal.reference)
    if proposal.reference and clash.exclude(pk=proposal.pk).exists():
        problems.add(
            "reference",
            f"Rule book {proposal.rulebook.slug} already has a proposal {proposal.reference}.",
        )
    try:
        proposal.full_clean(exclude=["rulebook", "reference", "title", "proposer"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                problems.add(field, message)


def _build_all(rulebook, amendments, problems: Problems) -> list[Amendment]:
    if not isinstance(amendments, list | tuple):
        problems.add("amendments", "Give a list of amendments.")
        return []
    built = []
    for index, data in enumerate(amendments):
        try:
            built.append(
                amendment_build(rulebook=rulebook, data=data, prefix=f"amendments[{index}].")
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.setdefault(field, []).extend(messages)
            built.append(None)
    if not problems:
        duplicate_targets(built, problems)
    return [a for a in built if a is not None]
