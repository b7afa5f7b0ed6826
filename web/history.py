"""A rule's history as the member pages show it: versions with the proposals and votes behind.

The versions come from `rulebook`, the amendments, proposals and votes from `proposals`; this
module is where the two meet, so it imports both openly. Each function runs a fixed number of
queries whatever the number of versions, proposals or votes (tests/test_web_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from proposals.models import Amendment, Proposal
from rulebook.models import Rule, RuleVersion
from rulebook.selectors import rule_versions

# Who voided a vote: a query only when some vote was voided.
_VOTES = ("votes__body", "votes__voided_by", "votes__sections", "votes__roll_call__membership")


@dataclass(frozen=True)
class RuleHistory:
    """A rule's versions (oldest first) and every amendment that ever targeted it."""

    rule: Rule
    versions: list[RuleVersion]
    amendments: list[Amendment]


def rule_history(*, rule: Rule, reader) -> RuleHistory:
    """Versions with parameters, the amendment and proposal behind each, and their votes;
    the amendments that targeted the rule are those of proposals `reader` may read (no
    drafts for members: `ProposalQuerySet.visible_to`).

    Ten queries: versions, their parameter values, their amendments, the rule's amendments,
    one query for the proposals of both, then votes, bodies, card-vote sections, roll calls
    and roll-call members.
    """
    versions = rule_versions(rule=rule)
    prefetch_related_objects(versions, "amendment")
    amendments = list(
        Amendment.objects.visible_to(reader)
        .filter(rule=rule)
        .with_staleness()
        .select_related("base_version", "produced_version")
        .order_by("id")
    )
    produced = [v.amendment for v in versions if _has_amendment(v)]
    _share_proposals(amendments + produced)
    return RuleHistory(rule=rule, versions=versions, amendments=amendments)


def _has_amendment(version: RuleVersion) -> bool:
    try:
        return version.amendment is not None
    except Amendment.DoesNotExist:  # typed in directly, not adopted from a proposal
        return False


def _share_proposals(amendments: list[Amendment]) -> None:
    """Load each proposal once, with its votes, and hang the same object on each amendment."""
    if not amendments:
        return
    ids = {a.proposal_id for a in amendments}
    proposals = {p.pk: p for p in Proposal.objects.filter(pk__in=ids).prefetch_related(*_VOTES)}
    for amendment in amendments:
        amendment.proposal = proposals[amendment.proposal_id]


def attach_proposals(versions: list[RuleVersion]) -> list[RuleVersion]:
    """Load, for each version, the amendment that produced it with its proposal and votes.

    Five queries however many versions. Read them as `version.amendment.proposal.votes.all`;
    a version typed in directly has no amendment.
    """
    prefetch_related_objects(
        versions,
        "amendment__proposal__votes__body",
        "amendment__proposal__votes__voided_by",
        "amendment__proposal__votes__sections",
    )
    return versions
