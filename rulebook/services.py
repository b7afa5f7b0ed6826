"""Writes to the rule book. Each is atomic and validating; none edits a version in place."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, OuterRef, Subquery

from rulebook import references
from rulebook.models import (
    AuditEntry,
    Parameter,
    ParameterValue,
    Reference,
    Rule,
    Rulebook,
    RuleVersion,
    json_number,
)
from rulebook.placement import key_between


def audit_record(
    *,
    action: str,
    subject: str,
    by=None,
    data: dict | None = None,
    rulebook: Rulebook | None = None,
    record: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEntry:
    """Write who did what, when: `record` is the object whose trail the entry belongs to (a
    proposal for its amendments and votes too), `changes` what the write changed, by field,
    as (before, after) — before None for a new record. See `AuditEntry.lines`.

    Every audited write to a rule book's record comes through here with its `rulebook`, and
    so moves the book's revision (`rulebook_changed`).
    """
    if rulebook is not None:
        rulebook_changed(rulebook.pk)
    data = dict(data or {})
    if changes:
        data["changes"] = {field: [_json(b), _json(a)] for field, (b, a) in changes.items()}
    return AuditEntry.objects.create(
        action=action,
        subject=subject,
        actor=by,
        data=data,
        rulebook=rulebook,
        object_type=ContentType.objects.get_for_model(record) if record is not None else None,
        object_id=record.pk if record is not None else None,
    )


def rulebook_changed(rulebook_id: int) -> None:
    """Move the rule book's revision: the one place it moves. Called by `audit_record` (so by
    every service that audits) and by the rule-book writes below that adoption composes
    (`rule_create`, `rule_move`, `version_create`: audited once, by adoption, as a whole).
    It runs in the caller's transaction: a write that fails and rolls back leaves the
    revision where it was, and no reader sees new data under an old revision."""
    Rulebook.objects.filter(pk=rulebook_id).update(revision=F("revision") + 1)


def _json(value):
    """A field's value as JSON keeps it: dates in ISO form, decimals as numbers, a related
    record as its text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def rule_create(
    *,
    rulebook: Rulebook,
    key: str,
    parent: Rule | None = None,
    after: Rule | None = None,
) -> Rule:
    """Place a new rule in the tree.

    Steps: validate the key and the placement; find its document position (right after
    `after` and that rule's descendants, or as the last child of `parent`, or at the end of
    the book); shift the rules below it down by one; insert it.
    """
    if parent is not None and parent.rulebook_id != rulebook.pk:
        raise ValidationError({"parent": f"Rule {parent.key} belongs to another rule book."})
    if after is not None:
        if after.rulebook_id != rulebook.pk:
            raise ValidationError({"after": f"Rule {after.key} belongs to another rule book."})
        if after.parent_id != (parent.pk if parent else None):
            raise ValidationError(
                {
                    "after": f"Rule {after.key} is not a child of "
                    f"{parent.key if parent else 'the top level'}."
                }
            )
    rule = Rule(rulebook=rulebook, key=key, parent=parent, position=0)
    rule.full_clean(exclude=["position"])
    with transaction.atomic():
        # One structural change at a time per book, and positions read afresh under the lock:
        # the caller's Rule objects may predate earlier inserts that shifted them.
        Rulebook.objects.select_for_update().filter(pk=rulebook.pk).get()
        anchor = after or parent
        if anchor is not None:
            anchor = Rule.objects.get(pk=anchor.pk)
        if anchor is None:
            position = (
                Rule.objects.filter(rulebook=rulebook).aggregate(m=Max("position"))["m"] or 0
            ) + 1
        else:
            position = _end_of_subtree(anchor) + 1
        Rule.objects.filter(rulebook=rulebook, position__gte=position).update(
            position=F("position") + 1
        )
        rule.position = position
        rule.save()
        rulebook_changed(rulebook.pk)
    return rule


def _end_of_subtree(rule: Rule) -> int:
    """The position of the last descendant of `rule` (or its own position)."""
    siblings_after = Rule.objects.filter(
        rulebook_id=rule.rulebook_id, parent_id=rule.parent_id, position__gt=rule.position
    ).order_by("position")
    next_sibling = siblings_after.values_list("position", flat=True).first()
    if next_sibling is not None:
        return next_sibling - 1
    # No later sibling: the subtree runs until the next rule that is not a descendant.
    if rule.parent_id is None:
        last = Rule.objects.filter(rulebook_id=rule.rulebook_id).aggregate(m=Max("position"))["m"]
        return last or rule.position
    return _end_of_subtree(Rule.objects.get(pk=rule.parent_id))


