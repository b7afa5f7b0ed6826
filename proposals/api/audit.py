"""A proposal's audit trail: who did what to it, when, and what changed (its amendments,
votes and adoption included), for staff holding `rulebook.view_auditentry` (Secretary)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from proposals.api.common import InProposal
from proposals.api.permissions import RequiresPermission
from rulebook.api.base import BookViewSet
from rulebook.api.errors import error_responses
from rulebook.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    changes = serializers.ListField(
        source="lines",
        child=serializers.CharField(),
        read_only=True,
        help_text='What changed, one line a field, e.g. "status: submitted → carried".',
    )

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "subject", "changes", "data"]


@extend_schema_view(
    list=extend_schema(
        summary="A proposal's audit trail",
        description="Oldest first. Needs rulebook.view_auditentry (group Secretary): 401 "
        "without credentials, 403 without the permission.",
        responses={200: AuditEntrySerializer(many=True), **error_responses(401, 403, 404)},
    ),
)
class ProposalAuditViewSet(InProposal, BookViewSet, mixins.ListModelMixin):
    permission_classes = [RequiresPermission]
    required_permission = "rulebook.view_auditentry"
    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.none()  # for the schema

    def get_queryset(self):
        return AuditEntry.objects.of(self.proposal).select_related("actor")
