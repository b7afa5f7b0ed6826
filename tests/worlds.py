"""Named scenario worlds: small rule books with a history, made with `tests.factories`.

- `party`: the API's world. A Party Rule Book whose nomination threshold went 15 → 10 per cent
  (renumbered) → 20 per cent by proposal 2021/1 (NEC roll call, Conference card vote), a repeal,
  bodies with members, and a draft 2026/1. `grow_party` adds n more of everything.
- `coop`: the member pages' world. Northfield Co-operative's rules: a threshold 15 → 10 → 20
  through adopted proposals, rivals that lost or went stale, a renumbering that left a number to
  a newer rule, a repeal and a change waiting to take effect. `grow_coop` adds more.
- `club`: the admin's world. A chapter and a rule in two versions, Conference and the NEC.
- `club_history`: the importer's world, the club of the file `CLUB` with every kind of
  amendment, vote and status the workflow makes.
- `one_rule`: a book "club" with a single rule `dues` in two versions.

`tests/conftest.py` exposes each as a fixture built once per test module.
"""

from __future__ import annotations

import contextlib
import datetime
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from rulebook.exchange import read_document, rulebook_import
from rulebook.models import Rulebook
from tests.factories import (
    BodyFactory,
    ConferenceFactory,
    MembershipFactory,
    NecFactory,
    ParameterFactory,
    ProposalFactory,
    RulebookFactory,
    RuleFactory,
    add_version,
    adopt,
    amend,
    card,
    rebase,
    record_vote,
    roll_call,
    staff,
)

D = datetime.date.fromisoformat
DAY = datetime.timedelta(days=1)


@contextlib.contextmanager
def built_once(django_db_blocker, build, *args):
    """`build(*args)` inside a transaction held open until the block ends, then rolled back.

    Marked as a test case's atomic block (as `TestCase._enter_atomics` does), so that a
    service's durable `atomic` inside a test is not refused for it."""
    with django_db_blocker.unblock():
        blocks = connection.atomic_blocks
        if blocks and not getattr(blocks[-1], "_world", False):
            raise RuntimeError(
                "A world must be built before the test's transaction starts: request it as a "
                "fixture argument (a module-scoped fixture), not with getfixturevalue."
            )
        outer = transaction.atomic()
        outer._from_testcase = outer._world = True
        outer.__enter__()
        try:
            world = build(*args)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- party: the API's world ------------------------------------------------------------------

PARTY_NEC = ["Ada Lovelace", "Keir Hardie", "Ellen Wilkinson", "Jo Cox", "Clement Attlee"]


def nomination_text(threshold: int) -> str:
    return (
        "In the case of a vacancy for leader, each nomination must be supported by "
        f"{threshold} per cent of the Commons members of the PLP.\n\n"
        "Nominations close at noon on the day the general secretary announces."
    )


def party(slug: str = "party") -> SimpleNamespace:
    book = RulebookFactory(slug=slug, title="Party Rule Book")
    ParameterFactory(rulebook=book, key="mp_threshold", label="MP nomination threshold")
    ch4 = RuleFactory(rulebook=book, key="ch4")
    nominations = RuleFactory(rulebook=book, key="c4-nominations", parent=ch4)
    banners = RuleFactory(rulebook=book, key="c4-banners", parent=ch4)
    ch5 = RuleFactory(rulebook=book, key="ch5")
    trigger = RuleFactory(rulebook=book, key="c5-trigger", parent=ch5)
    add_version(ch4, "2016-01-01", number="4", heading="Elections")
    add_version(ch5, "2016-01-01", number="5", heading="Selections")
    add_version(
        nominations,
        "2016-01-01",
        nomination_text(15),
        number="4.II.2.B",
        heading="Nominations",
        parameters={"mp_threshold": 15},
    )
    add_version(
        nominations,
        "2017-09-27",
        nomination_text(10),
        number="4.II.2.B.i",
        heading="Nominations",
        parameters={"mp_threshold": 10},
    )
    add_version(banners, "2016-01-01", "Banners are red.", number="4.II.3")
    add_version(banners, "2019-01-01", repealed=True)
    add_version(
        trigger, "2016-01-01", "A trigger ballot needs one third of branches.", number="5.I.1"
    )
    nec = NecFactory(rulebook=book, name="NEC")
    conference = ConferenceFactory(rulebook=book, name="Conference")
    for index, name in enumerate(PARTY_NEC):
        MembershipFactory(body=nec, name=name, end=D("2030-12-31") if index else None)
    MembershipFactory(
        body=nec, name="Old Member", seat="Unions", start=D("2010-01-01"), end=D("2017-12-31")
    )
    world = SimpleNamespace(
        book=book,
        nominations=nominations,
        trigger=trigger,
        banners=banners,
        nec=nec,
        conference=conference,
    )
    world.adopted = party_threshold(world, "2021/1", 20, effective_from=D("2021-09-29"))
    world.draft = ProposalFactory(
        rulebook=book,
        reference="2026/1",
        title="A quarter of branches",
        conference_year=2026,
        amendments=[amend(trigger, "One quarter of branches.")],
    )
    return world


