"""Reads across the rule book: the book on a date, changes between dates, parameter timelines.

Each function runs a fixed number of SQL queries whatever the size of the rule book; the tests
pin those numbers. Text comparison itself is pure work done by `rulebook.diff`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone

from rulebook.blame import blame
from rulebook.models import (
    Parameter,
    ParameterValue,
    Rule,
    Rulebook,
    RuleVersion,
    parameter_values_prefetch,
)
from rulebook.placement import Placed, document_order


@dataclass(frozen=True)
class Entry:
    """One rule as it stands on a date, with its depth in the tree (0 for a chapter)."""

    rule: Rule
    version: RuleVersion
    depth: int


@dataclass(frozen=True)
class Snapshot:
    rulebook: Rulebook
    on: datetime.date
    entries: list[Entry]
    pending: list[RuleVersion] = field(default_factory=list)

    def __len__(self):
        return len(self.entries)


def still_pending(versions, *, on: datetime.date, today: datetime.date) -> list[RuleVersion]:
    """The changes a reader of the rule book on `on`, reading it `today`, is told are waiting
    to take effect: the one definition of "pending" for the banners of the contents and rule
    pages. A version is pending when it was recorded by `on` and takes effect after both
    `on` and `today`: what is in force on the day shown is shown in force there, and what is
    in force today is no longer waiting. (`RuleVersion.objects.pending` is the first half, in
    SQL: recorded by `on` and taking effect after it.)"""
    after = max(on, today)
    return [
        v
        for v in versions
        if v.effective_from > after and timezone.localtime(v.created_at).date() <= on
    ]


def _versions_with_parameters(qs):
    return qs.select_related("rule").with_parameters()


def versions_in_force(
    *, rulebook: Rulebook, on: datetime.date, parameters: bool = True
) -> dict[int, RuleVersion]:
    """The version in force on `on` for every rule that has one (repeals included), by rule id,
    with their rules and (one query more, unless `parameters` is False) their parameters."""
    qs = RuleVersion.objects.filter(rule__rulebook=rulebook).in_force(on=on)
    qs = _versions_with_parameters(qs) if parameters else qs.select_related("rule")
    return {v.rule_id: v for v in qs}


def _rules_with_latest_placement(rulebook: Rulebook) -> list[Rule]:
    """The book's rules in today's document order, each annotated with `latest_position`, the
    sibling key of its latest version (where a rule not in force on a date is taken to sit)."""
    latest = RuleVersion.objects.filter(rule=OuterRef("pk")).order_by("-seq")
    return list(
        Rule.objects.filter(rulebook=rulebook)
        .annotate(latest_position=Subquery(latest.values("position")[:1]))
        .in_document_order()
    )


def placed_on(rules: list[Rule], in_force: dict[int, RuleVersion]) -> list[tuple[Rule, int]]:
    """The rules shown on a date (in force, not repealed) in that date's document order, with
    their depth: the tree is the one the versions in force record (`RuleVersion.parent` and
    `position`), so the book on an earlier date has its earlier nesting and order. A rule not
    in force that day (not yet made, or repealed) is not shown, and its sub-rules sit under
    its nearest ancestor that is. Pure work over `rules` (see `_rules_with_latest_placement`)."""
    by_id = {rule.pk: rule for rule in rules}
    placed = []
    for rule in rules:
        version = in_force.get(rule.pk)
        if version is None:
            key = getattr(rule, "latest_position", None) or ""
            placed.append(Placed(rule.pk, rule.parent_id, key, rule.position, shown=False))
        else:
            shown = not version.repealed
            placed.append(
                Placed(rule.pk, version.parent_id, version.position, rule.position, shown)
            )
    return [(by_id[pk], depth) for pk, depth in document_order(placed)]


@dataclass(frozen=True)
class Outline:
    """The rule book's document order on a date, lean: one `(rule id, version id, depth)` row
    per rule shown, and every rule's key by id (a parent's key, for the API). Small tuples
    only, so a page of a huge book is found without building the whole book
    (`book_outline`, then `outline_entries` for the page's rows)."""

    rulebook: Rulebook
    on: datetime.date
    rows: list[tuple[int, int, int]]
    keys: dict[int, str]

    def __len__(self):
        return len(self.rows)


def book_outline(*, rulebook: Rulebook, on: datetime.date) -> Outline:
    """The document order of the book in force on `on` (`placed_on`, as `rulebook_at` reads
    it), from the ids and placements alone. Two queries: every rule's (id, key, parent,
    position, latest sibling key), and the versions in force's (id, rule, parent, sibling key,
    repealed). On SQLite 100,000 rules take about a second (see tests/test_large_books.py)."""
    latest = RuleVersion.objects.filter(rule=OuterRef("pk")).order_by("-seq")
    rules = (
        Rule.objects.filter(rulebook=rulebook)
        .annotate(latest_position=Subquery(latest.values("position")[:1]))
        .values_list("pk", "key", "parent_id", "position", "latest_position", named=True)
    )
    rules = list(rules)
    in_force = {
        v.rule_id: v
        for v in RuleVersion.objects.filter(rule__rulebook=rulebook)
        .in_force(on=on)
        .values_list("pk", "rule_id", "parent_id", "position", "repealed", named=True)
    }
    rules.sort(key=lambda rule: rule.position)  # today's order, as `in_document_order`
    rows = [(rule.pk, in_force[rule.pk].pk, depth) for rule, depth in placed_on(rules, in_force)]
    return Outline(rulebook, on, rows, {rule.pk: rule.key for rule in rules})


def outline_entries(outline: Outline, rows) -> list[Entry]:
    """The entries of `rows` (a page of `outline.rows`) with their rules, versions and
    parameters. Two queries (none for no rows)."""
    rows = list(rows)
    versions = RuleVersion.objects.filter(pk__in=[version for _, version, _ in rows])
    by_id = {v.pk: v for v in _versions_with_parameters(versions)} if rows else {}
    return [Entry(rule=by_id[v].rule, version=by_id[v], depth=depth) for _, v, depth in rows]


def rulebook_at(*, rulebook: Rulebook, on: datetime.date) -> Snapshot:
    """The rule book as in force on `on`, in the document order and nesting of that date
    (`placed_on`); repealed rules left out.

    Versions already recorded that take effect later are listed as pending. Three queries
    (rules, versions in force, their parameters) plus one for pending changes.
    """
    rules = _rules_with_latest_placement(rulebook)
    in_force = versions_in_force(rulebook=rulebook, on=on)
    entries = []
    for rule, depth in placed_on(rules, in_force):
        version = in_force[rule.pk]
        version.rule = rule  # share the instance so templates reach rule.parent_id etc.
        entries.append(Entry(rule=rule, version=version, depth=depth))
    return Snapshot(
        rulebook=rulebook, on=on, entries=entries, pending=pending_versions(rulebook, on=on)
    )


def pending_versions(rulebook: Rulebook, *, on: datetime.date) -> list[RuleVersion]:
    """Versions recorded by `on` that take effect after it, soonest first, each with the
    number and heading of the version before (`previous_number`, `previous_heading`: what a
    repeal repeals). One query."""
    previous = RuleVersion.objects.filter(rule=OuterRef("rule"), seq=OuterRef("seq") - 1)
    return list(
        RuleVersion.objects.filter(rule__rulebook=rulebook)
        .pending(on=on)
        .annotate(
            previous_number=Subquery(previous.values("number")[:1]),
            previous_heading=Subquery(previous.values("heading")[:1]),
        )
        .select_related("rule")
        .order_by("effective_from", "rule__position")
    )


@dataclass(frozen=True)
class Change:
    """How one rule differs between two dates."""

    kind: str  # "added" | "repealed" | "changed" | "renumbered" | "moved"
    rule: Rule
    before: RuleVersion | None
    after: RuleVersion | None
    # The parent's version in force on each date when the rule moved (None: the top level).
    parent_before: RuleVersion | None = None
    parent_after: RuleVersion | None = None

    @property
    def text_changed(self) -> bool:
        return bool(self.before and self.after) and (
            self.before.text != self.after.text or self.before.heading != self.after.heading
        )

    @property
    def renumbered(self) -> bool:
        return bool(self.before and self.after) and self.before.number != self.after.number

    @property
    def moved(self) -> bool:
        """It sits elsewhere in the tree: under another parent, or in another place among
        its siblings."""
        return bool(self.before and self.after) and self.before.placement != self.after.placement

    @property
    def moved_within(self) -> bool:
        """Moved among its siblings without changing parent."""
        return self.moved and self.before.parent_id == self.after.parent_id


@dataclass(frozen=True)
class Changes:
    rulebook: Rulebook
    start: datetime.date
    end: datetime.date
    items: list[Change]

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.items if c.kind == kind]

    def only(self, items) -> Changes:
        """These of the changes (a page of `items`), with their versions' parameters: one
        query for them all (none for no items)."""
        items = list(items)
        versions = [v for c in items for v in (c.before, c.after) if v is not None]
        prefetch_related_objects(versions, parameter_values_prefetch())
        return Changes(rulebook=self.rulebook, start=self.start, end=self.end, items=items)

    def counts(self) -> dict[str, int]:
        """How many rules were added, repealed, changed, renumbered and moved (a changed rule
        may be renumbered or moved too, and counts under each)."""
        return {
            "added": len(self.added),
            "repealed": len(self.repealed),
            "changed": len(self.changed),
            "renumbered": len(self.renumbered),
            "moved": len(self.moved),
        }

    @property
    def added(self):
        return self.of_kind("added")

    @property
    def repealed(self):
        return self.of_kind("repealed")

    @property
    def changed(self):
        return [c for c in self.items if c.kind == "changed"]

    @property
    def renumbered(self):
        return [c for c in self.items if c.renumbered]

    @property
    def moved(self):
        return [c for c in self.items if c.moved]


