"""The rule book on a date as a printed edition (PDF), and the data it and the AKN file share.

An edition is the rule book as `rulebook_at` reads it on a date (the contents page's data),
each version with the proposal that adopted it (`proposals`, hence this module lives in
`web`, above both domain apps), and the changes since the previous edition
(`rulebook_changes`, the changes page's data). The PDF is the print template
`web/edition/book.html` typeset by WeasyPrint: one renderer of the data, the templates.

Typesetting takes seconds, so the bytes are kept in the default cache under the book's
revision: a version added moves the revision and with it the key, so a kept PDF can never
show an outdated book (the page cache, web/caching.py, keeps anonymous answers the same
way; this cache also serves members of staff and `export_rulebook`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from proposals.models import Amendment
from rulebook.diff import DiffInputTooLarge, TextDiff, compare
from rulebook.etags import fingerprint
from rulebook.models import Rulebook, RuleVersion
from rulebook.selectors import Changes, Entry, rulebook_at, rulebook_changes

# Bump when the print template changes, so that kept PDFs stop matching.
REPRESENTATION = "edition-1"
# Kept copies are keyed on the revision and so never outdated; the timeout only frees space.
CACHE_SECONDS = 7 * 24 * 3600
# The most rules the site typesets during a request: the demo's 63 rules take about three
# seconds (24 pages, one core), so this is a few minutes' work; a bigger book is made by
# `export_rulebook --format pdf`, which has no limit.
MAX_RULES_ON_REQUEST = 3000


class EditionTooLarge(ValueError):
    """The book on that day has more rules than may be typeset during a request."""


@dataclass(frozen=True)
class ChangedRule:
    change: object  # rulebook.selectors.Change
    diff: TextDiff | None  # None: too long to compare


@dataclass(frozen=True)
class Edition:
    """The rule book as in force on `on`, and what changed since `since` (None: the first
    edition, nothing earlier to compare with)."""

    rulebook: Rulebook
    on: datetime.date
    since: datetime.date | None
    since_is_default: bool
    entries: list[Entry]
    changes: Changes | None
    # The amendment (with its proposal) that produced a version, by version id; a version
    # typed in from a printed or reconstructed text has none.
    adopted_by: dict[int, Amendment] = field(default_factory=dict)
    # The amendment that repealed a rule repealed since `since`, by rule id.
    repealed_by: dict[int, Amendment] = field(default_factory=dict)

    @property
    def chapters(self) -> list[Entry]:
        return [e for e in self.entries if e.depth == 0]

    @property
    def changed(self) -> list[ChangedRule]:
        if self.changes is None:
            return []
        return [ChangedRule(c, _word_diff(c.before, c.after)) for c in self.changes.changed]


def previous_edition_date(*, rulebook: Rulebook, on: datetime.date) -> datetime.date | None:
    """The day the edition before the one in force on `on` took effect: an edition begins
    each day a version takes effect, so this is the second latest such day up to `on`
    (None if the book in force on `on` is its first). One query."""
    days = list(
        RuleVersion.objects.filter(rule__rulebook=rulebook, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .distinct()[:2]
    )
    return days[1] if len(days) == 2 else None


def rulebook_edition(
    *,
    rulebook: Rulebook,
    on: datetime.date,
    since: datetime.date | None = None,
    with_changes: bool = True,
) -> Edition:
    """The edition of `rulebook` in force on `on` with the changes since `since` (default:
    the previous edition, `previous_edition_date`).

    Steps: the book on `on` (`rulebook_at`, four queries); the previous edition's day (one
    query, when `since` is not given); the changes (`rulebook_changes`, three queries); the
    amendments and proposals behind every version shown (one query). Nine at most, whatever
    the size of the book. Without `with_changes`, only the book and its proposals (five).
    """
    if since is not None and since > on:
        raise ValueError("The date to list changes since must not be after the edition's date.")
    default = since is None
    if not with_changes:
        since = None
    elif default:
        since = previous_edition_date(rulebook=rulebook, on=on)
    snapshot = rulebook_at(rulebook=rulebook, on=on)
    changes = rulebook_changes(rulebook=rulebook, start=since, end=on) if since else None
    shown = [e.version for e in snapshot.entries]
    repealed = []
    if changes is not None:
        shown += [c.after for c in changes.items if c.after is not None]
        repealed = [c.rule for c in changes.repealed]
    adopted_by, repealed_by = adopting_amendments(shown, repealed=repealed, after=since, on=on)
    return Edition(
        rulebook=rulebook,
        on=on,
        since=since,
        since_is_default=default,
        entries=snapshot.entries,
        changes=changes,
        adopted_by=adopted_by,
        repealed_by=repealed_by,
    )


def adopting_amendments(versions, *, repealed=(), after=None, on=None):
    """The amendment that produced each of `versions` (with its proposal), by version id,
    and the one that repealed each of the `repealed` rules after `after` up to `on`, by rule
    id (`rulebook_changes` reads a repealed rule as absent, so its repealing version is not
    among `versions`). One query (none for nothing to look up)."""
    ids = {v.pk for v in versions}
    rule_ids = {rule.pk for rule in repealed}
    if not ids and not rule_ids:
        return {}, {}
    wanted = Q(produced_version_id__in=ids)
    if rule_ids:
        wanted |= Q(
            rule_id__in=rule_ids,
            produced_version__repealed=True,
            produced_version__effective_from__gt=after,
            produced_version__effective_from__lte=on,
        )
    amendments = list(
        Amendment.objects.filter(wanted).select_related("proposal", "produced_version")
    )
    adopted = {a.produced_version_id: a for a in amendments if a.produced_version_id in ids}
    repeals = {a.rule_id: a for a in amendments if a.produced_version.repealed}
    return adopted, repeals


def _word_diff(before: RuleVersion, after: RuleVersion) -> TextDiff | None:
    try:
        return compare(before.text, after.text)
    except DiffInputTooLarge:
        return None


# --- the PDF ---------------------------------------------------------------------------------


def edition_html(edition: Edition, *, generated: datetime.date) -> str:
    """The print template filled in: what WeasyPrint typesets (and a test may read)."""
    adopted = edition.adopted_by
    return render_to_string(
        "web/edition/book.html",
        {
            "edition": edition,
            "rulebook": edition.rulebook,
            "on": edition.on,
            "generated": generated,
            "entries": [(e, adopted.get(e.version.pk)) for e in edition.entries],
            "added": [(c, adopted.get(c.after.pk)) for c in _of(edition, "added")],
            "repealed": [(c, edition.repealed_by.get(c.rule.pk)) for c in _of(edition, "repealed")],
            "changed": [(row, adopted.get(row.change.after.pk)) for row in edition.changed],
            "renumbered": [(c, adopted.get(c.after.pk)) for c in _of(edition, "renumbered")],
        },
    )


def _of(edition: Edition, kind: str) -> list:
    return getattr(edition.changes, kind) if edition.changes is not None else []


def render_pdf(html: str) -> bytes:
    """Typeset `html` with WeasyPrint (imported here: it loads Pango, which only this needs)."""
    # WeasyPrint reports each stylesheet it parses (on import too) and each page it lays out
    # at INFO: noise in the server's and the command's logs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def edition_pdf(
    *,
    rulebook: Rulebook,
    on: datetime.date,
    since: datetime.date | None = None,
    max_rules: int | None = None,
) -> bytes:
    """The PDF of the edition in force on `on` (changes since `since`, default the previous
    edition), typeset once per (book, revision, on, since) and then read from the cache: the
    same bytes for the page, members of staff and `export_rulebook`. A book of more than
    `max_rules` rules that day is refused (`EditionTooLarge`) before typesetting."""
    key = "edition-pdf:" + fingerprint(REPRESENTATION, rulebook.slug, rulebook.revision, on, since)
    kept = cache.get(key)
    if kept is not None:
        return kept
    edition = rulebook_edition(rulebook=rulebook, on=on, since=since)
    if max_rules is not None and len(edition.entries) > max_rules:
        raise EditionTooLarge(
            f"The rule book on {on.isoformat()} has {len(edition.entries)} rules, more than the "
            f"{max_rules} typeset on request: `manage.py export_rulebook {rulebook.slug} "
            f"--at {on.isoformat()} --format pdf` makes an edition of any size."
        )
    pdf = render_pdf(edition_html(edition, generated=timezone.localdate()))
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def export_pdf(rulebook: Rulebook, at: datetime.date) -> bytes:
    """`export_rulebook --format pdf` (registered in web.apps)."""
    return edition_pdf(rulebook=rulebook, on=at)
