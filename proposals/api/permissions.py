"""Who may write: Django model permissions, as in the admin (groups in `proposals.roles`).

Drafter: add_proposal to create; change_proposal to edit, submit, withdraw and rebase (the
admin's workflow buttons ask the same). Secretary: add_vote; `proposals.adopt_proposal`.
"""

from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reads for anyone; POST needs add_, PUT/PATCH change_; DELETE is not offered (405)."""

    perms_map = {
        key: value
        for key, value in permissions.DjangoModelPermissions.perms_map.items()
        if key != "DELETE"
    }


class RequiresPermission(permissions.BasePermission):
    """The user holds the view's `required_permission` ("app_label.codename")."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(view.required_permission))
