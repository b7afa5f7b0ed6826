"""Resolving a rebase conflict so that the change adopted meanwhile is kept: the service, the
admin's Rebase page and `POST …/rebase/ {"resolutions": […]}` in the API.

The story: amendment 2026/4 lowers the threshold from 15 to 10 per cent (drafted on v2).
Meanwhile v3 was adopted: 12 per cent, and MEPs count too. Both changed "15": a conflict. The
person resolving keeps "and MEPs" and proposes 10; the adopted text must have both.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from proposals.models import AmendmentRebase, Proposal
from proposals.roles import DRAFTER, SECRETARY
from proposals.services import (
    Resolution,
    amendment_conflict,
    proposal_adopt,
    proposal_rebase,
    proposal_withdraw,
)
from proposals.services.rebase import resolved_text_problems
from rulebook.models import AuditEntry, RuleVersion
from rulebook.validators import TEXT_MAX_CHARS
from tests.factories import ProposalFactory, add_version, amend, rebase, staff, token_for, user
from tests.worlds import NEW, OLD

pytestmark = pytest.mark.django_db

MEANWHILE = OLD.replace("15", "12").replace("PLP.", "PLP and MEPs.")
RESOLVED = NEW.replace("PLP.", "PLP and MEPs.")
EFFECTIVE = datetime.date(2026, 9, 27)


def conflicted(club, **traits):
    """2026/4 (15 → 10), carried, rebased onto v3 (15 → 12, + MEPs): a recorded conflict."""
    proposal = ProposalFactory(
        rulebook=club.rulebook,
        reference="2026/4",
        amendments=[amend(club.rule, NEW)],
        **({"carried": True} | traits),
    )
    add_version(club.rule, "2024-01-01", MEANWHILE, number="4.1", heading="Nominations")
    amendment = proposal.amendments.get()
    assert rebase(amendment).conflict
    amendment.refresh_from_db()
    return proposal, amendment


def adopted_text(club, proposal) -> str:
    proposal_adopt(proposal=Proposal.objects.get(pk=proposal.pk), effective_from=EFFECTIVE)
    return RuleVersion.objects.get(rule=club.rule, seq=4).text


# --- the service ---------------------------------------------------------------------------


def test_a_conflict_is_shown_as_the_base_and_both_edits_with_an_empty_suggestion(club):
    _, amendment = conflicted(club)
    view = amendment_conflict(amendment)
    assert (view.base_version, view.current_version, view.rule) == (2, 3, "c4-nominations")
    assert (view.base_text, view.current_text, view.amendment_text) == (OLD, MEANWHILE, NEW)
    assert view.suggestion == "", "no side's text may stand in for a resolution"
    [hunk] = view.hunks
    assert (hunk.base, hunk.current, hunk.proposed) == ("15", "12", "10")
    assert "<ins> and MEPs</ins>" in view.adopted_meanwhile.html
    assert "<del>15</del><ins>10</ins>" in view.this_amendment.html


def test_when_only_the_heading_collides_the_suggestion_merges_both_texts(club):
    proposal = ProposalFactory(
        rulebook=club.rulebook,
        amendments=[amend(club.rule, NEW, heading="Nominations for leader")],
    )
    add_version(club.rule, "2024-01-01", OLD.replace("PLP.", "PLP and MEPs."), heading="Naming")
    amendment = proposal.amendments.get()
    assert rebase(amendment).conflict
    amendment.refresh_from_db()
    view = amendment_conflict(amendment)
    assert view.suggestion == RESOLVED
    assert view.hunks == ()
    assert view.field_problems == (
        "Heading: was 'Nominations', is now 'Naming', proposed 'Nominations for leader'.",
    )


def test_no_conflict_no_view(club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    assert amendment_conflict(proposal.amendments.get()) is None


def test_resolving_through_the_service_keeps_the_adopted_meanwhile_change(club):
    proposal, amendment = conflicted(club)
    person = user("resolver", DRAFTER)
    [result] = proposal_rebase(
        proposal=proposal, by=person, resolutions=[Resolution(amendment, RESOLVED)]
    )
    assert (result.outcome, result.conflict, result.base_version) == ("resolved", False, 3)
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.text, amendment.base_version.seq) == (
        False,
        RESOLVED,
        3,
    )
    record = AmendmentRebase.objects.filter(amendment=amendment).latest("id")
    assert (record.outcome, record.text_before, record.by) == ("resolved", NEW, person)
    entry = AuditEntry.objects.filter(action="amendment.rebase").latest("id")
    assert (entry.actor, entry.data["outcome"]) == (person, "resolved")
    text = adopted_text(club, proposal)
    assert text == RESOLVED and "10 per cent" in text and "and MEPs" in text


@pytest.mark.parametrize(
    "text",
    [
        "<<<<<<< current\n" + MEANWHILE,
        RESOLVED + "\n>>>>>>> proposed",
        RESOLVED + "\n=======\n" + NEW,
        "   ",
    ],
)
def test_a_resolution_with_markers_or_no_text_is_refused(text):
    assert resolved_text_problems(text)


def test_a_plain_resolution_passes_the_check():
    assert resolved_text_problems(RESOLVED) == []
    assert resolved_text_problems("Use == to compare; a <= b.") == []


def test_resolutions_are_checked_together_and_refused_whole(club):
    proposal, amendment = conflicted(club)
    other = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    someone_elses = other.amendments.get()
    resolutions = [
        Resolution(amendment, RESOLVED),
        Resolution(amendment, RESOLVED),
        Resolution(someone_elses, RESOLVED),
    ]
    with pytest.raises(ValidationError) as refused:
        proposal_rebase(proposal=proposal, resolutions=resolutions)
    assert refused.value.message_dict == {
        "resolutions[1].amendment": [f"Amendment {amendment.pk} is resolved twice; give it once."],
        "resolutions[2].amendment": [f"Proposal 2026/4 has no amendment {someone_elses.pk}."],
    }
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.text) == (True, NEW), "nothing applied"


def test_a_resolution_for_an_amendment_without_a_conflict_is_refused(club):
    proposal = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    amendment = proposal.amendments.get()
    with pytest.raises(ValidationError) as refused:
        proposal_rebase(proposal=proposal, resolutions=[Resolution(amendment, RESOLVED)])
    assert refused.value.message_dict == {
        "resolutions[0].amendment": [f"Amendment {amendment.pk} has no rebase conflict to resolve."]
    }
    amendment.refresh_from_db()
    assert amendment.text == NEW


# --- the admin -----------------------------------------------------------------------------


def rebase_url(proposal):
    return reverse("admin:proposals_proposal_rebase", args=[proposal.pk])


@pytest.fixture
def admin_client(client):
    client.force_login(staff("staffer", DRAFTER, SECRETARY))
    return client


def test_the_rebase_page_shows_both_edits_side_by_side_and_an_empty_box(admin_client, club):
    proposal, _ = conflicted(club)
    response = admin_client.get(rebase_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adopted meanwhile: v2 → v3" in html and "This amendment: v2 → proposed" in html
    assert "<del>15</del> <ins>12</ins>" in html and "<ins> and MEPs</ins>" in html
    assert "<del>15</del> <ins>10</ins>" in html
    assert f'The base text (v2)</summary>\n      <div class="rb-diff">{OLD}</div>' in html
    form = response.context["amendment_rows"][0]["conflict"]["form"]
    assert form["text"].value() in (None, ""), "the box starts empty, not with one side"
    assert "The box starts empty" in html


def test_the_box_holds_the_clean_merge_when_the_texts_merge(admin_client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW, heading="Nominations for MPs")]
    )
    add_version(club.rule, "2024-01-01", OLD.replace("PLP.", "PLP and MEPs."), heading="Naming")
    rebase(proposal.amendments.get())
    response = admin_client.get(rebase_url(proposal))
    assert response.status_code == 200
    form = response.context["amendment_rows"][0]["conflict"]["form"]
    assert form["text"].value() == RESOLVED
    assert "Heading: was &#x27;Nominations&#x27;, is now &#x27;Naming&#x27;" in (
        response.content.decode()
    )


def test_resolving_in_the_admin_keeps_the_adopted_meanwhile_change(admin_client, club):
    proposal, amendment = conflicted(club)
    prefix = f"resolve-{amendment.pk}"
    resolve = {"_resolve": amendment.pk, f"{prefix}-amendment": amendment.pk}
    for text in ("<<<<<<< current\n" + MEANWHILE, RESOLVED + "\n=======\n" + NEW):
        refused = admin_client.post(rebase_url(proposal), {**resolve, f"{prefix}-text": text})
        assert refused.status_code == 200
        assert "still contains conflict markers" in refused.content.decode()
    amendment.refresh_from_db()
    assert amendment.conflict

    done = admin_client.post(rebase_url(proposal), {**resolve, f"{prefix}-text": RESOLVED})
    assert done.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.text, amendment.base_version.seq) == (
        False,
        RESOLVED,
        3,
    )
    adopt = reverse("admin:proposals_proposal_adopt", args=[proposal.pk])
    adopted = admin_client.post(adopt, {"effective_from": EFFECTIVE.isoformat(), "note": ""})
    assert adopted.status_code == 302
    version = RuleVersion.objects.get(rule=club.rule, seq=4)
    assert version.text == RESOLVED and "and MEPs" in version.text


def test_a_stale_refusal_on_the_adopt_page_links_to_the_rebase_page(admin_client, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], carried=True
    )
    add_version(club.rule, "2024-01-01", OLD + " Nominations close at noon.")
    adopt = reverse("admin:proposals_proposal_adopt", args=[proposal.pk])
    response = admin_client.post(adopt, {"effective_from": EFFECTIVE.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{rebase_url(proposal)}">Rebase them</a>' in html
    assert not RuleVersion.objects.filter(rule=club.rule, seq=4).exists()

    page = admin_client.get(rebase_url(proposal)).content.decode()
    assert "Against the current version (v3, in force from 1 January 2024)" in page
    # Adopting the text as it stands would drop the sentence added in v3: the diff says so.
    assert "Nominations close at noon</del>" in page


def test_a_step_the_status_forbids_offers_no_button(admin_client, club):
    draft = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    adopt = reverse("admin:proposals_proposal_adopt", args=[draft.pk])
    response = admin_client.get(adopt)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_confirm"' not in html
    assert "only a carried proposal can be adopted" in html
    adopted = ProposalFactory(
        rulebook=club.rulebook, amendments=[amend(club.rule, NEW)], adopted=True
    )
    page = admin_client.get(rebase_url(adopted)).content.decode()
    assert 'name="_rebase"' not in page and "can be rebased" in page


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def api(club):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user('api', DRAFTER))}")
    return client


def rebase_api(proposal) -> str:
    return f"/api/rulebooks/club/proposals/{proposal.pk}/rebase/"


def post(client, url, body=None, status=200):
    response = client.post(url, body if body is not None else {}, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_a_conflicted_rebase_answers_409_with_what_the_client_needs_to_resolve(api, club):
    proposal = ProposalFactory(
        rulebook=club.rulebook, reference="2026/4", amendments=[amend(club.rule, NEW)]
    )
    add_version(club.rule, "2024-01-01", MEANWHILE, number="4.1", heading="Nominations")
    amendment = proposal.amendments.get()
    answer = post(api, rebase_api(proposal), status=409)
    assert answer["amendments"][0]["id"] == amendment.pk
    assert answer["amendments"][0]["outcome"] == "conflict"
    [conflict] = answer["conflicts"]
    assert conflict == {
        "amendment": amendment.pk,
        "rule": "c4-nominations",
        "base_version": 2,
        "current_version": 3,
        "base_text": OLD,
        "current_text": MEANWHILE,
        "amendment_text": NEW,
        "current_repealed": False,
        "suggestion": "",
        "hunks": [{"base": "15", "current": "12", "proposed": "10"}],
        "field_problems": [],
    }
    assert "resolutions" in answer["detail"]
    amendment.refresh_from_db()
    assert amendment.conflict and amendment.conflict_version.seq == 3
    assert post(api, rebase_api(proposal), status=409)["conflicts"] == [conflict], "again"


def test_resolving_through_the_api_keeps_the_adopted_meanwhile_change(api, club):
    proposal, amendment = conflicted(club)
    conflict = post(api, rebase_api(proposal), status=409)["conflicts"][0]
    # The client keeps what was adopted meanwhile and makes its own change to it.
    text = conflict["current_text"].replace("12", "10")
    body = {"resolutions": [{"amendment": conflict["amendment"], "text": text}]}
    [result] = post(api, rebase_api(proposal), body)["amendments"]
    assert result == {
        "id": amendment.pk,
        "outcome": "resolved",
        "conflict": False,
        "base_version": 3,
        "text": RESOLVED,
        "conflict_text": "",
    }
    entry = AuditEntry.objects.filter(action="amendment.rebase").latest("id")
    assert (entry.actor.username, entry.data["outcome"]) == ("api", "resolved")
    assert adopted_text(club, proposal) == RESOLVED


def _bad(api, proposal, amendment, body, path, words):
    errors = post(api, rebase_api(proposal), body, status=400)
    assert path in errors, errors
    assert words in " ".join(errors[path]), errors
    amendment.refresh_from_db()
    assert (amendment.conflict, amendment.text) == (True, NEW), "nothing applied"


def test_bad_resolutions_are_refused_with_their_path_and_nothing_applied(api, club):
    proposal, amendment = conflicted(club)
    other = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, NEW)])
    someone_elses = other.amendments.get().pk
    clean = ProposalFactory(rulebook=club.rulebook, amendments=[amend(club.rule, RESOLVED)])
    ok = {"amendment": amendment.pk, "text": RESOLVED}
    cases = [
        ({"resolutions": [{"amendment": 999_999, "text": RESOLVED}]}, "resolutions[0].amendment",
         "has no amendment 999999"),
        ({"resolutions": [{"amendment": someone_elses, "text": RESOLVED}]},
         "resolutions[0].amendment", f"has no amendment {someone_elses}"),
        ({"resolutions": [{**ok, "text": "<<<<<<< current\n" + MEANWHILE}]},
         "resolutions[0].text", "conflict markers"),
        ({"resolutions": [{**ok, "text": RESOLVED + "\n=======\n" + NEW}]},
         "resolutions[0].text", "conflict markers"),
        ({"resolutions": [ok, ok]}, "resolutions[1].amendment", "resolved twice"),
        ({"resolutions": [{**ok, "text": ""}]}, "resolutions[0].text", "blank"),
        ({"resolutions": [{**ok, "text": "x" * (TEXT_MAX_CHARS + 1)}]}, "resolutions[0].text",
         f"no more than {TEXT_MAX_CHARS}"),
        ({"resolutions": [{**ok, "text": "a\u202eb"}]}, "resolutions[0].text", "bidirectional"),
        ({"resolutions": [{**ok, "text": 12}]}, "resolutions[0].text", "Give text"),
        ({"resolutions": [{**ok, "txt": RESOLVED}]}, "resolutions[0].txt", "Unknown field"),
        ({"resolutions": [{"amendment": "x", "text": RESOLVED}]}, "resolutions[0].amendment",
         "valid integer"),
        ({"resolutions": [{"amendment": 2**70, "text": RESOLVED}]}, "resolutions[0].amendment",
         "less than or equal"),
        ({"resolutions": {"amendment": amendment.pk}}, "resolutions", "list"),
        ({"resolution": [ok]}, "resolution", "Unknown field"),
    ]  # fmt: skip
    for body, path, words in cases:
        _bad(api, proposal, amendment, body, path, words)
    # An amendment without a conflict, in a proposal of its own.
    amendment_clean = clean.amendments.get()
    errors = post(
        api,
        rebase_api(clean),
        {"resolutions": [{"amendment": amendment_clean.pk, "text": RESOLVED}]},
        status=400,
    )
    assert errors == {
        "resolutions[0].amendment": [
            f"Amendment {amendment_clean.pk} has no rebase conflict to resolve."
        ]
    }
    assert AmendmentRebase.objects.filter(outcome="resolved").count() == 0


def test_the_status_still_decides_whether_a_proposal_may_be_rebased(api, club):
    proposal, amendment = conflicted(club, submitted=True, carried=False)
    proposal_withdraw(proposal=proposal)
    body = {"resolutions": [{"amendment": amendment.pk, "text": RESOLVED}]}
    errors = post(api, rebase_api(proposal), body, status=409)
    assert "only a draft, submitted or carried proposal can be rebased" in errors["status"][0]


def test_the_schema_documents_resolutions_with_an_example(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/rulebooks/{slug}/proposals/{id}/rebase/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["examples"]["ResolveAConflict"]["value"]["resolutions"][0]["amendment"] == 12
    component = schema["components"]["schemas"][body["schema"]["$ref"].split("/")[-1]]
    resolution = component["properties"]["resolutions"]["items"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][resolution]["properties"]) == {"amendment", "text"}
    assert "409" in operation["responses"]
