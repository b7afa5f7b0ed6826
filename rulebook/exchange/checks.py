"""Validation of a whole parsed file: every problem found, by path, before anything is written.

Format decisions (see the package docstring for the structure):

- Every problem is collected and reported by path (``rules[3].versions[1].effective_from``); an
  unknown key anywhere is a problem, so a typo can never silently drop data.
- Rules are listed in document order: a rule's parent is the rule just before it or one of that
  rule's ancestors. Positions are the order in the file.
- Versions are listed oldest first with strictly later dates. A version has a ``number`` and
  optional ``heading``, ``text``, ``parameters`` and ``note``; a repeal is
  ``{repealed: true, effective_from, note?}`` and cannot be a rule's first version.
- Every version may say where its wording comes from: ``provenance`` (``printed``,
  ``reconstructed`` or ``adopted``) and ``source`` (the edition or source; required for printed
  and reconstructed). A file that does not state them (written before they existed) gets them
  from the note (`RuleVersion` `provenance_from_note`); exports always write both.
- Placement: a rule's ``parent`` and its place in the file are where it sits now. A version
  that sat elsewhere while it was in force (before a move or renumber) says so with
  ``parent`` (a rule key, or null for a chapter) and ``position`` (its place, from 1, among
  every place that parent's children ever had); see `exchange.placements`.
- Parameters: when a ``parameters`` section is present every parameter a version states must be
  declared there; when it is absent, the parameters the versions state are declared
  automatically with their key as label. Exports always write the section.
- Values are numbers (not text, not true/false) with at most 4 decimal places; exports write
  whole numbers as integers and others as the shortest float that reads back exactly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from rulebook.exchange.placements import plan_placements
from rulebook.exchange.sections import CORE_SECTIONS, ImportContext, registered_sections
from rulebook.exchange.values import (
    MISSING,
    as_date,
    as_list,
    as_parameter_value,
    as_text,
    check_keys,
    describe,
    model_field,
    raw_text,
)
from rulebook.models import (
    Parameter,
    Rule,
    Rulebook,
    RuleVersion,
    provenance_from_note,
    provenance_problem,
)

RULEBOOK_KEYS = ("slug", "title", "description")
PARAMETER_KEYS = ("key", "label", "unit", "description")
RULE_KEYS = ("key", "parent", "versions")
PROVENANCE_KEYS = ("provenance", "source")
PLACEMENT_KEYS = ("parent", "position")
VERSION_KEYS = ("number", "heading", "text", "effective_from", "parameters", "note", "repealed")
VERSION_KEYS += PROVENANCE_KEYS + PLACEMENT_KEYS
REPEAL_KEYS = ("repealed", "effective_from", "note", *PROVENANCE_KEYS, *PLACEMENT_KEYS)


@dataclass
class PlannedVersion:
    """A checked version, as it will be written."""

    effective_from: datetime.date | None
    repealed: bool = False
    number: str = ""
    heading: str = ""
    text: str = ""
    note: str = ""
    parameters: dict[str, Decimal] = field(default_factory=dict)
    provenance: str = RuleVersion.Provenance.RECONSTRUCTED
    source: str = ""
    path: str = ""
    # Placement: `placed` when the file states it (`parent` and `place`, the file's
    # `position`); `parent` and `position` (the sibling key) of every version are filled in
    # by `exchange.placements.plan_placements`.
    placed: bool = False
    parent: str | None = None
    place: int | None = None
    position: str = ""


@dataclass
class PlannedRule:
    """A checked rule with its checked versions, oldest first (None for a version that is
    not even a mapping; there is none once the file has no problem)."""

    key: str
    parent: str | None
    depth: int
    versions: list[PlannedVersion | None]


@dataclass
class Plan:
    """The document checked and converted, ready to write once no problem was found."""

    rulebook: dict[str, str] = field(default_factory=dict)
    parameters: list[dict[str, str]] = field(default_factory=list)
    rules: list[PlannedRule] = field(default_factory=list)


def validate_document(data) -> list[str]:
    """Every problem in `data` (a parsed file) as "path: message", in document order.

    Checks the file only; `rulebook_import` also refuses a slug that is already in use.
    """
    return check_document(data)[1]


def check_document(data) -> tuple[Plan, list[str], ImportContext | None]:
    plan, errors = Plan(), []
    if not isinstance(data, dict):
        errors.append(f"document: expected a mapping, found {describe(data)}")
        return plan, errors, None
    known = (*CORE_SECTIONS, *(section.name for section in registered_sections()))
    errors += [
        f"{key}: unknown section (expected one of: {', '.join(known)})"
        for key in data
        if key not in known
    ]
    plan.rulebook = _check_rulebook(data.get("rulebook"), errors)
    declared = None
    if "parameters" in data:
        plan.parameters = _check_parameters(data["parameters"], errors)
        declared = {parameter["key"] for parameter in plan.parameters}
    plan.rules = _check_rules(data.get("rules", MISSING), errors, declared)
    plan_placements(plan.rules, errors)
    if declared is None:
        stated = (key for rule in plan.rules for v in rule.versions if v for key in v.parameters)
        plan.parameters = [{"key": key, "label": key} for key in dict.fromkeys(stated)]
    context = ImportContext(
        data=data,
        version_dates={
            rule.key: [v.effective_from for v in rule.versions if v] for rule in plan.rules
        },
        parameter_keys={parameter["key"] for parameter in plan.parameters},
        planned={rule.key: rule for rule in plan.rules},
    )
    for section in registered_sections():
        if section.name in data:
            errors += section.validate(data[section.name], context)
    return plan, errors, context


def _check_rulebook(value, errors) -> dict[str, str]:
    if value is None:
        errors.append("rulebook: is required")
        return {}
    if not check_keys(value, "rulebook", errors, RULEBOOK_KEYS):
        return {}
    return {
        name: as_text(
            value.get(name),
            f"rulebook.{name}",
            errors,
            field=model_field(Rulebook, name),
            required=name != "description",
        )
        for name in RULEBOOK_KEYS
    }


def _check_parameters(value, errors) -> list[dict[str, str]]:
    declared, first_at = [], {}
    for index, item in enumerate(as_list(value, "parameters", errors)):
        path = f"parameters[{index}]"
        if not check_keys(item, path, errors, PARAMETER_KEYS):
            continue
        checked = {
            name: as_text(
                item.get(name),
                f"{path}.{name}",
                errors,
                field=model_field(Parameter, name),
                required=name == "key",
            )
            for name in PARAMETER_KEYS
        }
        key = checked["key"]
        if key in first_at:
            errors.append(f"{path}.key: {key!r} is already declared by {first_at[key]}")
        elif key:
            first_at[key] = path
            declared.append(checked)
    return declared


def _check_rules(value, errors, declared: set[str] | None) -> list[PlannedRule]:
    items = as_list(value, "rules", errors)
    # Where each key first appears, to tell a parent listed later from an unknown one.
    first_index = {}
    for index, item in enumerate(items):
        raw = raw_text(item.get("key")) if isinstance(item, dict) else None
        if raw is not None:
            first_index.setdefault(raw, index)
    rules, chain, parents = [], [], {}
    for index, item in enumerate(items):
        path = f"rules[{index}]"
        if not check_keys(item, path, errors, RULE_KEYS):
            continue
        key = as_text(
            item.get("key"), f"{path}.key", errors, field=model_field(Rule, "key"), required=True
        )
        raw = raw_text(item.get("key"))
        if raw is not None and first_index[raw] != index:
            errors.append(f"{path}.key: {raw!r} is already used by rules[{first_index[raw]}]")
        # Even a badly written key places the rule, so its sub-rules are not reported too.
        this = raw if raw is not None and raw not in parents else object()
        parent = as_text(item.get("parent"), f"{path}.parent", errors) or None
        chain = _place(this, parent, chain, parents, first_index, f"{path}.parent", errors)
        parents[this] = chain[-2] if len(chain) > 1 else None
        versions = _check_versions(
            item.get("versions", MISSING), f"{path}.versions", errors, declared
        )
        if key is not None:
            rules.append(
                PlannedRule(key=key, parent=parent, depth=len(chain) - 1, versions=versions)
            )
    return rules


def _place(this, parent, chain, parents, first_index, path, errors) -> list:
    """The ancestor chain ending in `this`, reporting a parent that breaks document order.

    In document order a rule's parent is the rule before it or one of that rule's ancestors,
    i.e. on the current chain. `parents` maps each earlier rule to its parent. After a problem
    the chain is rebuilt as well as can be, so one misplaced rule does not make every later
    rule wrong too.
    """
    if parent is None:
        return [this]
    if parent in chain:
        return [*chain[: chain.index(parent) + 1], this]
    if parent == this:
        errors.append(f"{path}: a rule cannot be its own parent")
    elif parent in parents:
        errors.append(
            f"{path}: {parent!r} is not an ancestor of the rule before this one; rules must be "
            "in document order (a rule follows its parent's earlier sub-rules)"
        )
        ancestors = [parent]
        while parents.get(ancestors[0]) is not None:
            ancestors.insert(0, parents[ancestors[0]])
        return [*ancestors, this]
    elif parent in first_index:
        errors.append(
            f"{path}: {parent!r} is listed after this rule (rules[{first_index[parent]}]); "
            "a parent must come before its sub-rules"
        )
    else:
        errors.append(f"{path}: there is no rule {parent!r} in this file")
    return [this]


def _check_versions(value, path, errors, declared) -> list[PlannedVersion | None]:
    """The checked versions, None for one that is not even a mapping (so that the n-th
    entry is still the version with seq n)."""
    items = as_list(value, path, errors)
    if isinstance(value, list) and not items:
        errors.append(f"{path}: a rule needs at least one version")
    versions: list[PlannedVersion | None] = []
    for index, item in enumerate(items):
        version = _check_version(item, f"{path}[{index}]", errors, declared)
        if version is not None:
            earlier = [v for v in versions if v is not None]
            _check_sequence(version, earlier, index, f"{path}[{index}]", errors)
        versions.append(version)
    return versions


def _check_sequence(
    version: PlannedVersion, earlier: list[PlannedVersion], index, path, errors
) -> None:
    if version.repealed and index == 0:
        errors.append(f"{path}.repealed: the first version cannot be a repeal")
    elif version.repealed and earlier and earlier[-1].repealed:
        errors.append(f"{path}.repealed: the rule is already repealed by the version before")
    dates = [v.effective_from for v in earlier if v.effective_from is not None]
    if version.effective_from is not None and dates and version.effective_from <= dates[-1]:
        errors.append(
            f"{path}.effective_from: {version.effective_from.isoformat()} is not after the "
            f"version before ({dates[-1].isoformat()}); list versions oldest first"
        )


def _check_version(item, path, errors, declared) -> PlannedVersion | None:
    if not check_keys(item, path, errors, VERSION_KEYS):
        return None
    repealed = item.get("repealed", False)
    if not isinstance(repealed, bool):
        errors.append(f"{path}.repealed: expected true or false, found {describe(repealed)}")
        repealed = False
    version = PlannedVersion(
        effective_from=as_date(item.get("effective_from"), f"{path}.effective_from", errors),
        repealed=repealed,
        note=as_text(item.get("note"), f"{path}.note", errors) or "",
        path=path,
    )
    _check_provenance(item, version, path, errors)
    _check_placement(item, version, path, errors)
    if repealed:
        errors += [
            f"{path}.{name}: a repeal has no {name}; write {{repealed: true, effective_from: …}}"
            for name in VERSION_KEYS
            if name in item and name not in REPEAL_KEYS
        ]
        return version
    for name in ("number", "heading", "text"):
        text = as_text(
            item.get(name),
            f"{path}.{name}",
            errors,
            field=model_field(RuleVersion, name),
            required=name == "number",
        )
        setattr(version, name, text or "")
    version.parameters = _check_values(
        item.get("parameters"), f"{path}.parameters", errors, declared
    )
    return version


def _check_provenance(item: dict, version: PlannedVersion, path: str, errors) -> None:
    """`provenance` and `source`, stated or (in a file from before they existed) taken from
    the note; the pairing rule is the model's (`provenance_problem`)."""
    implied, implied_source = provenance_from_note(version.note)
    if "provenance" not in item:
        version.provenance = implied
        version.source = as_text(item.get("source"), f"{path}.source", errors) or implied_source
        return
    provenance = item["provenance"]
    if provenance not in RuleVersion.Provenance.values:
        errors.append(
            f"{path}.provenance: expected one of {', '.join(RuleVersion.Provenance.values)}, "
            f"found {describe(provenance)}"
        )
        return
    version.provenance = provenance
    version.source = (as_text(item.get("source"), f"{path}.source", errors) or "").strip()
    problem = provenance_problem(provenance, version.source)
    if problem:
        errors.append(f"{path}.source: {problem}")


