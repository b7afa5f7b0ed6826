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
from rulebook.quantities import attach_computed, computed_on
from rulebook.selectors import book_outline, outline_entries, parameter_timelines


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
    queryset = Rule.objects.none()  # for the schema: the data comes from book_outline

    def list(self, request, slug):
        """The book's order on the date is read lean (ids and placements); only the page's
        rules are read whole, so a page of a huge book costs what a page of a small one does."""
        on = read_query(request, AtQuery)["at"]
        outline = book_outline(rulebook=self.rulebook, on=on)
        page = self.paginate_queryset(outline.rows)
        # `keys` names each entry's parent on the date, even one not shown (a clause still in
        # force under a repealed chapter).
        context = {**self.get_serializer_context(), "keys": outline.keys}
        entries = outline_entries(outline, page)
        attach_computed([e.version for e in entries], on=on)  # no query without a basis
        return self.get_paginated_response(
            RuleEntrySerializer(entries, many=True, context=context).data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Parameters with their timelines",
        parameters=[AtQuery],
        responses={200: ParameterSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A parameter with its timeline",
        parameters=[AtQuery],
        description="Each point of the timeline says whether it is `pending` (adopted, not "
        "yet in force), `in force` or `superseded` today.",
        responses={200: ParameterSerializer, **error_responses(400, 404)},
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
        timelines = parameter_timelines(parameters=parameters)
        on = read_query(self.request, AtQuery)["at"]
        context = {
            **self.get_serializer_context(),
            "timelines": timelines,
            "computed": computed_on(timelines, on=on),  # issue 13
            "today": timezone.localdate(),  # the day each point's `status` is told for
        }
        return self.get_serializer_class()(instance, *args, context=context, **kwargs)
