"""A proposal's votes in a rule book file: checked as `vote_record` checks them.

votes:
  - body: conference             # a slug from the bodies section
    held_on: 2021-09-26
    stage: decision              # recommendation | decision; a body that does not decide
                                 #   (the NEC) takes only a lost decision: the proposal falls
    method: card_vote            # show_of_hands | roll_call | card_vote
    majority: simple             # simple | two_thirds; default simple
    votes_for: 22                # counts: required for a show of hands, none for a
    votes_against: 12            #   card vote, and those of the roll call for a roll call
    abstentions: 1
    declared_result: carried     # optional: what the chair declared
    result: carried              # optional on import: computed, and checked if given
    note: LabourList, 2021-09-26
    sections:                    # a card vote's sections; weights add up to 100
      - {name: CLPs, weight: 50, for_percent: 60.1, against_percent: 39.9}
    roll_call:                   # a roll call: members of the body on held_on
      - {member: Yasmine Dar, choice: for}
    voided_at: 2026-10-02T09:30:00+00:00   # a voided vote (all three, or none): when,
    voided_by: secretary                   #   by whom (a user name) and why; it stays on
    void_reason: Recorded on the wrong proposal   # the record and no longer counts

Dates are checked as `vote_record` checks them (`proposals.rules.check_vote_dates`): not in
the future, not before the proposal's `submitted_on` (when the file gives it: a historical
record may not know it), and, among the votes that count, no decision before a
recommendation. A voided vote is checked as it was recorded, and is left out of the order of
the others, as it is left out of everything else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from proposals import rules
from proposals.exchange.common import choice, whole_number
from proposals.models import CardVoteSection, RollCallEntry, Vote
from proposals.services import tally
from rulebook.exchange.values import (
    as_date,
    as_list,
    as_number,
    as_text,
    check_keys,
    model_field,
)
from rulebook.models import json_number

VOTE_KEYS = (
    "body",
    "held_on",
    "stage",
    "method",
    "majority",
    "votes_for",
    "votes_against",
    "abstentions",
    "declared_result",
    "result",
    "note",
    "sections",
    "roll_call",
    "voided_at",
    "voided_by",
    "void_reason",
)
VOID_KEYS = ("voided_at", "voided_by", "void_reason")
COUNTS = ("votes_for", "votes_against", "abstentions")
SECTION_KEYS = ("name", "weight", "for_percent", "against_percent")
ROLL_CALL_KEYS = ("member", "choice")
Method = Vote.Method


@dataclass
class PlannedVote:
    body: str | None
    held_on: datetime.date | None
    stage: str | None
    method: str | None
    majority: str | None
    counts: dict[str, int | None] = field(default_factory=dict)
    declared_result: str | None = None
    result: str | None = None
    note: str = ""
    sections: list[tally.Section] = field(default_factory=list)
    roll_call: list[tuple[str, str]] = field(default_factory=list)
    voided_at: datetime.datetime | None = None
    voided_by: str | None = None  # a user name
    void_reason: str = ""
    body_name: str = ""

    @property
    def is_counted(self) -> bool:
        return self.voided_at is None

    def dated(self) -> rules.Dated | None:
        if self.held_on is None or self.stage is None:
            return None
        return rules.Dated(self.stage, self.held_on, self.body_name)


def check_vote(item, path: str, errors: list[str], bodies: dict) -> PlannedVote | None:
    """The checked vote (None if it is not even a mapping). `bodies` are the checked bodies
    by slug. The file's values are read here; the rules are `proposals.rules.check_vote`'s,
    as for `vote_record`, with their paths under `path`."""
    if not check_keys(item, path, errors, VOTE_KEYS):
        return None
    slug = as_text(item.get("body"), f"{path}.body", errors, required=True)
    body = bodies.get(slug)
    if slug is not None and body is None:
        errors.append(f"{path}.body: unknown body {slug!r} (not in the bodies section)")
    vote = PlannedVote(
        body=slug,
        body_name=body.name if body is not None else "",
        held_on=as_date(item.get("held_on"), f"{path}.held_on", errors),
        stage=choice(item.get("stage"), f"{path}.stage", errors, Vote.Stage),
        method=choice(item.get("method"), f"{path}.method", errors, Method),
        majority=choice(
            item.get("majority"), f"{path}.majority", errors, Vote.Majority, default="simple"
        ),
        note=as_text(item.get("note"), f"{path}.note", errors) or "",
    )
    vote.counts = {name: whole_number(item.get(name), f"{path}.{name}", errors) for name in COUNTS}
    unreadable = {n for n in COUNTS if item.get(n) is not None and vote.counts[n] is None}
    sections = roll_call = None
    if item.get("sections") is not None or vote.method == Method.CARD_VOTE:
        sections = _sections(item, path, errors)
    if item.get("roll_call") is not None or vote.method == Method.ROLL_CALL:
        roll_call = _roll_call(item, path, errors)
    stated = {
        name: choice(item.get(name), f"{path}.{name}", errors, Vote.Result)
        if item.get(name) is not None
        else None
        for name in ("declared_result", "result")
    }
    checked = rules.check_vote(
        body=body,
        held_on=vote.held_on,
        stage=vote.stage,
        method=vote.method,
        majority=vote.majority,
        counts=vote.counts,
        sections=sections,
        roll_call=roll_call,
        declared_result=stated["declared_result"],
        result=stated["result"],
        members=body.members if body is not None else (),
        unreadable=unreadable,
    )
    errors += rules.problem_lines(checked.problems, path)
    vote.result, vote.counts = checked.result, checked.counts
    vote.declared_result = stated["declared_result"]
    if vote.method == Method.CARD_VOTE and sections and None not in sections:
        vote.sections = list(sections)
    if vote.method == Method.ROLL_CALL and roll_call:
        vote.roll_call = [(entry.name, entry.choice) for entry in roll_call]
    _check_void(item, path, errors, vote)
    return vote


def check_vote_dates(
    votes: list[PlannedVote | None], submitted_on, path: str, errors: list[str]
) -> None:
    """Each vote's date (`proposals.rules.check_vote_dates`), against the proposal's
    submission and the votes that count listed before it: each pair is compared once."""
    today = timezone.localdate()
    counted: list[rules.Dated] = []
    for index, vote in enumerate(votes):
        if vote is None:
            continue
        problems = rules.check_vote_dates(
            held_on=vote.held_on,
            stage=vote.stage,
            submitted_on=submitted_on,
            others=counted if vote.is_counted else [],
            today=today,
        )
        errors += rules.problem_lines(problems, f"{path}.votes[{index}]")
        if vote.is_counted and vote.dated() is not None:
            counted.append(vote.dated())


def _check_void(item, path: str, errors: list[str], vote: PlannedVote) -> None:
    """A void is all of voided_at (an ISO date and time with its zone, not in the future, not
    before the vote), voided_by (a user name) and a reason; or none of them."""
    given = [name for name in VOID_KEYS if item.get(name) not in (None, "")]
    if not given:
        return
    for name in VOID_KEYS:
        if name not in given:
            errors.append(f"{path}.{name}: is required for a voided vote (with {given[0]})")
    vote.voided_at = _moment(item.get("voided_at"), f"{path}.voided_at", errors)
    vote.voided_by = as_text(
        item.get("voided_by"),
        f"{path}.voided_by",
        errors,
        field=get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD),
    )
    reason = as_text(item.get("void_reason"), f"{path}.void_reason", errors)
    vote.void_reason = (reason or "").strip()
    if vote.voided_at is None:
        return
    if vote.voided_at > timezone.now():
        errors.append(f"{path}.voided_at: a vote cannot be voided in the future")
    elif vote.held_on is not None and timezone.localdate(vote.voided_at) < vote.held_on:
        errors.append(f"{path}.voided_at: a vote cannot be voided before it was held")


def _moment(value, path: str, errors: list[str]) -> datetime.datetime | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        errors.append(f"{path}: {text!r} is not a date and time (e.g. 2026-10-02T09:30:00+00:00)")
        return None
    if timezone.is_naive(moment):
        errors.append(f"{path}: give the time zone, e.g. 2026-10-02T09:30:00+00:00")
        return None
    return moment


def void_users(planned: list[PlannedVote]) -> dict[str, object]:
    """The users who voided votes, by name: each found, or made as an inactive account
    without a password when the database does not know the name (a file moved to an empty
    database names people it has no account for; the void must still say who)."""
    User = get_user_model()
    names = {v.voided_by for v in planned if v.voided_by}
    known = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names})
    found = {u.get_username(): u for u in known}
    for name in sorted(names - set(found)):
        user = User(**{User.USERNAME_FIELD: name}, is_active=False)
        user.set_unusable_password()
        user.save()
        found[name] = user
    return found


def _sections(item, path, errors) -> list[tally.Section | None]:
    items = as_list(item.get("sections", []), f"{path}.sections", errors)
    return [
        _section(entry, f"{path}.sections[{index}]", errors) for index, entry in enumerate(items)
    ]


def _section(entry, path, errors) -> tally.Section | None:
    if not check_keys(entry, path, errors, SECTION_KEYS):
        return None
    name = as_text(
        entry.get("name"),
        f"{path}.name",
        errors,
        field=model_field(CardVoteSection, "name"),
        required=True,
    )
    numbers = {
        key: as_number(
            entry.get(key), f"{path}.{key}", errors, field=model_field(CardVoteSection, key)
        )
        for key in SECTION_KEYS[1:]
    }
    if name is None or None in numbers.values():
        return None
    return tally.Section.of(name=name, **numbers)


def _roll_call(item, path, errors) -> list[rules.RollCall]:
    items = as_list(item.get("roll_call", []), f"{path}.roll_call", errors)
    entries = []
    for index, entry in enumerate(items):
        at = f"{path}.roll_call[{index}]"
        if not check_keys(entry, at, errors, ROLL_CALL_KEYS):
            entries.append(rules.RollCall(None, None))
            continue
        name = as_text(entry.get("member"), f"{at}.member", errors, required=True)
        picked = choice(entry.get("choice"), f"{at}.choice", errors, RollCallEntry.Choice)
        entries.append(rules.RollCall(name, picked))
    return entries


def vote_rows(
    planned: PlannedVote, proposal, bodies, members, by, voiders
) -> tuple[Vote, list, list]:
    """The unsaved vote and its unsaved sections and roll-call entries (vote set later);
    `voiders`: the users who voided votes, by name (`void_users`)."""
    vote = Vote(
        proposal=proposal,
        body=bodies[planned.body],
        held_on=planned.held_on,
        stage=planned.stage,
        method=planned.method,
        majority=planned.majority,
        declared_result=planned.declared_result,
        result=planned.result,
        note=planned.note,
        created_by=by,
        voided_at=planned.voided_at,
        voided_by=voiders.get(planned.voided_by),
        void_reason=planned.void_reason,
        **planned.counts,
    )
    sections = [
        CardVoteSection(
            name=s.name,
            weight=s.weight,
            for_percent=s.for_percent,
            against_percent=s.against_percent,
        )
        for s in planned.sections
    ]
    serving = [m for m in members[planned.body] if m.covers(planned.held_on)]
    by_name = {m.name: m for m in serving}
    entries = [RollCallEntry(membership=by_name[name], choice=c) for name, c in planned.roll_call]
    return vote, sections, entries


def vote_entry(vote: Vote, sections: list[CardVoteSection], roll_call: list) -> dict:
    entry = {
        "body": vote.body.slug,
        "held_on": vote.held_on.isoformat(),
        "stage": vote.stage,
        "method": vote.method,
        "majority": vote.majority,
    }
    entry.update((name, getattr(vote, name)) for name in COUNTS if getattr(vote, name) is not None)
    if vote.declared_result:
        entry["declared_result"] = vote.declared_result
    entry["result"] = vote.result
    if vote.note:
        entry["note"] = vote.note
    if sections:
        entry["sections"] = [
            {
                "name": s.name,
                "weight": json_number(s.weight),
                "for_percent": json_number(s.for_percent),
                "against_percent": json_number(s.against_percent),
            }
            for s in sections
        ]
    if roll_call:
        entry["roll_call"] = [{"member": e.membership.name, "choice": e.choice} for e in roll_call]
    if vote.voided_at is not None:
        entry["voided_at"] = vote.voided_at.isoformat()
        entry["voided_by"] = vote.voided_by.get_username()
        entry["void_reason"] = vote.void_reason
    return entry
