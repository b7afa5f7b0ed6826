"""Test data for the API tests, built through the services: a small rule book with a history
(a threshold 15 → 10 per cent, a renumbering, a repeal, a pending change), bodies with
members, an adopted proposal with an NEC roll call and a Conference card vote, and a draft.

`grow(book, n)` adds n more of everything, so that query counts can be pinned on small and on
larger data. Users: one per role (anonymous aside), each with an API token.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token

from proposals.models import Body, Membership
from proposals.roles import DRAFTER, SECRETARY, ensure_roles
from proposals.services import proposal_adopt, proposal_create, proposal_submit, vote_record
from rulebook.models import Parameter
from rulebook.services import rule_create, version_create
from tests.factories import RulebookFactory

D = datetime.date.fromisoformat
NEC = ["Ada Lovelace", "Keir Hardie", "Ellen Wilkinson", "Jo Cox", "Clement Attlee"]
CONFERENCE_2026 = D("2026-09-20")
CARD_60_40 = [
    {"name": "CLPs", "weight": 50, "for_percent": 60.1, "against_percent": 39.9},
    {"name": "Affiliates", "weight": 50, "for_percent": 55, "against_percent": 45},
]


def nomination_text(threshold: int) -> str:
    return (
        "In the case of a vacancy for leader, each nomination must be supported by "
        f"{threshold} per cent of the Commons members of the PLP.\n\n"
        "Nominations close at noon on the day the general secretary announces."
    )


def build(slug: str = "party") -> SimpleNamespace:
    book = RulebookFactory(slug=slug, title="Party Rule Book")
    Parameter.objects.create(
        rulebook=book, key="mp_threshold", label="MP nomination threshold", unit="%"
    )
    ch4 = rule_create(rulebook=book, key="ch4")
    nominations = rule_create(rulebook=book, key="c4-nominations", parent=ch4)
    banners = rule_create(rulebook=book, key="c4-banners", parent=ch4)
    ch5 = rule_create(rulebook=book, key="ch5")
    trigger = rule_create(rulebook=book, key="c5-trigger", parent=ch5)
    version_create(rule=ch4, effective_from=D("2016-01-01"), number="4", heading="Elections")
    version_create(rule=ch5, effective_from=D("2016-01-01"), number="5", heading="Selections")
    version_create(
        rule=nominations,
        effective_from=D("2016-01-01"),
        number="4.II.2.B",
        heading="Nominations",
        text=nomination_text(15),
        parameters={"mp_threshold": 15},
    )
    version_create(
        rule=nominations,
        effective_from=D("2017-09-27"),
        number="4.II.2.B.i",
        heading="Nominations",
        text=nomination_text(10),
        parameters={"mp_threshold": 10},
    )
    version_create(
        rule=banners, effective_from=D("2016-01-01"), number="4.II.3", text="Banners are red."
    )
    version_create(rule=banners, effective_from=D("2019-01-01"), repealed=True)
    version_create(
        rule=trigger,
        effective_from=D("2016-01-01"),
        number="5.I.1",
        text="A trigger ballot needs one third of branches.",
    )
    nec = Body.objects.create(rulebook=book, slug="nec", name="NEC", kind=Body.Kind.NEC)
    conference = Body.objects.create(
        rulebook=book, slug="conference", name="Conference", kind="conference", decides=True
    )
    for index, name in enumerate(NEC):
        Membership.objects.create(
            body=nec,
            name=name,
            seat="CLP section",
            start=D("2018-01-15"),
            end=D("2030-12-31") if index else None,
        )
    Membership.objects.create(
        body=nec, name="Old Member", seat="Unions", start=D("2010-01-01"), end=D("2017-12-31")
    )
    adopted = adopted_proposal(book, "2021/1", nominations, threshold=20, on=D("2021-09-29"))
    draft = proposal_create(
        rulebook=book,
        reference="2026/1",
        title="A quarter of branches",
        proposer="Northfield CLP",
        conference_year=2026,
        amendments=[{"kind": "amend", "rule": "c5-trigger", "text": "One quarter of branches."}],
    )  # by hand: the read tests look at its proposer and title
    return SimpleNamespace(
        book=book,
        nominations=nominations,
        trigger=trigger,
        banners=banners,
        nec=nec,
        conference=conference,
        adopted=adopted,
        draft=draft,
    )


def proposal(
    book,
    reference: str,
    *,
    state: str = "draft",
    rule: str = "c5-trigger",
    text: str = "Half of branches.",
    parameters: dict | None = None,
    decided_on: datetime.date = CONFERENCE_2026,
):
    """A one-amendment proposal taken to `state`: draft, submitted, or carried by Conference."""
    amendment = {"kind": "amend", "rule": rule, "text": text}
    if parameters:
        amendment["parameters"] = parameters
    made = proposal_create(
        rulebook=book,
        reference=reference,
        title=f"Proposal {reference}",
        proposer="NEC",
        conference_year=decided_on.year,
        amendments=[amendment],
    )
    if state == "draft":
        return made
    proposal_submit(proposal=made, submitted_on=decided_on - datetime.timedelta(days=30))
    if state == "carried":
        decide(made, held_on=decided_on)
    return made


def decide(proposal, *, held_on: datetime.date):
    """Conference carries the proposal by card vote."""
    vote_record(
        proposal=proposal,
        body="conference",
        held_on=held_on,
        stage="decision",
        method="card_vote",
        sections=CARD_60_40,
    )


def adopted_proposal(book, reference, rule, *, threshold, on):
    """A proposal to set the threshold, through NEC roll call and Conference card vote."""
    submitted = proposal(
        book,
        reference,
        state="submitted",
        rule=rule.key,
        text=nomination_text(threshold),
        parameters={"mp_threshold": threshold},
        decided_on=on - datetime.timedelta(days=2),
    )
    vote_record(
        proposal=submitted,
        body="nec",
        held_on=on - datetime.timedelta(days=10),
        stage="recommendation",
        method="roll_call",
        roll_call=[{"member": name, "choice": "for"} for name in NEC[:3]]
        + [{"member": NEC[3], "choice": "against"}],
    )
    decide(submitted, held_on=on - datetime.timedelta(days=2))
    proposal_adopt(proposal=submitted, effective_from=on)
    return submitted


def grow(data: SimpleNamespace, n: int) -> None:
    """n more rules with two versions each, n more proposals (adopted), n more members."""
    book = data.book
    for i in range(n):
        rule = rule_create(rulebook=book, key=f"extra-{i}", parent=data.nominations.parent)
        version_create(
            rule=rule, effective_from=D("2016-01-01"), number=f"4.X.{i}", text=f"Extra {i}."
        )
        version_create(
            rule=rule,
            effective_from=D("2018-01-01"),
            number=f"4.X.{i}",
            text=f"Extra rule {i}.",
            parameters={"mp_threshold": i},
        )
        Parameter.objects.create(rulebook=book, key=f"extra_{i}", unit="members")
        Membership.objects.create(body=data.nec, name=f"Extra {i}", start=D("2018-01-15"))
        adopted_proposal(
            book, f"2022/{i}", rule, threshold=30 + i, on=D("2022-09-29") + datetime.timedelta(i)
        )


def user(name: str, *groups: str, superuser: bool = False) -> User:
    ensure_roles()
    person = User.objects.create_user(name, is_superuser=superuser)  # no password: no hashing
    person.groups.set(Group.objects.filter(name__in=groups))
    return person


def token_for(person: User) -> str:
    return Token.objects.get_or_create(user=person)[0].key


ROLES = {
    "member": (),
    "drafter": (DRAFTER,),
    "secretary": (SECRETARY,),
}
