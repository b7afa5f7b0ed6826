"""Turning the amendment shapes of the API (DESIGN.md, POST …/proposals/) into Amendment rows.

An amendment is given as a dict such as
``{"kind": "amend", "rule": "c4-ii-2-b-i", "text": "…", "parameters": {"threshold": 20}}``.
Problems are collected per field, under keys like ``amendments[1].rule``, so that one answer
lists them all.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from proposals.models import Amendment
from proposals.rules import Problem, Wording, check_amendment, check_amendment_fields, sentence
from proposals.services.common import find_rule, latest_version
from rulebook.models import Parameter, Rule, Rulebook, RuleVersion, key_validator
from rulebook.validators import (
    TEXT_MAX_CHARS,
    decimal_of,
    parameter_value_problems,
    text_problems,
)

EDITABLE = {"key", "number", "heading", "text", "parameters", "parent", "after"}


class Problems(dict):
    """Field-keyed messages, ready to become a ValidationError."""

    def __init__(self, prefix: str = ""):
        super().__init__()
        self.prefix = prefix

    def add(self, field: str, message: str) -> None:
        self.setdefault(f"{self.prefix}{field}", []).append(message)

    def extend(self, problems: list[Problem], rename: dict[str, str] | None = None) -> None:
        """Add the problems of a pure check (`proposals.rules`), as sentences."""
        for problem in problems:
            self.add((rename or {}).get(problem.path, problem.path), sentence(problem.message))


def amendment_build(
    *, rulebook: Rulebook, data: dict, prefix: str = "", base: RuleVersion | None = None
) -> Amendment:
    """An unsaved Amendment from its API shape, or a ValidationError naming every problem.

    Steps: check the kind and the fields it takes; find the rule and its base version (the
    latest, pending ones included, unless `base` is given: an edit keeps its base); fill
    number, heading, text and parameters from the base where omitted; check the placement
    of an insert or a move.
    """
    problems = Problems(prefix)
    if not isinstance(data, dict):
        raise ValidationError({prefix.rstrip(".") or "amendment": "Give an amendment object."})
    kind = data.get("kind")
    problems.extend(check_amendment_fields(kind, data))
    if problems:
        raise ValidationError(problems)

    amendment = Amendment(kind=kind)
    if kind == Amendment.Kind.INSERT:
        _fill_insert(amendment, rulebook, data, problems)
    else:
        _fill_change(amendment, rulebook, data, problems, base)
    if problems:
        raise ValidationError(problems)
    return amendment


def _fill_insert(amendment: Amendment, rulebook: Rulebook, data: dict, problems: Problems):
    key = data["key"]
    try:
        key_validator(key if isinstance(key, str) else "")
    except ValidationError as error:
        problems.add("key", error.messages[0])
    else:
        if Rule.objects.filter(rulebook=rulebook, key=key).exists():
            problems.add("key", f"Rule book {rulebook.slug} already has a rule {key}.")
    amendment.new_key = key if isinstance(key, str) else ""
    amendment.number = _text(data, "number", problems, required=True)
    amendment.heading = _text(data, "heading", problems)
    amendment.text = _text(data, "text", problems, required=True)
    amendment.parameters = _parameters(rulebook, data.get("parameters", {}), problems)
    amendment.parent, amendment.after = _placement(rulebook, data, problems, moving=None)


def _fill_change(amendment, rulebook, data, problems, base):
    rule = find_rule(rulebook, data["rule"])
    if rule is None:
        problems.add("rule", f"There is no rule {data['rule']!r} in rule book {rulebook.slug}.")
        return
    base = base or latest_version(rule)
    if base is None:
        problems.add("rule", f"Rule {rule.key} has no version yet to change.")
        return
    stated = {} if base.repealed else base.parameters
    wording = Wording(base.number, base.heading, base.text, stated, base.repealed)

    def check(moved=False) -> None:
        proposed = Wording(
            amendment.number, amendment.heading, amendment.text, amendment.parameters
        )
        found = check_amendment(
            kind=amendment.kind,
            rule_key=rule.key,
            base=wording,
            base_seq=base.seq,
            proposed=proposed,
            moved=moved,
        )
        # The API names the base by its rule (drafted against the latest version).
        problems.extend(found, rename={"base_version": "rule"})

    amendment.rule, amendment.base_version = rule, base
    amendment.number, amendment.heading, amendment.text = base.number, base.heading, base.text
    if base.repealed or amendment.kind == Amendment.Kind.REPEAL:
        check()
        return
    amendment.number = _text(data, "number", problems, default=base.number, required=True)
    if amendment.kind == Amendment.Kind.RENUMBER:
        amendment.parent, amendment.after = _placement(rulebook, data, problems, moving=rule)
        check(moved=amendment.parent is not None or amendment.after is not None)
        return
    amendment.heading = _text(data, "heading", problems, default=base.heading)
    amendment.text = _text(data, "text", problems, default=base.text, required=True)
    amendment.parameters = _parameters(rulebook, data.get("parameters", stated), problems)
    if not problems:
        check()


def _text(data, field, problems, *, default="", required=False) -> str:
    value = data.get(field, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        problems.add(field, "Give text.")
        return ""
    value = value.strip()
    if required and not value:
        problems.add(field, "Must not be empty." + (" Use a repeal." if field == "text" else ""))
    for problem in text_problems(value, **TEXT_BOUNDS[field]):
        problems.add(field, sentence(f"the {field} {problem}"))
    return value


# What each text of an amendment may hold: the model's max_length for the one-line fields;
# for the text, what the diff engine compares (a proposal whose diff cannot be computed
# could never be read whole).
TEXT_BOUNDS = {
    "number": {"multiline": False, "max_length": Amendment._meta.get_field("number").max_length},
    "heading": {"multiline": False, "max_length": Amendment._meta.get_field("heading").max_length},
    "text": {"multiline": True, "max_length": TEXT_MAX_CHARS},
}


def _parameters(rulebook, value, problems) -> dict:
    if not isinstance(value, dict):
        problems.add("parameters", 'Give an object such as {"leader_nomination_threshold": 20}.')
        return {}
    known = set(
        Parameter.objects.filter(rulebook=rulebook, key__in=list(value)).values_list(
            "key", flat=True
        )
    )
    for key in sorted(set(value) - known):
        problems.add("parameters", f"Rule book {rulebook.slug} has no parameter {key!r}.")
    numbers = {}
    for key, number in value.items():
        exact = decimal_of(number)
        if exact is None:
            problems.add("parameters", f"The value of {key!r} must be a number.")
            continue
        # The bound the importer and adoption share: a value the database cannot store would
        # leave a carried proposal that can never be adopted.
        bound = parameter_value_problems(exact)
        if bound:
            problems.add("parameters", f"The value of {key!r}: {' '.join(bound)}")
            continue
        numbers[key] = float(number) if isinstance(number, Decimal) else number
    return numbers


def _placement(rulebook, data, problems, *, moving: Rule | None):
    """Parent and after rules of an insert or a move, checked to be consistent."""
    found = {}
    for field in ("parent", "after"):
        if data.get(field) is None:
            found[field] = None
            continue
        found[field] = find_rule(rulebook, data[field])
        if found[field] is None:
            problems.add(field, f"There is no rule {data[field]!r} in rule book {rulebook.slug}.")
    parent, after = found["parent"], found["after"]
    if after is not None and data.get("parent") is None:
        parent = after.parent
    if after is not None and parent is not None and after.parent_id != parent.pk:
        problems.add("after", f"Rule {after.key} is not directly under {parent.key}.")
    if moving is not None:
        for field, rule in (("parent", parent), ("after", after)):
            if rule is not None and _is_within(rule, moving):
                problems.add(field, f"Rule {moving.key} cannot be placed under or after itself.")
    return parent, after


def _is_within(rule: Rule, ancestor: Rule) -> bool:
    while rule is not None:
        if rule.pk == ancestor.pk:
            return True
        rule = rule.parent
    return False


def amendment_data(amendment: Amendment) -> dict:
    """The API shape of an existing amendment (the inverse of `amendment_build`)."""
    data = {"kind": amendment.kind}
    if amendment.kind == Amendment.Kind.INSERT:
        data["key"] = amendment.new_key
    else:
        data["rule"] = amendment.rule
    if amendment.kind in (Amendment.Kind.AMEND, Amendment.Kind.INSERT):
        data.update(
            number=amendment.number,
            heading=amendment.heading,
            text=amendment.text,
            parameters=amendment.parameters,
        )
    if amendment.kind == Amendment.Kind.RENUMBER:
        data["number"] = amendment.number
    if amendment.kind in (Amendment.Kind.INSERT, Amendment.Kind.RENUMBER):
        data.update(parent=amendment.parent, after=amendment.after)
    return data


def duplicate_targets(amendments: list[Amendment], problems: Problems) -> None:
    """Refuse two amendments of one proposal changing the same rule or inserting one key."""
    seen: dict[object, int] = {}
    for index, amendment in enumerate(amendments):
        target = amendment.rule_id or ("insert", amendment.new_key)
        if target in seen:
            field = "rule" if amendment.rule_id else "key"
            problems.add(
                f"amendments[{index}].{field}",
                f"Amendment {seen[target] + 1} of this proposal already changes it; "
                "combine the two.",
            )
        seen.setdefault(target, index)
