"""A proposal's amendments in a rule book file: checking, the rows to write, and export.

Versions are named by their seq (1 for a rule's first version) in the file's own rules. The
number, heading, text and parameters of an amendment default to those of the version it
produced (once adopted), else of its base version, as the drafting service fills them; an
export writes only what differs from that default, so adopted amendments stay short and the
produced version holds the wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from proposals import rules
from proposals.exchange.common import choice, decimals, seq
from proposals.models import Amendment
from rulebook.exchange.values import (
    MISSING,
    as_parameter_value,
    as_text,
    check_keys,
    describe,
    model_field,
)
from rulebook.models import json_number

Kind = Amendment.Kind
AMENDMENT_KEYS = (
    "kind",
    "rule",
    "key",
    "parent",
    "after",
    "base_version",
    "number",
    "heading",
    "text",
    "parameters",
    "produced_version",
    "conflict",
)
CONTENT = ("number", "heading", "text", "parameters")
CONFLICT_KEYS = ("version", "text")


class Content(NamedTuple):
    """What a version says, from a checked file or from the database."""

    number: str
    heading: str
    text: str
    parameters: dict[str, Decimal]
    repealed: bool = False


def content_defaults(kind: str, base: Content | None, produced: Content | None) -> dict:
    """The value each of number, heading, text and parameters takes when an amendment leaves
    it out (MISSING: it must be given). Mirrors `amendment_build` and `proposal_adopt`."""
    source = produced or base
    if source is None:  # an insert not yet adopted
        return {"number": MISSING, "heading": "", "text": MISSING, "parameters": {}}
    if kind in (Kind.AMEND, Kind.INSERT):
        return {name: getattr(source, name) for name in CONTENT}
    base = base or source
    number = base.number if kind == Kind.REPEAL else (produced.number if produced else MISSING)
    return {"number": number, "heading": base.heading, "text": base.text, "parameters": {}}


EMPTY = Content("", "", "", {})


@dataclass
class PlannedAmendment:
    kind: str
    rule: str | None = None  # the rule changed; for an insert, its new key
    new_key: str = ""
    parent: str | None = None
    after: str | None = None
    base: int | None = None
    produced: int | None = None
    number: str = ""
    heading: str = ""
    text: str = ""
    parameters: dict[str, Decimal] = field(default_factory=dict)
    conflict_version: int | None = None
    conflict_text: str = ""


def check_amendment(item, path: str, errors: list[str], context) -> PlannedAmendment | None:
    """The checked amendment, or None when it is too broken to check against the others."""
    if not check_keys(item, path, errors, AMENDMENT_KEYS):
        return None
    kind = choice(item.get("kind"), f"{path}.kind", errors, Kind)
    if kind is None:
        return None
    planned = PlannedAmendment(kind=kind)
    _check_target(item, path, errors, context, planned)
    versions = context.planned.get(planned.rule).versions if planned.rule in context.planned else []
    base = _version(versions, planned.base)
    planned.produced = seq(item.get("produced_version"), f"{path}.produced_version", errors)
    produced = _check_produced(planned.produced, versions, planned, path, errors)
    # A rule or version already reported missing counts as empty, to report nothing twice.
    known_base = _content(base) or (None if kind == Kind.INSERT else EMPTY)
    known_produced = _content(produced) or (None if planned.produced is None else EMPTY)
    defaults = content_defaults(kind, known_base, known_produced)
    _check_content(item, path, errors, context, planned, defaults)
    if produced is not None:
        _check_matches(planned, produced, path, errors)
    if base is not None and kind != Kind.INSERT:
        errors += rules.problem_lines(_rules_of(planned, base), path)
    _check_conflict(item.get("conflict"), f"{path}.conflict", errors, planned, versions)
    return planned


def _check_target(item, path, errors, context, planned: PlannedAmendment) -> None:
    def rule_key(name) -> str | None:
        key = as_text(item.get(name), f"{path}.{name}", errors) or None
        if key is not None and key not in context.planned:
            errors.append(f"{path}.{name}: unknown rule {key!r}")
        return key

    inserting = planned.kind == Kind.INSERT
    for name in ("rule", "base_version") if inserting else ("key",):
        if name in item:
            errors.append(f"{path}.{name}: {_a(planned.kind)} amendment does not take {name}")
    if planned.kind not in (Kind.INSERT, Kind.RENUMBER):
        errors += [
            f"{path}.{name}: only an insert or a renumber places a rule ({name})"
            for name in ("parent", "after")
            if name in item
        ]
    else:
        planned.parent, planned.after = rule_key("parent"), rule_key("after")
    if inserting:
        planned.new_key = as_text(
            item.get("key"),
            f"{path}.key",
            errors,
            field=model_field(Amendment, "new_key"),
            required=True,
        )
        planned.rule = planned.new_key
        return
    if item.get("rule") is None:
        errors.append(f"{path}.rule: is required")
    else:
        planned.rule = rule_key("rule")
    planned.base = seq(item.get("base_version"), f"{path}.base_version", errors)
    if item.get("base_version") is None:
        errors.append(f"{path}.base_version: is required")
    versions = context.planned[planned.rule].versions if planned.rule in context.planned else None
    base = _version(versions or [], planned.base)
    if versions is not None and planned.base is not None and base is None:
        errors.append(f"{path}.base_version: {planned.rule} has no version {planned.base}")
        planned.base = None  # reported: nothing more to say about what follows from it


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _version(versions: list, number: int | None):
    if number is None or not 1 <= number <= len(versions):
        return None
    return versions[number - 1]


def _content(version) -> Content | None:
    if version is None:
        return None
    return Content(
        version.number, version.heading, version.text, version.parameters, version.repealed
    )


def _check_produced(number, versions, planned: PlannedAmendment, path, errors):
    if number is None or planned.rule is None:
        return None
    path = f"{path}.produced_version"
    if not versions:
        if planned.kind == Kind.INSERT:  # otherwise the unknown rule is reported already
            errors.append(f"{path}: there is no rule {planned.rule!r} in this file")
        return None
    produced = _version(versions, number)
    expected = 1 if planned.kind == Kind.INSERT else (planned.base or 0) + 1
    if produced is None:
        errors.append(f"{path}: {planned.rule} has no version {number}")
    elif number != expected and planned.kind == Kind.INSERT:
        errors.append(f"{path}: an insert produces the new rule's first version, not v{number}")
    elif number != expected and planned.base is not None:
        errors.append(
            f"{path}: v{number} does not follow the base version v{planned.base}; adoption "
            f"turns an amendment drafted against v{planned.base} into v{planned.base + 1}"
        )
    return produced if number == expected else None


def _check_content(item, path, errors, context, planned, defaults) -> None:
    for name in ("number", "heading", "text"):
        default = defaults[name]
        if item.get(name) is None and default is MISSING:
            errors.append(f"{path}.{name}: is required for {_a(planned.kind)} amendment")
            continue
        if item.get(name) is None:
            setattr(planned, name, default)
            continue
        text = as_text(item.get(name), f"{path}.{name}", errors, field=model_field(Amendment, name))
        setattr(planned, name, text or "")
    value = item.get("parameters")
    if value is None:
        planned.parameters = dict(defaults["parameters"] or {})
    elif not isinstance(value, dict):
        errors.append(f"{path}.parameters: expected a mapping, found {describe(value)}")
    else:
        for key, raw in value.items():
            if key not in context.parameter_keys:
                errors.append(f"{path}.parameters.{key}: not a parameter of this rule book")
            number = as_parameter_value(raw, f"{path}.parameters.{key}", errors)
            if number is not None:
                planned.parameters[key] = number


def _check_matches(planned: PlannedAmendment, produced, path, errors) -> None:
    where = f"{planned.rule} v{planned.produced}"
    if planned.kind == Kind.REPEAL:
        if not produced.repealed:
            errors.append(f"{path}.produced_version: {where} is not a repeal")
        return
    if produced.repealed:
        errors.append(f"{path}.produced_version: {where} is a repeal, not the {planned.kind}")
        return
    compared = ("number",) if planned.kind == Kind.RENUMBER else CONTENT
    errors += [
        f"{path}.{name}: differs from the {name} of {where}, the version it produced"
        for name in compared
        if getattr(planned, name) != getattr(produced, name)
    ]


def _rules_of(planned: PlannedAmendment, base) -> list[rules.Problem]:
    """The rules every surface applies to an amendment (`proposals.rules.check_amendment`)."""
    return rules.check_amendment(
        kind=planned.kind,
        rule_key=planned.rule,
        base=rules.Wording(base.number, base.heading, base.text, base.parameters, base.repealed),
        base_seq=planned.base,
        proposed=rules.Wording(planned.number, planned.heading, planned.text, planned.parameters),
        moved=planned.parent is not None or planned.after is not None,
        adopted=planned.produced is not None,
    )


def _check_conflict(value, path, errors, planned: PlannedAmendment, versions) -> None:
    if value is None:
        return
    if planned.kind == Kind.INSERT or planned.produced is not None:
        errors.append(f"{path}: only an amendment not yet adopted, to an existing rule, has one")
        return
    if not check_keys(value, path, errors, CONFLICT_KEYS):
        return
    number = seq(value.get("version"), f"{path}.version", errors)
    if value.get("version") is None:
        errors.append(f"{path}.version: is required")
    if number is not None and _version(versions, number) is None:
        errors.append(f"{path}.version: {planned.rule} has no version {number}")
    elif number is not None and planned.base is not None and number <= planned.base:
        errors.append(f"{path}.version: a rebase goes to a version after the base v{planned.base}")
    text = as_text(value.get("text"), f"{path}.text", errors, required=True)
    planned.conflict_version, planned.conflict_text = number, text or ""


def amendment_row(planned: PlannedAmendment, order: int, proposal, context) -> Amendment:
    """The unsaved row for a checked amendment (the import writes them in bulk)."""
    versions = context.versions
    adopted_insert = planned.kind == Kind.INSERT and planned.produced is not None
    return Amendment(
        proposal=proposal,
        order=order,
        kind=planned.kind,
        rule=context.rules[planned.rule] if planned.kind != Kind.INSERT or adopted_insert else None,
        base_version=versions.get((planned.rule, planned.base)),
        new_key=planned.new_key,
        parent=context.rules.get(planned.parent),
        after=context.rules.get(planned.after),
        number=planned.number,
        heading=planned.heading,
        text=planned.text,
        parameters={key: json_number(value) for key, value in planned.parameters.items()},
        produced_version=versions.get((planned.rule, planned.produced)),
        conflict=planned.conflict_version is not None,
        conflict_text=planned.conflict_text,
        conflict_version=versions.get((planned.rule, planned.conflict_version)),
    )


def amendment_entry(amendment: Amendment, values: dict[int, dict[str, Decimal]]) -> dict:
    """An amendment as written to a file; `values` holds the parameter values of versions."""

    def content(version) -> Content | None:
        if version is None:
            return None
        return Content(
            version.number, version.heading, version.text, values.get(version.pk, {}), False
        )

    entry = {"kind": amendment.kind}
    if amendment.kind == Kind.INSERT:
        entry["key"] = amendment.new_key
    else:
        entry["rule"] = amendment.rule.key
    for name in ("parent", "after"):
        if getattr(amendment, f"{name}_id"):
            entry[name] = getattr(amendment, name).key
    if amendment.base_version_id:
        entry["base_version"] = amendment.base_version.seq
    stored = {name: getattr(amendment, name) for name in CONTENT}
    stored["parameters"] = decimals(amendment.parameters or {})
    defaults = content_defaults(
        amendment.kind, content(amendment.base_version), content(amendment.produced_version)
    )
    for name in CONTENT:
        if stored[name] != defaults[name]:
            entry[name] = stored[name]
    if "parameters" in entry:
        entry["parameters"] = {
            key: json_number(value) for key, value in stored["parameters"].items()
        }
    if amendment.produced_version_id:
        entry["produced_version"] = amendment.produced_version.seq
    if amendment.conflict:
        entry["conflict"] = {
            "version": amendment.conflict_version.seq,
            "text": amendment.conflict_text,
        }
    return entry
