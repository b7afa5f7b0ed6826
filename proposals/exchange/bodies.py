"""The ``bodies`` section: deciding bodies with their members' terms.

bodies:
  - slug: nec
    name: National Executive Committee
    kind: nec                       # nec | conference | committee (default: conference
                                    # when decides is true, else committee)
    decides: false                  # entitled to decide rule changes; default false
    parent: …                       # optional: an earlier body's slug (NEC committees)
    members:                        # optional
      - {name: Yasmine Dar, seat: CLP section, from: 2018-01-15, until: …}   # until optional
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from proposals.exchange.common import choice, flag
from proposals.models import Body, Membership
from proposals.rules import Problem, Term, check_membership, problem_lines
from rulebook.exchange.values import as_date, as_list, as_text, check_keys, model_field
from rulebook.models import Rulebook

BODY_KEYS = ("slug", "name", "kind", "decides", "parent", "members")
MEMBER_KEYS = ("name", "seat", "from", "until")
FILE_NAMES = {"start": "from", "end": "until"}  # a term's fields as the file names them


@dataclass
class PlannedMember:
    name: str
    seat: str
    start: datetime.date | None
    end: datetime.date | None


@dataclass
class PlannedBody:
    slug: str
    name: str
    kind: str | None
    decides: bool
    parent: str | None
    depth: int
    members: list[PlannedMember] = field(default_factory=list)


def validate(value, context) -> list[str]:
    """Check the section; leave the bodies (by slug) in ``context.checked["bodies"]``."""
    errors: list[str] = []
    bodies: dict[str, PlannedBody] = {}
    first_at: dict[str, str] = {}
    for index, item in enumerate(as_list(value, "bodies", errors)):
        path = f"bodies[{index}]"
        if not check_keys(item, path, errors, BODY_KEYS):
            continue
        body = _check_body(item, path, errors, bodies)
        if body is None:
            continue
        if body.slug in first_at:
            errors.append(f"{path}.slug: {body.slug!r} is already used by {first_at[body.slug]}")
            continue
        first_at[body.slug] = path
        bodies[body.slug] = body
    context.checked["bodies"] = bodies
    return errors


def _check_body(item, path, errors, earlier: dict[str, PlannedBody]) -> PlannedBody | None:
    slug = as_text(
        item.get("slug"), f"{path}.slug", errors, field=model_field(Body, "slug"), required=True
    )
    name = as_text(
        item.get("name"), f"{path}.name", errors, field=model_field(Body, "name"), required=True
    )
    decides = flag(item.get("decides"), f"{path}.decides", errors)
    # DESIGN.md's sketch leaves `kind` out: a body that decides rule changes is a conference,
    # any other a committee, unless the file says otherwise (exports always say).
    default_kind = Body.Kind.CONFERENCE if decides else Body.Kind.COMMITTEE
    kind = choice(item.get("kind"), f"{path}.kind", errors, Body.Kind, default=default_kind)
    parent = as_text(item.get("parent"), f"{path}.parent", errors) or None
    depth = 0
    if parent is not None and parent == slug:
        errors.append(f"{path}.parent: a body cannot be its own parent")
        parent = None
    elif parent is not None and parent not in earlier:
        errors.append(f"{path}.parent: unknown body {parent!r} (a parent must be listed first)")
        parent = None
    elif parent is not None:
        depth = earlier[parent].depth + 1
    members = _check_members(item.get("members", []), f"{path}.members", errors, name or slug)
    if slug is None:
        return None
    return PlannedBody(slug, name or "", kind, decides, parent, depth, members)


def _check_members(value, path, errors, body_name: str) -> list[PlannedMember]:
    members = []
    for index, item in enumerate(as_list(value, path, errors)):
        at = f"{path}[{index}]"
        if not check_keys(item, at, errors, MEMBER_KEYS):
            continue
        name = as_text(
            item.get("name"),
            f"{at}.name",
            errors,
            field=model_field(Membership, "name"),
            required=True,
        )
        seat = as_text(
            item.get("seat"), f"{at}.seat", errors, field=model_field(Membership, "seat")
        )
        start = as_date(item.get("from"), f"{at}.from", errors)
        end = as_date(item.get("until"), f"{at}.until", errors, required=False)
        if name is None:
            continue
        # Each term against those listed before it, so an overlap is reported once.
        problems = check_membership(
            body_name=body_name,
            term=Term(name, start, end),
            others=[Term(m.name, m.start, m.end) for m in members],
        )
        errors += problem_lines([_in_file(p) for p in problems], at)
        members.append(PlannedMember(name, seat or "", start, end))
    return members


def _in_file(problem: Problem) -> Problem:
    """A term's problem with the file's names for its fields (from, until)."""
    return Problem(FILE_NAMES.get(problem.path, problem.path), problem.message)


@dataclass
class LoadedBodies:
    """What `load` created: the bodies by slug, and each body's memberships in file order."""

    bodies: dict[str, Body]
    members: dict[str, list[Membership]]


def load(value, rulebook: Rulebook, context, by) -> LoadedBodies:
    """Create the bodies, parents first (level by level), then every membership."""
    planned: dict[str, PlannedBody] = context.checked["bodies"]
    created: dict[str, Body] = {}
    for depth in sorted({body.depth for body in planned.values()}):
        rows = [
            Body(
                rulebook=rulebook,
                slug=body.slug,
                name=body.name,
                kind=body.kind,
                decides=body.decides,
                parent=created.get(body.parent),
            )
            for body in planned.values()
            if body.depth == depth
        ]
        created.update((row.slug, row) for row in Body.objects.bulk_create(rows))
    rows = [
        Membership(body=created[body.slug], name=m.name, seat=m.seat, start=m.start, end=m.end)
        for body in planned.values()
        for m in body.members
    ]
    members: dict[str, list[Membership]] = {slug: [] for slug in created}
    for row in Membership.objects.bulk_create(rows):
        members[row.body.slug].append(row)
    return LoadedBodies(bodies=created, members=members)


def dump(rulebook: Rulebook, at: datetime.date | None) -> list[dict] | None:
    """Every body, each parent before its committees, with its members' terms (two queries).

    Left out of an export `at` a date, like the proposals (see `proposals.exchange`).
    """
    if at is not None:
        return None
    bodies = list(Body.objects.filter(rulebook=rulebook).select_related("parent").order_by("pk"))
    members: dict[int, list[Membership]] = {body.pk: [] for body in bodies}
    for membership in Membership.objects.filter(body__rulebook=rulebook).order_by("pk"):
        members[membership.body_id].append(membership)
    return [_body_entry(body, members[body.pk]) for body in _parents_first(bodies)]


def _parents_first(bodies: list[Body]) -> list[Body]:
    """Each body followed by its committees (depth first, otherwise in creation order)."""
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    ordered: list[Body] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        body = stack.pop()
        ordered.append(body)
        stack += reversed(children.get(body.pk, []))
    return ordered


def _body_entry(body: Body, members: list[Membership]) -> dict:
    entry = {"slug": body.slug, "name": body.name, "kind": body.kind, "decides": body.decides}
    if body.parent_id:
        entry["parent"] = body.parent.slug
    if members:
        entry["members"] = [_member_entry(m) for m in members]
    return entry


def _member_entry(membership: Membership) -> dict:
    entry = {"name": membership.name}
    if membership.seat:
        entry["seat"] = membership.seat
    entry["from"] = membership.start.isoformat()
    if membership.end:
        entry["until"] = membership.end.isoformat()
    return entry