def party_proposal(world, reference: str, **fields):
    """A one-amendment proposal to the trigger rule, by the NEC; traits as ProposalFactory's."""
    decided_on = fields.pop("decided_on", D("2026-09-20"))
    return ProposalFactory(
        rulebook=world.book,
        reference=reference,
        title=f"Proposal {reference}",
        proposer="NEC",
        conference_year=decided_on.year,
        decided_on=decided_on,
        amendments=fields.pop("amendments", [amend("c5-trigger", "Half of branches.")]),
        **fields,
    )


def party_threshold(world, reference: str, threshold: int, *, rule=None, **fields):
    """A proposal setting the threshold of `rule` (the nomination rule unless given); adopted
    (after an NEC roll call and a Conference card vote) when given `effective_from`, else as
    the traits say."""
    effective_from = fields.get("effective_from")
    if effective_from:
        fields.update(
            adopted=True,
            decided_on=effective_from - 2 * DAY,
            recommendation=roll_call(PARTY_NEC[:4], ["for", "for", "for", "against"]),
        )
    amendment = amend(
        rule or world.nominations,
        nomination_text(threshold),
        parameters={"mp_threshold": threshold},
    )
    return party_proposal(world, reference, amendments=[amendment], **fields)


def grow_party(world, n: int) -> None:
    """n more rules with two versions each, n more parameters, members and adopted proposals."""
    for i in range(n):
        rule = RuleFactory(rulebook=world.book, key=f"extra-{i}", parent=world.nominations.parent)
        add_version(rule, "2016-01-01", f"Extra {i}.", number=f"4.X.{i}")
        add_version(
            rule,
            "2018-01-01",
            f"Extra rule {i}.",
            number=f"4.X.{i}",
            parameters={"mp_threshold": i},
        )
        ParameterFactory(rulebook=world.book, key=f"extra_{i}", label="", unit="members")
        MembershipFactory(body=world.nec, name=f"Extra {i}", seat="")
        party_threshold(
            world, f"2022/{i}", 30 + i, rule=rule, effective_from=D("2022-09-29") + i * DAY
        )


# --- coop: the member pages' world -----------------------------------------------------------

COOP_NEC = ["Ada Lovelace", "Keir Hardie", "Ellen Wilkinson", "Clement Attlee", "Jo Cox"]


def coop_text(threshold: int, extra: str = "") -> str:
    return (
        "In the case of a vacancy for leader, each nomination must be supported by "
        f"{threshold} per cent of the members of the committee.{extra}\n\n"
        "Nominations close at noon on the day the secretary announces."
    )


