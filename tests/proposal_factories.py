"""factory_boy factories for proposals, bodies and votes, plus helpers that walk a proposal
through the workflow with the real services (so tests exercise production rules)."""

import datetime

import factory

from proposals.models import Body, Membership, Proposal
from proposals.services import proposal_create, proposal_submit, vote_record
from tests.factories import RulebookFactory


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


class ProposalFactory(factory.django.DjangoModelFactory):
    """A bare draft with no amendments; use `draft` for one with amendments."""

    class Meta:
        model = Proposal

    rulebook = factory.SubFactory(RulebookFactory)
    reference = factory.Sequence(lambda n: f"2026/{n + 1}")
    title = factory.Sequence(lambda n: f"Rule change {n + 1}")
    proposer = "Northfield CLP"


_references = iter(range(1, 1_000_000))


def draft(rulebook, *amendments, reference=None, by=None, **fields):
    """A draft proposal made through `proposal_create`, with the given amendment dicts."""
    return proposal_create(
        rulebook=rulebook,
        reference=reference or f"T/{next(_references)}",
        title=fields.pop("title", "A rule change"),
        proposer=fields.pop("proposer", "Northfield CLP"),
        amendments=list(amendments),
        by=by,
        **fields,
    )


def amend(rule, text, **extra):
    key = rule if isinstance(rule, str) else rule.key
    return {"kind": "amend", "rule": key, "text": text, **extra}


def carried(rulebook, *amendments, held_on=datetime.date(2026, 9, 20), **fields):
    """A proposal carried by a Conference card vote (60/40 in both sections)."""
    proposal = draft(rulebook, *amendments, **fields)
    proposal_submit(proposal=proposal)
    vote_record(
        proposal=proposal,
        body=ConferenceFactory(rulebook=rulebook),
        held_on=held_on,
        stage="decision",
        method="card_vote",
        majority="simple",
        sections=[
            {"name": "CLPs", "weight": 50, "for_percent": 60, "against_percent": 40},
            {"name": "Affiliates", "weight": 50, "for_percent": 60, "against_percent": 40},
        ],
    )
    proposal.refresh_from_db()
    return proposal
