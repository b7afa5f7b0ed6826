"""Proposals, votes and bodies: read viewsets, and draft writes that call the services.

Creating and editing a draft go through `proposal_create` / `proposal_update`, recording a
vote through `vote_record`: the input serializers only check types. Each list and detail runs
a fixed number of queries (tests/test_api_queries.py).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from proposals import services
from proposals.api import filters
from proposals.api.common import InProposal, request_data, service_errors
from proposals.api.inputs import ProposalInput, VoteInput
from proposals.api.permissions import ModelPermissions
from proposals.api.serializers import (
    BodyDetailSerializer,
    BodySerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    VoteSerializer,
)
from proposals.caching import vary_by_reader
from proposals.models import Body, Membership, Proposal, Vote
from rulebook.api.base import BookViewSet, ReadOnlyViewSet
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query

WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema_view(
    list=extend_schema(
        summary="Proposals",
        description="Newest Conference first, then by reference; with amendments and votes. "
        "Drafts are listed only to users with proposals.view_proposal or change_proposal; to "
        "anyone else a proposal appears once submitted.",
        responses={200: ProposalSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A proposal, with each amendment's diff against its base",
        description="A draft is a 404 unless the user has proposals.view_proposal or "
        "change_proposal.",
        responses={200: ProposalDetailSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Draft a proposal",
        description="Needs proposals.add_proposal (group Drafter). Amendments in the DESIGN.md "
        "shapes; each is drafted against its rule's latest version.",
        request=ProposalInput,
        responses={201: ProposalDetailSerializer, **error_responses(400, 401, 403, 404)},
    ),
    update=extend_schema(
        summary="Replace a draft",
        description="Drafts only; needs proposals.change_proposal. Replaces every amendment.",
        request=ProposalInput,
        responses={200: ProposalDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit a draft",
        description="Drafts only; `amendments`, if given, replaces them all.",
        request=ProposalInput(partial=True),
        responses={200: ProposalDetailSerializer, **WRITE_ERRORS},
    ),
)
class ProposalViewSet(BookViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    permission_classes = [ModelPermissions]
    filterset_class = filters.ProposalFilter
    queryset = Proposal.objects.none()  # for the schema and the model permissions

    def get_queryset(self):
        # Drafts only for their readers (staff with view_ or change_proposal); to anyone else
        # a draft is a 404 and lists leave it out.
        return (
            Proposal.objects.visible_to(self.request.user)
            .filter(rulebook=self.rulebook)
            .listed()
            .with_details()
        )

    def get_serializer_class(self):
        return ProposalSerializer if self.action == "list" else ProposalDetailSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return vary_by_reader(response, request.user)

    def create(self, request, slug):
        data = self._input(partial=False)
        with service_errors():
            proposal = services.proposal_create(rulebook=self.rulebook, by=request.user, **data)
        return self._answer(proposal, status.HTTP_201_CREATED)

    def update(self, request, slug, pk, partial=False):
        proposal = self.get_object()
        data = self._input(partial=partial)
        if not partial:
            data = {"rationale": "", "conference_year": None, "amendments": [], **data}
        with service_errors():
            services.proposal_update(proposal=proposal, by=request.user, **data)
        return self._answer(proposal, status.HTTP_200_OK)

    def partial_update(self, request, slug, pk):
        return self.update(request, slug, pk, partial=True)

    def _input(self, *, partial: bool) -> dict:
        serializer = ProposalInput(data=request_data(self.request), partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, proposal: Proposal, code: int) -> Response:
        # Whoever just wrote the draft sees it, whatever they may read otherwise.
        fresh = Proposal.objects.with_details().get(pk=proposal.pk)
        return Response(self.get_serializer(fresh).data, status=code)


@extend_schema_view(
    list=extend_schema(
        summary="A proposal's votes",
        responses={200: VoteSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary="Record a vote",
        description="Needs proposals.add_vote (group Secretary). Counts for a show of hands; "
        "`sections` for a card vote; `roll_call` for a roll call (counts then optional). The "
        "result is computed; a decision vote carries or loses the proposal.",
        request=VoteInput,
        responses={201: VoteSerializer, **WRITE_ERRORS},
    ),
)
class VoteViewSet(InProposal, BookViewSet, mixins.ListModelMixin):
    permission_classes = [ModelPermissions]
    serializer_class = VoteSerializer
    filterset_class = filters.VoteFilter
    queryset = Vote.objects.none()  # for the schema and the model permissions

    def get_queryset(self):
        return self.proposal.votes.with_figures().order_by("held_on", "id")

    def create(self, request, slug, pk):
        serializer = VoteInput(data=request_data(request), context={"rulebook": self.rulebook})
        serializer.is_valid(raise_exception=True)
        with service_errors():
            vote = services.vote_record(
                proposal=self.proposal, by=request.user, **serializer.validated_data
            )
        fresh = Vote.objects.with_figures().get(pk=vote.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Deciding bodies",
        responses={200: BodySerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A body with its members on a date",
        parameters=[AtQuery],
        responses={200: BodyDetailSerializer, **error_responses(400, 404)},
    ),
)
class BodyViewSet(ReadOnlyViewSet, mixins.ListModelMixin):
    serializer_class = BodySerializer
    lookup_field = "slug"
    lookup_url_kwarg = "body"
    queryset = Body.objects.none()  # for the schema

    def get_queryset(self):
        return (
            Body.objects.filter(rulebook=self.rulebook)
            .select_related("parent")
            .order_by("name", "slug")
        )

    def retrieve(self, request, slug, body):
        on = read_query(request, AtQuery)["at"]
        found = self.get_object()
        found.members_on = on
        found.members = list(Membership.objects.filter(body=found).on(on).order_by("name", "start"))
        return Response(BodyDetailSerializer(found, context=self.get_serializer_context()).data)
