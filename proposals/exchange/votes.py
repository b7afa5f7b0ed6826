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
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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
)
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
    return vote


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


def vote_rows(planned: PlannedVote, proposal, bodies, members, by) -> tuple[Vote, list, list]:
    """The unsaved vote and its unsaved sections and roll-call entries (vote set later)."""
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
    return entry
