"""The rules a vote and an amendment must keep, written once as pure checks.

Each `check_*` takes typed values (a `Body`, a `datetime.date`, `tally.Section`s …) and
returns the problems it finds, each with a path *relative* to the thing checked
("votes_for", "sections[1].weight", "roll_call[0].member"), as zulip splits `check_*` from
`do_*`. Nothing here reads or writes the database beyond what the arguments hold.

- The services (`vote_record`, `amendment_build`) raise them with `raise_problems`, keyed by
  path, so the API's 400 bodies name the fields;
- the importer (`proposals.exchange`) prefixes each path with where the thing sits in the file
  (`problem_lines`), giving lines such as "proposals[0].votes[1].votes_for: …".

A message is written once, as the importer prints it (starting in lower case, no full stop:
"required for a show of hands"); `raise_problems` makes it a sentence ("Required for a show
of hands.") for the services.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from proposals.models import Amendment, Body, RollCallEntry, Vote, term_covers
from rulebook.validators import count_problems

if TYPE_CHECKING:
    from proposals.services import tally

COUNTS = ("votes_for", "votes_against", "abstentions")


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the thing checked; "" for the thing itself
    message: str


def sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def raise_problems(problems: Sequence[Problem], *, whole: str = "") -> None:
    """Raise the problems, if any, as one ValidationError keyed by path (`whole` for a
    problem with the thing itself)."""
    if not problems:
        return
    by_path: dict[str, list[str]] = {}
    for problem in problems:
        by_path.setdefault(problem.path or whole, []).append(sentence(problem.message))
    raise ValidationError(by_path)


def problem_lines(problems: Iterable[Problem], prefix: str) -> list[str]:
    """The importer's "path: message" lines, each path under `prefix`."""
    return [
        f"{prefix}.{p.path}: {p.message}" if p.path else f"{prefix}: {p.message}" for p in problems
    ]


# --- votes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollCall:
    """One member's vote in a roll call: the member by name (or the Membership picked in the
    admin), and for, against or abstain."""

    member: object  # a name, or anything with `.name` (a Membership)
    choice: str | None

    @property
    def name(self) -> str | None:
        return getattr(self.member, "name", self.member)


@dataclass
class CheckedVote:
    problems: list[Problem] = field(default_factory=list)
    result: str | None = None  # None when the figures give none
    counts: dict[str, int | None] = field(default_factory=dict)  # a roll call's, tallied
    members: list = field(default_factory=list)  # a roll call's members, in its order

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


