"""In-process measurements (Django set up, the bench's database configured): which URLs to load
for a rule book, the SQL queries each costs, the whole-book diff against `git diff
--word-diff`, and the rule book on a date against a bare `values_list` read of its rows.

The URLs are chosen from the book's own data (its most-amended rule, its dates, a word of its
text, its first public proposal and parameter), so the demo and a generated book get the same
reads, and nothing here knows either one.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import EVENT_READ
from proposals.models import Proposal
from rulebook.diff import diff_words, render_inline_html
from rulebook.models import NominationEvent, Parameter, Rule, Rulebook, RuleVersion
from rulebook.selectors import rulebook_at, rulebook_changes


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    api: bool = False


def reads(book: Rulebook) -> list[Read]:
    """Every member page and API read of the issue, on this book's own data."""
    rule = (
        Rule.objects.filter(rulebook=book)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .first()
    )
    versions = list(RuleVersion.objects.filter(rule=rule).order_by("seq"))
    last = versions[-1].seq
    dates = sorted(
        set(
            RuleVersion.objects.filter(rule__rulebook=book).values_list("effective_from", flat=True)
        )
    )
    start, end = dates[0], dates[-1]
    middle = dates[len(dates) // 2]
    word = next(
        (w for w in re.findall(r"[A-Za-z]{6,}", versions[-1].text + " " + versions[-1].heading)),
        "rule",
    )
    proposal = Proposal.objects.public().filter(rulebook=book).order_by("pk").first()
    parameter = Parameter.objects.filter(rulebook=book).order_by("key").first()
    b, api = f"/{book.slug}/", f"/api/rulebooks/{book.slug}/"
    r = f"rules/{rule.key}/"
    span = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    at = urlencode({"at": middle.isoformat()})
    found = [
        Read("contents on a date", f"{b}?{at}"),
        Read("rule page", f"{b}{r}"),
        Read("version permalink", f"{b}{r}v/{min(2, last)}/"),
        Read("compare", f"{b}{r}compare/?from=1&to={last}"),
        Read("blame", f"{b}{r}blame/"),
        Read("changes between dates", f"{b}changes/?{span}"),
        Read("search", f"{b}search/?{urlencode({'q': word})}"),
        Read("proposals list", f"{b}proposals/"),
    ]
    if proposal is not None:
        found.append(Read("proposal page", f"{b}proposals/{proposal.pk}/"))
    if parameter is not None:
        found.append(Read("parameter page", f"{b}parameters/{parameter.key}/"))
    event = NominationEvent.objects.filter(rulebook=book).order_by("date", "pk").first()
    if event is not None:
        # Judged under the rules of its date, of another date, and of every edition.
        rules_on = urlencode({"rules_on": end.isoformat()})
        found.append(Read(EVENT_READ, f"{b}events/{event.slug}/?{rules_on}"))
    found += [
        Read("API rules on a date", f"{api}rules/?{at}", api=True),
        Read("API rule detail", f"{api}{r}", api=True),
        Read("API diff", f"{api}{r}diff/?from=1&to={last}", api=True),
        Read("API proposals", f"{api}proposals/", api=True),
    ]
    return found


def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def query_counts(path: str) -> tuple[int, int, int]:
    """(status, queries with nothing cached, queries when the page cache holds the answer)."""
    cache.clear()
    browser = client()
    with CaptureQueriesContext(connection) as cold:
        response = browser.get(path)
    with CaptureQueriesContext(connection) as warm:
        browser.get(path)
    return response.status_code, len(cold), len(warm)


def best_ms(func, *, repeat: int = 5, clock=time.perf_counter) -> float:
    """The median of `repeat` timed calls after one untimed, in milliseconds of `clock`."""
    func()
    times = []
    for _ in range(repeat):
        start = clock()
        func()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


@dataclass(frozen=True)
class WholeBookDiff:
    changed_rules: int
    ours_ms: float
    git_per_rule_ms: float
    git_per_edition_ms: float


def whole_book_diff(book: Rulebook, start: datetime.date, end: datetime.date) -> WholeBookDiff:
    """The work of the changes between two dates, in process and per rule (both dates read,
    every changed rule diffed and rendered to inline HTML), against `git diff --no-index
    --word-diff` on the same two editions written as files: one file per rule (each rule's
    number, heading and text; git diffs them file by file, as we do rule by rule), and one
    file per edition (the whole book, rules in document order), both timed in the same run.
    The files are written before git's clock starts. Both sides are timed in CPU time (ours:
    this process's, which on SQLite includes the database reads; git's: its process's, start
    included), so that other busy processes on the machine skew neither."""

    def ours() -> int:
        changed = rulebook_changes(rulebook=book, start=start, end=end).changed
        for change in changed:
            render_inline_html(diff_words(change.before.text, change.after.text))
        return len(changed)

    changed_rules = ours()
    with tempfile.TemporaryDirectory(prefix="rulebook-bench-git-") as tmp:
        root = Path(tmp)
        for name, on in (("a", start), ("b", end)):
            (root / name).mkdir()
            edition = []
            for entry in rulebook_at(rulebook=book, on=on).entries:
                v = entry.version
                text = f"{v.number} {v.heading}\n\n{v.text}\n"
                (root / name / f"{entry.rule.key}.txt").write_text(text)
                edition.append(text)
            (root / f"{name}.txt").write_text("\n".join(edition))
        git_per_rule = best_ms(lambda: _git_word_diff(root, "a", "b"), clock=_children_cpu)
        git_per_edition = best_ms(
            lambda: _git_word_diff(root, "a.txt", "b.txt"), clock=_children_cpu
        )
    return WholeBookDiff(
        changed_rules, best_ms(ours, clock=time.process_time), git_per_rule, git_per_edition
    )


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (git), user and system."""
    times = os.times()
    return times.children_user + times.children_system


def _git_word_diff(cwd: Path, a: str, b: str) -> None:
    done = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "--no-ext-diff", "--word-diff", a, b],
        cwd=cwd,
        capture_output=True,
    )
    if done.returncode not in (0, 1):  # 1: the files differ
        raise RuntimeError(done.stderr.decode())


def git_available() -> bool:
    return shutil.which("git") is not None


@dataclass(frozen=True)
class OnADate:
    rows: int
    rulebook_at_ms: float
    values_list_ms: float


def rulebook_on_a_date(book: Rulebook, on: datetime.date) -> OnADate:
    """`rulebook_at` against reading the same versions (and their rules' keys) with a bare
    `values_list`: what the contents of a whole book costs over fetching its rows."""
    ids = [entry.version.pk for entry in rulebook_at(rulebook=book, on=on).entries]
    fields = ("rule__key", "number", "heading", "text", "parent_id", "position")

    def bare():
        return list(RuleVersion.objects.filter(pk__in=ids).values_list(*fields))

    return OnADate(
        rows=len(ids),
        rulebook_at_ms=best_ms(lambda: rulebook_at(rulebook=book, on=on)),
        values_list_ms=best_ms(bare),
    )
