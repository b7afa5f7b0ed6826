"""Property: any history made through the services exports to a file that imports into an
empty database and exports identically.

Each example builds a rule book through the services (bodies, members' terms, proposals
drafted, submitted, recommended by roll call, decided by card vote, adopted or lost, terms
ended afterwards where the votes allow), exports it and rolls it all back; then imports the
file into the emptied database, exports again and rolls back. Both rollbacks happen inside
the test's own transaction, so each example starts from an empty database.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.models import Body, Membership, Proposal
from proposals.services.bodies import body_create, body_update, membership_create, membership_end
from rulebook.exchange import dump_document, read_document, rulebook_export, rulebook_import
from rulebook.models import Rulebook
from tests.factories import (
    CARD_60_40,
    CARD_LOST,
    ProposalFactory,
    RulebookFactory,
    RuleFactory,
    add_version,
    amend,
    roll_call,
)

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
DAY = datetime.timedelta(days=1)
FIRST = D("2016-01-01")
PEOPLE = ["Yasmine Dar", "Jon Lansman", "Rachel Garnham", "Ann Black", "Pete Willsman"]
STAGES = ["draft", "submitted", "withdrawn", "remitted", "lost", "carried", "adopted"]


@st.composite
def terms(draw):
    """A person's terms on the NEC, one after another, the last perhaps still running."""
    spans, start = [], FIRST + DAY * draw(st.integers(0, 900))
    for _ in range(draw(st.integers(1, 3))):
        length = draw(st.one_of(st.none(), st.integers(0, 1200)))
        if length is None:
            spans.append((start, None))
            break
        spans.append((start, start + DAY * length))
        start = start + DAY * (length + draw(st.integers(1, 400)))
    return spans


@st.composite
def histories(draw):
    people = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True))
    return {
        "terms": {name: draw(terms()) for name in people},
        "proposals": draw(
            st.lists(
                st.tuples(st.sampled_from(STAGES), st.integers(0, 2), st.booleans()),
                max_size=4,
            )
        ),
        "ends": draw(st.lists(st.integers(0, 3000), max_size=4)),
        "renamed": draw(st.booleans()),
    }


def build(history) -> Rulebook:
    """The history, written through the services."""
    rulebook = RulebookFactory(slug="history", title="A History")
    rules = []
    for index in range(3):
        rule = RuleFactory(rulebook=rulebook, key=f"r{index}")
        add_version(rule, FIRST, f"Rule {index} as printed.")
        rules.append(rule)
    body_create(rulebook=rulebook, slug="conference", name="Conference", decides=True)
    nec = body_create(rulebook=rulebook, slug="nec", name="NEC", kind=Body.Kind.NEC)
    for name, spans in history["terms"].items():
        for start, end in spans:
            membership_create(body=nec, name=name, start=start, end=end, seat="CLP section")
    for index, (stage, rule, recommended) in enumerate(history["proposals"]):
        decided = D("2017-09-20") + datetime.timedelta(days=365 * index)
        serving = list(Membership.objects.filter(body=nec).on(decided - 30 * DAY))
        choices = ["for", "against", "abstain"]
        recommendation = None
        if recommended and serving and stage in ("lost", "carried", "adopted"):
            recommendation = roll_call(
                [m.name for m in serving], [choices[i % 3] for i in range(len(serving))]
            )
        ProposalFactory(
            rulebook=rulebook,
            reference=f"{decided.year}/{index + 1}",
            amendments=[amend(rules[rule], f"Rule {rule} as proposal {index + 1} has it.")],
            stage=stage,
            decided_on=decided,
            recommendation=recommendation,
            sections=CARD_LOST if stage == "lost" else CARD_60_40,
            adopted_on=decided + DAY,
        )
    for days, membership in zip(history["ends"], Membership.objects.filter(end=None), strict=False):
        # Refused (and nothing written) when a roll-call vote under the term is later.
        with contextlib.suppress(ValidationError):
            membership_end(membership=membership, end=membership.start + DAY * days)
    if history["renamed"]:
        body_update(body=nec, name="National Executive Committee")
    return rulebook


def export(rulebook) -> str:
    return dump_document(rulebook_export(rulebook=rulebook), "yaml")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_any_history_exports_to_a_file_that_imports_and_exports_identically(history):
    with transaction.atomic():
        first = export(build(history))
        transaction.set_rollback(True)
    assert not Rulebook.objects.exists() and not Proposal.objects.exists()

    with transaction.atomic():
        again = export(rulebook_import(data=read_document(first, format="yaml")))
        transaction.set_rollback(True)

    assert again == first
