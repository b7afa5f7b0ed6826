"""Every write to a rule book's record moves its revision, in the write's own transaction; a
refused write leaves it where it was (the revision keys what may be cached about the book)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from proposals.services.bodies import body_create, membership_create
from proposals.services.drafting import amendment_add, proposal_create, proposal_update
from proposals.services.workflow import proposal_submit, vote_record, vote_void
from rulebook.exchange.importing import rulebook_import
from rulebook.models import Rulebook
from rulebook.services import version_create
from tests.factories import user

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def revision(book) -> int:
    return Rulebook.objects.values_list("revision", flat=True).get(pk=book.pk)


def moves(book, write) -> int:
    before = revision(book)
    write()
    return revision(book) - before


def test_recording_a_version_moves_the_revision(party):
    assert (
        moves(
            party.book,
            lambda: version_create(
                rule=party.trigger,
                effective_from=D("2027-01-01"),
                number="5.I.1",
                text="Half of branches.",
                provenance="reconstructed",
                source="test",
            ),
        )
        == 1
    )


def test_a_refused_version_leaves_the_revision_alone(party):
    before = revision(party.book)
    with pytest.raises(ValidationError):
        version_create(
            rule=party.trigger,
            effective_from=D("2000-01-01"),
            text="Too early.",
            provenance="reconstructed",
            source="test",
        )
    assert revision(party.book) == before


def test_creating_and_editing_a_proposal_move_the_revision(party):
    created = []
    assert (
        moves(
            party.book,
            lambda: created.append(
                proposal_create(
                    rulebook=party.book,
                    reference="2027/1",
                    title="Banners",
                    proposer="Northfield CLP",
                )
            ),
        )
        == 1
    )
    assert moves(party.book, lambda: proposal_update(proposal=created[0], title="Flags")) == 1
    assert (
        moves(
            party.book,
            lambda: amendment_add(
                proposal=created[0],
                kind="amend",
                rule="c5-trigger",
                text="Half of branches.",
            ),
        )
        == 1
    )


def test_a_refused_proposal_edit_leaves_the_revision_alone(party):
    before = revision(party.book)
    with pytest.raises(ValidationError):
        proposal_update(proposal=party.draft, title="")
    assert revision(party.book) == before


def test_a_vote_and_its_void_move_the_revision(party):
    secretary = user("sec")
    proposal_submit(proposal=party.draft, by=secretary)
    votes = []
    assert (
        moves(
            party.book,
            lambda: votes.append(
                vote_record(
                    proposal=party.draft,
                    body=party.nec,
                    held_on=datetime.date.today(),
                    stage="recommendation",
                    method="show_of_hands",
                    majority="simple",
                    votes_for=20,
                    votes_against=5,
                    abstentions=0,
                    by=secretary,
                )
            ),
        )
        == 1
    )
    assert (
        moves(party.book, lambda: vote_void(vote=votes[0], reason="Miscounted", by=secretary)) == 1
    )


def test_bodies_and_memberships_move_the_revision(party):
    bodies = []
    assert (
        moves(
            party.book,
            lambda: bodies.append(body_create(rulebook=party.book, slug="ctee", name="Committee")),
        )
        == 1
    )
    assert (
        moves(
            party.book,
            lambda: membership_create(body=bodies[0], name="A Member", start=D("2020-01-01")),
        )
        == 1
    )


def test_an_import_leaves_its_new_book_past_revision_zero(db):
    book = rulebook_import(
        data={
            "rulebook": {"slug": "imported", "title": "Imported"},
            "rules": [
                {
                    "key": "one",
                    "versions": [
                        {
                            "number": "1",
                            "text": "One.",
                            "effective_from": "2020-01-01",
                            "provenance": "printed",
                            "source": "test",
                        }
                    ],
                }
            ],
        }
    )
    assert revision(book) >= 1


def test_writes_to_one_book_leave_another_alone(party, coop):
    before = revision(coop.book)
    proposal_update(proposal=party.draft, title="Another title")
    assert revision(coop.book) == before


def test_adopting_a_carried_proposal_moves_the_revision_and_a_refused_one_does_not(party):
    from proposals.services.adoption import proposal_adopt
    from tests.worlds import party_threshold

    carried = party_threshold(party, "2027/2", 25, carried=True, decided_on=D("2026-06-01"))
    before = revision(party.book)
    with pytest.raises(ValidationError):
        proposal_adopt(proposal=party.draft, effective_from=D("2026-06-08"))
    assert revision(party.book) == before
    proposal_adopt(proposal=carried, effective_from=D("2026-06-08"))
    assert revision(party.book) > before


def test_editing_a_rule_book_in_the_admin_moves_its_revision(client, party):
    from tests.factories import staff

    client.force_login(staff("admin", superuser=True))
    before = revision(party.book)
    response = client.post(
        f"/admin/rulebook/rulebook/{party.book.pk}/change/",
        {"title": "The Party Rule Book", "description": ""},
    )
    assert response.status_code == 302
    assert Rulebook.objects.get(pk=party.book.pk).title == "The Party Rule Book"
    assert revision(party.book) == before + 1


def test_rebasing_a_stale_amendment_moves_the_revision(party):
    from proposals.services.rebase import proposal_rebase
    from tests.worlds import party_threshold

    stale = party_threshold(party, "2027/3", 30)
    version_create(
        rule=stale.amendments.get().rule,
        effective_from=D("2027-02-01"),
        number="4.II.2.B.i",
        text="Each nomination must be supported by 12 per cent of the PLP.",
        provenance="reconstructed",
        source="test",
    )
    assert stale.amendments.with_staleness().get().is_stale
    # Clean or in conflict, a rebase is recorded (AmendmentRebase, audited): a write.
    assert moves(party.book, lambda: proposal_rebase(proposal=stale)) >= 1
    assert stale.amendments.get().rebases.count() == 1
