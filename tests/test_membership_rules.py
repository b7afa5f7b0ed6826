"""Bodies and terms keep the recorded votes true: every bad write is refused with a clear
message, through the service, the admin and an import file alike, and nothing is saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from proposals.models import Body, Membership, Vote
from proposals.services.bodies import (
    body_create,
    body_update,
    membership_create,
    membership_end,
    membership_update,
)
from rulebook.exchange import InvalidRulebookFile, read_document, rulebook_import
from rulebook.models import AuditEntry
from tests.factories import (
    ConferenceFactory,
    NecFactory,
    ProposalFactory,
    RuleFactory,
    add_version,
    amend,
    roll_call,
    staff,
)

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
DECIDED = D("2026-09-20")
RECOMMENDED = DECIDED - datetime.timedelta(days=30)  # the NEC's roll call (ProposalFactory)


@pytest.fixture
def nec(rulebook):
    return NecFactory(rulebook=rulebook)


@pytest.fixture
def yasmine(nec):
    return membership_create(
        body=nec, name="Yasmine Dar", seat="CLP section", start=D("2018-01-15")
    )


@pytest.fixture
def voted(rulebook, nec, yasmine):
    """Yasmine Dar voted in the NEC's roll call on 2026-08-21; Conference then carried it."""
    rule = RuleFactory(rulebook=rulebook, key="dues")
    add_version(rule, "2016-01-01", "Dues are 5 pounds.")
    return ProposalFactory(
        rulebook=rulebook,
        reference="2026/1",
        amendments=[amend(rule, "Dues are 6 pounds.")],
        recommendation=roll_call(["Yasmine Dar"], ["for"]),
        carried=True,
    )


