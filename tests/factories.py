"""factory_boy factories: the one way the tests make records.

Whatever production makes through a service is made here through the same service, so that the
tests exercise the same rules: rules (`rule_create`), versions (`version_create`), proposals
(`proposal_create`, then `proposal_submit`, `vote_record`, `proposal_adopt`, `proposal_withdraw`
or `proposal_remit` as the trait asks). The service calls live in a few places only:
`RuleFactory._create`, `RuleVersionFactory._create`, `ProposalFactory._create` and the workflow
helpers `submit`, `record_vote`, `adopt` and `rebase` below. When a service's signature
changes, it changes here once.

    ProposalFactory(rulebook=book, amendments=[amend(rule, "20 per cent")], carried=True)
    ProposalFactory(..., adopted=True, effective_from=date(2021, 9, 29))
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from proposals.models import Body, Membership, Proposal, Vote
from proposals.rules import RollCall
from proposals.services import (
    amendment_rebase,
    proposal_adopt,
    proposal_create,
    proposal_remit,
    proposal_submit,
    proposal_withdraw,
    vote_record,
)
from proposals.services.tally import Section
from rulebook.models import Parameter, Rule, Rulebook, RuleVersion
from rulebook.services import rule_create, version_create

D = datetime.date.fromisoformat
CONFERENCE_2026 = D("2026-09-20")

# A Conference card vote, by section: carried (57.55% weighted) and lost (38.5%).
CARD_60_40 = [
    {"name": "CLPs", "weight": 50, "for_percent": 60.1, "against_percent": 39.9},
    {"name": "Affiliates", "weight": 50, "for_percent": 55, "against_percent": 45},
]


def card(share: float) -> list[dict]:
    """Card-vote sections where both sections vote `share` per cent for."""
    return [
        {"name": name, "weight": 50, "for_percent": share, "against_percent": 100 - share}
        for name in ("CLPs", "Affiliates")
    ]


CARD_LOST = card(38.5)


class RulebookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rulebook
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"book-{n}")
    title = factory.Sequence(lambda n: f"Standing Orders {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    """A rule placed in document order by `rule_create` (last child of `parent`, or `after`)."""

    class Meta:
        model = Rule

    rulebook = factory.SubFactory(RulebookFactory)
    key = factory.Sequence(lambda n: f"r{n}")
    parent = None
    after = None

    @classmethod
    def _create(cls, model_class, *, rulebook, key, parent, after):
        return rule_create(rulebook=rulebook, key=key, parent=parent, after=after)


class ParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parameter

    rulebook = factory.SubFactory(RulebookFactory)
    key = factory.Sequence(lambda n: f"param_{n}")
    label = factory.Sequence(lambda n: f"Parameter {n}")
    unit = "%"


class RuleVersionFactory(factory.django.DjangoModelFactory):
    """The rule's next version, recorded by `version_create` (which keeps versions in order)."""

    class Meta:
        model = RuleVersion

    rule = factory.SubFactory(RuleFactory)
    effective_from = D("2016-01-01")
    number = factory.LazyAttribute(lambda o: "" if o.repealed else o.rule.key.upper())
    heading = ""
    text = ""
    repealed = False
    provenance = "reconstructed"
    source = "Test history"

    @classmethod
    def _create(cls, model_class, *, rule, effective_from, **fields):
        if isinstance(effective_from, str):
            effective_from = D(effective_from)
        if fields["repealed"]:
            fields = {k: v for k, v in fields.items() if k not in ("number", "heading", "text")}
        return version_create(rule=rule, effective_from=effective_from, **fields)


def add_version(rule, on, text="", **fields) -> RuleVersion:
    """The next version of `rule`, taking effect `on` (a date or YYYY-MM-DD)."""
    return RuleVersionFactory(rule=rule, effective_from=on, text=text, **fields)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("rulebook", "slug")

    rulebook = factory.SubFactory(RulebookFactory)
    slug = factory.Sequence(lambda n: f"body-{n}")
    name = factory.Sequence(lambda n: f"Body {n}")
    kind = Body.Kind.COMMITTEE
    decides = False


class ConferenceFactory(BodyFactory):
    slug = "conference"
    name = "Annual Conference"
    kind = Body.Kind.CONFERENCE
    decides = True


