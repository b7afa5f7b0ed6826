"""The rule book in the admin: history is shown, never edited; the staff groups exist."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from proposals.roles import DRAFTER, ROLES, SECRETARY, ensure_roles
from rulebook.models import AuditEntry, Parameter, RuleVersion
from tests.factories import staff
from tests.worlds import OLD

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(staff("root", superuser=True))
    return client


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize(
    "name", ["rulebook", "rule", "ruleversion", "parameter", "auditentry", "body", "vote"]
)
def test_every_changelist_renders(superuser_client, club, name):
    app = "proposals" if name in ("body", "vote") else "rulebook"
    AuditEntry.objects.create(action="test.entry", subject="something")
    assert superuser_client.get(url(f"{app}_{name}_changelist")).status_code == 200


def test_the_rule_page_lists_its_versions_read_only(superuser_client, club):
    response = superuser_client.get(url("rulebook_rule_change", club.rule.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 2
    assert 'name="versions-0-text"' not in html
    assert "/club/rules/c4-nominations/" in html


def test_a_rule_version_cannot_be_added_changed_or_deleted_even_by_a_superuser(
    superuser_client, club
):
    version = club.rule.versions.get(seq=2)
    change = url("rulebook_ruleversion_change", version.pk)
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert OLD in page.content.decode()
    assert 'name="text"' not in page.content.decode()

    posted = superuser_client.post(change, {"text": "Rewritten history", "number": "9"})
    assert posted.status_code == 403
    assert superuser_client.get(url("rulebook_ruleversion_add")).status_code == 403
    assert superuser_client.post(url("rulebook_ruleversion_delete", version.pk)).status_code == 403
    bulk = superuser_client.post(
        url("rulebook_ruleversion_changelist"),
        {"action": "delete_selected", "_selected_action": [version.pk]},
    )
    assert bulk.status_code in (200, 302)
    version.refresh_from_db()
    assert (version.text, version.number) == (OLD, "4.1")
    assert RuleVersion.objects.count() == 3


def test_a_parameter_label_is_editable_but_not_its_key(superuser_client, club):
    parameter = Parameter.objects.get()
    response = superuser_client.post(
        url("rulebook_parameter_change", parameter.pk),
        {"key": "renamed", "label": "Nomination threshold", "unit": "%", "description": "Of MPs"},
    )
    assert response.status_code == 302
    parameter.refresh_from_db()
    assert (parameter.key, parameter.label, parameter.description) == (
        "threshold",
        "Nomination threshold",
        "Of MPs",
    )


def test_rules_can_be_searched_by_key_for_the_amendment_autocomplete(client, club):
    client.force_login(staff("drafter", DRAFTER))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "proposals", "model_name": "amendment", "field_name": "rule", "term": "nom"},
    )
    assert response.status_code == 200
    # Found by its key, named by its number and heading (issue 12).
    assert [r["text"] for r in response.json()["results"]] == ["4.1 Nominations"]


def test_the_groups_are_created_with_their_permissions_and_can_be_recreated(db):
    Group.objects.all().delete()
    ensure_roles()
    ensure_roles()
    for name, codenames in ROLES.items():
        group = Group.objects.get(name=name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(codenames)
    assert "proposals.adopt_proposal" in ROLES[SECRETARY]
    assert "proposals.adopt_proposal" not in ROLES[DRAFTER]
    assert "proposals.add_vote" not in ROLES[DRAFTER]


def test_the_groups_give_the_right_powers(db):
    assert Group.objects.filter(name__in=[DRAFTER, SECRETARY]).count() == 2  # from migrate
    writer, clerk = (
        staff("drafter", DRAFTER),
        staff("secretary", SECRETARY),
    )
    assert writer.has_perms(["proposals.add_proposal", "rulebook.view_ruleversion"])
    assert not writer.has_perm("proposals.adopt_proposal")
    assert not writer.has_perm("proposals.add_vote")
    assert clerk.has_perms(["proposals.add_vote", "proposals.adopt_proposal"])
    assert not clerk.has_perm("proposals.change_proposal")
    assert not clerk.has_perm("rulebook.change_ruleversion")


def test_audit_entries_are_read_only(superuser_client, club):
    entry = AuditEntry.objects.create(action="test.entry", subject="something")
    change = url("rulebook_auditentry_change", entry.pk)
    assert superuser_client.get(change).status_code == 200
    assert superuser_client.post(change, {"action": "forged"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "test.entry"
