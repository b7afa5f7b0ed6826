"""Reading and writing rule book files as text: JSON or YAML, the same structure in both.

YAML is read with ``safe_load`` rules plus: unquoted dates stay text (so 2017-13-01 gets a
proper message), a number where text belongs keeps the digits as written (``number: 1.10`` is
"1.10", not 1.1), duplicate keys and aliases (``*name``) are refused.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import yaml

from rulebook.exchange.values import (
    DATE_RE,
    InvalidRulebookFile,
    WrittenFloat,
    WrittenInt,
    describe,
    is_date,
    written,
)
from rulebook.models import json_number

FORMATS = ("json", "yaml")


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
    lambda loader, node: written(WrittenInt, loader.construct_yaml_int(node), node.value),
)
_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: written(WrittenFloat, loader.construct_yaml_float(node), node.value),
)


class _Dumper(_SafeDumper):
    def ignore_aliases(self, data):
        return True  # an export never needs anchors, and they would not read back (see _Loader)


# Characters that other YAML styles would turn into line breaks or drop.
_BLOCK_UNSAFE = re.compile(r"[\r\x85\u2028\u2029\ufeff]")


def _represent_text(dumper, text: str):
    if DATE_RE.match(text) and is_date(text):
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
_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_data(json_number(value)))
# So that a document read by `read_document` can be written straight back.
_Dumper.add_representer(WrittenInt, lambda dumper, value: dumper.represent_int(int(value)))
_Dumper.add_representer(WrittenFloat, lambda dumper, value: dumper.represent_float(float(value)))


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
        raise InvalidRulebookFile([f"document: expected a mapping, found {describe(data)}"])
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
            parse_int=lambda s: written(WrittenInt, int(s), s),
            parse_float=lambda s: written(WrittenFloat, float(s), s),
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
        return json_number(value)
    raise TypeError(f"{type(value).__name__} cannot be written to a rule book file")