def check_vote(
    *,
    body: Body | None,
    held_on: datetime.date | None,
    stage: str | None,
    method: str | None,
    majority: str | None,
    counts: dict[str, int | None],
    sections: Sequence[tally.Section] | None = None,
    roll_call: Sequence[RollCall] | None = None,
    declared_result: str | None = None,
    result: str | None = None,
    members: Iterable = (),
    unreadable: Collection[str] = (),
) -> CheckedVote:
    """What is wrong with a vote; its result (and a roll call's counts) when its figures
    give one. `None` for a value means it was missing; `unreadable` names the counts that
    were given but could not be read (the caller's parsing reported them): they are not
    reported again, and give no result.

    The rules: stage, method and majority are known; counts are whole and not negative; a
    show of hands gives for and against; a card vote gives its sections (weights adding up
    to 100, percentages possible), no counts; a roll call gives each member serving on the
    body that day (`members`: anything with name, start and end), once, with counts, if
    any, matching it; a declared (or stated) result agrees with the figures; a body not
    entitled to decide takes a decision only to lose it (the proposal falls there).
    """
    from proposals.services import tally  # the services import these checks

    checked = CheckedVote(counts=dict(counts))
    for name, value, choices in (
        ("stage", stage, Vote.Stage),
        ("method", method, Vote.Method),
        ("majority", majority, Vote.Majority),
    ):
        if value is not None and value not in choices.values:
            checked.add(name, f"unknown {name} {value!r}: use {', '.join(choices.values)}")
    for name, value in counts.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            checked.add(name, "give a whole number")
        elif value < 0:
            checked.add(name, f"a count cannot be negative ({value})")
        else:
            for problem in count_problems(value):
                checked.add(name, problem)
    if checked.problems:
        return checked
    figures = {
        Vote.Method.SHOW_OF_HANDS: _show_of_hands,
        Vote.Method.CARD_VOTE: _card_vote,
        Vote.Method.ROLL_CALL: _roll_call,
    }
    totals = None
    if method in figures:
        given = {n for n in COUNTS if counts.get(n) is not None or n in unreadable}
        totals = figures[method](checked, given, sections, roll_call, body, held_on, members)
    if totals is not None and majority is not None:
        checked.result = tally.decide(
            votes_for=totals[0], votes_against=totals[1], majority=majority
        )
    for name, stated in (("declared_result", declared_result), ("result", result)):
        if stated is None:
            continue
        if stated not in Vote.Result.values:
            checked.add(name, "use carried or lost")
        elif checked.result is not None and stated != checked.result:
            checked.add(
                name,
                f"the figures give {checked.result}, not {stated} (majority: {majority})",
            )
    decision = stage == Vote.Stage.DECISION and checked.result == Vote.Result.CARRIED
    if decision and body is not None and not body.decides:
        checked.add(
            "stage",
            f"the {body.name} cannot adopt rule changes: record its recommendation, and "
            "Conference's decision",
        )
    return checked


def _refuse(checked: CheckedVote, method: str, **given) -> None:
    for name, value in given.items():
        if value:
            checked.add(name, f"a {method.replace('_', ' ')} does not take {name}")


def _show_of_hands(checked, given, sections, roll_call, body, held_on, members):
    _refuse(checked, Vote.Method.SHOW_OF_HANDS, sections=sections, roll_call=roll_call)
    missing = [name for name in COUNTS[:2] if name not in given]
    for name in missing:
        checked.add(name, "required for a show of hands")
    if None in (checked.counts.get("votes_for"), checked.counts.get("votes_against")):
        return None
    return checked.counts["votes_for"], checked.counts["votes_against"]


def _card_vote(checked, given, sections, roll_call, body, held_on, members):
    from proposals.services import tally

    _refuse(checked, Vote.Method.CARD_VOTE, **{n: n in given for n in COUNTS}, roll_call=roll_call)
    if not sections:
        checked.add("sections", "a card vote needs its sections' percentages")
        return None
    if any(s is None for s in sections):  # reported by the caller's parsing
        return None
    problems = tally.section_problems(list(sections))
    for problem in problems:
        checked.add("sections", problem)
    return None if problems else tally.card_vote_totals(sections)


def _roll_call(checked, given, sections, roll_call, body, held_on, members):
    from proposals.services import tally

    _refuse(checked, Vote.Method.ROLL_CALL, sections=sections)
    if not roll_call:
        checked.add("roll_call", "a roll call needs each member's vote")
        return None
    members = list(members)
    seen: dict[str, int] = {}
    broken = False
    for index, entry in enumerate(roll_call):
        at = f"roll_call[{index}]"
        name = entry.name
        if entry.choice is not None and entry.choice not in RollCallEntry.Choice.values:
            checked.add(f"{at}.choice", "use for, against or abstain")
        broken = broken or name is None or entry.choice not in RollCallEntry.Choice.values
        if name is None:
            continue
        if name in seen:
            checked.add(f"{at}.member", f"{name} is already listed at roll_call[{seen[name]}]")
            broken = True
            continue
        seen[name] = index
        member = _serving(checked, f"{at}.member", entry, body, held_on, members)
        broken = broken or member is None
        checked.members.append(member)
    if broken:
        return None
    tallied = dict(zip(COUNTS, tally.roll_call_counts(e.choice for e in roll_call), strict=True))
    for name, stated in checked.counts.items():
        if stated is not None and stated != tallied[name]:
            checked.add(name, f"the roll call gives {tallied[name]}, not {stated}")
    checked.counts = tallied
    return tallied["votes_for"], tallied["votes_against"]