class NecFactory(BodyFactory):
    slug = "nec"
    name = "National Executive Committee"
    kind = Body.Kind.NEC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(NecFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    seat = "CLP section"
    start = datetime.date(2018, 1, 15)
    end = None


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a password unless given one (hashing is slow), in `groups`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = False
    is_superuser = False
    password = None

    @classmethod
    def _create(cls, model_class, *, password, **fields):
        return model_class.objects.create_user(password=password, **fields)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if names:
            self.groups.set([Group.objects.get(name=name) for name in names])


def user(username: str, *groups: str, superuser: bool = False, **fields):
    """A user in the project's `groups` (`proposals.roles`), e.g. user("ann", DRAFTER)."""
    return UserFactory(username=username, is_superuser=superuser, groups=list(groups), **fields)


def staff(username: str, *groups: str, superuser: bool = False, password: str | None = None):
    """A staff user (one who may log in to the admin) in the project's `groups`."""
    return user(username, *groups, superuser=superuser, password=password, is_staff=True)


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def amend(rule, text, **extra) -> dict:
    """An "amend" amendment as the services and the API take it."""
    key = rule if isinstance(rule, str) else rule.key
    return {"kind": "amend", "rule": key, "text": text, **extra}


def roll_call(names, choices) -> list[dict]:
    return [{"member": n, "choice": c} for n, c in zip(names, choices, strict=True)]


# The workflow steps, each through its service. ProposalFactory calls them; worlds that must
# interleave steps of several proposals call them directly.


def submit(proposal: Proposal, *, on: datetime.date | None = None) -> Proposal:
    return proposal_submit(proposal=proposal, submitted_on=on)


def record_vote(proposal: Proposal, *, body: Body, held_on: datetime.date, **fields) -> Vote:
    """A vote through `vote_record`; `fields` as the service takes them (method, stage, ...),
    except that card-vote sections and roll-call entries may be given as the API's dicts."""
    return vote_record(proposal=proposal, body=body, held_on=held_on, **typed_figures(fields))


def typed_figures(fields: dict) -> dict:
    """Sections and roll-call entries written as the API's dicts, as the service's types."""
    fields = dict(fields)
    if fields.get("sections") is not None:
        fields["sections"] = [Section.of(**section) for section in fields["sections"]]
    if fields.get("roll_call") is not None:
        fields["roll_call"] = [RollCall(**entry) for entry in fields["roll_call"]]
    return fields


def decide(proposal: Proposal, *, held_on=CONFERENCE_2026, sections=CARD_60_40) -> Vote:
    """Conference decides the proposal by card vote (carried or lost by `sections`)."""
    return record_vote(
        proposal,
        body=ConferenceFactory(rulebook=proposal.rulebook),
        held_on=held_on,
        stage=Vote.Stage.DECISION,
        method=Vote.Method.CARD_VOTE,
        sections=sections,
    )


def recommend(proposal: Proposal, *, held_on, entries: list[dict]) -> Vote:
    """The NEC's recommendation by roll call."""
    return record_vote(
        proposal,
        body=NecFactory(rulebook=proposal.rulebook),
        held_on=held_on,
        stage=Vote.Stage.RECOMMENDATION,
        method=Vote.Method.ROLL_CALL,
        roll_call=entries,
    )


def adopt(proposal: Proposal, *, effective_from, adopted_on=None, by=None, note="") -> list:
    """The proposal's amendments become rule versions, through `proposal_adopt`."""
    if isinstance(effective_from, str):
        effective_from = D(effective_from)
    return proposal_adopt(
        proposal=proposal, effective_from=effective_from, adopted_on=adopted_on, by=by, note=note
    )


def rebase(amendment):
    """The amendment moved onto its rule's latest version, through `amendment_rebase`."""
    return amendment_rebase(amendment=amendment)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal drafted by `proposal_create` and taken through the workflow by the services.

    Traits: `submitted`, `carried` (Conference card vote), `lost`, `adopted`, `withdrawn`,
    `remitted`. `recommendation` (roll-call entries) has the NEC recommend it 30 days before
    Conference's decision on `decided_on`; `sections` are that decision's card vote.
    """

    class Meta:
        model = Proposal

    rulebook = factory.SubFactory(RulebookFactory)
    reference = factory.Sequence(lambda n: f"T/{n + 1}")
    title = "A rule change"
    proposer = "Northfield CLP"
    amendments = factory.LazyFunction(list)
    by = None
    # Workflow parameters, consumed by _create (traits set `stage`).
    stage = "draft"
    decided_on = CONFERENCE_2026
    submitted_on = factory.LazyAttribute(lambda o: o.decided_on - datetime.timedelta(days=30))
    recommendation = None
    sections = factory.LazyAttribute(lambda o: CARD_LOST if o.stage == "lost" else CARD_60_40)
    effective_from = factory.LazyAttribute(lambda o: o.decided_on + datetime.timedelta(days=7))
    adopted_on = None

    class Params:
        submitted = factory.Trait(stage="submitted")
        carried = factory.Trait(stage="carried")
        lost = factory.Trait(stage="lost")
        adopted = factory.Trait(stage="adopted")
        withdrawn = factory.Trait(stage="withdrawn")
        remitted = factory.Trait(stage="remitted")

    @classmethod
    def _create(cls, model_class, *, stage, decided_on, submitted_on, recommendation, sections,
                effective_from, adopted_on, by, amendments, **fields):  # fmt: skip
        proposal = proposal_create(amendments=list(amendments), by=by, **fields)
        if stage == "draft":
            return proposal
        if stage == "withdrawn":
            return proposal_withdraw(proposal=proposal, by=by)
        submit(proposal, on=submitted_on)
        if stage == "remitted":
            return proposal_remit(proposal=proposal, by=by)
        if recommendation is not None:
            # Not before the submission: a vote cannot be (proposals.rules.check_vote_dates).
            held_on = max(decided_on - datetime.timedelta(days=30), proposal.submitted_on)
            recommend(proposal, held_on=held_on, entries=recommendation)
        if stage in ("carried", "lost", "adopted"):
            decide(proposal, held_on=decided_on, sections=sections)
        if stage == "adopted":
            adopt(proposal, effective_from=effective_from, adopted_on=adopted_on)
        proposal.refresh_from_db()
        return proposal


def big_rulebook(slug: str, size: int, *, per_chapter: int = 20) -> Rulebook:
    """A generated rule book of `size` rules (chapters of `per_chapter` rules: the chapter and
    its clauses), for the tests of huge books. Bulk inserts, not the services: `rule_create`
    and `version_create` write a row and an audit entry at a time, minutes for thousands.

    Each rule has two versions: one from 2013-09-27, and one from 2017-09-27 with new text that
    also reverses the order of the clauses in each chapter, so the document order on a date
    is the versions' (their placement), not the rules' `position`."""
    book = RulebookFactory(slug=slug, title=f"Generated rule book of {size} rules")
    chapters = [
        Rule.objects.create(rulebook=book, key=f"c{first}", position=first)
        for first in range(0, size, per_chapter)
    ]
    clauses = [
        Rule(rulebook=book, key=f"r{index}", parent=chapter, position=index)
        for chapter in chapters
        for index in range(chapter.position + 1, min(chapter.position + per_chapter, size))
    ]
    Rule.objects.bulk_create(clauses)
    places = {}  # sibling places on each date: chapters in order; clauses reversed in 2017
    for rule in chapters:
        places[rule] = (rule.position, rule.position)
    for rule in clauses:
        place = rule.position - rule.parent.position
        places[rule] = (place, per_chapter - place)
    versions = [
        RuleVersion(
            rule=rule,
            seq=seq,
            number=f"{rule.key}.{seq}",
            heading=f"Heading of {rule.key}",
            text=f"Rule {rule.key} as in force from {day.year}: members shall meet.",
            effective_from=day,
            provenance="reconstructed",
            source="Generated for the tests",
            parent_id=rule.parent_id,
            position=f"{place:06d}5",  # a sibling key (rulebook.placement)
        )
        for rule, both in places.items()
        for seq, day, place in zip((1, 2), (D("2013-09-27"), D("2017-09-27")), both, strict=True)
    ]
    RuleVersion.objects.bulk_create(versions, batch_size=2000)
    return book
