"""The staff roles, as Django groups with model permissions.

- *Drafter* drafts proposals: reads the rule book, creates and edits draft proposals and their
  amendments, submits, rebases and withdraws them.
- *Secretary* keeps the record of decisions: reads everything a Drafter reads, records votes
  (with card-vote sections and roll calls), voids a wrongly recorded one (with a reason) and
  adopts carried proposals.

A person who does both is put in both groups. The groups are created, and their permissions
reset to these lists, after every `migrate` (see `ProposalsConfig.ready`), so they can be
relied on in a fresh database; permissions added to them by hand are removed.
"""

from __future__ import annotations

from django.apps import apps as global_apps

DRAFTER = "Drafter"
SECRETARY = "Secretary"

_VIEW_ONLY = [
    "rulebook.view_rulebook",
    "rulebook.view_rule",
    "rulebook.view_ruleversion",
    "rulebook.view_parameter",
    "rulebook.view_parametervalue",
    "proposals.view_proposal",
    "proposals.view_amendment",
    "proposals.view_amendmentrebase",
    "proposals.view_body",
    "proposals.view_membership",
    "proposals.view_vote",
    "proposals.view_cardvotesection",
    "proposals.view_rollcallentry",
]

ROLES: dict[str, list[str]] = {
    DRAFTER: [
        *_VIEW_ONLY,
        "proposals.add_proposal",
        "proposals.change_proposal",
        "proposals.add_amendment",
        "proposals.change_amendment",
        "proposals.delete_amendment",
    ],
    SECRETARY: [
        *_VIEW_ONLY,
        "rulebook.view_auditentry",
        "proposals.add_vote",
        "proposals.add_cardvotesection",
        "proposals.add_rollcallentry",
        "proposals.void_vote",
        "proposals.adopt_proposal",
    ],
}


def _permission(codename: str, apps):
    """The Permission for "app_label.codename", created if `migrate` has not made it yet.

    Django creates permissions in its own post_migrate handler, from the migrated model
    state; creating a missing one here, with the same name Django would give it, keeps this
    hook independent of the order in which the handlers run.
    """
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, name = codename.split(".")
    action, model_name = name.split("_", 1)
    model = global_apps.get_model(app_label, model_name)
    custom = dict(model._meta.permissions)
    label = custom.get(name) or f"Can {action} {model._meta.verbose_name_raw}"
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model._meta.model_name
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=name, defaults={"name": label}
    )
    return permission


def ensure_roles(apps=global_apps, **kwargs) -> None:
    """Create the groups if missing and give each exactly its listed permissions."""
    Group = apps.get_model("auth", "Group")
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([_permission(codename, apps) for codename in codenames])


def post_migrate_roles(sender, apps=global_apps, using="default", **kwargs) -> None:
    """post_migrate receiver: only once the auth tables exist (they do after `migrate`)."""
    try:
        apps.get_model("auth", "Group")
        apps.get_model("proposals", "Proposal")
    except LookupError:
        return
    ensure_roles(apps)
