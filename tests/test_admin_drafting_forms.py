"""The drafting form checks amendments with the services' own checks before anything is
saved, and saves what it accepts through the services (each change audited)."""

import json
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from proposals import forms
from proposals.models import Amendment, Proposal
from proposals.roles import DRAFTER
from proposals.services import proposal_rebase, proposal_submit
from rulebook.models import AuditEntry
from tests.factories import ProposalFactory, add_version, amend, staff
from tests.worlds import NEW, OLD, proposal_post

pytestmark = pytest.mark.django_db
ADD = reverse("admin:proposals_proposal_add")


def page_of(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


@pytest.fixture
def data(client, club):
    """The club's rule book (`tests.worlds.club`), with a drafter logged in."""
    user = staff("drafter", DRAFTER)
    client.force_login(user)
    return SimpleNamespace(**vars(club), client=client, user=user)


def saved_record():
    """Every proposal and amendment row as it stands, and the audit trail."""
    proposals = list(Proposal.objects.order_by("pk").values())
    amendments = list(Amendment.objects.order_by("pk").values())
    audit = list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True))
    return proposals, amendments, audit


def row_errors(response, index):
    return response.context["inline_admin_formsets"][0].formset.forms[index].errors


def existing_row(amendment, **changes):
    return {
        "id": amendment.pk,
        "number": amendment.number,
        "heading": amendment.heading,
        "text": amendment.text,
        "parameters": json.dumps(amendment.parameters),
        **changes,
    }


def test_an_unknown_parameter_on_a_new_amendment_is_a_form_error_and_nothing_is_written(data):
    proposal = ProposalFactory(
        rulebook=data.rulebook, amendments=[amend(data.rule, NEW)], reference="2026/4"
    )
    before = saved_record()
    chapter = {"rule": data.chapter.pk, "text": "Chapter 4: Selections", "parameters": '{"x": 1}'}
    post = proposal_post(
        data.rulebook, [chapter], existing=[existing_row(proposal.amendments.get())]
    )
    response = data.client.post(page_of(proposal), {**post, "title": "A new title"})
    assert response.status_code == 200
    assert row_errors(response, 1)["parameters"] == ["Rule book club has no parameter 'x'."]
    assert saved_record() == before


def test_two_amendments_to_one_rule_are_refused_on_the_second_row(data):
    rows = [
        {"rule": data.rule.pk, "number": "4.1", "text": NEW},
        {"rule": data.rule.pk, "number": "4.1", "text": NEW.replace("10", "12")},
    ]
    response = data.client.post(ADD, proposal_post(data.rulebook, rows))
    assert response.status_code == 200
    assert row_errors(response, 0) == {}
    assert "Amendment 1 of this proposal already changes it" in str(row_errors(response, 1))
    assert not Proposal.objects.exists() and not AuditEntry.objects.exists()


def test_an_insert_of_a_key_the_rule_book_has_is_refused_on_its_key(data):
    insert = {"kind": "insert", "new_key": "c4", "number": "4.9", "text": "A new rule."}
    response = data.client.post(ADD, proposal_post(data.rulebook, [insert]))
    assert response.status_code == 200
    assert row_errors(response, 0)["new_key"] == ["Rule book club already has a rule c4."]
    assert not Proposal.objects.exists() and not AuditEntry.objects.exists()


def test_renaming_a_draft_to_a_reference_in_use_is_a_form_error(data):
    ProposalFactory(rulebook=data.rulebook, amendments=[amend(data.rule, NEW)], reference="2026/1")
    proposal = ProposalFactory(
        rulebook=data.rulebook, amendments=[amend(data.chapter, "Chapter 4: Selections")]
    )
    before = saved_record()
    existing = existing_row(proposal.amendments.get())
    post = proposal_post(data.rulebook, existing=[existing], reference="2026/1")
    response = data.client.post(page_of(proposal), post)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Proposal with this Rulebook and Reference already exists."]
    assert saved_record() == before


