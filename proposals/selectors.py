"""Reads of proposals for pages and the API, prefetched so that the number of queries does not
grow with the number of proposals, amendments or votes."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from proposals.models import Amendment, Proposal, Vote
from rulebook.models import Rule, Rulebook


def _amendments():
    return Amendment.objects.with_latest_seq().select_related(
        "rule", "base_version", "produced_version", "parent", "after"
    )


def _votes():
    return Vote.objects.select_related("body").prefetch_related("sections", "roll_call__membership")


def proposal_list(
    *,
    rulebook: Rulebook,
    status: str | None = None,
    year: int | None = None,
    proposer: str | None = None,
) -> QuerySet[Proposal]:
    """Proposals of a rule book, newest conference first, with amendments and votes.

    Filters: exact status, conference year, and proposer (case-insensitive substring).
    Three queries whatever the number of proposals, plus two for sections and roll calls.
    """
    qs = Proposal.objects.filter(rulebook=rulebook)
    if status:
        qs = qs.with_status(status)
    if year:
        qs = qs.filter(conference_year=year)
    if proposer:
        qs = qs.filter(proposer__icontains=proposer)
    return qs.order_by("-conference_year", "-created_at", "reference").prefetch_related(
        Prefetch("amendments", queryset=_amendments()),
        Prefetch("votes", queryset=_votes()),
    )


def proposal_detail(*, rulebook: Rulebook, pk: int) -> Proposal:
    """One proposal with everything its page shows. Raises Proposal.DoesNotExist."""
    return proposal_list(rulebook=rulebook).get(pk=pk)


def proposals_for_rule(*, rule: Rule) -> QuerySet[Proposal]:
    """Every proposal that ever targeted the rule (alternatives side by side with outcomes),
    oldest first, each with only its amendments to this rule and its votes."""
    return (
        Proposal.objects.filter(amendments__rule=rule)
        .distinct()
        .order_by("conference_year", "created_at", "reference")
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=_amendments().filter(rule=rule),
                to_attr="amendments_to_rule",
            ),
            Prefetch("votes", queryset=_votes()),
        )
    )