def _serving(checked, path, entry: RollCall, body, held_on, members):
    """The one member of `members` named so and serving on `held_on`, or None (reported)."""
    if body is None or held_on is None:
        return None
    serving = [m for m in members if m.name == entry.name and term_covers(m.start, m.end, held_on)]
    picked = getattr(entry.member, "pk", None)
    if picked is not None:
        serving = [m for m in serving if getattr(m, "pk", None) == picked]
    if len(serving) != 1:
        problem = "was not a member" if not serving else "has two overlapping terms on"
        checked.add(path, f"{entry.name!r} {problem} of {body.name} on {held_on.isoformat()}")
        return None
    return serving[0]


# --- dates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dated:
    """A vote already on the record that counts, as the date checks need it."""

    stage: str
    held_on: datetime.date
    body: str  # the body's name, for the message


def _day(day: datetime.date) -> str:
    return day.isoformat()


def check_vote_dates(
    *,
    held_on: datetime.date | None,
    stage: str | None,
    submitted_on: datetime.date | None,
    others: Iterable[Dated],
    today: datetime.date,
) -> list[Problem]:
    """When a vote can have been held (path "held_on"): not after `today`; not before the
    proposal was submitted (when that day is known: the services always set it, a historical
    file may leave it unknown); a decision not before a recommendation that counts (`others`,
    the proposal's other votes that count), and a recommendation not after the decision.
    """
    if held_on is None:
        return []
    problems = []
    if held_on > today:
        problems.append(
            Problem(
                "held_on",
                f"a vote cannot be held in the future ({_day(held_on)} is after today, "
                f"{_day(today)})",
            )
        )
    if submitted_on is not None and held_on < submitted_on:
        problems.append(
            Problem(
                "held_on",
                f"a vote cannot be held before the proposal was submitted ({_day(held_on)} is "
                f"before {_day(submitted_on)})",
            )
        )
    for other in others:
        if _out_of_order(stage, held_on, other):
            problems.append(Problem("held_on", _order_message(stage, held_on, other)))
    return problems


def _out_of_order(stage: str | None, held_on: datetime.date, other: Dated) -> bool:
    """A decision before a recommendation, or a recommendation after the decision."""
    if stage == Vote.Stage.DECISION and other.stage == Vote.Stage.RECOMMENDATION:
        return held_on < other.held_on
    if stage == Vote.Stage.RECOMMENDATION and other.stage == Vote.Stage.DECISION:
        return held_on > other.held_on
    return False


def _order_message(stage: str, held_on: datetime.date, other: Dated) -> str:
    if stage == Vote.Stage.DECISION:
        return (
            f"a decision cannot precede the recommendation of the {other.body} "
            f"({_day(held_on)} is before {_day(other.held_on)})"
        )
    return (
        f"a recommendation cannot follow the decision of the {other.body} "
        f"({_day(held_on)} is after {_day(other.held_on)})"
    )


def check_adoption_dates(
    *,
    decided_on: datetime.date | None,
    effective_from: datetime.date | None = None,
    adopted_on: datetime.date | None = None,
    today: datetime.date,
) -> list[Problem]:
    """When an adoption can take effect and be recorded, given the day of the carried
    decision that allows it (`decided_on`; None: a superuser's adoption with a note, no
    decision to follow): it takes effect (`effective_from`) and is recorded (`adopted_on`) no
    earlier than that decision, and is not recorded after `today`. Either date may be left
    out (None) to check the other alone."""
    problems = []
    if adopted_on is not None and adopted_on > today:
        problems.append(
            Problem(
                "adopted_on",
                f"an adoption cannot be recorded in the future ({_day(adopted_on)} is after "
                f"today, {_day(today)})",
            )
        )
    if decided_on is None:
        return problems
    if effective_from is not None and effective_from < decided_on:
        problems.append(
            Problem(
                "effective_from",
                f"an adoption cannot take effect before the decision that carried it "
                f"({_day(effective_from)} is before {_day(decided_on)})",
            )
        )
    if adopted_on is not None and adopted_on < decided_on:
        problems.append(
            Problem(
                "adopted_on",
                f"an adoption cannot be recorded before the decision that carried it "
                f"({_day(adopted_on)} is before {_day(decided_on)})",
            )
        )
    return problems


