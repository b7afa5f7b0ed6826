"""Whole rule books in and out as JSON or YAML files (DESIGN.md, "Import/export file").

The same structure in both formats::

    rulebook:   {slug, title, description?}
    parameters: [{key, label?, unit?, description?}]      # optional, see below
    rules:      [{key, parent?, versions: [...]}]          # document order, parent before child
    <section>:  [...]                                      # registered by other apps (bodies …)

Format decisions, all enforced by `validate_document`:

- Every problem is collected and reported by path (``rules[3].versions[1].effective_from``); an
  unknown key anywhere is a problem, so a typo can never silently drop data.
- Rules are listed in document order: a rule's parent is the rule just before it or one of that
  rule's ancestors. Positions are the order in the file.
- Versions are listed oldest first with strictly later dates. A version has a ``number`` and
  optional ``heading``, ``text``, ``parameters`` and ``note``; a repeal is
  ``{repealed: true, effective_from, note?}`` and cannot be a rule's first version.
- Parameters: when a ``parameters`` section is present every parameter a version states must be
  declared there; when it is absent, the parameters the versions state are declared
  automatically with their key as label. Exports always write the section.
- Values are numbers (not text, not true/false) with at most 4 decimal places; exports write
  whole numbers as integers and others as the shortest float that reads back exactly.
- YAML is read with ``safe_load`` rules plus: unquoted dates stay text (so 2017-13-01 gets a
  proper message), a number where text belongs keeps the digits as written (``number: 1.10``
  is "1.10", not 1.1), duplicate keys and aliases (``*name``) are refused.

Other apps add top-level sections with `register_section` (``proposals`` registers ``bodies``
and ``proposals``); ``rulebook`` never imports them.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rulebook.exchange_markdown import render_markdown
from rulebook.models import Parameter, ParameterValue, Rule, Rulebook, RuleVersion
from rulebook.services import audit_record

__all__ = [
    "ImportContext",
    "InvalidRulebookFile",
    "as_date",
    "as_number",
    "as_text",
    "check_keys",
    "dump_document",
    "parse_date",
    "read_document",
    "register_section",
    "render_markdown",
    "rulebook_export",
    "rulebook_import",
    "unregister_section",
    "validate_document",
]

FORMATS = ("json", "yaml")
CORE_SECTIONS = ("rulebook", "parameters", "rules")
RULEBOOK_KEYS = ("slug", "title", "description")
PARAMETER_KEYS = ("key", "label", "unit", "description")
RULE_KEYS = ("key", "parent", "versions")
VERSION_KEYS = ("number", "heading", "text", "effective_from", "parameters", "note", "repealed")
REPEAL_KEYS = ("repealed", "effective_from", "note")


class InvalidRulebookFile(Exception):
    """A file that cannot be imported. `errors` lists every problem as "path: message"."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self):
        return "\n".join(self.errors)


# --- Reading and writing text ------------------------------------------------------------------


class _WrittenInt(int):
    """An int that remembers how it was written, for a number found where text belongs."""


class _WrittenFloat(float):
    """A float that remembers how it was written: `number: 1.10` must stay "1.10"."""


def _written(kind, value, text: str):
    number = kind(value)
    number.written = text
    return number


# libyaml (bundled with PyYAML's wheels) reads and writes about ten times faster; the pure
# Python classes behave the same.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_SafeLoader):
    """`yaml.safe_load` with the rule-book adjustments listed in the module docstring."""

    def construct_object(self, node, deep=False):
        # A node met a second time is an alias (*name). Aliases can multiply a small file into
        # a huge document, and nobody needs them in a rule book.
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "this value is repeated with an alias (*name); aliases are not "
                "supported: write the value out each time",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        # safe_load keeps the last of two equal keys, silently dropping the first value.
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key_node.value!r} appears twice", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)
_Loader.add_constructor(
    "tag:yaml.org,2002:int",
    lambda loader, node: _written(_WrittenInt, loader.construct_yaml_int(node), node.value),
)
_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: _written(_WrittenFloat, loader.construct_yaml_float(node), node.value),
)


