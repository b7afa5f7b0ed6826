"""Bodies and their members' terms: create and change them without breaking the votes
recorded on them.

What makes a change acceptable is `proposals.rules.check_membership` and
`check_body_change`; `membership_problems` and `body_problems` gather what those checks need
from the database (the body's other terms, the roll-call votes cast under a term, the
decision votes a body took), so the admin's forms ask exactly what the services ask. Each
write locks the body, so two changes to one body's terms queue, and is audited in the body's
trail with what changed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from proposals.models import Body, Membership, RollCallEntry, Vote
from proposals.rules import (
    CastVote,
    Problem,
    Term,
    check_body_change,
    check_membership,
    raise_problems,
)
from rulebook.models import Rulebook
from rulebook.services import audit_record

BODY_FIELDS = ("name", "kind", "decides", "parent")
MEMBERSHIP_FIELDS = ("body", "name", "seat", "start", "end")


# --- checks: what the database says, asked of the pure rules -----------------------------


def body_problems(
    *,
    body: Body | None,
    rulebook: Rulebook,
    decides: bool,
    parent: Body | None,
) -> list[Problem]:
    """What is wrong with giving `body` (as saved; None for a new one) these values."""
    parent_invalid = None
    if parent is not None and parent.rulebook_id != rulebook.pk:
        parent_invalid = f"the {parent.name} belongs to another rule book"
    elif parent is not None and body is not None and parent.pk in _self_and_committees(body):
        parent_invalid = f"the {parent.name} is the {body.name} or one of its committees"
    if body is None:
        return check_body_change(body_name="", parent_invalid=parent_invalid)
    changed_decides = body.decides if decides != body.decides else None
    moved = rulebook.pk != body.rulebook_id
    votes = Vote.objects.filter(body=body) if moved or changed_decides is not None else None
    return check_body_change(
        body_name=body.name,
        decides_from=changed_decides,
        rulebook_changed=moved,
        parent_invalid=parent_invalid,
        decisions=_cast(votes.filter(stage=Vote.Stage.DECISION)) if votes is not None else (),
        votes=_cast(votes) if moved else (),
    )


def membership_problems(
    *,
    membership: Membership | None,
    body: Body,
    name: str,
    start: datetime.date | None,
    end: datetime.date | None,
    alongside: list[Term] = (),
) -> list[Problem]:
    """What is wrong with giving `membership` (as saved; None for a new one) these values;
    `alongside`: other new terms saved with it (the admin's rows on one page)."""
    others = Membership.objects.filter(body=body, name=name)
    if membership is not None:
        others = others.exclude(pk=membership.pk)
    terms = [Term(m.name, m.start, m.end) for m in others] + list(alongside)
    votes, moved = [], None
    if membership is not None and membership.pk:
        entries = RollCallEntry.objects.filter(membership=membership)
        votes = _cast(Vote.objects.filter(pk__in=entries.values("vote")))
        moved = "body" if body.pk != membership.body_id else None
        moved = "name" if name != membership.name else moved
    return check_membership(
        body_name=body.name,
        term=Term(name, start, end),
        others=terms,
        votes=votes,
        moved=moved,
    )


def _cast(votes) -> list[CastVote]:
    """Votes as the checks name them: "the NEC's recommendation on proposal 2018/4"."""
    rows = votes.select_related("body", "proposal").order_by("held_on", "pk")
    return [
        CastVote(v.held_on, f"the {v.body.name}'s {v.stage} on proposal {v.proposal.reference}")
        for v in rows
    ]


def _self_and_committees(body: Body) -> set[int]:
    ids, level = {body.pk}, {body.pk}
    while level:
        level = set(Body.objects.filter(parent__in=level).values_list("pk", flat=True)) - ids
        ids |= level
    return ids


# --- writes ------------------------------------------------------------------------------


def body_create(
    *,
    rulebook: Rulebook,
    slug: str,
    name: str,
    kind: str | None = None,
    decides: bool = False,
    parent: Body | None = None,
    by=None,
) -> Body:
    """Create a body. Steps: default the kind (a deciding body is a conference, any other a
    committee, as the import file does); validate the fields (slug unique in the rule book)
    and the parent; save; audit."""
    kind = kind or (Body.Kind.CONFERENCE if decides else Body.Kind.COMMITTEE)
    body = Body(rulebook=rulebook, slug=slug, name=name, kind=kind, decides=decides, parent=parent)
    with transaction.atomic():
        raise_problems(body_problems(body=None, rulebook=rulebook, decides=decides, parent=parent))
        body.full_clean()
        body.save()
        _audit(
            "body.create", body, by, {f: (None, getattr(body, f)) for f in ("slug", *BODY_FIELDS)}
        )
    return body


def body_update(*, body: Body, by=None, **fields) -> Body:
    """Change a body's name, kind, whether it decides rule changes, or its parent. Its
    slug names it in addresses and files and never changes.

    Steps: refuse other fields; lock the body and read it afresh; check the change
    (`body_problems`: not the decides flag under its decision votes, a parent of the same
    rule book outside its own committees); validate; save the changed fields; audit them.
    """
    unknown = sorted(set(fields) - set(BODY_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed."))
    with transaction.atomic():
        saved = Body.objects.select_for_update().get(pk=body.pk)
        raise_problems(
            body_problems(
                body=saved,
                rulebook=saved.rulebook,
                decides=fields.get("decides", saved.decides),
                parent=fields.get("parent", saved.parent),
            )
        )
        changes = _apply(saved, fields)
        saved.full_clean()
        saved.save()
        if changes:
            _audit("body.update", saved, by, changes)
    _refresh(body, saved)
    return body


def membership_create(
    *,
    body: Body,
    name: str,
    start: datetime.date,
    end: datetime.date | None = None,
    seat: str = "",
    by=None,
) -> Membership:
    """Record a term on a body. Steps: lock the body; check the term (`check_membership`:
    an end after the start, no overlap with the person's other terms there); validate;
    save; audit."""
    membership = Membership(
        body=body, name=(name or "").strip(), seat=seat or "", start=start, end=end
    )
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).get()
        raise_problems(
            membership_problems(
                membership=None, body=body, name=membership.name, start=start, end=end
            )
        )
        membership.full_clean()
        membership.save()
        changes = {f: (None, getattr(membership, f)) for f in MEMBERSHIP_FIELDS[1:]}
        _audit("membership.create", body, by, changes, membership=membership)
    return membership


def membership_update(*, membership: Membership, by=None, **fields) -> Membership:
    """Change a term: its body, member, seat, start or end.

    Steps: refuse other fields; lock the body (both, when it moves) and read the term
    afresh; check it as it would be (`check_membership`: also that every roll-call vote cast
    under it stays inside it, and that a term with votes keeps its member and body);
    validate; save; audit the changed fields.
    """
    unknown = sorted(set(fields) - set(MEMBERSHIP_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed."))
    with transaction.atomic():
        bodies = {membership.body_id, getattr(fields.get("body"), "pk", membership.body_id)}
        list(Body.objects.select_for_update().filter(pk__in=bodies).order_by("pk"))
        saved = Membership.objects.select_related("body").get(pk=membership.pk)
        if isinstance(fields.get("name"), str):
            fields["name"] = fields["name"].strip()
        after = {f: fields.get(f, getattr(saved, f)) for f in MEMBERSHIP_FIELDS}
        raise_problems(
            membership_problems(
                membership=saved,
                body=after["body"],
                name=after["name"],
                start=after["start"],
                end=after["end"],
            )
        )
        changes = _apply(saved, fields)
        saved.full_clean()
        saved.save()
        if changes:
            _audit("membership.update", saved.body, by, changes, membership=saved)
    _refresh(membership, saved)
    return membership


def membership_end(*, membership: Membership, end: datetime.date, by=None) -> Membership:
    """End a term on `end` (its last day served): `membership_update` with the end, so the
    same checks apply (not before its start, nor before a roll-call vote cast under it)."""
    if membership.end is not None:
        raise ValidationError({"end": f"The term already ended on {membership.end.isoformat()}."})
    return membership_update(membership=membership, end=end, by=by)


def _apply(row, fields: dict) -> dict:
    """Set `fields` on `row`; the ones that changed, as (before, after)."""
    changes = {}
    for field, value in fields.items():
        before = getattr(row, field)
        if before != value:
            changes[field] = (before, value)
            setattr(row, field, value)
    return changes


def _refresh(instance, saved) -> None:
    for field in type(saved)._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))


def _audit(action: str, body: Body, by, changes: dict, membership: Membership | None = None):
    """Audit in the body's trail: its memberships' changes are the body's record too."""
    data = {}
    subject = f"body {body.slug} ({body.rulebook.slug})"
    if membership is not None:
        data["membership"] = membership.pk
        subject = f"term of {membership.name} on {subject}"
    audit_record(
        action=action,
        subject=subject,
        by=by,
        data=data,
        rulebook=body.rulebook,
        record=body,
        changes=changes,
    )
