"""Deciding bodies: the list, and one body's members on a date, terms and votes."""

from __future__ import annotations

import re

from django.shortcuts import render

from proposals.models import Body, Membership, Proposal, Vote
from web.forms import OnDateForm, today
from web.terms import terms_timeline
from web.views.book import _page, _query_without_page
from web.views.common import NotFound, member_page, rulebook_or_404

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")  # Body.slug is a SlugField of 60

# Votes per page of a body's page: Conference votes on every motion of every year.
VOTES_PAGE_SIZE = 50


@member_page
def body_list(request, rulebook):
    """Every body of the book, committees under their parent. Two queries."""
    book = rulebook_or_404(rulebook)
    bodies = list(Body.objects.filter(rulebook=book).order_by("name", "slug"))
    return render(request, "web/bodies.html", {"rulebook": book, "bodies": bodies})


def body_or_404(slug: str, ref: str) -> Body:
    """The body called `ref` (its slug; or its id, as the admin shows it) in the book, with
    its book and parent: one query."""
    found = Body.objects.select_related("rulebook", "parent").filter(rulebook__slug=slug)
    body = None
    if _SLUG.fullmatch(ref):  # anything else (a NUL byte, 61 characters) names no body
        body = found.filter(slug=ref).first()
        if body is None and ref.isdigit() and len(ref) <= 10:
            body = found.filter(pk=int(ref)).first()
    if body is None:
        raise NotFound(f"There is no body {ref[:60]!r} in the rule book {slug!r}.")
    return body


@member_page
def body_detail(request, rulebook, body):
    """A body's members on `?at=`, every term as a timeline, and a page of the votes it
    took, newest first. Six queries whatever the number of terms and votes: the body (with
    its book), its terms, the count and page of votes (with their proposals), card-vote
    sections, roll calls."""
    found = body_or_404(rulebook, body)
    at, now = OnDateForm.read(request)["at"], today()
    terms = list(Membership.objects.filter(body=found).order_by("start", "name", "pk"))
    votes = (
        Vote.objects.filter(body=found, proposal__in=Proposal.objects.public())
        .with_figures()
        .select_related("proposal")
        .order_by("-held_on", "-pk")
    )
    page = _page(request, votes, VOTES_PAGE_SIZE, "of this body's votes")
    return render(
        request,
        "web/body.html",
        {
            "rulebook": found.rulebook,
            "body": found,
            "on": at,
            "is_today": at == now,
            "today": now,
            "members": sorted((t for t in terms if t.covers(at)), key=lambda t: t.name),
            "terms": terms,
            "timeline": terms_timeline([(t.name, t.start, t.end) for t in terms], at=at, today=now),
            "page": page,
            "votes": list(page.object_list),
            "page_query": _query_without_page(request),
        },
    )
