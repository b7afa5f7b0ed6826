"""Read serializers of proposals, amendments, votes and bodies.

Rules are named by key and versions by number; proposals and votes by id. Percentages and
parameter values are JSON numbers.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from proposals.models import Amendment, Body, Proposal, RollCallEntry, Vote
from rulebook.api.serializers import (
    DiffOpSerializer,
    DiffStatsSerializer,
    InBook,
    VersionSummarySerializer,
    api_url,
    enum_field,
)
from rulebook.diff import DiffInputTooLarge


class CardVoteSectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.FloatField(help_text="Share of the vote, percent.")
    for_percent = serializers.FloatField()
    against_percent = serializers.FloatField()
    abstain_percent = serializers.FloatField()


class RollCallEntrySerializer(serializers.Serializer):
    member = serializers.CharField(source="membership.name")
    seat = serializers.CharField(source="membership.seat")
    choice = enum_field("RollCallChoice", RollCallEntry.Choice.choices)


class VoteSerializer(InBook, serializers.ModelSerializer):
    body = serializers.CharField(source="body.slug", help_text="The body's slug.")
    body_name = serializers.CharField(source="body.name")
    sections = CardVoteSectionSerializer(many=True, help_text="Card vote only.")
    roll_call = RollCallEntrySerializer(many=True, help_text="Roll call only.")
    declared_result = enum_field(
        "VoteResult", Vote.Result.choices, allow_null=True, help_text="As declared, if recorded."
    )
    weighted_for_percent = serializers.FloatField(
        source="arithmetic.weighted_for",
        allow_null=True,
        help_text="Card vote: the weighted percentage for (sum over the sections of weight times "
        "for %). Null otherwise.",
    )
    weighted_against_percent = serializers.FloatField(
        source="arithmetic.weighted_against",
        allow_null=True,
        help_text="Card vote: the weighted percentage against. Null otherwise.",
    )
    for_share_percent = serializers.FloatField(
        source="arithmetic.for_share",
        allow_null=True,
        help_text="Two-thirds vote: the percentage for of those voting for or against, to "
        "compare with the threshold (66.7). Null otherwise.",
    )
    arithmetic = serializers.CharField(
        source="arithmetic.text",
        help_text="How the figures give the result, as the pages show it, e.g. 'CLPs 60.1 % and "
        "Affiliates 45 % at 50/50 → 52.55 % for, 41.95 % against' or '68.2 % for, two thirds "
        "needed'. Empty when the counts say it all.",
    )
    counted = serializers.BooleanField(
        source="is_counted", help_text="False once voided: the vote no longer counts."
    )
    voided_at = serializers.DateTimeField(
        allow_null=True, help_text="When the vote was voided as wrongly recorded; null if not."
    )
    voided_by = serializers.SerializerMethodField(
        help_text="Who voided it (user name); null if not."
    )
    void_reason = serializers.SerializerMethodField(help_text="Why it was voided; null if not.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = ["id", "body", "body_name", "held_on", "stage", "method", "majority"]
        fields += ["votes_for", "votes_against", "abstentions", "declared_result", "result"]
        fields += ["weighted_for_percent", "weighted_against_percent", "for_share_percent"]
        fields += ["arithmetic", "counted", "voided_at", "voided_by", "void_reason"]
        fields += ["note", "sections", "roll_call", "url"]

    def get_voided_by(self, vote) -> str | None:
        return vote.voided_by.get_username() if vote.voided_at else None

    def get_void_reason(self, vote) -> str | None:
        return vote.void_reason if vote.voided_at else None

    def get_url(self, vote) -> str:
        return api_url(self.request, "proposal-votes", slug=self.slug, pk=vote.proposal_id)


class AmendmentSerializer(serializers.ModelSerializer):
    rule = serializers.SerializerMethodField(help_text="The rule's key (an insert: once adopted).")
    key = serializers.CharField(source="new_key", help_text="Insert only: the new rule's key.")
    parent = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    after = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    base_version = serializers.IntegerField(
        source="base_version.seq", allow_null=True, help_text="The version it was drafted on."
    )
    latest_version = serializers.IntegerField(
        source="latest_seq", allow_null=True, help_text="The rule's newest version now."
    )
    stale = serializers.BooleanField(
        source="is_stale", help_text="The rule has a newer version than the base: rebase."
    )
    produced_version = serializers.IntegerField(
        source="produced_version.seq", allow_null=True, help_text="Set by adoption."
    )

    class Meta:
        model = Amendment
        fields = ["id", "order", "kind", "rule", "key", "parent", "after", "number", "heading"]
        fields += ["text", "parameters", "base_version", "latest_version", "stale"]
        fields += ["conflict", "conflict_text", "produced_version"]

    def get_rule(self, amendment) -> str | None:
        return amendment.rule.key if amendment.rule_id else None


class AmendmentDiffSerializer(serializers.Serializer):
    ops = DiffOpSerializer(many=True)
    html = serializers.CharField()
    stats = DiffStatsSerializer()
    unified = serializers.CharField()


class AmendmentWithDiffSerializer(AmendmentSerializer):
    diff = serializers.SerializerMethodField()

    class Meta(AmendmentSerializer.Meta):
        fields = [*AmendmentSerializer.Meta.fields, "diff"]

    @extend_schema_field(AmendmentDiffSerializer(allow_null=True))
    def get_diff(self, amendment) -> dict | None:
        """Base text → proposed text (see `Amendment.proposed_diff`); null when a text is
        beyond what the diff engine compares (one saved before drafting refused such texts),
        so that the proposal can still be read — and a write that committed still answers."""
        label = f"v{amendment.base_version.seq}" if amendment.base_version_id else "none"
        try:
            return amendment.proposed_diff(from_label=label, to_label="proposed").as_dict()
        except DiffInputTooLarge:
            return None


class ProposalSerializer(InBook, serializers.ModelSerializer):
    amendments = AmendmentSerializer(many=True)
    votes = VoteSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "reference", "title", "proposer", "rationale", "conference_year"]
        fields += ["status", "submitted_on", "adopted_on", "adoption_note", "created_at"]
        fields += ["updated_at", "url", "amendments", "votes"]

    def get_url(self, proposal) -> str:
        return api_url(self.request, "proposal-detail", slug=self.slug, pk=proposal.pk)


class ProposalDetailSerializer(ProposalSerializer):
    """A proposal with each amendment's word diff against its base version."""

    amendments = AmendmentWithDiffSerializer(many=True)


