"""What every member page shares: reading the query string safely and saying what was wrong.

Views raise `BadQuery` (400) or `NotFound` (404) with a sentence for the member; the
`member_page` decorator renders it. Nothing a visitor types may reach the database unchecked:
a NUL byte or a 20-digit number is refused here, not by PostgreSQL with a 500.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rulebook.models import KEY_PATTERN, Rule, Rulebook

# Larger than any sequence number or id we will ever have, smaller than PostgreSQL's integer.
MAX_INT = 2**31 - 1
_KEY = re.compile(KEY_PATTERN)
_DIGITS = re.compile(r"[0-9]{1,10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadQuery(ValueError):
    """The address asks for something malformed: answered with 400 and the message."""


class NotFound(LookupError):
    """The address is well formed but names nothing: answered with 404 and the message."""


def member_page(view):
    """Read-only page: GET/HEAD only, BadQuery → 400 page, NotFound → 404 page."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadQuery as exc:
            return message_page(request, str(exc), status=400, **_book(kwargs))
        except NotFound as exc:
            return message_page(request, str(exc), status=404, **_book(kwargs))

    return wrapper


def _book(kwargs):
    return {"slug": kwargs.get("rulebook")}


def message_page(request, message, *, status, slug=None):
    title = "Not found" if status == 404 else "That address could not be answered"
    return render(
        request,
        "web/message.html",
        {"message": message, "title": title, "status": status, "book_slug": slug},
        status=status,
    )


def today() -> datetime.date:
    return timezone.localdate()


def text_param(request, name: str, *, max_length: int = 200) -> str:
    raw = request.GET.get(name, "")
    if "\x00" in raw:
        raise BadQuery(f"'{name}' contains a NUL character.")
    if len(raw) > max_length:
        raise BadQuery(f"'{name}' is too long: at most {max_length} characters.")
    return raw.strip()


def date_param(request, name: str, default: datetime.date | None = None):
    raw = request.GET.get(name, "").strip()[:40]
    if raw == "":
        return default
    try:
        if _DATE.fullmatch(raw):
            return datetime.date.fromisoformat(raw)
    except ValueError:
        pass
    raise BadQuery(f"'{name}' must be a date written YYYY-MM-DD, not {raw!r}.")  # NUL too


def int_param(request, name: str, *, required: bool = True) -> int | None:
    raw = text_param(request, name, max_length=40)
    if raw == "":
        if required:
            raise BadQuery(f"'{name}' is missing: give a version number such as {name}=1.")
        return None
    return checked_int(raw, name)


def checked_int(raw, name: str) -> int:
    raw = str(raw)
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_INT:
        raise BadQuery(f"'{name}' must be a whole number from 1, not {raw[:40]!r}.")
    return int(raw)


def choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    raw = text_param(request, name, max_length=40) or choices[0]
    if raw not in choices:
        raise BadQuery(f"'{name}' must be one of {', '.join(choices)}, not {raw!r}.")
    return raw


def rulebook_or_404(slug: str) -> Rulebook:
    book = Rulebook.objects.filter(slug=slug).first()
    if book is None:
        raise NotFound(f"There is no rule book called {slug!r}.")
    return book


def rule_or_404(slug: str, key: str) -> Rule:
    """The rule with its rule book, in one query; a key that could never exist is a 404."""
    rule = None
    if _KEY.fullmatch(key) and len(key) <= 100:
        rule = Rule.objects.select_related("rulebook").filter(rulebook__slug=slug, key=key).first()
    if rule is None:
        raise NotFound(f"There is no rule {key[:100]!r} in the rule book {slug!r}.")
    return rule
