"""Comparisons as plain text, for people and scripts who want `diff -u` rather than a page.

Each rule is a "file" named by its number (and the date or version of that side); its
heading is the first line and its text follows, cut into sentences and clauses as
`rulebook.diff.unified` does. A side where the rule is not in force is `/dev/null`, as in
`diff -u -N`. The changes between two dates come a page at a time, like the page, with a
`Link: <…>; rel="next"` header while there are more.
"""

from __future__ import annotations

from django.http import HttpResponse

from rulebook.diff import DiffInputTooLarge
from rulebook.diffview import file_text, unified_files
from rulebook.story import span_outline, span_stories
from web.forms import BadQuery, ChangesForm, CompareForm
from web.views.book import CHANGES_PAGE_SIZE, _page
from web.views.common import NotFound, expensive_page, member_page, rule_or_404, rulebook_or_404

NOTHING = "/dev/null"


def _plain(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _side(version, rule, when: str) -> tuple[str, str]:
    """A version's file label and text; a missing side or a repeal is /dev/null."""
    if version is None or version.repealed:
        return NOTHING, ""
    return f"{version.number or rule.key}\t{when}", file_text(version.heading, version.text)


@expensive_page
@member_page
def changes_diff(request, rulebook):
    """`/<rulebook>/changes.diff?from=&to=[&page=]`: the page's changes as one unified diff."""
    book = rulebook_or_404(rulebook)
    query = ChangesForm.read(request)
    outline = span_outline(rulebook=book, start=query["from"], end=query["to"])
    page = _page(request, outline.rows, CHANGES_PAGE_SIZE, "of changes")
    files = []
    for story in span_stories(outline, page.object_list):
        change = story.change
        before = _side(change.before, change.rule, outline.start.isoformat())
        after = _side(change.after, change.rule, outline.end.isoformat())
        files.append((before[0], after[0], before[1], after[1]))
    try:
        response = _plain(unified_files(files))
    except DiffInputTooLarge as exc:
        raise BadQuery(f"A rule on this page is too long to compare: {exc}.") from None
    if page.has_next():
        query = request.GET.copy()
        query["page"] = str(page.next_page_number())
        response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'
    return response


@expensive_page
@member_page
def compare_diff(request, rulebook, key):
    """`/<rulebook>/rules/<key>/compare.diff?from=<n>&to=<m>`: two versions as a unified
    diff."""
    rule = rule_or_404(rulebook, key)
    query = CompareForm.read(request)
    start, end = query["from"], query["to"]
    found = {v.seq: v for v in rule.versions.filter(seq__in=[start, end])}
    missing = [str(n) for n in (start, end) if n not in found]
    if missing:
        raise NotFound(f"Rule {rule.key} has no version {' or '.join(missing)}.")
    a, b = found[start], found[end]
    before = _side(a, rule, f"version {a.seq}, from {a.effective_from.isoformat()}")
    after = _side(b, rule, f"version {b.seq}, from {b.effective_from.isoformat()}")
    try:
        return _plain(unified_files([(before[0], after[0], before[1], after[1])]))
    except DiffInputTooLarge as exc:
        raise BadQuery(f"These versions are too long to compare: {exc}.") from None
