"""Helpers for the admin tests: staff users in the project's groups, a small rule book with
bodies, and the admin's form data (management forms included) for a proposal."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from proposals.models import Body, Membership
from proposals.roles import DRAFTER, SECRETARY
from rulebook.models import Parameter
from rulebook.services import rule_create
from tests.factories import RulebookFactory, add_version

OLD = "Each nomination must be supported by 15 per cent of the PLP."
NEW = "Each nomination must be supported by 10 per cent of the PLP."


def staff(username: str, *groups: str, superuser: bool = False, password: str | None = None):
    """A staff user in `groups`; without a password (hashing one is slow) unless given."""
    user = get_user_model().objects.create_user(
        username, password=password, is_staff=True, is_superuser=superuser
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def drafter():
    return staff("drafter", DRAFTER)


def secretary():
    return staff("secretary", SECRETARY)


def book(slug: str = "club") -> SimpleNamespace:
    """A rule book with a chapter and a rule in two versions, Conference and the NEC."""
    rulebook = RulebookFactory(slug=slug, title="Riverside Club Rules")
    Parameter.objects.create(rulebook=rulebook, key="threshold", label="Threshold", unit="%")
    chapter = rule_create(rulebook=rulebook, key="c4")
    add_version(chapter, "2010-01-01", "Chapter 4: Elections", number="4")
    rule = rule_create(rulebook=rulebook, key="c4-nominations", parent=chapter)
    add_version(rule, "2010-01-01", OLD.replace("15", "20"), number="4.1", heading="Nominations")
    add_version(rule, "2016-01-01", OLD, number="4.1", heading="Nominations")
    conference = Body.objects.create(
        rulebook=rulebook,
        slug="conference",
        name="Annual Conference",
        kind="conference",
        decides=True,
    )
    nec = Body.objects.create(
        rulebook=rulebook, slug="nec", name="National Executive Committee", kind="nec"
    )
    members = [
        Membership.objects.create(body=nec, name=name, start=datetime.date(2018, 1, 15))
        for name in ("Yasmine Dar", "Jon Lansman", "Rachel Garnham")
    ]
    return SimpleNamespace(
        rulebook=rulebook,
        chapter=chapter,
        rule=rule,
        conference=conference,
        nec=nec,
        members=members,
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
