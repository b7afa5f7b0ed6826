"""The decisions behind rule versions are kept: an adopted proposal, its amendments and rebases,
its votes with their sections and roll calls cannot be deleted (ORM on both databases, SQL on
PostgreSQL); recorded votes, and the terms and bodies they depend on, cannot be rewritten in
SQL (proposals migration 0006)."""

import datetime
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from proposals.models import (
    AmendmentRebase,
    Body,
    CardVoteSection,
    DecisionRecordError,
    Membership,
    Proposal,
    RollCallEntry,
    Vote,
)
from proposals.services import amendment_remove, proposal_update, vote_void
from tests.factories import D, ProposalFactory, adopt, amend, rebase, staff
from tests.test_history_guards import refused
from tests.worlds import party_proposal

pytestmark = pytest.mark.django_db


def adopted_rows(party):
    """Every kind of row behind the party's adopted proposal 2021/1, as a queryset each."""
    adopted = party.adopted
    return {
        "proposal": Proposal.objects.filter(pk=adopted.pk),
        "amendments": adopted.amendments.all(),
        "votes": adopted.votes.all(),
        "card-vote sections": CardVoteSection.objects.filter(vote__proposal=adopted),
        "roll call": RollCallEntry.objects.filter(vote__proposal=adopted),
    }


# --- the ORM, on both databases ------------------------------------------------------------


def test_an_adopted_proposal_cannot_be_deleted(party):
    with pytest.raises(DecisionRecordError, match="Proposal 2021/1 is adopted"):
        party.adopted.delete()
    assert Proposal.objects.filter(pk=party.adopted.pk).exists()


@pytest.mark.parametrize(
    "kind", ["proposal", "amendments", "votes", "card-vote sections", "roll call"]
)
def test_nothing_behind_an_adopted_proposal_can_be_deleted_in_bulk(party, kind):
    rows = adopted_rows(party)[kind]
    count = rows.count()
    assert count > 0
    with pytest.raises(DecisionRecordError, match="2021/1 is adopted"):
        rows.delete()
    assert rows.count() == count


def test_each_row_behind_an_adopted_proposal_refuses_its_own_delete(party):
    for rows in adopted_rows(party).values():
        with pytest.raises(DecisionRecordError):
            rows.first().delete()
    assert party.adopted.votes.get(stage="decision").sections.count() == 2


@pytest.fixture
def rebased_and_adopted(party):
    """2026/7 drafted against c5-trigger v1, rebased onto v2 (2026/8, adopted first), then
    adopted itself."""
    later = party_proposal(
        party,
        "2026/7",
        amendments=[amend("c5-trigger", "A trigger ballot needs one third of branches and CLPs.")],
        carried=True,
        decided_on=D("2026-09-21"),
    )
    party_proposal(
        party,
        "2026/8",
        amendments=[amend("c5-trigger", "A trigger ballot needs one half of branches.")],
        adopted=True,
    )
    rebase(later.amendments.get())
    adopt(later, effective_from=D("2026-09-30"))
    return later


def test_the_rebases_of_an_adopted_amendment_cannot_be_deleted(rebased_and_adopted):
    rebases = AmendmentRebase.objects.filter(amendment__proposal=rebased_and_adopted)
    assert rebases.get().outcome == AmendmentRebase.Outcome.CLEAN
    with pytest.raises(DecisionRecordError, match="2026/7 is adopted"):
        rebases.delete()
    with pytest.raises(DecisionRecordError):
        rebases.get().delete()
    assert rebases.count() == 1


def test_a_drafts_amendments_are_still_replaced_and_removed(party):
    draft = party.draft
    proposal_update(proposal=draft, amendments=[amend("c5-trigger", "Two fifths of branches.")])
    assert draft.amendments.get().text == "Two fifths of branches."
    amendment_remove(amendment=draft.amendments.get())
    assert not draft.amendments.exists()


def test_a_proposal_that_was_never_adopted_may_still_be_deleted(party):
    lost = party_proposal(party, "2026/9", lost=True)
    lost.delete()
    assert not Proposal.objects.filter(reference="2026/9").exists()
    assert not Vote.objects.filter(proposal_id=lost.pk).exists()


def test_the_admin_offers_no_delete_for_proposals_or_their_votes(party):
    request = RequestFactory().get("/")
    request.user = staff("keeper", superuser=True)
    for model in (Proposal, Vote, Body, Membership):
        assert not site._registry[model].has_delete_permission(request, None)
    assert not site._registry[Proposal].has_delete_permission(request, party.adopted)


# --- SQL, on PostgreSQL ---------------------------------------------------------------------


