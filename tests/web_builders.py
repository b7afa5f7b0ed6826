"""A small rule book with a history, built through the services, for the member-page tests.

Northfield Co-operative's rules: chapters, a nomination threshold that moved 15 → 10 → 20
through adopted proposals with NEC roll calls and Conference card votes, rival proposals that
lost or went stale, a renumbering that left a number to a newer rule, a repeal and a change
waiting to take effect. `grow` adds more of everything, to show page query counts stay flat.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from proposals.models import Body, Membership
from proposals.services.adoption import proposal_adopt
from proposals.services.drafting import proposal_create
from proposals.services.workflow import proposal_submit, vote_record
from rulebook.models import Parameter, Rule
from rulebook.services import rule_create, version_create
from tests.factories import RulebookFactory

D = datetime.date.fromisoformat
NEC_MEMBERS = ["Ada Lovelace", "Keir Hardie", "Ellen Wilkinson", "Clement Attlee", "Jo Cox"]


def text(threshold: int, extra: str = "") -> str:
    return (
        "In the case of a vacancy for leader, each nomination must be supported by "
        f"{threshold} per cent of the members of the committee.{extra}\n\n"
        "Nominations close at noon on the day the secretary announces."
    )


def build(slug: str = "coop") -> SimpleNamespace:
    book = RulebookFactory(slug=slug, title="Northfield Co-operative Rules")
    threshold = Parameter.objects.create(
        rulebook=book, key="nomination_threshold", label="Nomination threshold", unit="%"
    )
    ch1 = rule_create(rulebook=book, key="membership")
    ch2 = rule_create(rulebook=book, key="elections")
    dues = rule_create(rulebook=book, key="dues", parent=fresh(ch1))
    old = rule_create(rulebook=book, key="old-rule", parent=fresh(ch1))
    nominations = rule_create(rulebook=book, key="nominations", parent=fresh(ch2))
    quorum = rule_create(rulebook=book, key="quorum", parent=fresh(ch2))
    version_create(rule=ch1, effective_from=D("2016-01-01"), number="1", heading="Membership")
    version_create(rule=ch2, effective_from=D("2016-01-01"), number="2", heading="Elections")
    version_create(
        rule=dues,
        effective_from=D("2016-01-01"),
        number="1.1",
        heading="Dues",
        text="Dues are <b>£5</b> a year.",
    )
    version_create(
        rule=old, effective_from=D("2016-01-01"), number="1.2", heading="Banners", text="Flags."
    )
    version_create(rule=old, effective_from=D("2019-01-01"), repealed=True)
    version_create(
        rule=nominations,
        effective_from=D("2016-01-01"),
        number="2.1",
        heading="Nominations",
        text=text(15),
        parameters={"nomination_threshold": 15},
    )
    version_create(
        rule=quorum,
        effective_from=D("2016-01-01"),
        number="2.2",
        heading="Quorum",
        text="The quorum is ten members.",
    )
    nec = Body.objects.create(rulebook=book, slug="nec", name="Executive Committee", kind="nec")
    conference = Body.objects.create(
        rulebook=book, slug="conference", name="Annual Conference", kind="conference", decides=True
    )
    for index, name in enumerate(NEC_MEMBERS):
        Membership.objects.create(
            body=nec, name=name, seat="Members' section", start=D(f"201{index % 3}-01-15")
        )
    Membership.objects.create(
        body=nec, name="Retired Member", start=D("2010-01-01"), end=D("2015-12-31")
    )
    ns = SimpleNamespace(
        book=book,
        threshold=threshold,
        nominations=nominations,
        dues=dues,
        quorum=quorum,
        old=old,
        nec=nec,
        conference=conference,
    )
    ns.p2017 = adopted(ns, "2017/1", 10, D("2017-09-27"), title="Lower the threshold to 10%")
    # Three rival proposals in 2021: 5% loses, 20% is adopted, 15% goes stale, never voted.
    ns.p5 = proposal(ns, "2021/4", 5, title="Lower the threshold to 5%")
    ns.p20 = proposal(ns, "2021/7", 20, title="Raise the threshold to 20%")
    ns.p15 = proposal(ns, "2021/9", 15, title="Restore the threshold of 15%")
    vote(ns, ns.p5, D("2021-09-26"), carried=False)
    vote(ns, ns.p20, D("2021-09-27"), carried=True)
    proposal_adopt(proposal=ns.p20, effective_from=D("2021-09-29"), adopted_on=D("2021-09-28"))
    # 2.1 is renumbered 2.3 in 2022 and a new rule takes the number 2.1.
    version_create(
        rule=nominations,
        effective_from=D("2022-01-01"),
        number="2.3",
        heading="Nominations",
        text=text(20),
        parameters={"nomination_threshold": 20},
    )
    ns.newcomer = rule_create(rulebook=book, key="deputy", parent=fresh(ch2))
    version_create(
        rule=ns.newcomer,
        effective_from=D("2022-01-01"),
        number="2.1",
        heading="Deputy leader",
        text="The deputy leader is elected in the same way as the leader.",
    )
    ns.future = timezone.localdate() + datetime.timedelta(days=60)
    version_create(
        rule=dues,
        effective_from=ns.future,
        number="1.1",
        heading="Dues",
        text="Dues are £8 a year.",
    )
    return ns


def fresh(rule: Rule) -> Rule:
    """The rule as stored now: `rule_create` places a child by its parent's position, which
    an earlier insert may have moved since this instance was loaded."""
    return Rule.objects.get(pk=rule.pk)


def proposal(ns, reference, percent, *, title, extra=""):
    made = proposal_create(
        rulebook=ns.book,
        reference=reference,
        title=title,
        proposer="Riverside branch",
        conference_year=int(reference[:4]),
        amendments=[
            {
                "kind": "amend",
                "rule": ns.nominations.key,
                "text": text(percent, extra),
                "parameters": {"nomination_threshold": percent},
            }
        ],
    )
    return proposal_submit(proposal=made, submitted_on=D(f"{reference[:4]}-06-01"))


def vote(ns, made, held_on, *, carried):
    choices = ["for", "for", "for", "against", "abstain"] if carried else ["against"] * 5
    vote_record(
        proposal=made,
        body=ns.nec,
        held_on=held_on - datetime.timedelta(days=30),
        stage="recommendation",
        method="roll_call",
        roll_call=[
            {"member": name, "choice": choice}
            for name, choice in zip(NEC_MEMBERS, choices, strict=True)
        ],
    )
    share = 61.5 if carried else 38.5
    vote_record(
        proposal=made,
        body=ns.conference,
        held_on=held_on,
        stage="decision",
        method="card_vote",
        sections=[
            {"name": "CLPs", "weight": 50, "for_percent": share, "against_percent": 100 - share},
            {
                "name": "Affiliates",
                "weight": 50,
                "for_percent": share,
                "against_percent": 100 - share,
            },
        ],
    )


def adopted(ns, reference, percent, effective_from, *, title, extra=""):
    made = proposal(ns, reference, percent, title=title, extra=extra)
    vote(ns, made, effective_from - datetime.timedelta(days=2), carried=True)
    proposal_adopt(
        proposal=made,
        effective_from=effective_from,
        adopted_on=effective_from - datetime.timedelta(days=1),
    )
    return made


def grow(ns, count: int = 8) -> None:
    """More of everything: rules, versions of the nomination rule, proposals and votes."""
    for index in range(count):
        extra = rule_create(
            rulebook=ns.book, key=f"extra-{index}", parent=fresh(ns.nominations.parent)
        )
        for year in (2016, 2018, 2020):
            version_create(
                rule=extra,
                effective_from=D(f"{year}-03-0{1 + index % 9}"),
                number=f"3.{index}",
                heading=f"Extra rule {index}",
                text=f"Extra text {index} as of {year}: quorum and nomination duties.",
            )
    start = D("2023-01-01")
    for index in range(count):
        adopted(
            ns,
            f"2023/{index + 1}",
            20 + index + 1,
            start + datetime.timedelta(days=10 * (index + 1)),
            title=f"Adjust the threshold, step {index + 1}",
            extra="".join(f" Clause {step} applies." for step in range(index + 1)),
        )
        lost = proposal(ns, f"2023/x{index + 1}", 40 + index, title=f"Rival {index + 1}")
        vote(ns, lost, start + datetime.timedelta(days=10 * (index + 1) + 5), carried=False)
