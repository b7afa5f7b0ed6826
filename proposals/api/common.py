"""What the proposal views share: prefetching, the request body, service refusals."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError

from proposals.models import Amendment, CardVoteSection, Proposal, RollCallEntry, Vote
from rulebook.api.base import InRulebook
from rulebook.api.errors import Conflict, validation_messages


def votes_prefetched(queryset):
    """Votes with their body, card-vote sections and roll call: three queries in all."""
    roll_call = RollCallEntry.objects.select_related("membership")
    return queryset.select_related("body").prefetch_related(
        Prefetch("sections", queryset=CardVoteSection.objects.order_by("id")),
        Prefetch("roll_call", queryset=roll_call.order_by("membership__name", "id")),
    )


def proposals_prefetched(queryset):
    """Proposals with amendments (and their rules' latest version numbers) and votes."""
    amendments = (
        Amendment.objects.with_latest_seq()
        .select_related("rule", "base_version", "parent", "after", "produced_version")
        .order_by("order")
    )
    votes = votes_prefetched(Vote.objects.order_by("held_on", "id"))
    return queryset.prefetch_related(
        Prefetch("amendments", queryset=amendments), Prefetch("votes", queryset=votes)
    )


def request_data(request) -> dict:
    """The JSON body, which must be an object (a list or a string is a 400, not a 500)."""
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": "Send a JSON object."})
    return request.data


@contextmanager
def service_errors():
    """A service's refusal on the proposal's status becomes 409; other refusals stay 400."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) == {"status"}:
            raise Conflict(validation_messages(error)) from error
        raise


class InProposal(InRulebook):
    """A view under …/proposals/<pk>/: 404 for a proposal of another rule book."""

    @cached_property
    def proposal(self) -> Proposal:
        return get_object_or_404(Proposal, rulebook=self.rulebook, pk=self.kwargs["pk"])
