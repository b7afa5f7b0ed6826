"""Moving a rule (with its sub-rules) elsewhere in the tree, keeping document order.

Candidate for `rulebook.services` (it touches only rulebook models); kept here until the
rule book owners take it, since only a renumber amendment moves rules today.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from rulebook.models import Rule


def rule_move(*, rule: Rule, parent: Rule | None, after: Rule | None) -> Rule:
    """Place `rule` and its descendants under `parent`, right after `after` (and after's
    descendants), or as the last child of `parent` when `after` is None.

    Steps: read the whole book in document order; cut out the rule's subtree (a contiguous
    block, as parents come before children); refuse a target inside it; insert the block at
    the new place; renumber positions 1…n, writing only the rules whose position changed.
    """
    if after is not None and parent is None:
        parent = after.parent
    if after is not None and after.parent_id != (parent.pk if parent else None):
        raise ValidationError({"after": f"Rule {after.key} is not directly under that parent."})
    with transaction.atomic():
        rules = list(Rule.objects.filter(rulebook_id=rule.rulebook_id).order_by("position"))
        block_ids = _subtree_ids(rules, rule)
        for field, target in (("parent", parent), ("after", after)):
            if target is not None and target.pk in block_ids:
                raise ValidationError({field: f"Rule {rule.key} cannot move inside itself."})
        block = [r for r in rules if r.pk in block_ids]
        rest = [r for r in rules if r.pk not in block_ids]
        anchor = after or parent
        if anchor is None:
            index = len(rest)
        else:
            anchor_ids = _subtree_ids(rest, anchor)
            index = max(i for i, r in enumerate(rest) if r.pk in anchor_ids) + 1
        ordered = rest[:index] + block + rest[index:]
        changed = []
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position
                changed.append(item)
        Rule.objects.bulk_update(changed, ["position"])
        rule.parent = parent
        rule.position = next(r.position for r in ordered if r.pk == rule.pk)
        rule.save(update_fields=["parent", "position"])
    return rule


def _subtree_ids(rules_in_order: list[Rule], root: Rule) -> set[int]:
    ids = {root.pk}
    for item in rules_in_order:
        if item.parent_id in ids:
            ids.add(item.pk)
    return ids
