"""The bounds every text and number must keep to be stored, diffed and shown safely.

Written once and used by every surface that takes input: the write API's input
serializers, the admin's drafting forms, the amendment and vote checks that drafting and
voting run, and the importer (`rulebook.exchange.values`). Each `*_problems` function
returns messages as the importer prints them (lower case, no full stop); `TextValidator`
wraps `text_problems` as a Django validator for forms and serializers.
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from rulebook.diff import MAX_DIFF_CHARS
from rulebook.models import ParameterValue

# Control characters (C0, DEL, C1) have no place in a rule book: they do not print, and NUL
# cannot even be stored by PostgreSQL. Line breaks and tabs are kept in long texts only; a
# carriage return too, as browsers send a textarea's lines ending in CR LF (HTML spec, "form
# submission": newlines normalised to CRLF).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069)
# reorder the text around them on screen, so a title can display otherwise than it is stored
# (CVE-2021-42574, "Trojan Source"). Letters of right-to-left scripts need none of them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

# The longest text an amendment may propose: the diff engine refuses to compare more, and a
# proposal whose diff cannot be shown cannot be read or debated.
TEXT_MAX_CHARS = MAX_DIFF_CHARS

# Vote.votes_for etc. are PositiveIntegerField: PostgreSQL's integer, at most 2**31 - 1.
COUNT_MAX = 2_147_483_647


def text_problems(
    value: str, *, multiline: bool = True, max_length: int | None = None
) -> list[str]:
    """Why `value` cannot be stored as text, or []: control characters (line breaks and tabs
    allowed only when `multiline`), bidirectional override or isolate characters, and more
    than `max_length` characters."""
    problems = []
    control = (_CONTROL if multiline else _CONTROL_IN_LINE).search(value)
    if "\x00" in value:
        problems.append("contains a NUL character")  # PostgreSQL cannot store it
    elif control:
        allowed = " (line breaks and tabs are allowed)" if multiline else ""
        problems.append(
            f"contains the control character U+{ord(control.group()):04X} at position "
            f"{control.start() + 1}{allowed}"
        )
    bidi = _BIDI.search(value)
    if bidi:
        problems.append(
            f"contains the bidirectional formatting character U+{ord(bidi.group()):04X} at "
            f"position {bidi.start() + 1}, which can make text display otherwise than it reads"
        )
    if max_length is not None and len(value) > max_length:
        problems.append(f"is {len(value):,} characters long; the limit is {max_length:,}")
    return problems


@deconstructible
class TextValidator:
    """`text_problems` as a validator for form and serializer fields."""

    def __init__(self, *, multiline: bool = True, max_length: int | None = None):
        self.multiline = multiline
        self.max_length = max_length

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        problems = text_problems(value, multiline=self.multiline, max_length=self.max_length)
        if problems:
            raise ValidationError([f"Text {p}." for p in problems], code="invalid_text")

    def __eq__(self, other):
        return isinstance(other, TextValidator) and (self.multiline, self.max_length) == (
            other.multiline,
            other.max_length,
        )


def decimal_of(value) -> Decimal | None:
    """A JSON, YAML or form number as an exact Decimal; None for a non-number or non-finite.
    repr() of a float is the shortest text that reads back as it, so 0.1 stays 0.1."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = Decimal(value if isinstance(value, int | Decimal) else repr(float(value)))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parameter_value_problems(number: Decimal) -> list[str]:
    """Why `number` cannot be stored as a parameter value, or []: the digit limits of
    ParameterValue.value, in Django's words (as the importer has always said them)."""
    field = ParameterValue._meta.get_field("value")
    try:
        for validator in field.validators:
            validator(number)
    except ValidationError as exc:
        return exc.messages
    return []


def count_problems(value: int) -> list[str]:
    """Why a vote count cannot be stored (Vote.votes_for …), or []."""
    if value > COUNT_MAX:
        return [f"{value} is too large: a count is at most {COUNT_MAX:,}"]
    return []


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_problem(text: str) -> str | None:
    """Why `text` is not a day written YYYY-MM-DD, in words, or None: "2021-02-30 is not a
    real date (February 2021 has 28 days)" for a well-written day that never existed, so that
    every form and API parameter says the same."""
    text = (text or "").strip()[:40]
    if not _ISO_DATE.fullmatch(text):
        return f"{text!r} is not a date written YYYY-MM-DD"
    year, month, day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return f"{text} is not a real date (there is no month {month})"
    try:
        datetime.date(year, month, day)
    except ValueError:
        if year < 1:
            return f"{text} is not a real date (there is no year 0)"
        days = calendar.monthrange(year, month)[1]
        name = calendar.month_name[month]
        return f"{text} is not a real date ({name} {year} has {days} days)"
    return None