class _Dumper(_SafeDumper):
    def ignore_aliases(self, data):
        return True  # an export never needs anchors, and they would not read back (see _Loader)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters that other YAML styles would turn into line breaks or drop.
_BLOCK_UNSAFE = re.compile(r"[\r\x85\u2028\u2029\ufeff]")


def _represent_text(dumper, text: str):
    if _DATE_RE.match(text) and _is_date(text):
        # Written as a plain YAML date (effective_from: 2016-01-01), read back as the same text.
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)
    if _BLOCK_UNSAFE.search(text):
        # PyYAML writes these raw in plain and block styles and reads them back as line breaks
        # or drops them; double quotes escape them (\N, \L, \P …).
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_str(text)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_data(_plain(value)))
# So that a document read by `read_document` can be written straight back.
_Dumper.add_representer(_WrittenInt, lambda dumper, value: dumper.represent_int(int(value)))
_Dumper.add_representer(_WrittenFloat, lambda dumper, value: dumper.represent_float(float(value)))


def read_document(text: str, *, format: str | None = None, filename: str | None = None) -> dict:
    """Parse a rule book file; raise InvalidRulebookFile (with line and column) if unreadable.

    The format is `format` ("json" or "yaml"), else the extension of `filename`, else JSON when
    the text starts with "{", else YAML. The result still needs `validate_document`.
    """
    format = format or _format_from_name(filename) or _sniff_format(text)
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}: use one of {', '.join(FORMATS)}.")
    text = text.removeprefix("\ufeff")
    try:
        data = _read_json(text) if format == "json" else _read_yaml(text)
    except RecursionError:
        raise InvalidRulebookFile(["document: nested too deeply to read"]) from None
    if data is None:
        raise InvalidRulebookFile(["document: the file is empty"])
    if not isinstance(data, dict):
        raise InvalidRulebookFile([f"document: expected a mapping, found {_describe(data)}"])
    return data


def _format_from_name(filename: str | None) -> str | None:
    suffix = (filename or "").rpartition(".")[2].lower()
    return {"json": "json", "yaml": "yaml", "yml": "yaml"}.get(suffix)


def _sniff_format(text: str) -> str:
    return "json" if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")) else "yaml"


def _read_yaml(text: str):
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        context = f" ({exc.context})" if exc.context else ""
        raise InvalidRulebookFile([f"{where}: {exc.problem}{context}"]) from None
    except yaml.YAMLError as exc:
        raise InvalidRulebookFile([f"document: {exc}"]) from None