def rulebook_changes(*, rulebook: Rulebook, start: datetime.date, end: datetime.date) -> Changes:
    """What changed in the whole rule book between `start` and `end` (start <= end).

    A rule is *added* if it is in force at `end` but not at `start`, *repealed* the other way
    round, *changed* if its text or heading differs, *renumbered* if only its number does, and
    *moved* if only its placement does (a changed rule may be renumbered or moved too, and a
    renumbered one moved: see `Change.renumbered` and `Change.moved`, which names the parents
    on both dates). Document order (today's). Three queries; the versions' parameters are
    read for the changes shown (`Changes.only`), not for all.
    """
    if start > end:
        raise ValueError("The start date must not be after the end date.")
    rules = list(Rule.objects.filter(rulebook=rulebook).in_document_order())
    before = versions_in_force(rulebook=rulebook, on=start, parameters=False)
    after = versions_in_force(rulebook=rulebook, on=end, parameters=False)
    items = []
    for rule in rules:
        a = before.get(rule.pk)
        b = after.get(rule.pk)
        a = None if a is None or a.repealed else a
        b = None if b is None or b.repealed else b
        if a is None and b is None:
            continue
        if a is None:
            kind = "added"
        elif b is None:
            kind = "repealed"
        elif a.pk == b.pk:
            continue
        elif a.text != b.text or a.heading != b.heading:
            kind = "changed"
        elif a.number != b.number:
            kind = "renumbered"
        elif a.placement != b.placement:
            kind = "moved"
        else:
            continue  # a new version identical in wording, e.g. a note-only correction
        parents = {}
        if a is not None and b is not None and a.placement != b.placement:
            parents = {
                "parent_before": before.get(a.parent_id),
                "parent_after": after.get(b.parent_id),
            }
        items.append(Change(kind=kind, rule=rule, before=a, after=b, **parents))
    return Changes(rulebook=rulebook, start=start, end=end, items=items)