def messages(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def snapshot():
    return (
        list(Membership.objects.order_by("pk").values_list("name", "start", "end", "body")),
        list(Body.objects.order_by("pk").values_list("slug", "decides", "parent")),
        AuditEntry.objects.count(),
    )


# --- the services -------------------------------------------------------------------------


def test_a_term_ending_before_it_starts_is_refused_in_words(nec):
    with pytest.raises(ValidationError) as excinfo:
        membership_create(body=nec, name="Jon", start=D("2019-01-01"), end=D("2018-12-31"))
    assert messages(excinfo) == {"end": ["2018-12-31 is before the term's start (2019-01-01)."]}
    assert not Membership.objects.exists()


def test_overlapping_terms_of_one_person_on_one_body_are_refused(nec, yasmine):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        membership_create(body=nec, name="Yasmine Dar", start=D("2020-01-01"))
    assert messages(excinfo)["start"] == [
        "Yasmine Dar already has a term on the National Executive Committee from 2018-01-15 on, "
        "which overlaps this one (from 2020-01-01 on); one person's terms on a body cannot "
        "overlap."
    ]
    assert snapshot() == before


def test_a_later_term_after_the_first_ended_is_accepted_and_audited(nec, yasmine):
    secretary = staff("secretary")
    membership_end(membership=yasmine, end=D("2019-12-31"), by=secretary)
    again = membership_create(body=nec, name="Yasmine Dar", start=D("2020-01-01"), by=secretary)
    assert Membership.objects.filter(name="Yasmine Dar").count() == 2
    ended = AuditEntry.objects.get(action="membership.update", data__membership=yasmine.pk)
    assert ended.lines() == ["end: 2019-12-31", f"membership: {yasmine.pk}"]
    assert (ended.actor, ended.record, ended.rulebook) == (secretary, nec, nec.rulebook)
    created = AuditEntry.objects.get(action="membership.create", data__membership=again.pk)
    assert "start: 2020-01-01" in created.lines()


def test_ending_a_term_before_a_roll_call_vote_under_it_is_refused_naming_the_vote(voted, yasmine):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        membership_end(membership=yasmine, end=RECOMMENDED - datetime.timedelta(days=1))
    assert messages(excinfo)["end"] == [
        "Yasmine Dar voted in the roll call of the National Executive Committee's "
        f"recommendation on proposal 2026/1 on {RECOMMENDED.isoformat()}: the term must cover "
        "that day."
    ]
    assert snapshot() == before


def test_starting_a_term_after_a_vote_under_it_is_refused(voted, yasmine):
    with pytest.raises(ValidationError) as excinfo:
        membership_update(membership=yasmine, start=RECOMMENDED + datetime.timedelta(days=1))
    assert "2026/1" in messages(excinfo)["start"][0]
    yasmine.refresh_from_db()
    assert yasmine.start == D("2018-01-15")


def test_a_term_with_votes_keeps_its_member_and_its_body(voted, yasmine, rulebook):
    other = Body.objects.create(rulebook=rulebook, slug="ctte", name="Committee", kind="committee")
    with pytest.raises(ValidationError) as excinfo:
        membership_update(membership=yasmine, name="Y. Dar")
    assert "its member cannot change" in messages(excinfo)["name"][0]
    with pytest.raises(ValidationError) as excinfo:
        membership_update(membership=yasmine, body=other)
    assert "its body cannot change" in messages(excinfo)["body"][0]
    assert Membership.objects.get(pk=yasmine.pk).name == "Yasmine Dar"


def test_a_body_that_took_decisions_keeps_its_decides_flag(voted, rulebook):
    conference = ConferenceFactory(rulebook=rulebook)
    with pytest.raises(ValidationError) as excinfo:
        body_update(body=conference, decides=False)
    assert messages(excinfo)["decides"] == [
        "The Annual Conference took decision votes (the Annual Conference's decision on "
        f"proposal 2026/1 on {DECIDED.isoformat()}) as a body entitled to decide rule changes; "
        "that cannot change now."
    ]
    assert Body.objects.get(pk=conference.pk).decides is True


def test_a_body_cannot_be_its_own_committee(nec, rulebook):
    sub = body_create(rulebook=rulebook, slug="sub", name="Sub-committee", parent=nec)
    with pytest.raises(ValidationError) as excinfo:
        body_update(body=nec, parent=sub)
    assert "one of its committees" in messages(excinfo)["parent"][0]


def test_body_changes_are_audited_with_before_and_after(nec):
    body_update(body=nec, name="NEC", by=staff("root", superuser=True))
    entry = AuditEntry.objects.get(action="body.update")
    assert entry.lines() == ["name: National Executive Committee → NEC"]
    assert entry.record == nec


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def root_client(client):
    client.force_login(staff("root", superuser=True))
    return client


def membership_form(membership, **changes):
    data = {
        "body": membership.body_id,
        "name": membership.name,
        "seat": membership.seat,
        "start": membership.start.isoformat(),
        "end": membership.end.isoformat() if membership.end else "",
    }
    return {**data, **changes}


def test_the_admin_refuses_an_end_before_the_start_in_words(root_client, yasmine):
    before = snapshot()
    url = f"/admin/proposals/membership/{yasmine.pk}/change/"
    r = root_client.post(url, membership_form(yasmine, end="2017-01-01"))
    assert r.status_code == 200
    assert "2017-01-01 is before the term&#x27;s start (2018-01-15)." in r.text
    assert "proposals_membership_end_after_start" not in r.text
    assert snapshot() == before


def test_the_admin_refuses_moving_a_voter_out_of_their_term(root_client, voted, yasmine):
    before = snapshot()
    url = f"/admin/proposals/membership/{yasmine.pk}/change/"
    r = root_client.post(url, membership_form(yasmine, end="2026-01-01"))
    assert r.status_code == 200
    assert "proposal 2026/1" in r.text and "the term must cover that day" in r.text
    assert snapshot() == before


def test_the_admin_refuses_an_overlapping_term(root_client, nec, yasmine):
    before = snapshot()
    data = {"body": nec.pk, "name": "Yasmine Dar", "seat": "", "start": "2019-05-01", "end": ""}
    r = root_client.post("/admin/proposals/membership/add/", data)
    assert r.status_code == 200
    assert "cannot overlap" in r.text
    assert snapshot() == before


def test_the_admin_saves_a_good_change_through_the_service(root_client, yasmine):
    url = f"/admin/proposals/membership/{yasmine.pk}/change/"
    r = root_client.post(url, membership_form(yasmine, end="2019-12-31"))
    assert r.status_code == 302
    assert Membership.objects.get(pk=yasmine.pk).end == D("2019-12-31")
    entry = AuditEntry.objects.get(action="membership.update")
    assert entry.actor.username == "root" and "end: 2019-12-31" in entry.lines()


def body_form(body, *new_terms):
    data = {
        "name": body.name,
        "kind": body.kind,
        "decides": "on" if body.decides else "",
        "parent": body.parent_id or "",
        # The recorded terms (read only here) and the rows for new ones.
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-2-TOTAL_FORMS": str(len(new_terms)),
        "memberships-2-INITIAL_FORMS": "0",
    }
    for index, (name, start, end) in enumerate(new_terms):
        data |= {
            f"memberships-2-{index}-name": name,
            f"memberships-2-{index}-seat": "",
            f"memberships-2-{index}-start": start,
            f"memberships-2-{index}-end": end,
        }
    return data


def test_the_body_page_refuses_two_new_overlapping_terms(root_client, nec):
    before = snapshot()
    terms = [("Jon", "2018-01-01", "2019-12-31"), ("Jon", "2019-06-01", "")]
    r = root_client.post(f"/admin/proposals/body/{nec.pk}/change/", body_form(nec, *terms))
    assert r.status_code == 200
    assert "cannot overlap" in r.text
    assert snapshot() == before


def test_the_body_page_adds_terms_through_the_service(root_client, nec):
    terms = [("Jon", "2018-01-01", "2019-12-31"), ("Jon", "2020-01-01", "")]
    r = root_client.post(f"/admin/proposals/body/{nec.pk}/change/", body_form(nec, *terms))
    assert r.status_code == 302
    assert list(Membership.objects.filter(body=nec).values_list("start", flat=True)) == [
        D("2018-01-01"),
        D("2020-01-01"),
    ]
    assert AuditEntry.objects.filter(action="membership.create").count() == 2


def test_the_body_page_refuses_to_unflag_a_deciding_body_with_decisions(
    root_client, voted, rulebook
):
    conference = Body.objects.get(rulebook=rulebook, slug="conference")
    before = snapshot()
    data = body_form(conference) | {"decides": ""}
    r = root_client.post(f"/admin/proposals/body/{conference.pk}/change/", data)
    assert r.status_code == 200
    assert "that cannot change now" in r.text
    assert snapshot() == before
    assert Vote.objects.filter(body=conference, result="carried").exists()


def test_a_term_cannot_be_deleted_in_the_admin(root_client, yasmine):
    r = root_client.post(f"/admin/proposals/membership/{yasmine.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert Membership.objects.filter(pk=yasmine.pk).exists()


# --- the importer -------------------------------------------------------------------------

BOOK = """
rulebook: {slug: club, title: Club}
rules:
  - key: dues
    versions: [{number: "1", text: Dues are 5 pounds., effective_from: 2016-01-01}]
bodies:
  - slug: nec
    name: NEC
    kind: nec
    members:
"""


def test_an_import_with_overlapping_terms_is_refused_by_path():
    members = (
        "      - {name: Jon, from: 2018-01-01}\n"
        "      - {name: Ann, from: 2018-01-01, until: 2019-01-01}\n"
        "      - {name: Jon, from: 2019-01-01, until: 2019-06-01}\n"
        "      - {name: Ann, from: 2019-02-01, until: 2019-01-01}\n"
    )
    with pytest.raises(InvalidRulebookFile) as excinfo:
        rulebook_import(data=read_document(BOOK + members, format="yaml"))
    assert excinfo.value.errors == [
        "bodies[0].members[2].from: Jon already has a term on the NEC from 2018-01-01 on, which "
        "overlaps this one (from 2019-01-01 until 2019-06-01); one person's terms on a body "
        "cannot overlap",
        "bodies[0].members[3].until: 2019-01-01 is before the term's start (2019-02-01)",
    ]
    assert not Body.objects.exists() and not AuditEntry.objects.exists()