def coop(slug: str = "coop") -> SimpleNamespace:
    book = RulebookFactory(slug=slug, title="Northfield Co-operative Rules")
    threshold = ParameterFactory(
        rulebook=book, key="nomination_threshold", label="Nomination threshold", unit="%"
    )
    ch1 = RuleFactory(rulebook=book, key="membership")
    ch2 = RuleFactory(rulebook=book, key="elections")
    dues = RuleFactory(rulebook=book, key="dues", parent=ch1)
    old = RuleFactory(rulebook=book, key="old-rule", parent=ch1)
    nominations = RuleFactory(rulebook=book, key="nominations", parent=ch2)
    quorum = RuleFactory(rulebook=book, key="quorum", parent=ch2)
    add_version(ch1, "2016-01-01", number="1", heading="Membership")
    add_version(ch2, "2016-01-01", number="2", heading="Elections")
    add_version(dues, "2016-01-01", "Dues are <b>£5</b> a year.", number="1.1", heading="Dues")
    add_version(old, "2016-01-01", "Flags.", number="1.2", heading="Banners")
    add_version(old, "2019-01-01", repealed=True)
    add_version(
        nominations,
        "2016-01-01",
        coop_text(15),
        number="2.1",
        heading="Nominations",
        parameters={"nomination_threshold": 15},
    )
    add_version(quorum, "2016-01-01", "The quorum is ten members.", number="2.2", heading="Quorum")
    nec = NecFactory(rulebook=book, name="Executive Committee")
    conference = ConferenceFactory(rulebook=book)
    for index, name in enumerate(COOP_NEC):
        MembershipFactory(
            body=nec, name=name, seat="Members' section", start=D(f"201{index % 3}-01-15")
        )
    MembershipFactory(
        body=nec, name="Retired Member", seat="", start=D("2010-01-01"), end=D("2015-12-31")
    )
    world = SimpleNamespace(
        book=book,
        threshold=threshold,
        nominations=nominations,
        dues=dues,
        quorum=quorum,
        old=old,
        nec=nec,
        conference=conference,
    )
    world.p2017 = coop_threshold(
        world, "2017/1", 10, "Lower the threshold to 10%", effective_from=D("2017-09-27")
    )
    # Three rival proposals in 2021: 5% loses, 20% is adopted, 15% goes stale, never voted.
    world.p5 = coop_threshold(
        world, "2021/4", 5, "Lower the threshold to 5%", lost=True, decided_on=D("2021-09-26")
    )
    world.p20 = coop_threshold(
        world, "2021/7", 20, "Raise the threshold to 20%", carried=True, decided_on=D("2021-09-27")
    )
    world.p15 = coop_threshold(world, "2021/9", 15, "Restore the threshold of 15%", submitted=True)
    adopt(world.p20, effective_from=D("2021-09-29"), adopted_on=D("2021-09-28"))
    # 2.1 is renumbered 2.3 in 2022 and a new rule takes the number 2.1.
    add_version(
        nominations,
        "2022-01-01",
        coop_text(20),
        number="2.3",
        heading="Nominations",
        parameters={"nomination_threshold": 20},
    )
    world.newcomer = RuleFactory(rulebook=book, key="deputy", parent=ch2)
    add_version(
        world.newcomer,
        "2022-01-01",
        "The deputy leader is elected in the same way as the leader.",
        number="2.1",
        heading="Deputy leader",
    )
    world.future = timezone.localdate() + datetime.timedelta(days=60)
    add_version(dues, world.future, "Dues are £8 a year.", number="1.1", heading="Dues")
    return world


def coop_threshold(world, reference, percent, title, *, extra="", **fields):
    """A proposal by Riverside branch setting the threshold, submitted on 1 June of its year.
    Voted on (an NEC roll call, then a Conference card vote of 61.5% or 38.5%) if carried, lost
    or adopted; `effective_from` alone means adopted, two days after Conference."""
    year = int(reference[:4])
    if "effective_from" in fields:
        fields.setdefault("adopted", True)
        fields.setdefault("decided_on", fields["effective_from"] - 2 * DAY)
        fields.setdefault("adopted_on", fields["effective_from"] - DAY)
    if not fields.get("submitted"):
        won = not fields.get("lost")
        choices = ["for", "for", "for", "against", "abstain"] if won else ["against"] * 5
        fields.update(
            recommendation=roll_call(COOP_NEC, choices), sections=card(61.5 if won else 38.5)
        )
    amendment = amend(
        world.nominations, coop_text(percent, extra), parameters={"nomination_threshold": percent}
    )
    return ProposalFactory(
        rulebook=world.book,
        reference=reference,
        title=title,
        proposer="Riverside branch",
        conference_year=year,
        submitted_on=D(f"{year}-06-01"),
        amendments=[amendment],
        **fields,
    )


