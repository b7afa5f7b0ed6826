"""The whole rule book: the list of books, contents on a date, changes between dates, citations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rulebook.citations import CitationNotFound, resolve_citation
from rulebook.diff import DiffInputTooLarge, compare, render_inline_html
from rulebook.diffview import phrases
from rulebook.models import Rulebook
from rulebook.quantities import attach_computed
from rulebook.selectors import (
    Changes,
    book_outline,
    outline_entries,
    pending_versions,
    still_pending,
)
from rulebook.story import span_outline, span_stories
from web.forms import ChangesForm, CiteForm, OnDateForm, PageForm, today
from web.stories import attach_step_proposals
from web.views.common import NotFound, expensive_page, member_page, rulebook_or_404


@require_GET
def healthz(request):
    """Liveness only: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@member_page
def index(request):
    rulebooks = list(Rulebook.objects.all())
    if len(rulebooks) == 1:
        return _contents(request, rulebooks[0])
    return render(request, "web/index.html", {"rulebooks": rulebooks})


@member_page
def contents(request, rulebook):
    return _contents(request, rulebook_or_404(rulebook))


# Rules per page of the contents: a chapter or two of a real rule book (the demo's 63 rules
# are one page), few enough that a book of 100,000 rules never renders at once. Rendering is
# most of a cold page's cost (measured by `make bench`: about 0.8 ms of CPU a rule, against
# 50 ms for reading the whole outline of 1,000 rules), so 100 keeps a cold page well under
# a second even on a busy server; 300 took 1.5 s a request there.
CONTENTS_PAGE_SIZE = 100
# Changed rules per page: each carries its net word diff and its story (the steps between,
# with their proposals), so rendering is the costly part; fifty keep a cold page of a
# 1,000-rule book well under a second (tests/test_changes_story.py), as the API's page does.
CHANGES_PAGE_SIZE = 50


def _contents(request, book):
    on = OnDateForm.read(request)["at"]
    outline = book_outline(rulebook=book, on=on)
    page = _page(request, outline.rows, CONTENTS_PAGE_SIZE, "of the rule book")
    now = today()
    entries = outline_entries(outline, page.object_list)
    attach_computed([e.version for e in entries], on=on)
    return render(
        request,
        "web/contents.html",
        {
            "rulebook": book,
            "on": on,
            "page": page,
            "entries": entries,
            "today": now,
            "pending": still_pending(pending_versions(book, on=on), on=on, today=now),
            "page_query": _query_without_page(request),
        },
    )


@expensive_page
@member_page
def changes(request, rulebook):
    """What changed between two dates, a page of rules at a time: each changed rule with its
    net diff and the story in between (every version that took effect, the proposal behind
    it, a link to its own diff). Reads the page's rules only (`rulebook.story`)."""
    book = rulebook_or_404(rulebook)
    query = ChangesForm.read(request)
    outline = span_outline(rulebook=book, start=query["from"], end=query["to"])
    page = _page(request, outline.rows, CHANGES_PAGE_SIZE, "of changes")
    stories = span_stories(outline, page.object_list)
    attach_step_proposals(stories)
    shown = Changes(
        rulebook=book, start=outline.start, end=outline.end, items=[s.change for s in stories]
    )
    changed = [
        {"change": s.change, "diff": _diff(s.change.before, s.change.after), "steps": s.steps}
        for s in stories
        if s.change.kind == "changed"
    ]
    for row in changed:
        row["phrases"] = render_inline_html(phrases(row["diff"].ops)) if row["diff"] else ""
    return render(
        request,
        "web/changes.html",
        {
            "rulebook": book,
            "changes": outline,
            "counts": outline.counts(),
            "shown": shown,
            "added": [s for s in stories if s.change.kind == "added"],
            "changed": changed,
            "page": page,
            "today": today(),
            "page_query": _query_without_page(request),
        },
    )


def _page(request, items, size: int, what: str):
    """Page `?page=` of `items`: 400 for a malformed number, 404 past the last page."""
    number = PageForm.read(request)["page"]
    try:
        return Paginator(items, size).page(number)
    except InvalidPage:
        raise NotFound(f"There is no page {number} {what}.") from None


def _query_without_page(request) -> str:
    """The page's query string without `page`, for the pager's links (keeps `at`, `from`…)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _diff(before, after):
    try:
        return compare(before.text, after.text)
    except DiffInputTooLarge:
        return None


@member_page
def cite(request, rulebook):
    """Resolve a rule number, in any numbering it ever had, to the rule's page."""
    book = rulebook_or_404(rulebook)
    query = CiteForm.read(request)
    ref, on = query["ref"], query["at"]
    try:
        found = resolve_citation(rulebook=book, ref=ref, on=on)
    except CitationNotFound as exc:
        raise NotFound(str(exc)) from None
    if found.chosen is not None:
        url = reverse("web:rule", kwargs={"rulebook": book.slug, "key": found.chosen.rule.key})
        return redirect(f"{url}?{urlencode({'at': on.isoformat()})}" if on else url)
    return render(
        request, "web/cite.html", {"rulebook": book, "ref": ref, "citations": found.citations}
    )