ADOPTED_ROWS_SQL = {
    "proposals_proposal": "id = %(proposal)s",
    "proposals_amendment": "proposal_id = %(proposal)s",
    "proposals_vote": "proposal_id = %(proposal)s",
    "proposals_cardvotesection": "vote_id IN (SELECT id FROM proposals_vote "
    "WHERE proposal_id = %(proposal)s)",
    "proposals_rollcallentry": "vote_id IN (SELECT id FROM proposals_vote "
    "WHERE proposal_id = %(proposal)s)",
}


@pytest.mark.postgres
@pytest.mark.parametrize("table", ADOPTED_ROWS_SQL)
def test_sql_cannot_delete_what_an_adopted_proposal_was_decided_on(party, table):
    where = ADOPTED_ROWS_SQL[table]
    message = refused(f"DELETE FROM {table} WHERE {where}", {"proposal": party.adopted.pk})
    assert "proposal 2021/1 is adopted" in message
    assert RollCallEntry.objects.filter(vote__proposal=party.adopted).count() == 4


@pytest.mark.postgres
def test_sql_cannot_delete_the_rebases_of_an_adopted_amendment(rebased_and_adopted):
    message = refused("DELETE FROM proposals_amendmentrebase")
    assert "proposal 2026/7 is adopted" in message
    assert AmendmentRebase.objects.filter(amendment__proposal=rebased_and_adopted).exists()


@pytest.mark.postgres
def test_sql_deletes_a_draft_with_its_amendments(party):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM proposals_amendment WHERE proposal_id = %s", [party.draft.pk])
        cursor.execute("DELETE FROM proposals_proposal WHERE id = %s", [party.draft.pk])
    assert not Proposal.objects.filter(reference="2026/1").exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "table",
    [
        "proposals_proposal",
        "proposals_amendment",
        "proposals_amendmentrebase",
        "proposals_vote",
        "proposals_cardvotesection",
        "proposals_rollcallentry",
        "proposals_body",
        "proposals_membership",
    ],
)
def test_sql_cannot_truncate_the_decision_tables(party, table):
    assert f"{table} cannot be truncated" in refused(f"TRUNCATE {table} CASCADE")
    assert Proposal.objects.filter(pk=party.adopted.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE proposals_proposal SET reference = '2021/99' WHERE id = %(proposal)s",
        "UPDATE proposals_proposal SET status = 'draft', adopted_on = NULL WHERE id = %(proposal)s",
        "UPDATE proposals_proposal SET rulebook_id = rulebook_id + 1 WHERE id = %(proposal)s",
    ],
)
def test_sql_cannot_change_an_adopted_proposals_identity_or_adoption(party, statement):
    message = refused(statement, {"proposal": party.adopted.pk})
    assert "proposal 2021/1 is adopted" in message
    assert Proposal.objects.get(pk=party.adopted.pk).reference == "2021/1"


@pytest.mark.postgres
def test_sql_may_still_correct_an_adopted_proposals_title(party):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_proposal SET title = 'Corrected' WHERE id = %s", [party.adopted.pk]
        )
    assert Proposal.objects.get(pk=party.adopted.pk).title == "Corrected"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment",
    [
        "text = 'Rewritten.'",
        "kind = 'repeal'",
        "parameters = '{\"mp_threshold\": 99}'",
        "produced_version_id = NULL",
        "base_version_id = produced_version_id",
        "number = '9.9'",
        "heading = 'Other'",
    ],
)
def test_sql_cannot_rewrite_an_adopted_amendment(party, assignment):
    message = refused(
        f"UPDATE proposals_amendment SET {assignment} WHERE proposal_id = %s", [party.adopted.pk]
    )
    assert "its amendments cannot change" in message
    amendment = party.adopted.amendments.get()
    assert amendment.parameters == {"mp_threshold": 20}
    assert amendment.produced_version is not None


@pytest.mark.postgres
def test_sql_may_still_rewrite_a_drafts_amendment(party):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_amendment SET text = 'Redrafted.' WHERE proposal_id = %s",
            [party.draft.pk],
        )
    assert party.draft.amendments.get().text == "Redrafted."


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment",
    [
        "votes_for = 999",
        "result = 'lost'",
        "held_on = held_on + 1",
        "stage = 'recommendation'",
        "body_id = (SELECT id FROM proposals_body WHERE slug = 'nec')",
        "note = 'Forged source'",
    ],
)
def test_sql_cannot_rewrite_a_recorded_vote(party, assignment):
    decision = party.adopted.votes.get(stage="decision")
    message = refused(f"UPDATE proposals_vote SET {assignment} WHERE id = %s", [decision.pk])
    assert f"vote {decision.pk} is recorded" in message
    assert Vote.objects.get(pk=decision.pk).result == decision.result


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE proposals_cardvotesection SET for_percent = 1",
        "UPDATE proposals_rollcallentry SET choice = 'against'",
    ],
)
def test_sql_cannot_rewrite_a_votes_figures(party, statement):
    assert "are recorded with it and cannot change" in refused(statement)
    assert RollCallEntry.objects.filter(choice="for").count() == 3


