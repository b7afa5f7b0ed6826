"""Search a rule book: rules (every version, grouped by rule) and proposals, or go straight to
the rule a typed citation names."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from proposals.caching import per_reader
from proposals.models import Proposal
from rulebook.citations import CitationNotFound, resolve_citation, written_citation
from rulebook.models import Rule, Rulebook
from rulebook.search import search_rules
from rulebook.search_syntax import QueryProblem, parse_query
from web.forms import SearchForm, today
from web.views.common import expensive_page, member_page, rulebook_or_404

PROPOSAL_LIMIT = 20


@per_reader
@expensive_page
@member_page
def search(request, rulebook):
    book = rulebook_or_404(rulebook)
    form = SearchForm.read(request)
    query, on = " ".join(form["q"].split()), form["at"]
    now = today()
    cited = cited_rule(book, query, on or now) if query else None
    if cited is not None:
        url = reverse("web:rule", kwargs={"rulebook": book.slug, "key": cited.key})
        return redirect(f"{url}?{urlencode({'at': on.isoformat()})}" if on else url)
    problem, rules, proposals = "", [], []
    if query:
        try:
            parsed = parse_query(query)
        except QueryProblem as exc:
            problem = str(exc)
        else:
            rules = search_rules(rulebook=book, query=parsed, on=on)
            proposals = list(
                Proposal.objects.visible_to(request.user)
                .filter(rulebook=book)
                .search(parsed)[:PROPOSAL_LIMIT]
            )
    return render(
        request,
        "web/search.html",
        {
            "rulebook": book,
            "query": query,
            "on": on,
            "problem": problem,
            "matches": [{"match": m, "current": m.best.in_force_on(now)} for m in rules],
            "proposals": proposals,
            "today": now,
        },
    )


def cited_rule(book: Rulebook, query: str, on: datetime.date) -> Rule | None:
    """The one rule `query` cites on `on`, if it is written as a citation and says which
    rule without a guess: the rule numbered so that day, or the only rule ever numbered so."""
    if written_citation(query) is None:
        return None
    try:
        found = resolve_citation(rulebook=book, ref=query, on=on)
    except CitationNotFound:
        return None
    chosen = found.chosen
    if chosen is not None and (chosen.covers(on) or len({c.rule.pk for c in found.citations}) == 1):
        return chosen.rule
    return None
