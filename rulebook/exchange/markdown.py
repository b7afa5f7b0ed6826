"""The rule book as in force on a date, as a Markdown document (`export_rulebook --format
markdown`).

Rule texts are written to read as printed: every character that Markdown would turn into
formatting (emphasis, strikethrough, links and images, HTML and entities such as `&amp;`,
list markers, headings at the start of a line) is escaped,
and line breaks inside a paragraph are kept as hard breaks rather than run together.
"""

from __future__ import annotations

import datetime
import re

from rulebook.models import Rulebook
from rulebook.selectors import Entry, rulebook_at

MONTHS = (
    "January February March April May June July August September October November December"
).split()
DEEPEST_HEADING = 6  # Markdown has six heading levels; deeper rules share the last one.

_INLINE = re.compile(r"([\\`*_<\[\]&~!])")
# What Markdown reads as structure at the start of a line: a heading, a quote, a list item, a
# thematic break or setext underline, a fence, a table row. (_INLINE's are escaped everywhere.)
_LEADING = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+](?=\s|$|[-+])|=|~~~|\|)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_HARD_BREAK = "\\\n"


def long_date(day: datetime.date) -> str:
    """27 September 2017 (independent of the server's locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def render_markdown(*, rulebook: Rulebook, at: datetime.date) -> str:
    """The rule book as in force on `at`: title, date line, one heading per rule (number and
    heading, deeper rules at deeper levels), its text, its provenance and source, and its
    note, then any pending changes.

    Runs the queries of `rulebook_at` only, whatever the size of the rule book.
    """
    snapshot = rulebook_at(rulebook=rulebook, on=at)
    blocks = [f"# {_heading(rulebook.title)}", f"As in force on {long_date(at)}."]
    if rulebook.description:
        blocks += _paragraphs(rulebook.description)
    if not snapshot.entries:
        blocks.append("No rules were in force on this date.")
    for entry in snapshot.entries:
        blocks += _entry(entry)
    if snapshot.pending:
        blocks += _pending(snapshot)
    return "\n\n".join(blocks) + "\n"


def _entry(entry: Entry) -> list[str]:
    version = entry.version
    level = min(entry.depth + 2, DEEPEST_HEADING)  # level 1 is the rule book's title
    title = " ".join(part for part in (version.number, version.heading) if part)
    blocks = [f"{'#' * level} {_heading(title)}"]
    blocks += _paragraphs(version.text)
    blocks.append(_provenance(version))
    if version.note.strip():
        blocks.append(
            _HARD_BREAK.join(f"*{_line(line)}*" for line in _lines(version.note) if line.strip())
        )
    return blocks


def _provenance(version) -> str:
    """Where the wording comes from, in words: "Provenance: **Reconstructed** — source: …"."""
    badge = f"Provenance: **{version.get_provenance_display()}**"
    source = " ".join(version.source.split())
    return f"{badge} — source: {_line(source)}" if source else badge


def _pending(snapshot) -> list[str]:
    numbers = {entry.rule.pk: entry.version.number for entry in snapshot.entries}
    items = []
    for version in snapshot.pending:
        when = long_date(version.effective_from)
        if version.repealed:
            label = numbers.get(version.rule_id) or version.rule.key
            items.append(f"- {_line(label)}: repealed with effect from {when}.")
        else:
            title = " ".join(part for part in (version.number, version.heading) if part)
            kind = "new wording" if version.rule_id in numbers else "new rule"
            items.append(f"- {_line(title)}: {kind} takes effect on {when}.")
    return [
        "---",
        "## Pending changes",
        f"Adopted by {long_date(snapshot.on)} but not yet in force on that date:",
        "\n".join(items),
    ]


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; other line breaks stay line breaks."""
    paragraphs = re.split(r"\n[ \t]*\n", "\n".join(_lines(text)).strip("\n"))
    return [
        _HARD_BREAK.join(_line(line) for line in paragraph.split("\n"))
        for paragraph in paragraphs
        if paragraph.strip()
    ]


def _line(line: str) -> str:
    # Leading spaces would make an indented code block; the text's own words are what matter.
    line = _INLINE.sub(r"\\\1", line.strip())
    return _ORDERED.sub(r"\1\\\2", _LEADING.sub(r"\\\1", line, count=1), count=1)


def _heading(text: str) -> str:
    # A trailing run of # would be read as the heading's closing sequence; escape them all.
    # Inside a heading only inline formatting matters, so list markers need no escape.
    return _INLINE.sub(r"\\\1", " ".join(text.split())).replace("#", "\\#")
