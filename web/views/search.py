"""Full-text search over current and past versions, optionally only those in force on a date."""

from __future__ import annotations

from django.shortcuts import render

from rulebook.search import search_versions
from web.forms import SearchForm, today
from web.views.common import expensive_page, member_page, rulebook_or_404


@expensive_page
@member_page
def search(request, rulebook):
    book = rulebook_or_404(rulebook)
    form = SearchForm.read(request)
    query, on = " ".join(form["q"].split()), form["at"]
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