# --- amendments --------------------------------------------------------------------------

# What each kind of amendment takes, as the API and the admin give it (DESIGN.md).
SHAPES: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required fields, optional fields)
    "amend": ({"kind", "rule"}, {"number", "heading", "text", "parameters"}),
    "insert": ({"kind", "key", "number", "text"}, {"heading", "parent", "after", "parameters"}),
    "repeal": ({"kind", "rule"}, set()),
    "renumber": ({"kind", "rule", "number"}, {"parent", "after"}),
}


def an(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def check_amendment_fields(kind: str, given: Iterable[str]) -> list[Problem]:
    """The fields an amendment of `kind` must and may have: `given` are the names filled in
    (API names: "key" for an insert's new key)."""
    if kind not in SHAPES:
        kinds = "amend, insert, repeal or renumber"
        return [Problem("kind", f"unknown kind {kind!r}: use {kinds}")]
    required, optional = SHAPES[kind]
    given = set(given)
    problems = [
        Problem(name, f"{an(kind)} amendment does not take {name!r}")
        for name in sorted(given - required - optional)
    ]
    problems += [
        Problem(name, f"required for {an(kind)} amendment") for name in sorted(required - given)
    ]
    return problems


@dataclass(frozen=True)
class Wording:
    """What a version says, or what an amendment proposes it should say."""

    number: str
    heading: str
    text: str
    parameters: dict
    repealed: bool = False


def check_amendment(
    *,
    kind: str,
    rule_key: str,
    base: Wording,
    base_seq: int,
    proposed: Wording,
    moved: bool = False,
    adopted: bool = False,
) -> list[Problem]:
    """The rules of an amendment to an existing rule, against the version it is drafted
    on (`base`, number `base_seq`), whichever surface drafted it (API, admin, file).

    No amendment can be drafted against a repeal. Until adopted (an adopted one is history,
    recorded as it was), an amend must change the wording or the parameters, and a renumber
    the number or, when `moved`, the place.
    """
    if base.repealed:
        return [
            Problem(
                "base_version",
                f"rule {rule_key} was repealed by version {base_seq}; no amendment can be "
                "drafted against it",
            )
        ]
    if adopted:
        return []
    if kind == Amendment.Kind.AMEND and _same(proposed, base):
        return [Problem("text", f"the amendment changes nothing in rule {rule_key} v{base_seq}")]
    if kind == Amendment.Kind.RENUMBER and proposed.number == base.number and not moved:
        return [Problem("number", f"rule {rule_key} is already numbered {base.number}")]
    return []


def _same(proposed: Wording, base: Wording) -> bool:
    return all(
        getattr(proposed, name) == getattr(base, name)
        for name in ("number", "heading", "text", "parameters")
    )


# --- bodies and memberships --------------------------------------------------------------
# Votes are history: a body or a term that recorded votes rest on cannot be changed under
# them. The services (`proposals.services.bodies`) gather the facts from the database, the
# admin's forms from their input, the importer from the file, and all ask these checks.


@dataclass(frozen=True)
class Term:
    """One person's term on a body, as a row holds it or as a form or a file gives it."""

    name: str
    start: datetime.date | None
    end: datetime.date | None  # None: still serving

    def span(self) -> str:
        start = self.start.isoformat() if self.start else "?"
        return f"from {start} " + (f"until {self.end.isoformat()}" if self.end else "on")

    def overlaps(self, other: Term) -> bool:
        if self.start is None or other.start is None:
            return False
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )


