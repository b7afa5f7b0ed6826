"""Input serializers of the write API: they check types and shapes only.

What makes an amendment, a vote or a step of the workflow valid is decided by
`proposals.services`, which raise field-keyed ValidationErrors that the API returns as 400s.
The field names are the contract of DESIGN.md ("Write shapes"). Every input is strict
(`StrictInput`): unknown fields, non-text in text fields, unsafe characters and overlong
lists are refused with their path before any service runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import InvalidOperation

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from proposals.models import Amendment, Body, RollCallEntry, Vote
from proposals.rules import RollCall
from proposals.services.rebase import Resolution
from proposals.services.tally import Section
from rulebook.api.params import RealDateField
from rulebook.api.serializers import enum_field
from rulebook.validators import TEXT_MAX_CHARS, TextValidator

# How many items a list in a write body may hold: generous for real proposals and votes, and
# small enough that one request cannot pin a worker (issue 11: 2,000 amendments took over
# 30 s, 10,000 card-vote sections 9 s). A longer list is a 400 before any item is read.
MAX_AMENDMENTS = 200  # the largest Labour Conference rule-change proposals carry a few dozen
MAX_SECTIONS = 20  # Labour's card vote has two sections (CLPs and affiliates)
MAX_ROLL_CALL = 1_000  # the NEC has under 40 members; a conference roll call is by delegation


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField would turn 12 or true into "12" or "True".

    Control characters (line breaks and tabs only where `multiline`) and bidirectional
    overrides are refused by the shared `rulebook.validators.TextValidator`.
    """

    default_error_messages = {"invalid": "Give text, not {kind}."}

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(TextValidator(multiline=multiline))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", kind=_kind(data))
        return super().to_internal_value(data)


def _kind(data) -> str:
    if isinstance(data, bool):
        return "true or false"
    if isinstance(data, int | float):
        return "a number"
    return {dict: "an object", list: "a list"}.get(type(data), type(data).__name__)


class CappedList(serializers.ListSerializer):
    """A list of nested inputs with at most `max_length` items, checked before any item is
    (DRF's ListSerializer does so) and shown in the schema as maxItems."""

    default_error_messages = {"max_length": "At most {max_length} items; this list has more."}


class CappedListSchema(OpenApiSerializerFieldExtension):
    target_class = CappedList

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {
            "type": "array",
            "items": auto_schema.resolve_serializer(field.child, direction).ref,
        }
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
        return schema


def capped(child: serializers.Serializer, max_length: int, **kwargs) -> CappedList:
    return CappedList(child=child, max_length=max_length, **kwargs)


