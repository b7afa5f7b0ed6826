"""The query strings of member pages, read by Django forms.

Each page that takes parameters has a small form; `QueryForm.read(request)` returns its
cleaned values or raises `BadQuery` with a sentence naming the parameter (a 400 page).
Nothing a visitor types reaches the database unchecked: a NUL byte, an impossible date or a
20-digit number is refused here, not by PostgreSQL with a 500.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from rulebook.converters import MAX_ID
from rulebook.search import MAX_QUERY_LENGTH
from rulebook.validators import date_problem


class BadQuery(ValueError):
    """The address asks for something malformed: answered with 400 and the message."""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,10}")


def today() -> datetime.date:
    return timezone.localdate()


class _Named:
    """A query field that knows its parameter's name, to say it in its messages."""

    name = ""

    def fail(self, message: str):
        raise ValidationError(f"'{self.name}' {message}")

    def raw(self, value) -> str:
        value = "" if value is None else str(value)
        if "\x00" in value:
            self.fail("contains a NUL character.")
        return value


class QueryText(_Named, forms.Field):
    def __init__(self, *, max_length: int = 200, missing: str = "", **kwargs):
        self.max_length, self.missing = max_length, missing
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = self.raw(value)
        if len(value) > self.max_length:
            self.fail(f"is too long: at most {self.max_length} characters.")
        value = value.strip()
        if not value and self.missing:
            self.fail(f"is missing: {self.missing}")
        return value


class QueryDate(_Named, forms.Field):
    """YYYY-MM-DD; empty means `default` (a callable, such as `today`), or None."""

    def __init__(self, *, default=None, **kwargs):
        self.default = default
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = ("" if value is None else str(value)).strip()[:40]  # a NUL byte is no date
        if text == "":
            return self.default() if callable(self.default) else self.default
        problem = date_problem(text)
        if problem is None:
            return datetime.date.fromisoformat(text)
        if _DATE.fullmatch(text):  # well written, but a day that never was
            self.fail(f"must be a date written YYYY-MM-DD: {problem}.")
        self.fail(f"must be a date written YYYY-MM-DD, not {text[:40]!r}.")


class QueryNumber(_Named, forms.Field):
    """A whole number from 1 (a version, a page); `example` completes the missing message."""

    def __init__(self, *, default: int | None = None, example: str = "", **kwargs):
        self.default, self.example = default, example
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = self.raw(value).strip()
        if text == "":
            if self.default is not None:
                return self.default
            self.fail(f"is missing: give {self.example} such as {self.name}=1.")
        if len(text) > 40 or not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_ID:
            self.fail(f"must be a whole number from 1, not {text[:40]!r}.")
        return int(text)


class QueryChoice(_Named, forms.Field):
    """One of `options`; empty means the first."""

    def __init__(self, *options: str, **kwargs):
        self.options = options
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = self.raw(value).strip()[:40] or self.options[0]
        if text not in self.options:
            self.fail(f"must be one of {', '.join(self.options)}, not {text!r}.")
        return text


class QueryForm(forms.Form):
    def __init__(self, data):
        super().__init__(data)
        for name, field in self.fields.items():
            field.name = name

    @classmethod
    def read(cls, request) -> dict:
        form = cls(request.GET)
        if not form.is_valid():
            raise BadQuery(next(iter(form.errors.values()))[0])
        return form.cleaned_data


class OnDateForm(QueryForm):
    """A page of the rule book as on `?at=` (today by default)."""

    at = QueryDate(default=today)


class OptionalDateForm(QueryForm):
    at = QueryDate()


class ChangesForm(QueryForm):
    # "from" is a keyword in Python, so both ends are declared through the class namespace.
    vars()["from"] = QueryDate()
    to = QueryDate(default=today)

    def clean(self):
        data = super().clean()
        end = data.get("to")
        if end is None:
            return data
        start = data.get("from") or _year_before(end)
        data["from"] = start
        if start > end:
            raise ValidationError(
                f"'from' ({start.isoformat()}) is after 'to' ({end.isoformat()}): "
                "give the earlier date first."
            )
        return data


class CompareForm(QueryForm):
    vars()["from"] = QueryNumber(example="a version number")
    to = QueryNumber(example="a version number")
    view = QueryChoice("inline", "side")


class CiteForm(QueryForm):
    ref = QueryText(max_length=60, missing="give a rule number, for example ?ref=4.II.2.")
    at = QueryDate()


class SearchForm(QueryForm):
    q = QueryText(max_length=MAX_QUERY_LENGTH)
    at = QueryDate()


class PageForm(QueryForm):
    page = QueryNumber(default=1)


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class EditionForm(QueryForm):
    """The printed edition as in force on `?at=` (today), with the changes since `?since=`
    (empty: since the previous edition, web.edition.previous_edition_date)."""

    at = QueryDate(default=today)
    since = QueryDate()

    def clean(self):
        data = super().clean()
        on, since = data.get("at"), data.get("since")
        if on is not None and since is not None and since > on:
            raise ValidationError(
                f"'since' ({since.isoformat()}) is after 'at' ({on.isoformat()}): "
                "list the changes since an earlier date."
            )
        return data


class EventForm(QueryForm):
    """A nomination event judged under the rules in force on `?rules_on=` (none: only the
    rules of its own date and of every edition)."""

    rules_on = QueryDate()