@dataclass(frozen=True)
class CastVote:
    """A recorded roll-call vote cast under a term: when, and on what (for the message)."""

    held_on: datetime.date
    label: str  # e.g. "the NEC's recommendation on proposal 2018/4"


def check_membership(
    *,
    body_name: str,
    term: Term,
    others: Iterable[Term] = (),
    votes: Iterable[CastVote] = (),
    moved: str | None = None,
) -> list[Problem]:
    """What is wrong with a term (paths: start, end, name, body).

    The rules: a term does not end before it starts; one person's terms on one body do not
    overlap (`others`: the body's other terms); every recorded roll-call vote cast under the
    term (`votes`) stays inside it; and a term with recorded votes keeps its person and its
    body (`moved`: "name" or "body" when the write changes it).
    """
    if term.start is not None and term.end is not None and term.end < term.start:
        return [
            Problem(
                "end",
                # As the importer always said it (tests/test_proposal_exchange.py).
                f"{term.end.isoformat()} is before the term's start ({term.start.isoformat()})",
            )
        ]
    problems = []
    for other in others:
        if other.name == term.name and term.overlaps(other):
            problems.append(
                Problem(
                    "start",
                    f"{term.name} already has a term on the {body_name} {other.span()}, which "
                    f"overlaps this one ({term.span()}); one person's terms on a body cannot "
                    "overlap",
                )
            )
    votes = sorted(votes, key=lambda vote: vote.held_on)
    if moved and votes:
        problems.append(
            Problem(
                moved,
                f"{term.name} cast recorded roll-call votes under this term ({_cast(votes)}); "
                f"its {'member' if moved == 'name' else moved} cannot change",
            )
        )
        return problems
    for vote in votes:
        if term.start is not None and not term_covers(term.start, term.end, vote.held_on):
            problems.append(
                Problem(
                    "start" if vote.held_on < term.start else "end",
                    f"{term.name} voted in the roll call of {vote.label} on "
                    f"{vote.held_on.isoformat()}: the term must cover that day",
                )
            )
    return problems


def check_body_change(
    *,
    body_name: str,
    decides_from: bool | None = None,
    rulebook_changed: bool = False,
    parent_invalid: str | None = None,
    decisions: Sequence[CastVote] = (),
    votes: Sequence[CastVote] = (),
) -> list[Problem]:
    """What is wrong with a change to a body (paths: decides, rulebook, parent).

    The rules: whether a body is entitled to decide rule changes (`decides_from`: what it
    was, when the write changes it) cannot change once it has taken decision votes
    (`decisions`), which were valid by it; a body that has voted (`votes`) stays in its
    rule book; its parent is another body of the same rule book, not one of its own
    committees (`parent_invalid`: why not, as the caller found).
    """
    problems = []
    if decides_from is not None and decisions:
        entitled = "entitled" if decides_from else "not entitled"
        problems.append(
            Problem(
                "decides",
                f"the {body_name} took decision votes ({_cast(decisions)}) as a body "
                f"{entitled} to decide rule changes; that cannot change now",
            )
        )
    if rulebook_changed and votes:
        problems.append(
            Problem(
                "rulebook",
                f"the {body_name} voted in this rule book ({_cast(votes)}); it cannot move "
                "to another",
            )
        )
    if parent_invalid:
        problems.append(Problem("parent", parent_invalid))
    return problems


def _cast(votes: Sequence[CastVote], shown: int = 3) -> str:
    listed = "; ".join(f"{v.label} on {v.held_on.isoformat()}" for v in votes[:shown])
    more = len(votes) - shown
    return listed + (f"; and {more} more" if more > 0 else "")
