"""Read API of the rule book: viewsets over ordered, prefetched querysets; anonymous reads.

Each list and detail runs a fixed number of queries whatever the data (pinned in
tests/test_api_queries.py). Rules, versions and parameters are addressed by their keys.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from rulebook.api import filters
from rulebook.api.base import ReadOnlyViewSet
from rulebook.api.conditional import conditional, etag_for
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query
from rulebook.api.serializers import (
    ParameterSerializer,
    RulebookSerializer,
    RuleEntrySerializer,
    RuleSerializer,
    VersionSerializer,
    api_url,
    html_url,
)
from rulebook.models import Parameter, ParameterValue, Rule, Rulebook, RuleVersion
from rulebook.selectors import parameter_timelines, rulebook_at

PARAMETER_VALUES = Prefetch(
    "parameter_values",
    queryset=ParameterValue.objects.select_related("parameter").order_by("parameter__key"),
)


def versions_for_api(queryset):
    """Versions with their parameters, the date the next one takes over, and their amendment."""
    following = RuleVersion.objects.filter(rule=OuterRef("rule"), seq=OuterRef("seq") + 1)
    return (
        queryset.annotate(next_effective_from=Subquery(following.values("effective_from")[:1]))
        .select_related("rule", "amendment__proposal")
        .prefetch_related(PARAMETER_VALUES)
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
    list=extend_schema(
        summary="The rules in force on a date",
        description="Every rule not repealed on `at`, in document order, with the version "
        "in force then.",
        parameters=[AtQuery],
        responses={200: RuleEntrySerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A rule",
        description="The rule with the version in force on `at` (default today), its parent "
        "and children (keys), later versions already adopted and every number it had.",
        parameters=[AtQuery],
        responses={200: RuleSerializer, **error_responses(400, 404)},
    ),
)
class RuleViewSet(ReadOnlyViewSet):
    serializer_class = RuleEntrySerializer
    queryset = Rule.objects.none()  # for the schema: the data comes from rulebook_at

    def list(self, request, slug):
        on = read_query(request, AtQuery)["at"]
        snapshot = rulebook_at(rulebook=self.rulebook, on=on)
        page = self.paginate_queryset(snapshot.entries)
        keys = {entry.rule.pk: entry.rule.key for entry in snapshot.entries}
        missing = {e.rule.parent_id for e in page if e.rule.parent_id not in (None, *keys)}
        if missing:  # a clause still in force under a repealed chapter
            keys.update(Rule.objects.filter(pk__in=missing).values_list("pk", "key"))
        context = {**self.get_serializer_context(), "keys": keys}
        return self.get_paginated_response(
            RuleEntrySerializer(page, many=True, context=context).data
        )

    def retrieve(self, request, slug, key):
        on = read_query(request, AtQuery)["at"]
        rule = self.rule_or_404(Rule.objects.select_related("parent"))
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
            "html_url": html_url(request, "rule", rulebook=slug, key=rule.key),
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


@extend_schema_view(
    list=extend_schema(
        summary="Parameters with their timelines",
        responses={200: ParameterSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A parameter with its timeline",
        responses={200: ParameterSerializer, **error_responses(404)},
    ),
)
class ParameterViewSet(ReadOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ParameterSerializer
    filterset_class = filters.ParameterFilter
    lookup_field = "key"
    queryset = Parameter.objects.none()  # for the schema

    def get_queryset(self):
        return Parameter.objects.filter(rulebook=self.rulebook).order_by("key")

    def get_serializer(self, instance, *args, **kwargs):
        parameters = instance if kwargs.get("many") else [instance]
        context = {
            **self.get_serializer_context(),
            "timelines": parameter_timelines(parameters=parameters),
        }
        return self.get_serializer_class()(instance, *args, context=context, **kwargs)
