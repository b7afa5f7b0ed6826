"""Full-text search over current and past versions, optionally only those in force on a date."""

from __future__ import annotations

from django.shortcuts import render

from rulebook.search import MAX_QUERY_LENGTH, search_versions
from web.views.common import (
    BadQuery,
    date_param,
    member_page,
    rulebook_or_404,
    today,
)


@member_page
def search(request, rulebook):
    book = rulebook_or_404(rulebook)
    raw = request.GET.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH or "\x00" in raw:
        raise BadQuery(
            f"The search is too long or contains a NUL character: use at most "
            f"{MAX_QUERY_LENGTH} characters."
        )
    query = " ".join(raw.split())
    on = date_param(request, "at")
    hits = search_versions(rulebook=book, query=query, on=on) if query else []
    now = today()
    return render(
        request,
        "web/search.html",
        {
            "rulebook": book,
            "query": query,
            "on": on,
            "hits": [{"hit": h, "current": h.in_force_on(now)} for h in hits],
            "today": now,
        },
    )
