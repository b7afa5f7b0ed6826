"""Checking the values of a parsed file, one at a time, with every problem reported by path.

`check_keys`, `as_text`, `as_date` and `as_number` are public: registered sections (bodies,
proposals …) use them so that their messages read like the core sections' ones.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from rulebook.validators import decimal_of, parameter_value_problems, text_problems

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MISSING = object()


class InvalidRulebookFile(Exception):
    """A file that cannot be imported. `errors` lists every problem as "path: message"."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self):
        return "\n".join(self.errors)


class WrittenInt(int):
    """An int that remembers how it was written, for a number found where text belongs."""


class WrittenFloat(float):
    """A float that remembers how it was written: `number: 1.10` must stay "1.10"."""


def written(kind, value, text: str):
    number = kind(value)
    number.written = text
    return number


def describe(value) -> str:
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


def field_problems(field, value) -> list[str]:
    try:
        for validator in field.validators:
            validator(value)
    except ValidationError as exc:
        return exc.messages
    return []


def model_field(model, name):
    return model._meta.get_field(name)


def raw_text(value) -> str | None:
    if isinstance(value, WrittenInt | WrittenFloat):
        return value.written
    return value if isinstance(value, str) else None


def check_keys(value, path: str, errors: list[str], allowed) -> bool:
    """Whether `value` is a mapping; report it if not, and report each key not in `allowed`."""
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a mapping, found {describe(value)}")
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
    if raw_text(value) is None:
        errors.append(f"{path}: expected text, found {describe(value)}")
        return None
    value = raw_text(value)
    # A one-line field (a CharField: number, heading, key …) takes no line breaks.
    multiline = field is None or not isinstance(field, models.CharField)
    problems = []
    if required and not value.strip():
        problems.append("must not be empty")
    elif bad := text_problems(value, multiline=multiline):
        problems += bad
    elif field is not None and value:
        problems += [f"{_short(value)} is not valid. {m}" for m in field_problems(field, value)]
    errors.extend(f"{path}: {problem}" for problem in problems)
    return None if problems else value


def is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(text: str) -> datetime.date:
    """A YYYY-MM-DD date, or ValueError with the message files and commands show."""
    if not (DATE_RE.match(text) and is_date(text)):
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
        errors.append(f"{path}: expected a number, found {describe(value)}")
        return None
    number = decimal_of(value)
    if number is None:
        errors.append(f"{path}: {value} is not a finite number")
        return None
    problems = field_problems(field, number) if field is not None else []
    errors.extend(f"{path}: {problem}" for problem in problems)
    return None if problems else number


def as_list(value, path: str, errors: list[str]) -> list:
    """`value` as a list, or [] after reporting why not (`MISSING` means a required key is
    absent; an optional absent section should be passed as [])."""
    if value is MISSING:
        errors.append(f"{path}: is required")
        return []
    if not isinstance(value, list):
        errors.append(f"{path}: expected a list, found {describe(value)}")
        return []
    return value


def as_parameter_value(value, path: str, errors: list[str]) -> Decimal | None:
    """`value` as a parameter value within what the database stores, or None after reporting
    why not (the bound is `rulebook.validators.parameter_value_problems`, which drafting and
    the API share)."""
    number = as_number(value, path, errors)
    if number is None:
        return None
    problems = parameter_value_problems(number)
    errors.extend(f"{path}: {problem}" for problem in problems)
    return None if problems else number