# A timeline point's standing on a day (`TimelinePoint.status`).
IN_FORCE, PENDING, SUPERSEDED = "in force", "pending", "superseded"
POINT_STATUSES = (IN_FORCE, PENDING, SUPERSEDED)


@dataclass(frozen=True)
class TimelinePoint:
    effective_from: datetime.date
    until: datetime.date | None
    value: Decimal | None
    version: RuleVersion
    # The stated value's row, with its basis (issue 13: the computed figure), or None in a gap.
    stated: ParameterValue | None = None

    def status(self, on: datetime.date) -> str:
        """On `on` (today, for pages and the API): *pending* until it takes effect — adopted
        is not in force —, *in force* until the next point takes effect, then *superseded*."""
        if self.effective_from > on:
            return PENDING
        if self.until is not None and self.until <= on:
            return SUPERSEDED
        return IN_FORCE


def parameter_timeline(*, parameter: Parameter) -> list[TimelinePoint]:
    """The parameter's value over time, from the versions of every rule that states it.

    A point ends when the stating rule gets a new version; if that version no longer states
    the parameter (or repeals the rule) a point with value None marks the gap. Two queries.
    """
    return parameter_timelines(parameters=[parameter])[parameter.pk]


def parameter_timelines(*, parameters) -> dict[int, list[TimelinePoint]]:
    """`parameter_timeline` of several parameters at once, by parameter id. Two queries."""
    stated = list(
        ParameterValue.objects.filter(parameter__in=parameters).select_related(
            "version__rule", "basis"
        )
    )
    rule_ids = {pv.version.rule_id for pv in stated}
    versions = RuleVersion.objects.filter(rule_id__in=rule_ids).order_by("effective_from", "seq")
    versions = list(versions.select_related("rule"))
    return {
        parameter.pk: _timeline([pv for pv in stated if pv.parameter_id == parameter.pk], versions)
        for parameter in parameters
    }


