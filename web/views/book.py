"""The whole rule book: the list of books, contents on a date, changes between dates, citations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rulebook.citations import CitationNotFound, resolve_citation
from rulebook.diff import DiffInputTooLarge, compare
from rulebook.models import Rulebook
from rulebook.selectors import rulebook_at, rulebook_changes, still_pending
from web.forms import ChangesForm, CiteForm, OnDateForm, today
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


def _contents(request, book):
    on = OnDateForm.read(request)["at"]
    snapshot = rulebook_at(rulebook=book, on=on)
    now = today()
    return render(
        request,
        "web/contents.html",
        {
            "rulebook": book,
            "snapshot": snapshot,
            "today": now,
            "pending": still_pending(snapshot.pending, on=on, today=now),
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
    diffs = {c.rule.pk: _diff(c.before, c.after) for c in result.changed}
    changed = [{"change": c, "diff": diffs[c.rule.pk]} for c in result.changed]
    return render(
        request,
        "web/changes.html",
        {"rulebook": book, "changes": result, "changed": changed, "today": now},
    )


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