def grow_coop(world, count: int = 8) -> None:
    """More of everything: rules, versions of the nomination rule, proposals and votes."""
    for index in range(count):
        rule = RuleFactory(
            rulebook=world.book, key=f"extra-{index}", parent=world.nominations.parent
        )
        for year in (2016, 2018, 2020):
            add_version(
                rule,
                D(f"{year}-03-0{1 + index % 9}"),
                f"Extra text {index} as of {year}: quorum and nomination duties.",
                number=f"3.{index}",
                heading=f"Extra rule {index}",
            )
    start = D("2023-07-01")  # after 1 June, when coop_threshold submits them
    for index in range(count):
        coop_threshold(
            world,
            f"2023/{index + 1}",
            20 + index + 1,
            f"Adjust the threshold, step {index + 1}",
            extra="".join(f" Clause {step} applies." for step in range(index + 1)),
            effective_from=start + datetime.timedelta(days=10 * (index + 1)),
        )
        coop_threshold(
            world,
            f"2023/x{index + 1}",
            40 + index,
            f"Rival {index + 1}",
            lost=True,
            decided_on=start + datetime.timedelta(days=10 * (index + 1) + 5),
        )


# --- club: the admin's world -----------------------------------------------------------------

OLD = "Each nomination must be supported by 15 per cent of the PLP."
NEW = "Each nomination must be supported by 10 per cent of the PLP."


def club(slug: str = "club") -> SimpleNamespace:
    """A rule book with a chapter and a rule in two versions, Conference and the NEC."""
    book = RulebookFactory(slug=slug, title="Riverside Club Rules")
    ParameterFactory(rulebook=book, key="threshold", label="Threshold", unit="%")
    chapter = RuleFactory(rulebook=book, key="c4")
    add_version(chapter, "2010-01-01", "Chapter 4: Elections", number="4")
    rule = RuleFactory(rulebook=book, key="c4-nominations", parent=chapter)
    add_version(rule, "2010-01-01", OLD.replace("15", "20"), number="4.1", heading="Nominations")
    add_version(rule, "2016-01-01", OLD, number="4.1", heading="Nominations")
    conference = ConferenceFactory(rulebook=book)
    nec = NecFactory(rulebook=book)
    members = [
        MembershipFactory(body=nec, name=name, seat="")
        for name in ("Yasmine Dar", "Jon Lansman", "Rachel Garnham")
    ]
    return SimpleNamespace(
        rulebook=book, chapter=chapter, rule=rule, conference=conference, nec=nec, members=members
    )


