"""What the Rebase page shows for each amendment, besides its diff against its base.

A stale amendment: its text against the rule's current version (what adopting it now would
change). A conflict: the base text and the two competing edits of it side by side — adopted
meanwhile (base → current) and this amendment (base → its text) — and a resolution box that
starts empty, or with a clean merge of both edits (`proposals.services.amendment_conflict`):
never with one side's text, which would quietly drop the other's change.
"""

from __future__ import annotations

from proposals.admin import display
from proposals.forms import ResolveForm
from proposals.models import Amendment
from proposals.services import amendment_conflict
from rulebook.diff import compare
from rulebook.models import RuleVersion


def current_versions(amendments: list[Amendment]) -> dict[int, RuleVersion]:
    """The latest version of each stale amendment's rule, by rule id, in one query."""
    rule_ids = {a.rule_id for a in amendments if a.rule_id and a.is_stale and not a.conflict}
    latest: dict[int, RuleVersion] = {}
    for version in RuleVersion.objects.filter(rule_id__in=rule_ids).order_by("rule_id", "-seq"):
        latest.setdefault(version.rule_id, version)
    return latest


def against_current(amendment: Amendment, current: RuleVersion | None) -> dict | None:
    """The proposed text against the rule's current version, for a stale amend."""
    if current is None or amendment.kind != Amendment.Kind.AMEND or amendment.conflict:
        return None
    before = "" if current.repealed else current.text
    return {"version": current, "diff": display.diff_html(compare(before, amendment.text))}


def conflict_panel(amendment: Amendment, submitted: ResolveForm | None) -> dict | None:
    """The conflict, both edits rendered, and the form to resolve it; None without one."""
    view = amendment_conflict(amendment)
    if view is None:
        return None
    return {
        "view": view,
        "adopted_meanwhile": display.diff_html(view.adopted_meanwhile),
        "this_amendment": display.diff_html(view.this_amendment),
        "form": _resolve_form(amendment, view.suggestion, submitted),
    }


def _resolve_form(amendment, suggestion: str, submitted: ResolveForm | None) -> ResolveForm:
    """The form just submitted for this amendment (with its errors), or a fresh one holding
    the clean merge, if there is one, else nothing."""
    if submitted is not None and submitted.prefix == f"resolve-{amendment.pk}":
        return submitted
    return ResolveForm(
        prefix=f"resolve-{amendment.pk}",
        initial={"amendment": amendment.pk, "text": suggestion},
    )
