"""What the proposal views share: the request body, service refusals, the proposal."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError

from proposals.caching import vary_by_reader
from proposals.models import Proposal
from rulebook.api.base import InRulebook
from rulebook.api.errors import Conflict, validation_messages


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
    """A view under …/proposals/<pk>/: 404 for a proposal of another rule book, and for a
    draft the user may not read (`ProposalQuerySet.visible_to`)."""

    @cached_property
    def proposal(self) -> Proposal:
        readable = Proposal.objects.visible_to(self.request.user)
        return get_object_or_404(readable, rulebook=self.rulebook, pk=self.kwargs["pk"])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return vary_by_reader(response, request.user)
