"""Writing a rule book out as a file document (`rulebook_export`), ready for `dump_document`."""

from __future__ import annotations

import datetime
from collections import defaultdict

from rulebook.exchange.placements import placement_ranks, stated_placement
from rulebook.exchange.sections import registered_sections
from rulebook.models import Parameter, ParameterValue, Rule, Rulebook, RuleVersion, json_number
from rulebook.placement import Placed, document_order


def rulebook_export(*, rulebook: Rulebook, at: datetime.date | None = None) -> dict:
    """The rule book as a file document (see the module docstring), ready for `dump_document`.

    Without `at`: every rule with its whole history, in today's structure, each version that
    sat elsewhere stating where (`exchange.placements`). With `at`: the rule book as in force
    on that date, in that date's structure, one version per rule, rules repealed or not yet in
    force left out (a rule whose parent is left out hangs under its nearest ancestor that is
    in). Four queries plus those of registered sections, whatever the size of the book.
    """
    versions = _versions_by_rule(rulebook, at)
    if at is None:
        rules = list(Rule.objects.filter(rulebook=rulebook).in_document_order())
    else:
        rules = _rules_placed_on(rulebook, versions)
    document = {"rulebook": _rulebook_entry(rulebook)}
    document["parameters"] = [_parameter_entry(p) for p in rulebook.parameters.order_by("key")]
    document["rules"] = _rule_entries(rules, versions)
    for section in registered_sections():
        dumped = section.dump(rulebook, at)
        if dumped:
            document[section.name] = dumped
    return document


def _rulebook_entry(rulebook: Rulebook) -> dict:
    entry = {"slug": rulebook.slug, "title": rulebook.title}
    if rulebook.description:
        entry["description"] = rulebook.description
    return entry


def _parameter_entry(parameter: Parameter) -> dict:
    entry = {"key": parameter.key, "label": parameter.label, "unit": parameter.unit}
    if parameter.description:
        entry["description"] = parameter.description
    return entry


def _versions_by_rule(rulebook: Rulebook, at) -> dict[int, list[RuleVersion]]:
    """Each rule's versions to write, oldest first, with `values` ({parameter key: value}) set.

    Values come from one flat query rather than a prefetch, which builds a queryset per
    version and was most of the time of exporting a large rule book.
    """
    versions = RuleVersion.objects.filter(rule__rulebook=rulebook)
    if at is not None:
        versions = versions.in_force(on=at).filter(repealed=False)
    values = defaultdict(dict)
    for version_id, key, value in (
        ParameterValue.objects.filter(version__in=versions)
        .order_by("parameter__key")
        .values_list("version_id", "parameter__key", "value")
    ):
        values[version_id][key] = json_number(value)
    by_rule = defaultdict(list)
    for version in versions.order_by("rule_id", "seq"):
        version.values = values[version.pk]
        by_rule[version.rule_id].append(version)
    return by_rule


def _rule_entries(rules: list[Rule], versions: dict[int, list[RuleVersion]]) -> list[dict]:
    keys = {rule.pk: rule.key for rule in rules}
    parent_of = {rule.pk: rule.parent_id for rule in rules}
    ranks = placement_ranks(versions, rules)
    entries = []
    for rule in rules:
        if not versions.get(rule.pk):
            continue  # not in force on the date (or no version yet): nothing to write
        entry = {"key": rule.key}
        parent = parent_of[rule.pk]
        while parent is not None and not versions.get(parent):
            parent = parent_of[parent]
        if parent is not None:
            entry["parent"] = keys[parent]
        entry["versions"] = [
            _version_entry(v, stated_placement(v, ranks)) for v in versions[rule.pk]
        ]
        entries.append(entry)
    return entries


def _rules_placed_on(rulebook: Rulebook, versions: dict[int, list[RuleVersion]]) -> list[Rule]:
    """The rules in force (in `versions`, one each) in the document order of that date, each
    with `parent_id` set to its parent on that date: the book on a date has the structure of
    that date."""
    rules = {rule.pk: rule for rule in Rule.objects.filter(rulebook=rulebook)}

    def nearest_in_force(parent_id):
        # A parent not in force that day (no version fetched): its current parent, and so on.
        while parent_id is not None and parent_id not in versions:
            parent_id = rules[parent_id].parent_id
        return parent_id

    placed = [
        Placed(
            rule=pk,
            parent=nearest_in_force(v.parent_id),
            key=v.position,
            tiebreak=rules[pk].position,
        )
        for pk, (v,) in versions.items()
    ]
    ordered = []
    for pk, _depth in document_order(placed):
        rule = rules[pk]
        rule.parent_id = nearest_in_force(versions[pk][0].parent_id)
        ordered.append(rule)
    return ordered


def _version_entry(version: RuleVersion, placement: dict) -> dict:
    if version.repealed:
        entry = {"repealed": True, "effective_from": version.effective_from.isoformat()}
    else:
        entry = {
            "number": version.number,
            "heading": version.heading,
            "text": version.text,
            "effective_from": version.effective_from.isoformat(),
        }
        if version.values:
            entry["parameters"] = version.values
    if version.note:
        entry["note"] = version.note
    entry["provenance"] = version.provenance
    entry["source"] = version.source
    entry.update(placement)
    return entry