class StrictInput(serializers.Serializer):
    """The base of every input serializer: a field it does not declare is refused with its
    path ("amendments[0].parametrs": "Unknown field."), where DRF would drop it silently and
    a typo would lose what the client meant to send."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [name for name in data if name not in self.fields]
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class NoInput(StrictInput):
    """The body of a step that takes no input (submit, withdraw, remit, rebase): empty."""


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


def _text(help_text: str = "", *, multiline=True, **kwargs) -> StrictCharField:
    return StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        multiline=multiline,
        help_text=help_text,
        **kwargs,
    )


def _key(help_text: str, **kwargs) -> StrictCharField:
    return StrictCharField(required=False, max_length=100, help_text=help_text, **kwargs)


class AmendmentInput(StrictInput):
    """One amendment; which fields a kind takes is checked by the service (see DESIGN.md)."""

    kind = enum_field("AmendmentKind", Amendment.Kind.choices)
    rule = _key("amend, repeal, renumber: the key of the rule changed.")
    key = _key("insert: the stable key of the new rule.")
    parent = _key("insert, renumber: parent key.", allow_null=True)
    after = _key("insert, renumber: sibling key.", allow_null=True)
    number = _text("The proposed citation label.", multiline=False, max_length=60)
    heading = _text(multiline=False, max_length=300)
    text = _text(
        "The proposed full text of the rule, at most "
        f"{TEXT_MAX_CHARS:,} characters (what the diff engine compares).",
        max_length=TEXT_MAX_CHARS,
    )
    parameters = serializers.DictField(
        child=NumberField(), required=False, help_text='e.g. {"leader_nomination_threshold": 20}'
    )


class ProposalInput(StrictInput):
    reference = StrictCharField(max_length=60, help_text="e.g. 2026/4")
    title = StrictCharField(max_length=300)
    proposer = StrictCharField(max_length=200, help_text="e.g. Northfield CLP")
    rationale = _text()
    conference_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2200
    )
    amendments = capped(
        AmendmentInput(), MAX_AMENDMENTS, required=False, help_text=f"At most {MAX_AMENDMENTS}."
    )


class SectionInput(StrictInput):
    name = StrictCharField(max_length=100, help_text="e.g. CLPs")
    weight = NumberField(help_text="Share of the vote, percent; sections sum to 100.")
    for_percent = NumberField()
    against_percent = NumberField()

    def validate(self, attrs) -> Section:
        """The section as `vote_record` takes it (percentages to two places)."""
        try:
            return Section.of(**attrs)
        except InvalidOperation:  # a number too large to hold to two places
            raise serializers.ValidationError("Give percentages, e.g. 53.67.") from None


class RollCallInput(StrictInput):
    member = StrictCharField(max_length=200, help_text="A member's name on the day.")
    choice = enum_field("RollCallChoice", RollCallEntry.Choice.choices)

    def validate(self, attrs) -> RollCall:
        return RollCall(member=attrs["member"], choice=attrs["choice"])


def _count() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )


class VoteInput(StrictInput):
    body = StrictCharField(max_length=60, help_text="The body's slug, e.g. nec.")
    held_on = RealDateField()
    stage = enum_field("VoteStage", Vote.Stage.choices)
    method = enum_field("VoteMethod", Vote.Method.choices)
    majority = enum_field("Majority", Vote.Majority.choices, required=False)
    votes_for = _count()
    votes_against = _count()
    abstentions = _count()
    sections = capped(
        SectionInput(),
        MAX_SECTIONS,
        required=False,
        help_text=f"Card vote only; at most {MAX_SECTIONS}.",
    )
    roll_call = capped(
        RollCallInput(),
        MAX_ROLL_CALL,
        required=False,
        help_text=f"Roll call only; at most {MAX_ROLL_CALL:,} entries.",
    )
    declared_result = enum_field("VoteResult", Vote.Result.choices, required=False, allow_null=True)
    note = _text("Source, e.g. LabourList, 2021-09-26.")

    def validate_body(self, slug: str) -> Body:
        """The body, by its slug in the proposal's rule book (`context["rulebook"]`)."""
        rulebook = self.context["rulebook"]
        body = Body.objects.filter(rulebook=rulebook, slug=slug).first()
        if body is None:
            raise serializers.ValidationError(f"Rule book {rulebook.slug} has no body {slug!r}.")
        return body


class AdoptInput(StrictInput):
    effective_from = RealDateField(help_text="The day the new versions take effect.")
    note = _text("Superusers only: why adopt without a carried decision vote.")


class VoidInput(StrictInput):
    """A void takes only a reason (`voided_at` and `voided_by` are the request's own)."""

    reason = StrictCharField(
        multiline=True,
        max_length=2000,
        help_text="Why the vote is voided, e.g. 'Recorded on the wrong proposal'.",
    )


class ResolutionInput(StrictInput):
    """The text that settles one amendment's rebase conflict (`proposals.services.Resolution`)."""

    # Ids are BigAutoField: a larger number is no id, and would overflow the database.
    amendment = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The conflicted amendment's id."
    )
    text = StrictCharField(
        multiline=True,
        trim_whitespace=False,
        max_length=TEXT_MAX_CHARS,
        help_text="The full text the amendment proposes now, keeping the change adopted "
        f"meanwhile; no conflict markers; at most {TEXT_MAX_CHARS:,} characters.",
    )


class RebaseInput(StrictInput):
    """A rebase, optionally settling conflicts recorded by an earlier one."""

    resolutions = capped(
        ResolutionInput(),
        MAX_AMENDMENTS,
        required=False,
        help_text="One entry per conflicted amendment to settle; at most one per amendment.",
    )

    def validate_resolutions(self, items: list[dict]) -> list[Resolution]:
        """Each amendment, by id, among the proposal's (`context["proposal"]`); whether it is
        conflicted, or named twice, is the service's check (`resolution_problems`)."""
        proposal = self.context["proposal"]
        ids = {item["amendment"] for item in items}
        found = proposal.amendments.in_bulk(ids)
        errors = {}
        for index, item in enumerate(items):
            if item["amendment"] not in found:
                errors[index] = {
                    "amendment": [
                        f"Proposal {proposal.reference} has no amendment {item['amendment']}."
                    ]
                }
        if errors:
            raise serializers.ValidationError(errors)
        return [Resolution(amendment=found[i["amendment"]], text=i["text"]) for i in items]