def _timeline(stated: list[ParameterValue], versions: list[RuleVersion]) -> list[TimelinePoint]:
    rule_ids = {pv.version.rule_id for pv in stated}
    values = {pv.version_id: pv for pv in stated}
    versions = [v for v in versions if v.rule_id in rule_ids]
    points: list[TimelinePoint] = []
    for index, version in enumerate(versions):
        following = next((v for v in versions[index + 1 :] if v.rule_id == version.rule_id), None)
        row = values.get(version.pk)
        value = row.value if row is not None else None
        if value is None and not points:
            continue
        points.append(
            TimelinePoint(
                effective_from=version.effective_from,
                until=following.effective_from if following else None,
                value=value,
                version=version,
                stated=row,
            )
        )
    return points


# --- A rule's versions, blame and the newest versions ---------- -----------------------------


def rule_versions(*, rule: Rule) -> list[RuleVersion]:
    """The rule's versions, oldest first, with their parameters. Two queries."""
    versions = list(_versions_with_parameters(rule.versions.order_by("seq")))
    for version in versions:
        version.rule = rule
    return versions


@dataclass(frozen=True)
class BlamedPassage:
    """A run of a rule's text and the version that introduced it."""

    text: str
    version: RuleVersion


@dataclass(frozen=True)
class Blame:
    rule: Rule
    on: datetime.date
    version: RuleVersion | None  # in force on `on`; None before the rule's first version
    passages: list[BlamedPassage]


def rule_blame(*, rule: Rule, on: datetime.date) -> Blame:
    """Which version introduced each passage of the rule's text in force on `on`.

    One query for the versions up to `on`; the attribution itself is pure work in
    `rulebook.blame`. A repeal has an empty text, so text re-enacted after it is new again.
    """
    versions = list(rule.versions.filter(effective_from__lte=on).order_by("seq"))
    for version in versions:
        version.rule = rule
    current = versions[-1] if versions else None
    if current is None or current.repealed:
        return Blame(rule=rule, on=on, version=current, passages=[])
    passages = [
        BlamedPassage(p.text, versions[p.origin]) for p in blame([v.text for v in versions])
    ]
    return Blame(rule=rule, on=on, version=current, passages=passages)


def adopted_versions(
    *, rulebook: Rulebook, rule: Rule | None = None, limit: int = 50, **annotations
):
    """The newest recorded versions (newest first), each with the text it replaced.

    One query: `previous_text` and `previous_heading` come from subqueries, as do any
    `annotations` the caller adds (the feeds add the day a proposal's adoption was recorded,
    which only `proposals` knows).
    """
    previous = RuleVersion.objects.filter(rule=OuterRef("rule"), seq=OuterRef("seq") - 1)
    qs = RuleVersion.objects.filter(rule__rulebook=rulebook)
    if rule is not None:
        qs = qs.filter(rule=rule)
    return list(
        qs.annotate(
            previous_text=Subquery(previous.values("text")[:1]),
            previous_heading=Subquery(previous.values("heading")[:1]),
            previous_number=Subquery(previous.values("number")[:1]),
            **annotations,
        )
        .select_related("rule__rulebook")
        .order_by("-effective_from", "-created_at", "-pk")[:limit]
    )