def _read_json(text: str):
    duplicates: list[str] = []

    def pairs(items):
        mapping = {}
        for key, value in items:
            if key in mapping:
                duplicates.append(f"document: the key {key!r} appears twice in one object")
            mapping[key] = value
        return mapping

    try:
        data = json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=lambda s: _written(_WrittenInt, int(s), s),
            parse_float=lambda s: _written(_WrittenFloat, float(s), s),
        )
    except json.JSONDecodeError as exc:
        raise InvalidRulebookFile([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise InvalidRulebookFile([f"document: {exc}"]) from None
    if duplicates:
        raise InvalidRulebookFile(duplicates)
    return data


def dump_document(data: dict, format: str) -> str:
    """Write `data` (usually from `rulebook_export`) as "json" or "yaml" text.

    YAML keeps key order, writes multi-line texts as literal blocks and never folds long lines,
    so `read_document` gives back exactly the same texts.
    """
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if format == "yaml":
        return yaml.dump(
            data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000_000
        )
    raise ValueError(f"Unknown format {format!r}: use one of {', '.join(FORMATS)}.")


def _json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain(value)
    raise TypeError(f"{type(value).__name__} cannot be written to a rule book file")


def _plain(value: Decimal) -> int | float:
    """A stored value as a JSON/YAML number. Exact: values have at most 14 digits (see model)."""
    return int(value) if value == value.to_integral_value() else float(value)


# --- Checking values (also for registered sections) --------------------------------------------


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {getattr(value, 'written', value)}"
    return f"a {type(value).__name__}"


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _field_problems(field, value) -> list[str]:
    try:
        for validator in field.validators:
            validator(value)
    except ValidationError as exc:
        return exc.messages
    return []


def check_keys(value, path: str, errors: list[str], allowed) -> bool:
    """Whether `value` is a mapping; report it if not, and report each key not in `allowed`."""
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a mapping, found {_describe(value)}")
        return False
    expected = ", ".join(allowed)
    for key in value:
        if key not in allowed:
            errors.append(f"{path}.{key}: unknown key (expected one of: {expected})")
    return True


def as_text(value, path: str, errors: list[str], *, field=None, required=False) -> str | None:
    """`value` as text, or None after reporting why not. Missing optional text is "".

    A number written where text belongs counts as its digits as written. `field` (a model
    field) adds its validators, e.g. max_length or a key pattern.
    """
    if value is None:
        if required:
            errors.append(f"{path}: is required")
            return None
        return ""
    if _raw_text(value) is None:
        errors.append(f"{path}: expected text, found {_describe(value)}")
        return None
    value = _raw_text(value)
    problems = []
    if required and not value.strip():
        problems.append("must not be empty")
    elif "\x00" in value:
        problems.append("contains a NUL character")  # PostgreSQL cannot store it
    elif field is not None and value:
        problems += [f"{_short(value)} is not valid. {m}" for m in _field_problems(field, value)]
    errors.extend(f"{path}: {problem}" for problem in problems)
    return None if problems else value


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(text: str) -> datetime.date:
    """A YYYY-MM-DD date, or ValueError with the message files and commands show."""
    if not (_DATE_RE.match(text) and _is_date(text)):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    return datetime.date.fromisoformat(text)


def as_date(value, path: str, errors: list[str], *, required=True) -> datetime.date | None:
    """`value` as a date (a YAML date or YYYY-MM-DD text), or None after reporting why not."""
    if value is None:
        if required:
            errors.append(f"{path}: is required")
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    text = value if isinstance(value, str) else str(getattr(value, "written", value))
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.append(f"{path}: {exc}")
        return None


def as_number(value, path: str, errors: list[str], *, field=None) -> Decimal | None:
    """`value` as an exact Decimal, or None after reporting why not. Text and true/false are not
    numbers; `field` (a DecimalField) adds its digit limits."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        errors.append(f"{path}: expected a number, found {_describe(value)}")
        return None
    try:
        # repr() of a float is the shortest text that reads back as it, so 0.1 stays 0.1.
        number = Decimal(value if isinstance(value, int | Decimal) else repr(float(value)))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        errors.append(f"{path}: {value} is not a finite number")
        return None
    problems = _field_problems(field, number) if field is not None else []
    errors.extend(f"{path}: {problem}" for problem in problems)
    return None if problems else number


_MISSING = object()


def _as_list(value, path: str, errors: list[str]) -> list:
    if value is _MISSING:
        errors.append(f"{path}: is required")
        return []
    if not isinstance(value, list):
        errors.append(f"{path}: expected a list, found {_describe(value)}")
        return []
    return value


# --- Sections registered by other apps ---------------------------------------------------------


@dataclass
class ImportContext:
    """What a registered section may rely on while it validates and loads.

    Before loading, `version_dates` and `parameter_keys` describe the file's own rules; during
    loading, `rules`, `versions` (by rule key and seq) and `parameters` hold the new rows, and
    `loaded` holds what each earlier section's load returned (sections load in `order`).
    Numbers read from a file may be int or float subclasses that remember their digits: read
    values with `as_text`, `as_number` and `as_date` rather than by type.
    """

    data: dict
    version_dates: dict[str, list[datetime.date | None]]
    parameter_keys: set[str]
    rules: dict[str, Rule] = field(default_factory=dict)
    versions: dict[tuple[str, int], RuleVersion] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    loaded: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    validate: Callable[[Any, ImportContext], list[str]]
    load: Callable[[Any, Rulebook, ImportContext, Any], Any]
    dump: Callable[[Rulebook, datetime.date | None], list | None]
    order: int


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, *, validate, load, dump, order: int = 100) -> None:
    """Add a top-level section (e.g. "bodies") to rule book files; call from AppConfig.ready().

    - ``validate(value, context) -> list[str]``: every problem as a full "path: message"
      (``bodies[0].slug: …``), using `check_keys`, `as_text`, `as_date`, `as_number`.
    - ``load(value, rulebook, context, by)``: writes the rows, inside the import's transaction,
      only if no section reported a problem; its return value goes to ``context.loaded[name]``.
    - ``dump(rulebook, at) -> list | None``: the section for `rulebook_export`; empty means
      the section is left out.

    Sections load and dump in ascending `order`. Registering a name again replaces it.
    """
    if name in CORE_SECTIONS:
        raise ValueError(f"{name!r} is a core section of rule book files.")
    _SECTIONS[name] = Section(name=name, validate=validate, load=load, dump=dump, order=order)


def unregister_section(name: str) -> None:
    """Remove a registered section (for tests)."""
    _SECTIONS.pop(name, None)


def _sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.name))


# --- Validation --------------------------------------------------------------------------------


@dataclass
class _Version:
    effective_from: datetime.date | None
    repealed: bool = False
    number: str = ""
    heading: str = ""
    text: str = ""
    note: str = ""
    parameters: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class _Rule:
    key: str
    parent: str | None
    depth: int
    versions: list[_Version]


@dataclass
class _Plan:
    """The document checked and converted, ready to write once no problem was found."""

    rulebook: dict[str, str] = field(default_factory=dict)
    parameters: list[dict[str, str]] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)


def validate_document(data) -> list[str]:
    """Every problem in `data` (a parsed file) as "path: message", in document order.

    Checks the file only; `rulebook_import` also refuses a slug that is already in use.
    """
    return _check_document(data)[1]


def _check_document(data) -> tuple[_Plan, list[str], ImportContext | None]:
    plan, errors = _Plan(), []
    if not isinstance(data, dict):
        errors.append(f"document: expected a mapping, found {_describe(data)}")
        return plan, errors, None
    known = (*CORE_SECTIONS, *(section.name for section in _sections()))
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
    plan.rules = _check_rules(data.get("rules", _MISSING), errors, declared)
    if declared is None:
        stated = (key for rule in plan.rules for v in rule.versions for key in v.parameters)
        plan.parameters = [{"key": key, "label": key} for key in dict.fromkeys(stated)]
    context = ImportContext(
        data=data,
        version_dates={rule.key: [v.effective_from for v in rule.versions] for rule in plan.rules},
        parameter_keys={parameter["key"] for parameter in plan.parameters},
    )
    for section in _sections():
        if section.name in data:
            errors += section.validate(data[section.name], context)
    return plan, errors, context


def _field(model, name):
    return model._meta.get_field(name)


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
            field=_field(Rulebook, name),
            required=name != "description",
        )
        for name in RULEBOOK_KEYS
    }


def _check_parameters(value, errors) -> list[dict[str, str]]:
    declared, first_at = [], {}
    for index, item in enumerate(_as_list(value, "parameters", errors)):
        path = f"parameters[{index}]"
        if not check_keys(item, path, errors, PARAMETER_KEYS):
            continue
        checked = {
            name: as_text(
                item.get(name),
                f"{path}.{name}",
                errors,
                field=_field(Parameter, name),
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


def _check_rules(value, errors, declared: set[str] | None) -> list[_Rule]:
    items = _as_list(value, "rules", errors)
    # Where each key first appears, to tell a parent listed later from an unknown one.
    first_index = {}
    for index, item in enumerate(items):
        raw = _raw_text(item.get("key")) if isinstance(item, dict) else None
        if raw is not None:
            first_index.setdefault(raw, index)
    rules, chain, parents = [], [], {}
    for index, item in enumerate(items):
        path = f"rules[{index}]"
        if not check_keys(item, path, errors, RULE_KEYS):
            continue
        key = as_text(
            item.get("key"), f"{path}.key", errors, field=_field(Rule, "key"), required=True
        )
        raw = _raw_text(item.get("key"))
        if raw is not None and first_index[raw] != index:
            errors.append(f"{path}.key: {raw!r} is already used by rules[{first_index[raw]}]")
        # Even a badly written key places the rule, so its sub-rules are not reported too.
        this = raw if raw is not None and raw not in parents else object()
        parent = as_text(item.get("parent"), f"{path}.parent", errors) or None
        chain = _place(this, parent, chain, parents, first_index, f"{path}.parent", errors)
        parents[this] = chain[-2] if len(chain) > 1 else None
        versions = _check_versions(
            item.get("versions", _MISSING), f"{path}.versions", errors, declared
        )
        if key is not None:
            rules.append(_Rule(key=key, parent=parent, depth=len(chain) - 1, versions=versions))
    return rules


def _raw_text(value) -> str | None:
    if isinstance(value, _WrittenInt | _WrittenFloat):
        return value.written
    return value if isinstance(value, str) else None


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


def _check_versions(value, path, errors, declared) -> list[_Version]:
    items = _as_list(value, path, errors)
    if isinstance(value, list) and not items:
        errors.append(f"{path}: a rule needs at least one version")
    versions: list[_Version] = []
    for index, item in enumerate(items):
        version = _check_version(item, f"{path}[{index}]", errors, declared)
        if version is None:
            continue
        _check_sequence(version, versions, index, f"{path}[{index}]", errors)
        versions.append(version)
    return versions


def _check_sequence(version: _Version, earlier: list[_Version], index, path, errors) -> None:
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


def _check_version(item, path, errors, declared) -> _Version | None:
    if not check_keys(item, path, errors, VERSION_KEYS):
        return None
    repealed = item.get("repealed", False)
    if not isinstance(repealed, bool):
        errors.append(f"{path}.repealed: expected true or false, found {_describe(repealed)}")
        repealed = False
    version = _Version(
        effective_from=as_date(item.get("effective_from"), f"{path}.effective_from", errors),
        repealed=repealed,
        note=as_text(item.get("note"), f"{path}.note", errors) or "",
    )
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
            field=_field(RuleVersion, name),
            required=name == "number",
        )
        setattr(version, name, text or "")
    version.parameters = _check_values(
        item.get("parameters"), f"{path}.parameters", errors, declared
    )
    return version


def _check_values(value, path, errors, declared) -> dict[str, Decimal]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a mapping, found {_describe(value)}")
        return {}
    values = {}
    for key, raw in value.items():
        key_problems = []
        as_text(key, f"{path}.{key}", key_problems, field=_field(Parameter, "key"), required=True)
        if declared is not None and not key_problems and key not in declared:
            key_problems.append(f"{path}.{key}: not declared in the parameters section")
        errors += key_problems
        number = as_number(raw, f"{path}.{key}", errors, field=_field(ParameterValue, "value"))
        if number is not None and not key_problems:
            values[key] = number
    return values


# --- Import ------------------------------------------------------------------------------------


def rulebook_import(*, data: dict, by=None) -> Rulebook:
    """Create a whole rule book from a parsed file, or raise InvalidRulebookFile.

    Steps: validate the whole document (and that its slug is free), writing nothing if any
    problem is found; then in one transaction create the rule book, its parameters, its rules
    (depth by depth, so parents exist first), their versions (first versions of every rule,
    then second versions …, which keeps the database's version-order trigger satisfied), the
    parameter values and each registered section; record an audit entry.
    """
    plan, errors, context = _check_document(data)
    slug = plan.rulebook.get("slug")
    if slug and Rulebook.objects.filter(slug=slug).exists():
        errors.append(f"rulebook.slug: a rule book {slug!r} already exists")
    if errors:
        raise InvalidRulebookFile(errors)
    try:
        with transaction.atomic():
            return _write(plan, context, by)
    except IntegrityError:
        # Another import took the slug between our check and our insert.
        if Rulebook.objects.filter(slug=slug).exists():
            raise InvalidRulebookFile(
                [f"rulebook.slug: a rule book {slug!r} already exists"]
            ) from None
        raise


def _write(plan: _Plan, context: ImportContext, by) -> Rulebook:
    rulebook = Rulebook.objects.create(**plan.rulebook)
    context.parameters = {
        p.key: p
        for p in Parameter.objects.bulk_create(
            Parameter(rulebook=rulebook, **declared) for declared in plan.parameters
        )
    }
    context.rules = _create_rules(rulebook, plan.rules)
    context.versions = _create_versions(plan.rules, context.rules, by)
    ParameterValue.objects.bulk_create(
        ParameterValue(
            version=context.versions[rule.key, seq], parameter=context.parameters[key], value=value
        )
        for rule in plan.rules
        for seq, version in enumerate(rule.versions, start=1)
        for key, value in version.parameters.items()
    )
    for section in _sections():
        if section.name in context.data:
            context.loaded[section.name] = section.load(
                context.data[section.name], rulebook, context, by
            )
    audit_record(
        action="rulebook.import",
        subject=rulebook.slug,
        by=by,
        data={
            "rules": len(context.rules),
            "versions": len(context.versions),
            "parameters": len(context.parameters),
            "sections": sorted(context.loaded),
        },
    )
    return rulebook


def _create_rules(rulebook: Rulebook, planned: list[_Rule]) -> dict[str, Rule]:
    by_depth = defaultdict(list)
    for position, rule in enumerate(planned, start=1):
        by_depth[rule.depth].append((position, rule))
    created: dict[str, Rule] = {}
    for depth in sorted(by_depth):
        rows = [
            Rule(
                rulebook=rulebook, key=rule.key, parent=created.get(rule.parent), position=position
            )
            for position, rule in by_depth[depth]
        ]
        created.update((row.key, row) for row in Rule.objects.bulk_create(rows))
    return created


def _create_versions(
    planned: list[_Rule], rules: dict[str, Rule], by
) -> dict[tuple[str, int], RuleVersion]:
    by_seq = defaultdict(list)
    for rule in planned:
        for seq, v in enumerate(rule.versions, start=1):
            by_seq[seq].append(
                RuleVersion(
                    rule=rules[rule.key],
                    seq=seq,
                    number=v.number,
                    heading=v.heading,
                    text=v.text,
                    effective_from=v.effective_from,
                    repealed=v.repealed,
                    note=v.note,
                    created_by=by,
                )
            )
    created = {}
    for seq in sorted(by_seq):
        for row in RuleVersion.objects.bulk_create(by_seq[seq]):
            created[row.rule.key, seq] = row
    return created


# --- Export ------------------------------------------------------------------------------------


def rulebook_export(*, rulebook: Rulebook, at: datetime.date | None = None) -> dict:
    """The rule book as a file document (see the module docstring), ready for `dump_document`.

    Without `at`: every rule with its whole history. With `at`: the rule book as in force on
    that date, one version per rule, rules repealed or not yet in force left out (a rule whose
    parent is left out hangs under its nearest ancestor that is in). Four queries plus those of
    registered sections, whatever the size of the rule book.
    """
    rules = list(Rule.objects.filter(rulebook=rulebook).in_document_order())
    document = {"rulebook": _rulebook_entry(rulebook)}
    document["parameters"] = [_parameter_entry(p) for p in rulebook.parameters.order_by("key")]
    document["rules"] = _rule_entries(rules, _versions_by_rule(rulebook, at))
    for section in _sections():
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
        values[version_id][key] = _plain(value)
    by_rule = defaultdict(list)
    for version in versions.order_by("rule_id", "seq"):
        version.values = values[version.pk]
        by_rule[version.rule_id].append(version)
    return by_rule


def _rule_entries(rules: list[Rule], versions: dict[int, list[RuleVersion]]) -> list[dict]:
    keys = {rule.pk: rule.key for rule in rules}
    parent_of = {rule.pk: rule.parent_id for rule in rules}
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
        entry["versions"] = [_version_entry(v) for v in versions[rule.pk]]
        entries.append(entry)
    return entries


def _version_entry(version: RuleVersion) -> dict:
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
    return entry
