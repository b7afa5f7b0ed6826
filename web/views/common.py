"""What every member page shares: saying what was wrong with an address, finding its book and rule.

Views read their query strings with the forms in `web.forms`, which raise `BadQuery` (400);
a view raises `NotFound` (404) with a sentence for the member; the `member_page` decorator
renders either.
"""

from __future__ import annotations

import functools
import math
import re

from django.shortcuts import render
from django.views.decorators.http import require_safe

from rulebook.api.throttles import page_allowed
from rulebook.models import KEY_PATTERN, Rule, Rulebook
from web.forms import BadQuery

_KEY = re.compile(KEY_PATTERN)


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


def expensive_page(view):
    """A page that diffs or searches (compare, changes, search) shares the API's "expensive"
    limit per client (rulebook.api.throttles): over it, a 429 page with Retry-After."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        allowed, wait = page_allowed(request)
        if allowed:
            return view(request, *args, **kwargs)
        return too_many_requests(
            request,
            wait,
            "Too many requests for pages like this one from your address",
            **_book(kwargs),
        )

    wrapper.throttle_scope = "expensive"  # so a kept copy counts too (web/caching.py)
    return wrapper


def too_many_requests(request, wait, reason: str, *, slug=None):
    """The 429 page: `reason`, when to try again, and a Retry-After header."""
    seconds = max(1, math.ceil(wait or 1))
    response = message_page(
        request, f"{reason}; try again in {seconds} seconds.", status=429, slug=slug
    )
    response["Retry-After"] = str(seconds)
    return response


def _book(kwargs):
    return {"slug": kwargs.get("rulebook")}


def message_page(request, message, *, status, slug=None):
    title = {404: "Not found", 429: "Too many requests"}.get(
        status, "That address could not be answered"
    )
    return render(
        request,
        "web/message.html",
        {"message": message, "title": title, "status": status, "book_slug": slug},
        status=status,
    )


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