def test_a_new_draft_is_created_through_the_services_and_audited(data):
    rows = [
        {"rule": data.rule.pk, "number": "4.1", "heading": "Nominations", "text": NEW},
        {"kind": "insert", "new_key": "c4-ballots", "number": "4.2", "text": "Ballots."},
    ]
    response = data.client.post(ADD, proposal_post(data.rulebook, rows))
    assert response.status_code == 302
    proposal = Proposal.objects.get(reference="2026/4")
    assert (proposal.status, proposal.created_by) == ("draft", data.user)
    saved = list(proposal.amendments.values_list("order", "kind", "rule__key", "new_key", "text"))
    assert saved == [
        (1, "amend", "c4-nominations", "", NEW),
        (2, "insert", None, "c4-ballots", "Ballots."),
    ]
    audit = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert audit == [
        ("proposal.create", data.user.pk),
        ("amendment.add", data.user.pk),
        ("amendment.add", data.user.pk),
    ]


def test_changing_removing_and_adding_amendments_of_a_draft(data):
    proposal = ProposalFactory(
        rulebook=data.rulebook,
        amendments=[
            amend(data.rule, NEW),
            {"kind": "insert", "key": "c4-ballots", "number": "4.2", "text": "Ballots."},
        ],
        reference="2026/4",
    )
    changed, removed = proposal.amendments.order_by("order")
    rows = [
        existing_row(changed, text=NEW.replace("10", "12")),
        existing_row(removed, DELETE="on"),
    ]
    chapter = {"rule": data.chapter.pk, "number": "4", "text": "Chapter 4: Selections"}
    post = proposal_post(
        data.rulebook, [chapter], existing=rows, title=proposal.title, conference_year=""
    )
    response = data.client.post(page_of(proposal), post)
    assert response.status_code == 302
    saved = list(proposal.amendments.order_by("order").values_list("pk", "rule__key", "text"))
    assert saved == [
        (changed.pk, "c4-nominations", NEW.replace("10", "12")),
        (saved[1][0], "c4", "Chapter 4: Selections"),
    ]
    changed.refresh_from_db()
    assert changed.base_version.seq == 2
    actions = list(AuditEntry.objects.filter(actor=data.user).values_list("action", flat=True))
    assert sorted(actions) == ["amendment.add", "amendment.remove", "amendment.update"]


def test_a_submitted_proposal_is_read_only_in_the_drafting_form(data):
    proposal = ProposalFactory(
        rulebook=data.rulebook, amendments=[amend(data.rule, NEW)], reference="2026/4"
    )
    proposal_submit(proposal=proposal)
    before = saved_record()
    response = data.client.get(page_of(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reference"' not in html and 'name="amendments-0-text"' not in html
    row = existing_row(proposal.amendments.get(), text=NEW.replace("10", "12"))
    post = proposal_post(data.rulebook, existing=[row], title="Changed after submission")
    assert data.client.post(page_of(proposal), post).status_code == 403
    assert saved_record() == before


def test_an_amendment_with_a_rebase_conflict_is_read_only_and_its_draft_still_saves(data):
    proposal = ProposalFactory(
        rulebook=data.rulebook, amendments=[amend(data.rule, NEW)], reference="2026/4"
    )
    add_version(data.rule, "2024-01-01", OLD.replace("15", "12"), number="4.1")
    proposal_rebase(proposal=proposal)
    amendment = proposal.amendments.get()
    assert amendment.conflict
    response = data.client.get(page_of(proposal))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.forms[0].fields["text"].disabled
    row = existing_row(amendment, text="Typed over the conflict.")
    post = proposal_post(data.rulebook, existing=[row], title="Still drafting", conference_year="")
    assert data.client.post(page_of(proposal), post).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Still drafting"
    assert Amendment.objects.filter(pk=amendment.pk).values("text", "conflict").get() == {
        "text": amendment.text,
        "conflict": True,
    }
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert "proposal.update" in actions and "amendment.update" not in actions


def test_a_refusal_at_save_time_is_a_message_and_rolls_everything_back(data, monkeypatch):
    """As if the draft changed between the form's check and the save: the service refuses,
    nothing is kept, and the drafter is told (never a server error)."""
    proposal = ProposalFactory(
        rulebook=data.rulebook, amendments=[amend(data.rule, NEW)], reference="2026/4"
    )
    before = saved_record()
    monkeypatch.setattr(forms, "_amendment_problems", lambda proposal, rows: {})
    unchanged = existing_row(proposal.amendments.get(), text=OLD)
    post = proposal_post(data.rulebook, existing=[unchanged], title="A new title")
    response = data.client.post(page_of(proposal), post)
    assert response.status_code == 302
    assert response["Location"] == page_of(proposal)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Nothing was saved: The amendment changes nothing in rule c4-nominations v2."]
    assert saved_record() == before