# A term's ends are "from" and "until", as in the import file; `from` is a Python keyword.
MembershipSerializer = type(
    "MembershipSerializer",
    (serializers.Serializer,),
    {
        "name": serializers.CharField(),
        "seat": serializers.CharField(),
        "from": serializers.DateField(source="start", help_text="First day of the term."),
        "until": serializers.DateField(
            source="end", allow_null=True, help_text="Last day; null while serving."
        ),
    },
)


class BodySerializer(InBook, serializers.ModelSerializer):
    kind = enum_field("BodyKind", Body.Kind.choices)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Body
        fields = ["slug", "name", "kind", "decides", "parent", "url"]

    def get_url(self, body) -> str:
        return api_url(self.request, "body-detail", slug=self.slug, body=body.slug)


class BodyDetailSerializer(BodySerializer):
    on = serializers.DateField(source="members_on", help_text="The date of `members`.")
    members = MembershipSerializer(many=True, help_text="Sitting on `on`.")

    class Meta(BodySerializer.Meta):
        fields = [*BodySerializer.Meta.fields, "on", "members"]


class RebaseResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The amendment.")
    outcome = enum_field("RebaseOutcome", ["unchanged", "clean", "conflict", "resolved"])
    conflict = serializers.BooleanField()
    base_version = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(allow_blank=True)
    conflict_text = serializers.CharField(
        allow_blank=True, help_text="The merge with conflict markers, to resolve by hand."
    )


class RebaseSerializer(serializers.Serializer):
    amendments = RebaseResultSerializer(many=True)


class MergeHunkSerializer(serializers.Serializer):
    base = serializers.CharField(allow_blank=True, help_text="The stretch of the base text.")
    current = serializers.CharField(allow_blank=True, help_text="It, as adopted meanwhile.")
    proposed = serializers.CharField(allow_blank=True, help_text="It, as the amendment has it.")


class RebaseConflictSerializer(serializers.Serializer):
    """One recorded conflict (`proposals.services.ConflictView`): the base and both edits."""

    amendment = serializers.IntegerField(help_text="The amendment's id, to resolve it.")
    rule = serializers.CharField(help_text="The rule's key.")
    base_version = serializers.IntegerField(help_text="The version it was drafted against.")
    current_version = serializers.IntegerField(help_text="The version adopted meanwhile.")
    base_text = serializers.CharField(allow_blank=True)
    current_text = serializers.CharField(allow_blank=True, help_text="Empty if repealed.")
    amendment_text = serializers.CharField(allow_blank=True)
    current_repealed = serializers.BooleanField()
    suggestion = serializers.CharField(
        allow_blank=True,
        help_text="A clean merge of both edits where the texts do not collide; else empty.",
    )
    hunks = MergeHunkSerializer(many=True, help_text="Where the two edits collide.")
    field_problems = serializers.ListField(
        child=serializers.CharField(), help_text="Number or heading changed on both sides."
    )


class RebaseConflictsSerializer(RebaseSerializer):
    detail = serializers.CharField()
    conflicts = RebaseConflictSerializer(many=True)


class AdoptedSerializer(serializers.Serializer):
    proposal = ProposalSerializer()
    versions = VersionSummarySerializer(many=True, help_text="The new versions, in order.")
