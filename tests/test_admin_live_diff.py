"""Drafting in the admin: the live diff's endpoint, "Start from the current text" as a button,
the vote form's method script, and diffs that keep deleted and inserted words apart."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal
from proposals.roles import DRAFTER, SECRETARY
from rulebook.validators import TEXT_MAX_CHARS
from tests.factories import ProposalFactory, add_version, amend, staff, user
from tests.worlds import NEW, OLD, proposal_post

pytestmark = pytest.mark.django_db
PREVIEW = reverse("admin:proposals_proposal_diff_preview")
ADD = reverse("admin:proposals_proposal_add")


@pytest.fixture
def drafter(client):
    client.force_login(staff("drafter", DRAFTER))
    return client


def preview(client, status=200, **data):
    response = client.post(PREVIEW, data)
    assert response.status_code == status, response.content
    return response.content.decode()


# --- the endpoint --------------------------------------------------------------------------


def test_the_preview_diffs_the_typed_text_against_the_rules_latest_version(drafter, club):
    response = drafter.post(PREVIEW, {"rule": club.rule.pk, "kind": "amend", "text": NEW})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "supported by <del>15</del> <ins>10</ins> per cent" in html
    assert "1 word added, 1 word removed" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_a_saved_amendment_is_diffed_against_its_own_base(drafter, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    add_version(club.rule, "2024-01-01", "Something else entirely.")
    amendment = proposal.amendments.get()
    html = preview(drafter, amendment=amendment.pk, rule=club.rule.pk, text=NEW + " Also.")
    assert "<del>15</del> <ins>10</ins>" in html, "against v2, its base, not v3"
    assert "<ins>. Also</ins>" in html


def test_a_new_rule_is_all_inserted_and_a_repeal_is_said_in_words(drafter, club):
    assert preview(drafter, kind="insert", text="A new rule.").startswith(
        '<div class="rb-diff"><ins>A new rule.</ins></div>'
    )
    html = preview(drafter, kind="repeal", rule=club.rule.pk, text="")
    assert html == "<p>A repeal removes the whole text.</p>"


def test_the_text_is_escaped_and_never_taken_as_html(drafter, club):
    html = preview(drafter, rule=club.rule.pk, text=OLD + ' <script>alert("x")</script>')
    assert "<script>" not in html
    assert "<ins> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in html


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"text": "x" * (TEXT_MAX_CHARS + 1)}, f"at most {TEXT_MAX_CHARS}"),
        ({"text": "nul \x00 here"}, "Null characters are not allowed"),
        ({"text": "bell \x07"}, "control character U+0007"),
        ({"text": "a\u202eb"}, "bidirectional"),
        ({"text": "x", "amendment": "999999"}, "No amendment 999999"),
        ({"text": "x", "amendment": "abc"}, "Enter a whole number"),
        ({"text": "x", "rule": "999999"}, "No rule 999999"),
        ({"text": "x", "kind": "rewrite"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_in_words(drafter, club, data, words):
    response = drafter.post(PREVIEW, data)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert words in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, club):
    response = client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_member_who_is_not_staff_is_sent_to_log_in(client, club):
    client.force_login(user("member", DRAFTER))
    response = client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW})
    assert response.status_code == 302


def test_staff_who_may_not_draft_are_refused(client, club):
    client.force_login(staff("reader"))
    response = client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW})
    assert response.status_code == 403


def test_only_post_is_answered(drafter, club):
    assert drafter.get(PREVIEW, {"rule": club.rule.pk, "text": NEW}).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(club):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff("drafter", DRAFTER))
    refused = client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW})
    assert refused.status_code == 403
    page = client.get(ADD)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    done = client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW}, headers={"X-CSRFToken": token})
    assert done.status_code == 200
    assert "<ins>10</ins>" in done.content.decode()


def test_a_draft_the_user_may_not_read_is_not_previewed(client, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    # May start a proposal, but not read others' drafts (`DRAFT_READER_PERMISSIONS`).
    person = staff("newcomer")
    person.user_permissions.add(Permission.objects.get(codename="add_proposal"))
    client.force_login(person)
    amendment = proposal.amendments.get().pk
    response = client.post(PREVIEW, {"amendment": amendment, "text": NEW})
    assert response.status_code == 400
    assert response.content.decode() == f"amendment: No amendment {amendment}."
    assert client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW}).status_code == 200
    client.force_login(staff("secretary", SECRETARY))  # records votes; drafts nothing
    assert client.post(PREVIEW, {"rule": club.rule.pk, "text": NEW}).status_code == 403


# --- the drafting page ---------------------------------------------------------------------


def test_the_change_page_loads_the_live_diff_script_and_no_inline_script(drafter, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    response = drafter.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        rf'<script src="[^"]*proposals/live-diff\.js" data-url="{PREVIEW}" defer></script>', html
    )
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert [tag for tag in inline if "application/json" not in tag] == []
    assert "<del>15</del> <ins>10</ins>" in html, "the saved diff keeps the words apart"


def test_start_from_the_current_text_is_a_button_that_fills_the_form_in(drafter, club):
    page = drafter.get(ADD).content.decode()
    assert 'name="amendments-0-text_start"' in page
    assert 'name="amendments-__prefix__-text_start"' in page, "the Add another row has one"
    row = {"rule": club.rule.pk, "text": "", "text_start": "1"}
    response = drafter.post(ADD, proposal_post(club.rulebook, [row]))
    assert response.status_code == 200
    assert not Proposal.objects.exists(), "nothing saved"
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form["text"].value() == OLD
    assert form["number"].value() == "4.1"
    assert form.errors == {}, "a note, not a form error"
    html = response.content.decode()
    assert "Filled in from 4.1 Nominations, version 2" in html
    assert "Please correct the error" not in html


def test_the_button_on_a_saved_amendment_starts_again_from_its_base(drafter, club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    amendment = proposal.amendments.get()
    existing = {
        "id": amendment.pk,
        "proposal": proposal.pk,
        "rule": club.rule.pk,
        "number": "4.1",
        "heading": "Nominations",
        "text": NEW + " Edited.",
        "text_start": "1",
    }
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    response = drafter.post(url, proposal_post(club.rulebook, existing=[existing]))
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form["text"].value() == OLD
    amendment.refresh_from_db()
    assert amendment.text == NEW, "nothing saved"


def test_the_button_without_a_rule_says_to_choose_one(drafter, club):
    response = drafter.post(ADD, proposal_post(club.rulebook, [{"text": "", "text_start": "1"}]))
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["rule"] == ["Choose the rule first, then start from its current text."]
    assert not Proposal.objects.exists()


def test_the_vote_form_loads_the_method_script_and_marks_the_sections(client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], submitted=True
    )
    client.force_login(staff("secretary", SECRETARY))
    response = client.get(reverse("admin:proposals_proposal_vote", args=[proposal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<script src="[^"]*proposals/vote-method\.js" defer></script>', html)
    assert 'class="module field-sections"' in html
    for name in ("votes_for", "roll_for"):
        assert f"field-{name}" in html