def version_create(
    *,
    rule: Rule,
    effective_from: datetime.date,
    number: str = "",
    heading: str = "",
    text: str = "",
    repealed: bool = False,
    note: str = "",
    provenance: str,
    source: str = "",
    parameters: dict[str, Decimal | int | float] | None = None,
    by=None,
) -> RuleVersion:
    """Record the next version of `rule`, placed where the rule now sits in the tree.

    Steps: lock the rule row so that concurrent writers queue; check the new version takes
    effect after the latest one; find its placement (`_current_placement`: the rule's parent
    and a sibling key in its current place — the latest version's key when it still fits, so
    an unmoved rule keeps its key); validate (a printed or reconstructed version names its
    source); insert it with the next sequence number and its parameter values. The database
    re-checks the order (migration 0002).
    """
    parameters = parameters or {}
    with transaction.atomic():
        current = Rule.objects.select_for_update().filter(pk=rule.pk).get()
        last = rule.versions.order_by("-seq").first()
        if last is not None and effective_from <= last.effective_from:
            raise ValidationError(
                {
                    "effective_from": (
                        f"Rule {rule.key} already has version {last.seq} taking effect on "
                        f"{last.effective_from.isoformat()}; a new version must take effect later."
                    )
                }
            )
        if last is not None and last.repealed and repealed:
            raise ValidationError({"repealed": f"Rule {rule.key} is already repealed."})
        if last is None and repealed:
            raise ValidationError({"repealed": f"Rule {rule.key} has no version to repeal."})
        version = RuleVersion(
            rule=rule,
            seq=(last.seq + 1) if last else 1,
            number=number,
            heading=heading,
            text=text,
            effective_from=effective_from,
            repealed=repealed,
            note=note,
            provenance=provenance,
            source=source,
            parent_id=current.parent_id,
            position=_current_placement(current, last),
            created_by=by,
        )
        version.full_clean(validate_unique=False, validate_constraints=True)
        version.save()
        if parameters:
            known = {
                p.key: p
                for p in Parameter.objects.filter(rulebook_id=rule.rulebook_id, key__in=parameters)
            }
            missing = sorted(set(parameters) - set(known))
            if missing:
                raise ValidationError(
                    {"parameters": "Unknown parameter(s) for this rule book: " + ", ".join(missing)}
                )
            ParameterValue.objects.bulk_create(
                ParameterValue(version=version, parameter=known[key], value=Decimal(str(value)))
                for key, value in sorted(parameters.items())
            )
        references_refresh(rulebook_id=rule.rulebook_id, since=effective_from)
        rulebook_changed(rule.rulebook_id)
    return version


def references_refresh(*, rulebook_id: int, since: datetime.date | None = None) -> int:
    """Recognise and resolve the cross-references (`rulebook.references`) in the texts of
    the rule book's versions taking effect on or after `since` (every version without it),
    replacing what was stored for them. A version's references resolve at its own
    `effective_from`, and only a version taking effect on or after a new version's date can
    see that version's number, so `since` = the new version's date is enough.

    Three queries and a bulk insert; called in the transaction of every version insert
    (`version_create`, the importer) and by migration 0007. Returns how many were stored.
    """
    versions = RuleVersion.objects.filter(rule__rulebook_id=rulebook_id).with_until()
    numbers = references.numbering(
        references.Numbered(rule_id, number, effective_from, until, repealed)
        for rule_id, number, effective_from, until, repealed in versions.values_list(
            "rule_id", "number", "effective_from", "until", "repealed"
        )
        if number
    )
    citing = versions.filter(repealed=False)
    if since is not None:
        citing = citing.filter(effective_from__gte=since)
    stale = Reference.objects.filter(version__rule__rulebook_id=rulebook_id)
    if since is not None:
        stale = stale.filter(version__effective_from__gte=since)
    stale.delete()
    found = references.recognise(
        citing.values_list("pk", "rule_id", "number", "text", "effective_from"), numbers=numbers
    )
    Reference.objects.bulk_create((Reference(**asdict(f)) for f in found), batch_size=1000)
    return len(found)


def _current_placement(rule: Rule, last: RuleVersion | None) -> str:
    """The sibling key (see `rulebook.placement`) for a new version of `rule` where it now
    sits: between the keys of the nearest earlier and later siblings in current document
    order that have versions. The latest version's key is kept when it still fits there, so
    versions of a rule that never moved share one key. One query."""
    latest = RuleVersion.objects.filter(rule=OuterRef("pk")).order_by("-seq")
    siblings = (
        Rule.objects.filter(rulebook_id=rule.rulebook_id, parent_id=rule.parent_id)
        .exclude(pk=rule.pk)
        .annotate(sibling_key=Subquery(latest.values("position")[:1]))
        .filter(sibling_key__isnull=False)
        .order_by("position")
        .values_list("position", "sibling_key")
    )
    before = after = None
    for position, key in siblings:
        if position < rule.position:
            before = key
        elif after is None:
            after = key
    if (
        last is not None
        and last.parent_id == rule.parent_id
        and (before is None or before < last.position)
        and (after is None or last.position < after)
    ):
        return last.position
    try:
        return key_between(before, after)
    except ValueError:
        return key_between(before, None)  # siblings out of key order: keep ours after `before`


def rule_move(*, rule: Rule, parent: Rule | None, after: Rule | None) -> Rule:
    """Place `rule` and its descendants under `parent`, right after `after` (and after's
    descendants), or as the last child of `parent` when `after` is None.

    This moves the rule's *current* placement only: the move takes effect, on the book on a
    date, with the version recorded next (`version_create` records the new placement with it;
    adoption of a renumber does both in one transaction).

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
        rulebook_changed(rule.rulebook_id)
    return rule


def _subtree_ids(rules_in_order: list[Rule], root: Rule) -> set[int]:
    ids = {root.pk}
    for item in rules_in_order:
        if item.parent_id in ids:
            ids.add(item.pk)
    return ids
