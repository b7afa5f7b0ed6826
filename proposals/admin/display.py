"""HTML fragments the proposal admin shows: amendment diffs, stale badges, vote figures.

Diffs come from `rulebook.diff.compare`, which escapes both texts before adding <ins> and
<del>: that, and only that, is why its HTML is marked safe here.
"""

from __future__ import annotations

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from proposals.models import Amendment, Vote
from rulebook.diff import TextDiff

Kind = Amendment.Kind

# A replacement is a <del> directly followed by its <ins>; where neither brings its own
# space, "15" → "10" would read "1510". A space between them keeps the words apart.
_JOINED = re.compile(r"(?<=\S)</del><ins>(?=\S)")


def diff_html(diff: TextDiff) -> str:
    """A diff as inline HTML, a space kept between each deletion and its insertion.

    `rulebook.diff` escaped both texts before adding <ins> and <del>, and only a space is
    added here: that is why the result is marked safe.
    """
    return mark_safe(f'<div class="rb-diff">{_JOINED.sub("</del> <ins>", diff.html)}</div>')


def badge(label: str, kind: str) -> str:
    return format_html('<span class="rb-badge rb-badge-{}">{}</span>', kind, label)


def amendment_diff(amendment: Amendment) -> str:
    """The proposed change against the base version, as escaped inline <ins>/<del> HTML."""
    if amendment.pk is None:
        return "Shown once the amendment is saved."
    base = amendment.base_version
    if amendment.kind == Kind.RENUMBER:
        return format_html("Renumbers {} as {}.", base.number, amendment.number)
    diff = amendment.proposed_diff()
    parts = []
    if base is not None and amendment.kind == Kind.AMEND and base.number != amendment.number:
        parts.append(format_html("<p>Number: {} → {}</p>", base.number, amendment.number))
    if base is not None and amendment.kind == Kind.AMEND and base.heading != amendment.heading:
        parts.append(format_html("<p>Heading: {} → {}</p>", base.heading, amendment.heading))
    parts.append(diff_html(diff))
    return mark_safe("".join(parts))


def amendment_state(amendment: Amendment) -> str:
    """Badges: adopted, conflict, stale (against which versions), or up to date."""
    if amendment.pk is None:
        return "—"
    if amendment.produced_version_id:
        return badge(f"adopted as v{amendment.produced_version.seq}", "ok")
    if amendment.conflict:
        return badge(f"rebase conflict with v{amendment.conflict_version.seq}", "conflict")
    if amendment.base_version_id is None:
        return badge("new rule", "ok")
    if amendment.is_stale:
        latest = amendment.__dict__.get("latest_seq") or "a newer version"
        return badge(
            f"stale: drafted against v{amendment.base_version.seq}, rule now at v{latest}",
            "stale",
        )
    return badge(f"up to date (v{amendment.base_version.seq})", "ok")


def conflict_details(amendment: Amendment) -> str:
    if not amendment.conflict:
        return "—"
    return format_html('<pre class="rb-conflict">{}</pre>', amendment.conflict_text)


def vote_figures(vote: Vote) -> str:
    """Counts, card-vote sections or the roll call, in one line (needs prefetched parts)."""
    if vote.method == Vote.Method.CARD_VOTE:
        return format_html_join(
            "; ",
            "{} ({}%): {}% for, {}% against",
            ((s.name, s.weight, s.for_percent, s.against_percent) for s in vote.sections.all()),
        )
    counts = format_html("{} for, {} against", vote.votes_for, vote.votes_against)
    if vote.abstentions is not None:
        counts = format_html("{}, {} abstaining", counts, vote.abstentions)
    if vote.method != Vote.Method.ROLL_CALL:
        return counts
    by_choice: dict[str, list[str]] = {}
    for entry in vote.roll_call.all():
        by_choice.setdefault(entry.get_choice_display(), []).append(entry.membership.name)
    names = format_html_join(
        "; ", "{}: {}", ((choice, ", ".join(who)) for choice, who in by_choice.items())
    )
    return format_html("{} — {}", counts, names)
