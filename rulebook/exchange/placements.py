"""Placements in files: where each version's rule sat, written simply, read back exactly.

The file's structure is the rule book as it stands now: a rule's ``parent`` and its place in
the list. In the database every version carries its own placement (a parent and a sibling key,
see `rulebook.placement`); a version whose placement differs from its rule's latest one (it
was in force before a move or renumber) states it in the file as

    parent: c4-ii     # the rule it sat under (null: a chapter)
    after: c4-ii-2    # the sibling it came right after on its effective_from (null: first)

Sibling keys never appear in files. On import the rules' current places get evenly spread
keys, and each stated placement, oldest first, a key right after its `after` sibling's key
(before every other key under that parent greater than it), so the book on every date reads
back in the order the file describes and an export of the import is identical to the file.
"""

from __future__ import annotations

import datetime
from bisect import insort
from collections import defaultdict

from rulebook.placement import key_between, keys_in_order


def plan_placements(rules, errors: list[str]) -> None:
    """Give every planned version (`checks.PlannedVersion`) its `parent` and `position`,
    reporting a stated placement that names no rule of the file, or an `after` that was not
    under that parent on the version's date, by path."""
    keys = {rule.key for rule in rules}
    children = defaultdict(list)
    for rule in rules:
        children[rule.parent].append(rule.key)
    current = {}
    for rule_keys in children.values():
        current.update(zip(rule_keys, keys_in_order(len(rule_keys)), strict=True))
    taken: dict[str | None, list[str]] = defaultdict(list)
    for parent, rule_keys in children.items():
        taken[parent] = sorted(current[key] for key in rule_keys)
    stated = []
    for rule in rules:
        for version in rule.versions:
            if version is None or version.effective_from is None:
                continue  # already reported: nothing to place
            if not version.placed:
                version.parent, version.position = rule.parent, current[rule.key]
            elif version is rule.versions[-1]:
                errors.append(
                    f"{version.path}.parent: the latest version sits where the rule is listed; "
                    "state parent and after only on earlier versions"
                )
            elif _names_rules(rule.key, version, keys, errors):
                stated.append(version)
    by_rule = {rule.key: [v for v in rule.versions if v is not None] for rule in rules}
    # Oldest first: a later placement "right after S" then goes between S and any earlier one,
    # which is where it was on its date (it came directly after S, the earlier one after it).
    stated.sort(key=lambda v: v.effective_from)
    while stated:
        waiting = [v for v in stated if not _place(v, by_rule, taken, errors)]
        if len(waiting) == len(stated):
            errors += [
                f"{v.path}.after: {v.after!r} has no placement on {v.effective_from} to follow "
                "(the stated placements refer to each other in a circle)"
                for v in waiting
            ]
            return
        stated = waiting


def _names_rules(key: str, version, keys: set[str], errors: list[str]) -> bool:
    found = True
    for name in ("parent", "after"):
        target = getattr(version, name)
        if target is None:
            continue
        if target == key:
            errors.append(f"{version.path}.{name}: a rule cannot sit under or after itself")
            found = False
        elif target not in keys:
            errors.append(f"{version.path}.{name}: there is no rule {target!r} in this file")
            found = False
    return found


def _place(version, by_rule, taken, errors) -> bool:
    """Key `version` right after its `after` sibling; False to try again once that sibling's
    own stated placement has its key."""
    low = None
    if version.after is not None:
        sibling = _in_force(by_rule[version.after], version.effective_from)
        if sibling is not None and sibling.placed and not sibling.position:
            return False
        if sibling is None or sibling.repealed or sibling.parent != version.parent:
            under = version.parent or "the top level"
            errors.append(
                f"{version.path}.after: {version.after!r} is not under {under} on "
                f"{version.effective_from}"
            )
            return True
        low = sibling.position
    higher = [key for key in taken[version.parent] if low is None or key > low]
    version.position = key_between(low, higher[0] if higher else None)
    insort(taken[version.parent], version.position)
    return True


def _in_force(versions, on: datetime.date):
    """The version of a list (oldest first) in force on `on`, or None."""
    found = None
    for version in versions:
        if version.effective_from is not None and version.effective_from <= on:
            found = version
    return found


def stated_placement(version, versions_by_rule: dict, keys: dict) -> dict:
    """The `parent` and `after` to write for a version (a `RuleVersion`) whose placement
    differs from its rule's latest one, or {} when it does not. `versions_by_rule`: every
    rule's versions, oldest first, by rule id; `keys`: rule keys by id."""
    latest = versions_by_rule[version.rule_id][-1]
    if version.placement == latest.placement:
        return {}
    before = None
    for rule_id, versions in versions_by_rule.items():
        if rule_id == version.rule_id:
            continue
        sibling = _in_force(versions, version.effective_from)
        if (
            sibling is not None
            and not sibling.repealed
            and sibling.parent_id == version.parent_id
            and sibling.position < version.position
            and (before is None or sibling.position > before.position)
        ):
            before = sibling
    return {
        "parent": keys.get(version.parent_id),
        "after": keys[before.rule_id] if before is not None else None,
    }
