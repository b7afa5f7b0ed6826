"""The whole rule book: the list of books, contents on a date, changes between dates, citations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rulebook.citations import CitationNotFound, resolve_citation
from rulebook.diff import DiffInputTooLarge, compare
from rulebook.models import Rulebook
from rulebook.selectors import (
    book_outline,
    outline_entries,
    pending_versions,
    rulebook_changes,
    still_pending,
)
from web.forms import ChangesForm, CiteForm, OnDateForm, PageForm, today
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
# Changes per page: each changed rule carries a word diff, the costly part.
CHANGES_PAGE_SIZE = 100


def _contents(request, book):
    on = OnDateForm.read(request)["at"]
    outline = book_outline(rulebook=book, on=on)
    page = _page(request, outline.rows, CONTENTS_PAGE_SIZE, "of the rule book")
    now = today()
    return render(
        request,
        "web/contents.html",
        {
            "rulebook": book,
            "on": on,
            "page": page,
            "entries": outline_entries(outline, page.object_list),
            "today": now,
            "pending": still_pending(pending_versions(book, on=on), on=on, today=now),
            "page_query": _query_without_page(request),
        },
    )


@expensive_page
@member_page
def changes(request, rulebook):
    book = rulebook_or_404(rulebook)
    now = today()
    query = ChangesForm.read(request)
    start, end = query["from"], query["to"]
    result = rulebook_changes(rulebook=book, start=start, end=end)
    page = _page(request, result.items, CHANGES_PAGE_SIZE, "of changes")
    shown = result.only(page.object_list)  # diffs and parameters for this page only
    changed = [{"change": c, "diff": _diff(c.before, c.after)} for c in shown.changed]
    return render(
        request,
        "web/changes.html",
        {
            "rulebook": book,
            "changes": result,
            "shown": shown,
            "changed": changed,
            "page": page,
            "today": now,
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
