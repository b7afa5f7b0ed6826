"""Read API of the rule book: viewsets over ordered, prefetched querysets; anonymous reads.

Each list and detail runs a fixed number of queries whatever the data (pinned in
tests/test_api_queries.py). Rules, versions and parameters are addressed by their keys.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from rulebook.api import filters
from rulebook.api.base import ReadOnlyViewSet
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query
from rulebook.api.serializers import ParameterSerializer, RuleEntrySerializer
from rulebook.models import Parameter, Rule
from rulebook.selectors import parameter_timelines, rulebook_at


@extend_schema_view(
    list=extend_schema(
        summary="The rules in force on a date",
        description="Every rule not repealed on `at`, in document order, with the version "
        "in force then.",
        parameters=[AtQuery],
        responses={200: RuleEntrySerializer(many=True), **error_responses(400, 404)},
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
        parents = {entry.version.parent_id for entry in page}
        missing = {pk for pk in parents if pk not in (None, *keys)}
        if missing:  # a clause still in force under a repealed chapter
            keys.update(Rule.objects.filter(pk__in=missing).values_list("pk", "key"))
        context = {**self.get_serializer_context(), "keys": keys}
        return self.get_paginated_response(
            RuleEntrySerializer(page, many=True, context=context).data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Parameters with their timelines",
        responses={200: ParameterSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A parameter with its timeline",
        description="Each point of the timeline says whether it is `pending` (adopted, not "
        "yet in force), `in force` or `superseded` today.",
        responses={200: ParameterSerializer, **error_responses(404)},
    ),
)
class ParameterViewSet(ReadOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ParameterSerializer
    filterset_class = filters.ParameterFilter
    lookup_field = "key"
    queryset = Parameter.objects.none()  # for the schema

    def get_queryset(self):
        return (
            Parameter.objects.filter(rulebook=self.rulebook)
            .select_related("rulebook")  # for its page's address
            .order_by("key")
        )

    def get_serializer(self, instance, *args, **kwargs):
        parameters = instance if kwargs.get("many") else [instance]
        context = {
            **self.get_serializer_context(),
            "timelines": parameter_timelines(parameters=parameters),
            "today": timezone.localdate(),  # the day each point's `status` is told for
        }
        return self.get_serializer_class()(instance, *args, context=context, **kwargs)