def proposal_post(rulebook, amendments=(), *, existing=(), votes=0, **fields) -> dict:
    """POST data for the proposal add or change form.

    `amendments` are dicts of amendment form fields for new rows; `existing` are dicts with
    an "id" for rows already saved (add "DELETE": "on" to remove one).
    """
    data = {
        "rulebook": rulebook.pk,
        "reference": "2026/4",
        "title": "Lower the nomination threshold",
        "proposer": "Northfield CLP",
        "conference_year": "2026",
        "rationale": "",
        **fields,
    }
    rows = [*existing, *amendments]
    data.update(
        {
            "amendments-TOTAL_FORMS": str(len(rows)),
            "amendments-INITIAL_FORMS": str(len(existing)),
            "amendments-MIN_NUM_FORMS": "0",
            "amendments-MAX_NUM_FORMS": "1000",
            "votes-TOTAL_FORMS": str(votes),
            "votes-INITIAL_FORMS": str(votes),
            "votes-MIN_NUM_FORMS": "0",
            "votes-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        row = {"kind": "amend", "parameters": "{}", **row}
        for key, value in row.items():
            data[f"amendments-{index}-{key}"] = value
    return data


# --- club_history: the importer's world ------------------------------------------------------

CLUB = """\
rulebook: {slug: club, title: Club Rules}
parameters:
- {key: quorum, label: Quorum, unit: members}
rules:
- key: meetings
  versions: [{number: '1', heading: Meetings, effective_from: 2015-01-01}]
- key: quorum
  parent: meetings
  versions:
  - {number: '1.1', heading: Quorum, text: The quorum is 10 members., effective_from: 2015-01-01,
     parameters: {quorum: 10}}
- key: notice
  parent: meetings
  versions:
  - {number: '1.2', heading: Notice, text: Seven days' notice is given., effective_from: 2015-01-01}
- key: fees
  versions:
  - {number: '2', heading: Fees, text: The committee sets the fee., effective_from: 2015-01-01}
"""


def club_history() -> Rulebook:
    """The club of `CLUB` (imported) with every kind of amendment, vote and status the
    workflow makes: adopted, lost, withdrawn, remitted, pending, fallen at the NEC, a
    consolidation adopted without a vote, and a rival left in conflict by a rebase."""
    rulebook = rulebook_import(data=read_document(CLUB, format="yaml"))
    nec = NecFactory(rulebook=rulebook, name="NEC")
    conference = ConferenceFactory(rulebook=rulebook, name="Conference")
    BodyFactory(rulebook=rulebook, slug="org", name="Organisation Committee", parent=nec)
    for name, seat in (("Alice", "CLP section"), ("Bob", ""), ("Carol", "Trade unions")):
        MembershipFactory(body=nec, name=name, seat=seat, start=D("2019-01-01"))
    MembershipFactory(body=nec, name="Dan", seat="", start=D("2019-01-01"), end=D("2019-12-31"))

    def proposal(reference, *amendments, **fields):
        fields.setdefault("submitted_on", D("2020-01-10"))
        return ProposalFactory(
            rulebook=rulebook,
            reference=reference,
            title=f"Proposal {reference}",
            amendments=list(amendments),
            **fields,
        )

    def decide(made, held_on, **figures):
        return record_vote(made, body=conference, held_on=D(held_on), stage="decision", **figures)

    rival = proposal("2020/9", amend("quorum", "The quorum is 15."))
    quorum = proposal(
        "2020/1",
        amend("quorum", "The quorum is 20.", parameters={"quorum": 20}),
        rationale="More members, bigger quorum.",
        conference_year=2020,
        submitted=True,
    )
    record_vote(
        quorum,
        body=nec,
        held_on=D("2020-03-01"),
        stage="recommendation",
        method="roll_call",
        roll_call=roll_call(["Alice", "Bob", "Carol"], ["for", "against", "abstain"]),
        note="Minutes of 1 March 2020.",
    )
    decide(
        quorum,
        "2020-03-20",
        method="card_vote",
        declared_result="carried",
        sections=[
            {"name": "CLPs", "weight": 50, "for_percent": 60.1, "against_percent": 39.9},
            {"name": "Affiliates", "weight": 50, "for_percent": 45, "against_percent": 50.25},
        ],
    )
    adopt(quorum, effective_from=D("2020-04-01"), adopted_on=D("2020-03-21"))
    rebase(rival.amendments.get())  # both changed the quorum: a conflict

    lost = proposal("2020/2", amend("notice", "14 days."), submitted=True)
    decide(lost, "2020-03-20", method="show_of_hands", majority="two_thirds", votes_for=60,
           votes_against=40)  # fmt: skip
    tidy = proposal(
        "2020/3",
        {"kind": "insert", "key": "agenda", "parent": "meetings", "after": "quorum",
         "number": "1.2", "heading": "Agenda", "text": "The agenda goes with the notice."},
        {"kind": "renumber", "rule": "notice", "number": "1.3"},
        {"kind": "repeal", "rule": "fees"},
        submitted=True,
    )  # fmt: skip
    decide(tidy, "2020-09-20", method="show_of_hands", votes_for=120, votes_against=30,
           abstentions=5)  # fmt: skip
    adopt(tidy, effective_from=D("2020-10-01"), adopted_on=D("2020-09-21"))

    admin = staff("admin", superuser=True)
    typo = proposal("2021/1", amend("notice", "Seven days."))
    adopt(typo, effective_from=D("2021-01-01"), by=admin, note="Typo corrected.")
    proposal("2021/2", {"kind": "repeal", "rule": "notice"}, withdrawn=True)
    proposal("2021/3", {"kind": "amend", "rule": "quorum", "heading": "Q"}, remitted=True)
    pending = proposal(
        "2021/4", {"kind": "renumber", "rule": "agenda", "number": "9"}, submitted=True
    )
    record_vote(
        pending,
        body=nec,
        held_on=D("2021-02-01"),
        stage="recommendation",
        method="show_of_hands",
        votes_for=3,
        votes_against=10,
        declared_result="lost",
    )
    proposal(
        "2021/5",
        {"kind": "insert", "key": "minutes", "parent": "meetings", "number": "1.4",
         "text": "Minutes are kept.", "parameters": {"quorum": 12.5}},
    )  # fmt: skip
    fell = proposal("2021/6", amend("quorum", "Five."), submitted=True)
    record_vote(
        fell,
        body=nec,
        held_on=D("2021-02-01"),
        stage="decision",
        method="show_of_hands",
        votes_for=2,
        votes_against=9,
        note="Fell at the NEC.",
    )
    return rulebook


# --- one_rule --------------------------------------------------------------------------------


def one_rule(slug: str = "club") -> SimpleNamespace:
    book = RulebookFactory(slug=slug)
    dues = RuleFactory(rulebook=book, key="dues")
    add_version(dues, "2016-01-01", "Dues are £5.", number="1")
    add_version(dues, "2018-01-01", "Dues are £6.", number="1")
    return SimpleNamespace(book=book, dues=dues)


# --- branch: keys that are nothing like the words members read (issue 12) -----------------------


def branch(slug: str = "branch") -> SimpleNamespace:
    """Riverside Branch Standing Orders, whose rule keys and parameter keys look nothing like
    the numbers, headings and labels members read, so that a page showing a key is caught:
    a treasurer threshold 15 → 10 (2019/1, adopted) with a lost rival for 5 (2021/2), a repeal
    of 9.X.3 in 2020, and a change of notice 7 → 14 days adopted to take effect in 60 days."""
    book = RulebookFactory(slug=slug, title="Riverside Branch Standing Orders")
    share = ParameterFactory(
        rulebook=book,
        key="zq_treasurer_branch_share",
        label="Treasurer nominations: share of branches",
        unit="%",
    )
    notice = ParameterFactory(
        rulebook=book,
        key="zq_meeting_notice_days",
        label="Notice of a general meeting",
        unit="days",
    )
    spare = ParameterFactory(
        rulebook=book, key="zq_spare_figure", label="Honorarium of the secretary", unit=""
    )
    chapter = RuleFactory(rulebook=book, key="zq9")
    add_version(chapter, "2016-01-01", number="9", heading="Officers")
    treasurer = RuleFactory(rulebook=book, key="zq9-x-2-b-iii", parent=chapter)
    add_version(
        treasurer,
        "2016-01-01",
        "Each nomination for treasurer needs the support of 15 per cent of branches.",
        number="9.X.2.B.iii",
        heading="Nominations for treasurer",
        parameters={share.key: 15},
    )
    banners = RuleFactory(rulebook=book, key="zq9-x-3", parent=chapter)
    add_version(banners, "2016-01-01", "The branch keeps a banner.", number="9.X.3",
                heading="Banners and flags")  # fmt: skip
    add_version(banners, "2020-01-01", repealed=True)
    meetings = RuleFactory(rulebook=book, key="zq9-x-4", parent=chapter)
    add_version(
        meetings,
        "2016-01-01",
        "Seven days' notice is given of a general meeting.",
        number="9.X.4",
        heading="Notice of meetings",
        parameters={notice.key: 7},
    )
    world = SimpleNamespace(
        book=book, share=share, notice=notice, spare=spare, chapter=chapter,
        treasurer=treasurer, banners=banners, meetings=meetings,
    )  # fmt: skip
    world.adopted = ProposalFactory(
        rulebook=book,
        reference="2019/1",
        title="Lower the treasurer threshold",
        conference_year=2019,
        amendments=[
            amend(
                treasurer,
                "Each nomination for treasurer needs the support of 10 per cent of branches.",
                parameters={share.key: 10},
            )
        ],
        adopted=True,
        decided_on=D("2019-09-20"),
        effective_from=D("2019-10-01"),
    )
    world.lost = ProposalFactory(
        rulebook=book,
        reference="2021/2",
        title="Lower the treasurer threshold again",
        conference_year=2021,
        amendments=[
            amend(
                treasurer,
                "Each nomination for treasurer needs the support of 5 per cent of branches.",
                parameters={share.key: 5},
            )
        ],
        lost=True,
        decided_on=D("2021-09-20"),
    )
    today = timezone.localdate()
    world.future = today + datetime.timedelta(days=60)
    world.pending = ProposalFactory(
        rulebook=book,
        reference="2025/3",
        title="Give a fortnight's notice",
        amendments=[
            amend(
                meetings,
                "Fourteen days' notice is given of a general meeting.",
                parameters={notice.key: 14},
            )
        ],
        adopted=True,
        decided_on=today - datetime.timedelta(days=10),
        submitted_on=today - datetime.timedelta(days=40),
        effective_from=world.future,
    )
    return world
