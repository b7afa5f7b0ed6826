"""Input serializers of the write API: they check types and shapes only.

What makes an amendment, a vote or a step of the workflow valid is decided by
`proposals.services`, which raise field-keyed ValidationErrors that the API returns as 400s.
The field names are the contract of DESIGN.md ("Write shapes").
"""

from __future__ import annotations

from decimal import InvalidOperation

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from proposals.models import Amendment, Body, RollCallEntry, Vote
from proposals.rules import RollCall
from proposals.services.tally import Section
from rulebook.api.serializers import enum_field


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A JSON number, passed on as given (int or float): the services do the arithmetic."""

    default_error_messages = {"invalid": "Give a number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


def _text(help_text: str = "", **kwargs) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=help_text, **kwargs
    )


def _key(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, max_length=100, help_text=help_text)


class AmendmentInput(serializers.Serializer):
    """One amendment; which fields a kind takes is checked by the service (see DESIGN.md)."""

    kind = enum_field("AmendmentKind", Amendment.Kind.choices)
    rule = _key("amend, repeal, renumber: the key of the rule changed.")
    key = _key("insert: the stable key of the new rule.")
    parent = serializers.CharField(
        required=False, allow_null=True, max_length=100, help_text="insert, renumber: parent key."
    )
    after = serializers.CharField(
        required=False, allow_null=True, max_length=100, help_text="insert, renumber: sibling key."
    )
    number = _text("The proposed citation label.", max_length=60)
    heading = _text(max_length=300)
    text = _text("The proposed full text of the rule.")
    parameters = serializers.DictField(
        child=NumberField(), required=False, help_text='e.g. {"leader_nomination_threshold": 20}'
    )


class ProposalInput(serializers.Serializer):
    reference = serializers.CharField(max_length=60, help_text="e.g. 2026/4")
    title = serializers.CharField(max_length=300)
    proposer = serializers.CharField(max_length=200, help_text="e.g. Northfield CLP")
    rationale = _text()
    conference_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2200
    )
    amendments = AmendmentInput(many=True, required=False)


class SectionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="e.g. CLPs")
    weight = NumberField(help_text="Share of the vote, percent; sections sum to 100.")
    for_percent = NumberField()
    against_percent = NumberField()

    def validate(self, attrs) -> Section:
        """The section as `vote_record` takes it (percentages to two places)."""
        try:
            return Section.of(**attrs)
        except InvalidOperation:  # a number too large to hold to two places
            raise serializers.ValidationError("Give percentages, e.g. 53.67.") from None


class RollCallInput(serializers.Serializer):
    member = serializers.CharField(max_length=200, help_text="A member's name on the day.")
    choice = enum_field("RollCallChoice", RollCallEntry.Choice.choices)

    def validate(self, attrs) -> RollCall:
        return RollCall(member=attrs["member"], choice=attrs["choice"])


def _count() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )


class VoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=60, help_text="The body's slug, e.g. nec.")
    held_on = serializers.DateField()
    stage = enum_field("VoteStage", Vote.Stage.choices)
    method = enum_field("VoteMethod", Vote.Method.choices)
    majority = enum_field("Majority", Vote.Majority.choices, required=False)
    votes_for = _count()
    votes_against = _count()
    abstentions = _count()
    sections = SectionInput(many=True, required=False, help_text="Card vote only.")
    roll_call = RollCallInput(many=True, required=False, help_text="Roll call only.")
    declared_result = enum_field("VoteResult", Vote.Result.choices, required=False, allow_null=True)
    note = _text("Source, e.g. LabourList, 2021-09-26.")

    def validate_body(self, slug: str) -> Body:
        """The body, by its slug in the proposal's rule book (`context["rulebook"]`)."""
        rulebook = self.context["rulebook"]
        body = Body.objects.filter(rulebook=rulebook, slug=slug).first()
        if body is None:
            raise serializers.ValidationError(f"Rule book {rulebook.slug} has no body {slug!r}.")
        return body


class AdoptInput(serializers.Serializer):
    effective_from = serializers.DateField(help_text="The day the new versions take effect.")
    note = _text("Superusers only: why adopt without a carried decision vote.")


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the vote is voided, e.g. 'Recorded on the wrong proposal'."
    )

    def validate(self, attrs):
        """Refuse fields other than `reason`: a void takes nothing else (`voided_at` and
        `voided_by` are the request's own)."""
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                dict.fromkeys(unknown, "Unknown field: a void takes only a reason.")
            )
        return attrs
