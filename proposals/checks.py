"""Admissibility warnings for a proposal: shown to drafters and Conference staff, never
enforced (the NEC may judge a change of immediate importance, and history must be recordable
as it happened)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from proposals.models import Amendment, Proposal, Vote
from proposals.rules import sentence

# Rule Book 2014, Chapter 3, Clause III.2.H: once Conference has decided a constitutional
# amendment, no amendment to that part of the rules appears on the agenda for three years,
# unless the NEC judges it of immediate importance.
THREE_YEARS = 3
SETTLED = (Proposal.Status.CARRIED, Proposal.Status.ADOPTED)


@dataclass(frozen=True)
class AdmissibilityWarning:
    code: str  # "three_year_rule" | "competing_carried" | "stale" | "conflict"
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
        if amendment.conflict:
            warnings.append(
                AdmissibilityWarning(
                    "conflict",
                    f"The rebase of the change to {amendment.rule.key} has an unresolved "
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
            f"{vote.body.name} decided a change to {amendment.rule.key} on "
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
            f"{amendment.rule.key} too; whichever is adopted second must be rebased first.",
            amendment,
        )
        for other in others
    ]
