"""Rule histories as the API shows them: each version with the proposal that produced it.

`rulebook.api` serves the rule book on its own; the resources here show it together with
proposals, so they live in the app that may import both (`proposals` imports `rulebook`, never
the other way round): a rule book's links (to its proposals and bodies too), a rule with its
version in force, a rule's versions, and blame, each version with its `produced_by` proposal.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.response import Response

from proposals.models import Amendment
from rulebook.api import filters
from rulebook.api.base import ReadOnlyViewSet
from rulebook.api.conditional import conditional, etag_for
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query
from rulebook.api.reports import ExpensiveView
from rulebook.api.serializers import InBook, VersionSummarySerializer, api_url, html_url
from rulebook.models import Rule, Rulebook, RuleVersion, parameter_values_prefetch
from rulebook.selectors import rule_blame


def produced_by(version: RuleVersion) -> Amendment | None:
    """The amendment whose adoption created `version`; None for a version typed in directly."""
    try:
        return version.amendment
    except Amendment.DoesNotExist:
        return None


class RulebookSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Rulebook
        fields = ["slug", "title", "description", "url", "html_url", "links"]

    def get_url(self, book) -> str:
        return api_url(self.context["request"], "rulebook-detail", slug=book.slug)

    def get_html_url(self, book) -> str:
        return html_url(self.context["request"], book)

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
    )
    def get_links(self, book) -> dict[str, str]:
        names = {
            "rules": "rule-list",
            "changes": "changes",
            "parameters": "parameter-list",
            "proposals": "proposal-list",
            "bodies": "body-list",
            "cite": "cite",
        }
        request = self.context["request"]
        return {link: api_url(request, name, slug=book.slug) for link, name in names.items()}


class ProducedBySerializer(InBook, serializers.Serializer):
    amendment = serializers.IntegerField(source="pk")
    proposal = serializers.IntegerField(source="proposal_id")
    reference = serializers.CharField(source="proposal.reference")
    url = serializers.SerializerMethodField()

    def get_url(self, amendment) -> str:
        return api_url(self.request, "proposal-detail", slug=self.slug, pk=amendment.proposal_id)


class VersionSerializer(VersionSummarySerializer):
    """A version with its place in the history and the proposal that produced it, if any."""

    until = serializers.DateField(
        allow_null=True,
        read_only=True,
        help_text="The day the next version takes effect; null while this one is the latest.",
    )
    html_url = serializers.SerializerMethodField()
    produced_by = serializers.SerializerMethodField()

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "until", "note", "created_at"]
        fields += ["html_url", "produced_by"]

    def get_html_url(self, version) -> str:
        return html_url(self.request, version)

    @extend_schema_field(ProducedBySerializer(allow_null=True))
    def get_produced_by(self, version):
        amendment = produced_by(version)
        return ProducedBySerializer(amendment, context=self.context).data if amendment else None


class NumberSpanSerializer(serializers.Serializer):
    number = serializers.CharField()
    effective_from = serializers.DateField()
    until = serializers.DateField(allow_null=True)


class RuleSerializer(serializers.Serializer):
    """A rule with the version in force on the date asked for, and its numbering history."""

    key = serializers.CharField()
    parent = serializers.CharField(allow_null=True, help_text="The parent rule's key.")
    children = serializers.ListField(child=serializers.CharField(), help_text="Keys, in order.")
    on = serializers.DateField(help_text="The date `current` is in force on.")
    current = VersionSerializer(allow_null=True, help_text="Null before its first version.")
    pending = VersionSummarySerializer(many=True, help_text="Versions taking effect later.")
    versions = serializers.IntegerField(help_text="How many versions the rule has.")
    numbers = NumberSpanSerializer(many=True, help_text="Every number it had, oldest first.")
    url = serializers.URLField()
    versions_url = serializers.URLField()
    html_url = serializers.URLField()


class PassageSerializer(InBook, serializers.Serializer):
    text = serializers.CharField()
    version = serializers.IntegerField(source="version.seq")
    effective_from = serializers.DateField(source="version.effective_from")
    url = serializers.SerializerMethodField()
    produced_by = serializers.SerializerMethodField()

    def get_url(self, passage) -> str:
        key, seq = passage.version.rule.key, passage.version.seq
        return api_url(self.request, "version-detail", slug=self.slug, key=key, seq=seq)

    @extend_schema_field(ProducedBySerializer(allow_null=True))
    def get_produced_by(self, passage):
        amendment = produced_by(passage.version)
        return ProducedBySerializer(amendment, context=self.context).data if amendment else None


class BlameSerializer(serializers.Serializer):
    rule = serializers.CharField()
    on = serializers.DateField()
    version = VersionSummarySerializer(allow_null=True, help_text="The version in force on `on`.")
    passages = PassageSerializer(many=True, help_text="Its text, passage by passage.")


# --- Views --------------------------------------------------------------------------------


def versions_for_api(queryset):
    """Versions with their parameters, the date the next one takes over, and their amendment."""
    return (
        queryset.with_until()
        .select_related("rule__rulebook", "amendment__proposal")
        .with_parameters()
        .order_by("seq")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Rule books", responses={200: RulebookSerializer, **error_responses(400, 404)}
    ),
    retrieve=extend_schema(
        summary="A rule book", responses={200: RulebookSerializer, **error_responses(404)}
    ),
)
class RulebookViewSet(ReadOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Rulebook.objects.order_by("title", "slug")
    serializer_class = RulebookSerializer
    filterset_class = filters.RulebookFilter
    lookup_field = "slug"


@extend_schema_view(
    retrieve=extend_schema(
        summary="A rule",
        description="The rule with the version in force on `at` (default today), its parent "
        "and children (keys), later versions already adopted and every number it had.",
        parameters=[AtQuery],
        responses={200: RuleSerializer, **error_responses(400, 404)},
    ),
)
class RuleDetailViewSet(ReadOnlyViewSet):
    serializer_class = RuleSerializer
    queryset = Rule.objects.none()  # for the schema

    def retrieve(self, request, slug, key):
        on = read_query(request, AtQuery)["at"]
        rule = self.rule_or_404(Rule.objects.select_related("parent", "rulebook"))
        children = list(rule.children.order_by("position").values_list("key", flat=True))
        versions = list(versions_for_api(rule.versions.all()))
        current = next((v for v in reversed(versions) if v.effective_from <= on), None)
        data = {
            "key": rule.key,
            "parent": rule.parent.key if rule.parent else None,
            "children": children,
            "on": on,
            "current": current,
            "pending": [v for v in versions if v.effective_from > on],
            "versions": len(versions),
            "numbers": number_spans(versions),
            "url": api_url(request, "rule-detail", slug=slug, key=rule.key),
            "versions_url": api_url(request, "version-list", slug=slug, key=rule.key),
            "html_url": html_url(request, rule),
        }
        return Response(RuleSerializer(data, context=self.get_serializer_context()).data)


def number_spans(versions: list[RuleVersion]) -> list[dict]:
    """Each number the rule had, from when until when (a repeal or a renumbering ends it)."""
    spans: list[dict] = []
    for version in versions:
        if spans and spans[-1]["until"] is None:
            if not version.repealed and version.number == spans[-1]["number"]:
                continue
            spans[-1]["until"] = version.effective_from
        if not version.repealed:
            spans.append(
                {"number": version.number, "effective_from": version.effective_from, "until": None}
            )
    return spans


@extend_schema_view(
    list=extend_schema(
        summary="A rule's versions",
        description="Oldest first. Versions are immutable: there is no PUT, PATCH or DELETE.",
        responses={200: VersionSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="One version of a rule",
        description="Immutable: answers `If-None-Match` with its ETag by 304.",
        responses={
            200: VersionSerializer,
            304: OpenApiResponse(description="Not modified: the ETag matches."),
            **error_responses(404),
        },
    ),
)
class VersionViewSet(ReadOnlyViewSet, mixins.ListModelMixin):
    serializer_class = VersionSerializer
    filterset_class = filters.VersionFilter
    lookup_field = "seq"
    queryset = RuleVersion.objects.none()  # for the schema

    def get_queryset(self):
        return versions_for_api(self.rule_or_404().versions.all())

    def retrieve(self, request, slug, key, seq):
        version = self.get_object()
        etag = etag_for("version", version.pk, version.created_at.isoformat())
        return conditional(request, etag, lambda: self.get_serializer(version).data)


class RuleBlameView(ExpensiveView):
    @extend_schema(
        summary="Blame: which version introduced each passage",
        description="The text in force on `at` (default today) cut into passages, each with "
        "the version, and so the proposal, that introduced it.",
        parameters=[AtQuery],
        responses={200: BlameSerializer, **error_responses(400, 404, 429)},
    )
    def get(self, request, slug, key):
        on = read_query(request, AtQuery)["at"]
        rule = self.rule_or_404()
        blamed = rule_blame(rule=rule, on=on)
        versions = list({p.version.pk: p.version for p in blamed.passages}.values())
        prefetch_related_objects(versions, "amendment__proposal")
        if blamed.version is not None:
            prefetch_related_objects([blamed.version], parameter_values_prefetch())
        data = {"rule": rule.key, "on": on, "version": blamed.version, "passages": blamed.passages}
        return Response(BlameSerializer(data, context=self.get_serializer_context()).data)
