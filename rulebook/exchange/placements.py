"""Placements in files: where each version's rule sat, written simply, read back exactly.

The file's structure is the rule book as it stands now: a rule's ``parent`` and its place in
the list. In the database every version carries its own placement (a parent and a sibling key,
see `rulebook.placement`); a version whose placement differs from its rule's latest one (it
was in force before a move or renumber) states it in the file as

    parent: c4-ii     # the rule it sat under (null: a chapter)
    position: 2       # its place, from 1, among every place c4-ii's children ever had

A parent's *places* are all the sibling keys its children ever had, in order: the places of
its current children (the rules listed under it, in file order) and those of earlier versions
that sat under it. A stated `position` names one of them; the current children fill the
places no version states, in file order. So the file carries the whole order of siblings on
every date without showing keys, and an export of an import is identical to the file. (Two
versions of one rule that sat in the same place state the same position.)
"""

from __future__ import annotations

from collections import defaultdict

from rulebook.placement import keys_in_order

CURRENT = "current"


def plan_placements(rules, errors: list[str]) -> None:
    """Give every planned version (`checks.PlannedVersion`) its `parent` and `position` (the
    sibling key), reporting by path a stated placement that names no rule of the file, a
    place two rules claim, or a place beyond the parent's places."""
    keys = {rule.key for rule in rules}
    children = defaultdict(list)  # parent key → current children's keys, in file order
    for rule in rules:
        children[rule.parent].append(rule.key)
    stated = defaultdict(dict)  # parent key → {place: (rule key, path)}
    for rule in rules:
        versions = [v for v in rule.versions if v is not None and v.effective_from is not None]
        for version in versions:
            if version.placed and version is rule.versions[-1]:
                errors.append(
                    f"{version.path}.parent: the latest version sits where the rule is listed; "
                    "state parent and position only on earlier versions"
                )
            elif version.placed and _claims(rule.key, version, keys, stated, errors):
                stated[version.parent][version.place] = (rule.key, version.path)
    sibling_keys = {}
    for parent in {*children, *stated}:
        sibling_keys.update(_places(parent, children[parent], stated[parent], errors))
    for rule in rules:
        for version in rule.versions:
            if version is None:
                continue
            if not version.placed or version is rule.versions[-1]:
                version.parent = rule.parent
                version.position = sibling_keys.get((rule.parent, CURRENT, rule.key), "")
            else:
                version.position = sibling_keys.get((version.parent, version.place), "")


def _claims(key: str, version, keys: set[str], stated, errors: list[str]) -> bool:
    if version.parent == key:
        errors.append(f"{version.path}.parent: a rule cannot sit under itself")
        return False
    if version.parent is not None and version.parent not in keys:
        errors.append(f"{version.path}.parent: there is no rule {version.parent!r} in this file")
        return False
    taken = stated[version.parent].get(version.place)
    if taken is not None and taken[0] != key:
        errors.append(
            f"{version.path}.position: place {version.place} under "
            f"{version.parent or 'the top level'} is already {taken[0]!r}'s ({taken[1]})"
        )
        return False
    return True


def _places(parent, current: list[str], stated: dict, errors: list[str]) -> dict:
    """Sibling keys for one parent's places: by (parent, CURRENT, rule key) for its current
    children and by (parent, place) for stated places."""
    count = len(current) + len(stated)
    for place, (_key, path) in sorted(stated.items()):
        if place > count:
            errors.append(
                f"{path}.position: {parent or 'the top level'} has {count} place(s) in this "
                f"file (its {len(current)} rule(s) and {len(stated)} earlier place(s)), not {place}"
            )
            return {}
    remaining = iter(current)
    found = {}
    for place, key in enumerate(keys_in_order(count), start=1):
        if place in stated:
            found[parent, place] = key
        else:
            found[parent, CURRENT, next(remaining)] = key
    return found


def stated_placement(version, ranks: dict) -> dict:
    """The `parent` and `position` to write for a version (a `RuleVersion`) whose placement
    differs from its rule's latest one, or {} when it does not. `ranks`: `placement_ranks`."""
    if version.placement == ranks["latest"][version.rule_id]:
        return {}
    return {
        "parent": ranks["keys"].get(version.parent_id),
        "position": ranks[version.parent_id, version.position, version.rule_id],
    }


def placement_ranks(versions_by_rule: dict, rules) -> dict:
    """For `stated_placement`: each (parent id, sibling key, rule id) that any version holds,
    with its place (from 1) among its parent's places, ties broken by document order; the
    latest placement of each rule; rule keys by id. `rules`: in document order."""
    order = {rule.pk: index for index, rule in enumerate(rules)}
    places = defaultdict(set)
    for versions in versions_by_rule.values():
        for v in versions:
            places[v.parent_id].add((v.position, order.get(v.rule_id, 0), v.rule_id))
    ranks: dict = {
        "latest": {rule_id: vs[-1].placement for rule_id, vs in versions_by_rule.items() if vs},
        "keys": {rule.pk: rule.key for rule in rules},
    }
    for parent_id, held in places.items():
        for place, (key, _order, rule_id) in enumerate(sorted(held), start=1):
            ranks[parent_id, key, rule_id] = place
    return ranks
