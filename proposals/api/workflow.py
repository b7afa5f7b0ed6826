"""Workflow actions on a proposal: submit, withdraw, remit, adopt, rebase, and voiding one of
its votes. Each a small POST view that checks one permission, reads its input and calls one
service.

Status codes: 200 done; 400 bad input (field-keyed); 409 when the proposal's state forbids
the step (e.g. adopting a proposal already adopted, voiding a vote twice: `{"status": ["…"]}`),
and for adoption when amendments are stale (`{"stale": [ids], "detail": "…"}`), with nothing
applied.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals import services
from proposals.api.common import InProposal, request_data, service_errors
from proposals.api.inputs import AdoptInput, NoInput, RebaseInput, VoidInput
from proposals.api.permissions import RequiresPermission
from proposals.api.serializers import (
    AdoptedSerializer,
    ProposalDetailSerializer,
    RebaseConflictsSerializer,
    RebaseSerializer,
    VoteSerializer,
)
from proposals.models import Proposal, Vote
from rulebook.api.errors import ErrorSerializer, error_responses
from rulebook.api.parsers import JSONParser
from rulebook.models import parameter_values_prefetch


class StaleConflictSerializer(serializers.Serializer):
    """The 409 of an adoption (documentation only: see `StaleConflictSchema`)."""


class StaleConflictSchema(OpenApiSerializerExtension):
    target_class = StaleConflictSerializer

    def get_name(self, auto_schema, direction):
        return "AdoptConflict"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "properties": {
                "stale": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "Ids of the amendments to rebase (or with a conflict).",
                },
                "detail": {"type": "string"},
            },
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"stale": [12], "detail": "Rebase before adopting: amendment 12 …"},
        }


class ProposalAction(InProposal, APIView):
    permission_classes = [RequiresPermission]
    parser_classes = [JSONParser]  # see rulebook.api.base.BookViewSet
    required_permission = "proposals.change_proposal"

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "slug": self.kwargs["slug"]}

    def fresh(self, proposal: Proposal) -> Proposal:
        return Proposal.objects.with_details().get(pk=proposal.pk)

    def read_nothing(self) -> None:
        """A step that takes no input refuses any field it is sent (a typo would otherwise
        look like an option that was honoured)."""
        NoInput(data=request_data(self.request)).is_valid(raise_exception=True)

    def answer(self, proposal: Proposal) -> Response:
        context = self.get_serializer_context()
        return Response(ProposalDetailSerializer(self.fresh(proposal), context=context).data)


def _action_schema(summary: str, description: str, **kwargs):
    return extend_schema(
        summary=summary,
        description=description,
        request=kwargs.pop("request", NoInput),
        responses=kwargs.pop("responses", None)
        or {200: ProposalDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
        **kwargs,
    )


class StepView(ProposalAction):
    """A step that takes no input: the service (`proposal=`, `by=`) does it all."""

    step = None

    def post(self, request, slug, pk):
        self.read_nothing()
        with service_errors():
            proposal = type(self).step(proposal=self.proposal, by=request.user)
        return self.answer(proposal)


@_action_schema("Submit a draft", "Needs proposals.change_proposal (Drafter).")
class SubmitView(StepView):
    step = staticmethod(services.proposal_submit)


@_action_schema(
    "Withdraw a draft or submitted proposal", "Needs proposals.change_proposal (Drafter)."
)
class WithdrawView(StepView):
    step = staticmethod(services.proposal_withdraw)


@_action_schema(
    "Remit a submitted proposal",
    "Conference refers it back to the NEC instead of deciding it: the proposal ends "
    "remitted. Needs proposals.change_proposal (Drafter), as withdrawing does.",
)
class RemitView(StepView):
    step = staticmethod(services.proposal_remit)


_RESOLVE_EXAMPLE = OpenApiExample(
    "Resolve a conflict",
    value={
        "resolutions": [
            {
                "amendment": 12,
                "text": "Each nomination must be supported by 12 per cent of the PLP and MEPs.",
            }
        ]
    },
    request_only=True,
)


class RebaseView(ProposalAction):
    @extend_schema(
        summary="Rebase stale amendments, settling conflicts",
        description="Three-way merge of each stale amendment onto its rule's latest version. "
        "A clean merge moves the amendment on; a conflict is recorded and never resolved "
        "silently: the answer is then 409, with `conflicts` giving each one's base text, the "
        "text adopted meanwhile and the amendment's text (and where they collide). Send the "
        "settled wording back as `resolutions` (one per conflicted amendment of this "
        "proposal; no conflict markers): they are checked together and applied before the "
        "rest is rebased, or refused whole (400, keyed `resolutions[i].amendment` or "
        "`resolutions[i].text`). Needs proposals.change_proposal (Drafter), as in the admin.",
        request=RebaseInput,
        examples=[_RESOLVE_EXAMPLE],
        responses={
            200: RebaseSerializer,
            409: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="RebaseConflictOrRefusal",
                    serializers=[RebaseConflictsSerializer, ErrorSerializer],
                    resource_type_field_name=None,
                ),
                description="Some amendment is in conflict (clean merges and resolutions in "
                "the same request are kept); or the proposal's status forbids rebasing "
                '(`{"status": [...]}`).',
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request, slug, pk):
        proposal = self.proposal
        serializer = RebaseInput(data=request_data(request), context={"proposal": proposal})
        serializer.is_valid(raise_exception=True)
        resolutions = serializer.validated_data.get("resolutions", [])
        with service_errors():
            results = services.proposal_rebase(
                proposal=proposal, by=request.user, resolutions=resolutions
            )
        answer = {"amendments": [r.as_dict() for r in results]}
        conflicted = [r.id for r in results if r.conflict]
        if not conflicted:
            return Response(RebaseSerializer(answer).data)
        amendments = proposal.amendments.filter(pk__in=conflicted).select_related(
            "rule", "base_version", "conflict_version"
        )
        answer["conflicts"] = [services.amendment_conflict(a).as_dict() for a in amendments]
        answer["detail"] = (
            f"{len(conflicted)} amendment(s) conflict with changes adopted meanwhile: send "
            "the settled text of each as `resolutions`."
        )
        return Response(RebaseConflictsSerializer(answer).data, status=409)


class AdoptView(ProposalAction):
    required_permission = "proposals.adopt_proposal"

    @_action_schema(
        "Adopt a carried proposal",
        "Each amendment becomes a new rule version taking effect on `effective_from`, all in "
        "one transaction. Needs proposals.adopt_proposal (Secretary) and a carried decision "
        "vote — or a superuser with a `note`. 409 lists stale amendments: rebase them.",
        request=AdoptInput,
        responses={
            200: AdoptedSerializer,
            409: OpenApiResponse(
                StaleConflictSerializer,
                description="Stale amendments (nothing applied), or the proposal's status "
                "forbids adoption.",
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request, slug, pk):
        serializer = AdoptInput(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        proposal = self.proposal
        try:
            with service_errors():
                versions = services.proposal_adopt(
                    proposal=proposal, by=request.user, **serializer.validated_data
                )
        except services.StaleAmendments as stale:
            return Response({"stale": stale.ids, "detail": str(stale)}, status=409)
        prefetch_related_objects(versions, parameter_values_prefetch())
        data = {"proposal": self.fresh(proposal), "versions": versions}
        return Response(AdoptedSerializer(data, context=self.get_serializer_context()).data)


class VoidView(ProposalAction):
    required_permission = "proposals.void_vote"

    @_action_schema(
        "Void a wrongly recorded vote",
        "The vote stays listed, with `voided_at`, `voided_by` and `void_reason`, and no longer "
        "counts: if it was the decision of a proposal not yet adopted, the proposal goes back "
        "to the status its remaining votes give (submitted). Needs proposals.void_vote "
        "(Secretary). 400: no reason, or a field other than `reason`; 404: no such vote on "
        "this proposal; 409: the vote is already voided, or the proposal is adopted (a "
        "correction is then a new proposal, or a superuser's correction with a note).",
        request=VoidInput,
        responses={200: VoteSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, slug, pk, vote):
        found = get_object_or_404(Vote, proposal=self.proposal, pk=vote)
        serializer = VoidInput(data=request_data(request))
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.vote_void(vote=found, by=request.user, **serializer.validated_data)
        fresh = Vote.objects.with_figures().get(pk=found.pk)
        return Response(VoteSerializer(fresh, context=self.get_serializer_context()).data)
