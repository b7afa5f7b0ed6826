"""Helpers shared by the proposal services: status checks, rule look-ups and auditing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from proposals.models import Proposal
from rulebook.models import Rule, Rulebook, RuleVersion
from rulebook.services import audit_record


def or_list(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def require_status(proposal: Proposal, allowed: tuple[str, ...], action: str) -> None:
    """Refuse a step the workflow does not allow from the proposal's current status.

    Gives messages like "Proposal 2026/4 is lost; only a carried proposal can be adopted."
    """
    if proposal.status not in allowed:
        raise ValidationError(
            {
                "status": f"Proposal {proposal.reference} is {proposal.status}; only a "
                f"{or_list(allowed)} proposal can be {action}."
            }
        )


def lock_proposal(proposal: Proposal) -> Proposal:
    """Re-read the proposal under a row lock, so two workflow steps on it queue; the caller's
    instance is refreshed in place (the step then sees, and changes, the current row)."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    for field in Proposal._meta.concrete_fields:
        setattr(proposal, field.attname, getattr(locked, field.attname))
    return proposal


def as_date(value, field: str) -> datetime.date:
    """A date given as a date or an ISO string (YYYY-MM-DD), or a ValidationError."""
    if isinstance(value, datetime.datetime):
        raise ValidationError({field: "Give a date, not a date and time."})
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a date (YYYY-MM-DD)."}) from None


def find_rule(rulebook: Rulebook, value) -> Rule | None:
    """A rule of `rulebook` given as a Rule or its key; None if there is no such rule."""
    if isinstance(value, Rule):
        return value if value.rulebook_id == rulebook.pk else None
    if not isinstance(value, str):
        return None
    return Rule.objects.filter(rulebook=rulebook, key=value).first()


def latest_version(rule: Rule) -> RuleVersion | None:
    """The rule's newest version, pending (future) ones included."""
    return rule.versions.order_by("-seq").first()


def parameter_values(version: RuleVersion) -> dict[str, float | int]:
    """The parameters a version states, as JSON-friendly numbers."""
    values = {}
    for pv in version.parameter_values.select_related("parameter"):
        number = pv.value
        values[pv.parameter.key] = int(number) if number == number.to_integral() else float(number)
    return values


def audit(action: str, proposal: Proposal, by, **data) -> None:
    audit_record(
        action=action,
        subject=f"proposal {proposal.reference} ({proposal.rulebook.slug})",
        by=by,
        data={"proposal": proposal.pk, **data},
    )
