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

from proposals.exchange.common import choice, serves, whole_number
from proposals.models import CardVoteSection, RollCallEntry, Vote
from proposals.services import tally
from rulebook.exchange.values import (
    as_date,
    as_list,
    as_number,
    as_text,
    check_keys,
    model_field,
    plain,
)

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
    by slug."""
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
    figures = {"show_of_hands": _show_of_hands, "card_vote": _card_vote, "roll_call": _roll_call}
    if vote.method in figures:
        totals = figures[vote.method](item, vote, path, errors, body)
        if totals is not None and vote.majority is not None:
            vote.result = tally.decide(
                votes_for=totals[0], votes_against=totals[1], majority=vote.majority
            )
    _check_results(item, vote, path, errors)
    # A body not entitled to decide takes a decision only to lose it (the proposal falls there);
    # figures that give no result are reported above.
    decision = vote.stage == Vote.Stage.DECISION and vote.result == Vote.Result.CARRIED
    if decision and body is not None and not body.decides:
        errors.append(
            f"{path}.stage: the {body.name} cannot adopt rule changes: record its "
            "recommendation, and Conference's decision"
        )
    return vote


def _refuse(item, path, errors, method: str, names) -> None:
    errors += [
        f"{path}.{name}: a {method.replace('_', ' ')} does not take {name}"
        for name in names
        if item.get(name) is not None
    ]


def _show_of_hands(item, vote: PlannedVote, path, errors, body):
    _refuse(item, path, errors, vote.method, ("sections", "roll_call"))
    missing = [name for name in COUNTS[:2] if item.get(name) is None]
    errors += [f"{path}.{name}: is required for a show of hands" for name in missing]
    if missing or None in (vote.counts["votes_for"], vote.counts["votes_against"]):
        return None
    return vote.counts["votes_for"], vote.counts["votes_against"]


def _card_vote(item, vote: PlannedVote, path, errors, body):
    _refuse(item, path, errors, vote.method, (*COUNTS, "roll_call"))
    items = as_list(item.get("sections", []), f"{path}.sections", errors)
    if not items:
        errors.append(f"{path}.sections: a card vote needs its sections' percentages")
        return None
    sections, broken = [], False
    for index, entry in enumerate(items):
        section = _section(entry, f"{path}.sections[{index}]", errors)
        broken = broken or section is None
        sections.append(section)
    if broken:
        return None
    vote.sections = sections
    problems = tally.section_problems(sections)
    errors += [f"{path}.sections: {problem}" for problem in problems]
    return None if problems else tally.card_vote_totals(sections)


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
    return tally.Section(name=name, **numbers)


def _roll_call(item, vote: PlannedVote, path, errors, body):
    _refuse(item, path, errors, vote.method, ("sections",))
    items = as_list(item.get("roll_call", []), f"{path}.roll_call", errors)
    if not items:
        errors.append(f"{path}.roll_call: a roll call needs each member's vote")
        return None
    seen, broken = {}, False
    for index, entry in enumerate(items):
        at = f"{path}.roll_call[{index}]"
        if not check_keys(entry, at, errors, ROLL_CALL_KEYS):
            broken = True
            continue
        name = as_text(entry.get("member"), f"{at}.member", errors, required=True)
        picked = choice(entry.get("choice"), f"{at}.choice", errors, RollCallEntry.Choice)
        broken = broken or None in (name, picked)
        if name is not None and name in seen:
            errors.append(f"{at}.member: {name} is already listed at roll_call[{seen[name]}]")
            broken = True
        elif name is not None:
            seen[name] = index
            broken = _check_member(name, at, errors, body, vote.held_on) or broken
        vote.roll_call.append((name, picked))
    if broken:
        return None
    tallied = dict(zip(COUNTS, tally.roll_call_counts(c for _, c in vote.roll_call), strict=True))
    errors += [
        f"{path}.{name}: the roll call gives {tallied[name]}, not {given}"
        for name, given in vote.counts.items()
        if given is not None and given != tallied[name]
    ]
    vote.counts = tallied
    return tallied["votes_for"], tallied["votes_against"]


def _check_member(name, path, errors, body, held_on) -> bool:
    """Whether `name` could not be matched to exactly one member serving on `held_on`."""
    if body is None or held_on is None:
        return True
    serving = [m for m in body.members if m.name == name and serves(m.start, m.end, held_on)]
    if len(serving) != 1:
        problem = "was not a member" if not serving else "has two overlapping terms on"
        errors.append(f"{path}.member: {name!r} {problem} of {body.name} on {held_on.isoformat()}")
    return len(serving) != 1


def _check_results(item, vote: PlannedVote, path, errors) -> None:
    for name in ("declared_result", "result"):
        given = item.get(name)
        if given is None:
            continue
        stated = choice(given, f"{path}.{name}", errors, Vote.Result)
        if stated is not None and vote.result is not None and stated != vote.result:
            errors.append(
                f"{path}.{name}: the figures give {vote.result}, not {stated} "
                f"(majority: {vote.majority})"
            )
        if name == "declared_result":
            vote.declared_result = stated


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
    serving = [m for m in members[planned.body] if serves(m.start, m.end, planned.held_on)]
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
                "weight": plain(s.weight),
                "for_percent": plain(s.for_percent),
                "against_percent": plain(s.against_percent),
            }
            for s in sections
        ]
    if roll_call:
        entry["roll_call"] = [{"member": e.membership.name, "choice": e.choice} for e in roll_call]
    return entry
