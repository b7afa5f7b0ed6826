"""Changes between two dates, read a page at a time: the story of each changed rule.

`rulebook.selectors.rulebook_changes` reads the whole book on both dates, which on a book of
100,000 rules takes seconds for every page of the changes. Here a rule can only differ between
two dates if it has a version taking effect in between, so one query finds those rules with
their standing on both dates in a few small columns (`span_outline`); the versions themselves,
with the steps in between, are read for the page shown only (`span_stories`). Each runs a
fixed number of queries whatever the size of the book.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery, prefetch_related_objects

from rulebook.models import Rulebook, RuleVersion, parameter_values_prefetch
from rulebook.selectors import Change

KINDS = ("added", "repealed", "changed", "renumbered", "moved")


@dataclass(frozen=True)
class SpanRow:
    """One rule whose version in force differs between the two dates, in a few columns."""

    rule_id: int
    kind: str  # "added" | "repealed" | "changed" | "renumbered" | "moved"
    start_id: int | None  # the version in force at the start, a repeal included
    before_id: int | None  # the version in force at the start (None: none, or a repeal)
    after_id: int | None  # at the end (None: repealed)
    renumbered: bool
    moved: bool
    parents: tuple[int | None, int | None] = (None, None)  # when moved: the parent rules


@dataclass(frozen=True)
class SpanOutline:
    rulebook: Rulebook
    start: datetime.date
    end: datetime.date
    rows: list[SpanRow]

    def __len__(self):
        return len(self.rows)

    def counts(self) -> dict[str, int]:
        """Rules added, repealed, changed, renumbered and moved (a changed rule may be
        renumbered or moved too, and counts under each), as `Changes.counts`."""
        return {
            "added": sum(r.kind == "added" for r in self.rows),
            "repealed": sum(r.kind == "repealed" for r in self.rows),
            "changed": sum(r.kind == "changed" for r in self.rows),
            "renumbered": sum(r.renumbered for r in self.rows),
            "moved": sum(r.moved for r in self.rows),
        }


def span_outline(*, rulebook: Rulebook, start: datetime.date, end: datetime.date) -> SpanOutline:
    """The rules that differ between `start` and `end` (start <= end), in today's document
    order, classified as `rulebook_changes` does. One query: the versions in force at `end`
    that took effect after `start`, each with a few columns of the version in force at
    `start` (subqueries on the (rule, effective_from) index); no text leaves the database."""
    if start > end:
        raise ValueError("The start date must not be after the end date.")
    before = (
        RuleVersion.objects.filter(rule=OuterRef("rule"), effective_from__lte=start)
        .order_by("-effective_from")
        .values
    )
    same_words = RuleVersion.objects.filter(
        pk=OuterRef("before_id"), text=OuterRef("text"), heading=OuterRef("heading")
    )
    rows = (
        RuleVersion.objects.filter(rule__rulebook=rulebook, effective_from__gt=start)
        .in_force(on=end)
        .annotate(
            before_id=Subquery(before("pk")[:1]),
            before_repealed=Subquery(before("repealed")[:1]),
            before_number=Subquery(before("number")[:1]),
            before_parent=Subquery(before("parent_id")[:1]),
            before_position=Subquery(before("position")[:1]),
        )
        .annotate(same_words=Exists(same_words))
        .order_by("rule__position", "rule_id")
        .values_list(
            "rule_id",
            "pk",
            "repealed",
            "number",
            "parent_id",
            "position",
            "before_id",
            "before_repealed",
            "before_number",
            "before_parent",
            "before_position",
            "same_words",
        )
    )
    found = [row for row in map(_classify, rows) if row is not None]
    return SpanOutline(rulebook=rulebook, start=start, end=end, rows=found)


def _classify(row) -> SpanRow | None:
    (rule_id, pk, repealed, number, parent, position) = row[:6]
    (a_pk, a_repealed, a_number, a_parent, a_position, same_words) = row[6:]
    a = None if a_pk is None or a_repealed else a_pk
    b = None if repealed else pk
    if a is None and b is None:
        return None
    renumbered = moved = False
    if a is None:
        kind = "added"
    elif b is None:
        kind = "repealed"
    else:
        renumbered = a_number != number
        moved = (a_parent, a_position) != (parent, position)
        if not same_words:
            kind = "changed"
        elif renumbered:
            kind = "renumbered"
        elif moved:
            kind = "moved"
        else:
            return None  # a new version identical in wording, e.g. a note-only correction
    parents = (a_parent, parent) if moved else (None, None)
    return SpanRow(rule_id, kind, a_pk, a, b, renumbered, moved, parents)


@dataclass(frozen=True)
class Story:
    """One changed rule between two dates: the net change (`change`, as `rulebook_changes`
    gives it) and every version that took effect in between (`steps`, oldest first), each
    with the version it replaced (`step.previous`; None for the rule's first version)."""

    change: Change
    steps: list[RuleVersion]


def span_stories(outline: SpanOutline, rows) -> list[Story]:
    """The stories of `rows` (a page of `outline.rows`), in their order: the versions at both
    ends and every version that took effect in between, with their rules and parameters, and
    the parents' versions on both dates for the rules that moved. Two queries (none for no
    rows): the versions (the parents' among them), their parameters."""
    rows = list(rows)
    if not rows:
        return []
    start, end = outline.start, outline.end
    ends = [pk for row in rows for pk in (row.start_id, row.after_id) if pk is not None]
    parent_ids = {pk for row in rows for pk in row.parents if pk is not None}
    mine = Q(rule_id__in=[row.rule_id for row in rows]) & (
        Q(pk__in=ends) | Q(effective_from__gt=start, effective_from__lte=end)
    )
    parents = Q(rule_id__in=parent_ids, effective_from__lte=end)
    versions = list(
        RuleVersion.objects.filter(mine | parents if parent_ids else mine)
        .select_related("rule")
        .order_by("effective_from", "seq")
    )
    prefetch_related_objects(versions, parameter_values_prefetch())
    by_id = {v.pk: v for v in versions}
    steps: dict[int, list[RuleVersion]] = {row.rule_id: [] for row in rows}
    latest: dict[tuple[int, int], RuleVersion] = {}  # (rule id, 0 start | 1 end) -> in force
    for version in versions:  # oldest first: each step replaced the one read before it
        if start < version.effective_from and version.rule_id in steps:
            version.previous = latest.get((version.rule_id, 1))
            steps[version.rule_id].append(version)
        for side, on in enumerate((start, end)):
            if version.effective_from <= on:
                latest[(version.rule_id, side)] = version
    return [_story(row, by_id, steps[row.rule_id], latest) for row in rows]


def _story(row: SpanRow, by_id, steps, parents) -> Story:
    before = by_id.get(row.before_id) if row.before_id else None
    after = by_id.get(row.after_id) if row.after_id else None
    rule = (after or before).rule
    extra = {}
    if row.moved:
        extra = {
            "parent_before": parents.get((row.parents[0], 0)),
            "parent_after": parents.get((row.parents[1], 1)),
        }
    change = Change(kind=row.kind, rule=rule, before=before, after=after, **extra)
    return Story(change=change, steps=steps)
