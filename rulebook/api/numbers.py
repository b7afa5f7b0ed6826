"""Read API of quantities and nomination events (issue 13): a quantity's dated values with
their sources, and an event judged under the rules of its date, of `?rules_on=`, and of
every edition of the rule that states its threshold. A fixed number of queries each."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from rulebook.api.base import ReadOnlyViewSet
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query
from rulebook.api.serializers import ComputedSerializer, InBook, api_url
from rulebook.models import NominationEvent, Quantity, QuantityValue, json_number
from rulebook.quantities import EventEvaluator, QuantityTable


class QuantityValueSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = QuantityValue
        fields = ["value", "effective_from", "source", "confidence", "note"]

    def get_value(self, item) -> float:
        return json_number(item.value)


class QuantitySerializer(InBook, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    value_on = serializers.SerializerMethodField(
        help_text="The value in force on `at` (default today); null when none was recorded."
    )
    values = QuantityValueSerializer(many=True, help_text="Every value, oldest first.")

    class Meta:
        model = Quantity
        fields = ["key", "label", "unit", "description", "url", "value_on", "values"]

    def get_url(self, quantity) -> str:
        return api_url(self.request, "quantity-detail", slug=self.slug, key=quantity.key)

    @extend_schema_field(QuantityValueSerializer(allow_null=True))
    def get_value_on(self, quantity):
        found = self.context["table"].value_on(quantity, self.context["at"])
        return None if found is None else QuantityValueSerializer(found).data


@extend_schema_view(
    list=extend_schema(
        summary="Quantities with their dated values",
        description="What the book's percentages are taken of (e.g. Commons members of the "
        "PLP), each value with its source and confidence (V, P, U).",
        parameters=[AtQuery],
        responses={200: QuantitySerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A quantity with its dated values",
        parameters=[AtQuery],
        responses={200: QuantitySerializer, **error_responses(400, 404)},
    ),
)
class QuantityViewSet(ReadOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = QuantitySerializer
    lookup_field = "key"
    queryset = Quantity.objects.none()  # for the schema

    def get_queryset(self):
        values = QuantityValue.objects.order_by("effective_from")
        return (
            Quantity.objects.filter(rulebook=self.rulebook)
            .prefetch_related(Prefetch("values", queryset=values))
            .order_by("key")
        )

    def get_serializer(self, instance, *args, **kwargs):
        quantities = instance if kwargs.get("many") else [instance]
        table = QuantityTable(v for q in quantities for v in q.values.all())
        context = {
            **self.get_serializer_context(),
            "at": read_query(self.request, AtQuery)["at"],
            "table": table,
        }
        return self.get_serializer_class()(instance, *args, context=context, **kwargs)


# --- Nomination events -----------------------------------------------------------------------


class NominationSerializer(serializers.Serializer):
    candidate = serializers.CharField()
    mp = serializers.IntegerField(source="mp_nominations")
    clp = serializers.IntegerField(source="clp_nominations", allow_null=True)
    affiliates = serializers.IntegerField(source="affiliate_nominations", allow_null=True)
    source = serializers.CharField()
    confidence = serializers.CharField(help_text="V, P or U.")
    note = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    candidate = serializers.CharField(source="nomination.candidate")
    mp = serializers.IntegerField(source="nomination.mp_nominations")
    qualified = serializers.BooleanField(
        allow_null=True, help_text="Null when no threshold can be computed."
    )


class JudgementSerializer(serializers.Serializer):
    rules_on = serializers.DateField(help_text="The date whose rules were applied.")
    rule = serializers.CharField(source="version.rule.key", allow_null=True, default=None)
    version = serializers.IntegerField(source="version.seq", allow_null=True, default=None)
    number = serializers.CharField(source="version.number", allow_null=True, default=None)
    reason = serializers.CharField(allow_null=True, help_text="Why there is no threshold.")
    threshold = ComputedSerializer(
        source="computed", allow_null=True, help_text="With the quantities of the event's date."
    )
    candidates = VerdictSerializer(source="verdicts", many=True)


class EventSummarySerializer(InBook, serializers.ModelSerializer):
    parameter = serializers.CharField(source="parameter.key")
    url = serializers.SerializerMethodField()

    class Meta:
        model = NominationEvent
        fields = ["slug", "title", "date", "parameter", "reported_threshold", "source"]
        fields += ["confidence", "note", "url"]

    def get_url(self, event) -> str:
        return api_url(self.request, "event-detail", slug=self.slug, event=event.slug)


class EventSerializer(EventSummarySerializer):
    nominations = NominationSerializer(many=True, source="nomination_list")
    at_the_time = JudgementSerializer(help_text="Under the rules in force on the event's date.")
    under_rules_on = JudgementSerializer(
        allow_null=True, help_text="Under the rules in force on `?rules_on=`, if given."
    )
    editions = JudgementSerializer(
        many=True, help_text="Under each edition of the rule stating the threshold, oldest first."
    )

    class Meta(EventSummarySerializer.Meta):
        fields = [*EventSummarySerializer.Meta.fields, "nominations", "at_the_time"]
        fields += ["under_rules_on", "editions"]


class RulesOnQuery(serializers.Serializer):
    rules_on = serializers.DateField(
        required=False,
        help_text="Judge the event under the rules in force on this date, YYYY-MM-DD, with "
        "the quantities of the event's own date.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Nomination events",
        responses={200: EventSummarySerializer(many=True), **error_responses(404)},
    ),
    retrieve=extend_schema(
        summary="A nomination event judged under any date's rules",
        description="Who qualified under the rules in force on the event's date and, for "
        "`rules_on`, who would have under that date's rules (the quantities stay those of the "
        "event's date); and the event under every edition of the rule.",
        parameters=[RulesOnQuery],
        responses={200: EventSerializer, **error_responses(400, 404)},
    ),
)
class NominationEventViewSet(ReadOnlyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = EventSummarySerializer
    lookup_field = "slug"
    lookup_url_kwarg = "event"
    queryset = NominationEvent.objects.none()  # for the schema

    def get_queryset(self):
        return (
            NominationEvent.objects.filter(rulebook=self.rulebook)
            .select_related("parameter")
            .order_by("date", "slug")
        )

    def retrieve(self, request, *args, **kwargs):
        rules_on = read_query(request, RulesOnQuery).get("rules_on")
        event = self.get_object()
        event.nomination_list = list(event.nominations.all())
        evaluator = EventEvaluator(event, event.nomination_list)
        event.at_the_time = evaluator.judge(event.date)
        event.under_rules_on = evaluator.judge(rules_on) if rules_on else None
        event.editions = [evaluator.judge(day) for day in evaluator.editions()]
        return Response(EventSerializer(event, context=self.get_serializer_context()).data)