def _check_placement(item: dict, version: PlannedVersion, path: str, errors) -> None:
    stated = [name for name in PLACEMENT_KEYS if name in item]
    if not stated:
        return
    if len(stated) == 1:
        missing = ({*PLACEMENT_KEYS} - {*stated}).pop()
        errors.append(
            f"{path}.{missing}: a version that states where it sat gives both parent (null for "
            "a chapter) and position"
        )
        return
    place = item["position"]
    if isinstance(place, bool) or not isinstance(place, int) or place < 1:
        errors.append(f"{path}.position: expected a whole number from 1, found {describe(place)}")
        return
    version.placed = True
    version.parent = as_text(item["parent"], f"{path}.parent", errors) or None
    version.place = place


def _check_values(value, path, errors, declared) -> dict[str, Decimal]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a mapping, found {describe(value)}")
        return {}
    values = {}
    for key, raw in value.items():
        key_problems = []
        as_text(
            key, f"{path}.{key}", key_problems, field=model_field(Parameter, "key"), required=True
        )
        if declared is not None and not key_problems and key not in declared:
            key_problems.append(f"{path}.{key}: not declared in the parameters section")
        errors += key_problems
        number = as_parameter_value(raw, f"{path}.{key}", errors)
        if number is not None and not key_problems:
            values[key] = number
    return values
