"""Admissibility warnings for a proposal: shown to drafters and Conference staff, never
enforced (the NEC may judge a change of immediate importance, and history must be recordable
as it happened)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from proposals.models import Amendment, Proposal, Vote
from proposals.rules import sentence
from rulebook.models import Reference
from rulebook.references import chapter_of, find_mentions

# Rule Book 2014, Chapter 3, Clause III.2.H: once Conference has decided a constitutional
# amendment, no amendment to that part of the rules appears on the agenda for three years,
# unless the NEC judges it of immediate importance.
THREE_YEARS = 3
SETTLED = (Proposal.Status.CARRIED, Proposal.Status.ADOPTED)


@dataclass(frozen=True)
class AdmissibilityWarning:
    code: str  # "three_year_rule" | "competing_carried" | "stale" | "conflict" | "cited"
    message: str
    amendment: Amendment | None = None


def admissibility_warnings(proposal: Proposal) -> list[AdmissibilityWarning]:
    """Every warning for the proposal's amendments, in amendment order."""
    amendments = list(proposal.amendments.with_staleness().select_related("rule", "base_version"))
    year = _agenda_year(proposal)
    warnings = []
    for amendment in amendments:
        if amendment.rule_id is None:
            continue
        warnings += _three_year_rule(proposal, amendment, year)
        warnings += _competing(proposal, amendment)
        warnings += _citations_broken(proposal, amendment, amendments)
        if amendment.conflict:
            warnings.append(
                AdmissibilityWarning(
                    "conflict",
                    f"The rebase of the change to {_named(amendment)} has an unresolved "
                    "conflict; resolve it before adoption.",
                    amendment,
                )
            )
        elif amendment.is_stale:
            warnings.append(
                AdmissibilityWarning(
                    "stale",
                    sentence(amendment.stale_reason()) + " Rebase before adoption.",
                    amendment,
                )
            )
    return warnings


def _agenda_year(proposal: Proposal) -> int:
    if proposal.conference_year:
        return proposal.conference_year
    return (proposal.submitted_on or timezone.localdate()).year


def _three_year_rule(proposal, amendment, year) -> list[AdmissibilityWarning]:
    decisions = (
        Vote.objects.counted()
        .filter(
            stage=Vote.Stage.DECISION,
            body__decides=True,
            proposal__rulebook_id=proposal.rulebook_id,
            proposal__status__in=SETTLED,
            proposal__amendments__rule_id=amendment.rule_id,
            held_on__year__gte=year - THREE_YEARS,
            held_on__year__lt=year,
        )
        .exclude(proposal=proposal)
        .select_related("proposal", "body")
        .order_by("-held_on")
    )
    return [
        AdmissibilityWarning(
            "three_year_rule",
            f"{vote.body.name} decided a change to {_named(amendment)} on "
            f"{vote.held_on.isoformat()} (proposal {vote.proposal.reference}), within the three "
            f"years before {year}; under the three-year rule (Rule Book 2014, 3.III.2.H) it "
            "should not return to the agenda unless the NEC judges it of immediate importance.",
            amendment,
        )
        for vote in decisions[:1]
    ]


def _competing(proposal, amendment) -> list[AdmissibilityWarning]:
    if not proposal.allows(Proposal.Action.REBASE):
        return []  # adopted, lost or ended: no longer in competition
    others = (
        Proposal.objects.filter(
            rulebook_id=proposal.rulebook_id,
            status=Proposal.Status.CARRIED,
            amendments__rule_id=amendment.rule_id,
        )
        .exclude(pk=proposal.pk)
        .distinct()
        .order_by("reference")
    )
    return [
        AdmissibilityWarning(
            "competing_carried",
            f"Proposal {other.reference}, also carried and not yet adopted, changes "
            f"{_named(amendment)} too; whichever is adopted second must be rebased first.",
            amendment,
        )
        for other in others
    ]


def broken_citations(proposal: Proposal, amendments: list[Amendment]) -> list[AdmissibilityWarning]:
    """The "cited" warnings alone, for amendments already fetched with their rule and base
    version (the member's proposal page)."""
    return [
        warning
        for amendment in amendments
        if amendment.rule_id is not None
        for warning in _citations_broken(proposal, amendment, amendments)
    ]


def _citations_broken(proposal, amendment, amendments) -> list[AdmissibilityWarning]:
    """Rules whose text cites the amended rule by the number it bears now, and would still
    cite that number after the proposal renumbers, moves or repeals it: each would then point
    at a wrong number or a repealed rule. A citing rule the same proposal repeals, or rewrites
    without that reference, is not warned about. One query, for such amendments only."""
    base = amendment.base_version
    if base is None or not proposal.allows(Proposal.Action.REBASE):
        return []  # nothing cited yet (an insertion), or adopted, lost or ended
    repeals = amendment.kind == Amendment.Kind.REPEAL
    new_number = (amendment.number or base.number).strip()
    renumbers = new_number.lower() != base.number.strip().lower()
    if not (repeals or renumbers):
        return []
    rewritten = {a.rule_id: a for a in amendments if a.rule_id and a.pk != amendment.pk}
    warnings = []
    for ref in Reference.objects.citing(amendment.rule, on=timezone.localdate()):
        if ref.number.lower() != base.number.strip().lower():
            continue  # cites it by another number (an older numbering): not this one's doing
        citing = ref.version
        change = rewritten.get(citing.rule_id)
        if change is not None:
            if change.kind == Amendment.Kind.REPEAL:
                continue
            if change.kind == Amendment.Kind.AMEND and not any(
                m.number.lower() == ref.number.lower()
                for m in find_mentions(
                    change.text, chapter=chapter_of(change.number or citing.number)
                )
            ):
                continue
        outcome = (
            "a repealed rule"
            if repeals
            else f"the wrong number: this proposal renumbers it {new_number}"
        )
        warnings.append(
            AdmissibilityWarning(
                "cited",
                f"{citing.number} {citing.heading} cites {base.number} {base.heading} as "
                f"“{ref.written}”; after adoption that reference would point at {outcome}. "
                "Amend the citing rule in the same proposal, or accept the broken reference.",
                amendment,
            )
        )
    return warnings


def _named(amendment: Amendment) -> str:
    """The amended rule as people cite it: the number and heading of its base version."""
    base = amendment.base_version
    return base.name if base is not None else amendment.rule.key