@pytest.fixture
def carried(party):
    return party_proposal(party, "2026/10", carried=True)


@pytest.mark.postgres
def test_voiding_a_vote_is_the_one_change_sql_allows_and_only_once(carried):
    secretary = staff("secretary", superuser=True)
    decision = vote_void(vote=carried.votes.get(), reason="Miscounted.", by=secretary)
    assert Vote.objects.voided().get().pk == decision.pk
    for assignment in [
        "voided_at = NULL, voided_by_id = NULL, void_reason = ''",
        "void_reason = 'Another reason.'",
    ]:
        message = refused(f"UPDATE proposals_vote SET {assignment} WHERE id = %s", [decision.pk])
        assert f"vote {decision.pk} was voided" in message
    assert Vote.objects.get(pk=decision.pk).void_reason == "Miscounted."


@pytest.mark.postgres
def test_sql_voids_a_vote_by_its_void_fields(carried):
    secretary = staff("secretary", superuser=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_vote SET voided_at = %s, voided_by_id = %s, void_reason = 'Wrong.' "
            "WHERE proposal_id = %s",
            [timezone.now(), secretary.pk, carried.pk],
        )
    assert carried.votes.get().voided_by == secretary


def nec_member(party, name: str) -> Membership:
    return Membership.objects.get(body=party.nec, name=name)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment, why",
    [
        ("name = 'Someone Else'", "its member and body cannot change"),
        ("body_id = %(conference)s", "its member and body cannot change"),
        ("\"end\" = '2021-01-01'", "the term must cover that day"),
        ("start = '2022-01-01'", "the term must cover that day"),
    ],
)
def test_sql_cannot_rewrite_a_term_that_roll_call_votes_depend_on(party, assignment, why):
    member = nec_member(party, "Keir Hardie")  # voted in 2021/1's roll call on 2021-08-28
    params = {"member": member.pk, "conference": party.conference.pk}
    message = refused(f"UPDATE proposals_membership SET {assignment} WHERE id = %(member)s", params)
    assert why in message
    assert Membership.objects.get(pk=member.pk).end == datetime.date(2030, 12, 31)


@pytest.mark.postgres
def test_sql_may_still_end_a_term_after_its_votes_or_rename_a_member_who_never_voted(party):
    voted, never = nec_member(party, "Keir Hardie"), nec_member(party, "Old Member")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_membership SET \"end\" = '2025-01-01' WHERE id = %s", [voted.pk]
        )
        cursor.execute("UPDATE proposals_membership SET name = 'Renamed' WHERE id = %s", [never.pk])
    assert Membership.objects.get(pk=voted.pk).end == datetime.date(2025, 1, 1)
    assert Membership.objects.get(pk=never.pk).name == "Renamed"


@pytest.mark.postgres
def test_sql_cannot_change_whether_a_body_that_decided_may_decide(party):
    message = refused(
        "UPDATE proposals_body SET decides = false WHERE id = %s", [party.conference.pk]
    )
    assert "took decision votes" in message
    assert Body.objects.get(pk=party.conference.pk).decides


@pytest.mark.postgres
def test_sql_cannot_move_a_body_that_voted_to_another_rule_book(party):
    other = ProposalFactory().rulebook
    message = refused(
        "UPDATE proposals_body SET rulebook_id = %s WHERE id = %s", [other.pk, party.nec.pk]
    )
    assert "cannot move to another" in message


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM proposals_body WHERE slug = 'nec'",
        "DELETE FROM proposals_membership WHERE name = 'Keir Hardie'",
    ],
)
def test_sql_cannot_delete_a_body_or_term_that_votes_refer_to(party, statement):
    assert "foreign key" in refused(statement)
    assert Membership.objects.filter(name="Keir Hardie").exists()


@pytest.fixture
def app_role():
    name = "rulebook_app_test"
    call_command("create_app_role", name, stdout=StringIO())
    return name


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement, why",
    [
        ("DELETE FROM proposals_proposal WHERE status = 'adopted'", "is adopted"),
        ("DELETE FROM proposals_vote", "is adopted"),
        ("UPDATE proposals_vote SET votes_for = 1", "is recorded"),
        ("UPDATE proposals_body SET decides = false", "took decision votes"),
        ("TRUNCATE proposals_vote CASCADE", "permission denied"),
    ],
)
def test_the_application_role_cannot_delete_or_rewrite_decisions_either(
    party, app_role, statement, why
):
    assert why in refused(statement, role=app_role)
    assert party.adopted.votes.count() == 2
