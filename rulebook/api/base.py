"""What every API view shares: the rule book named in the address, JSON bodies only.

Errors are JSON everywhere through settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]."""

from __future__ import annotations

from functools import cached_property

from django.shortcuts import get_object_or_404
from rest_framework import permissions, viewsets
from rest_framework.views import APIView

from rulebook.api.parsers import JSONParser
from rulebook.models import Rule, Rulebook


class InRulebook:
    """A view under /api/rulebooks/<slug>/: 404 for an unknown rule book."""

    @cached_property
    def rulebook(self) -> Rulebook:
        return get_object_or_404(Rulebook, slug=self.kwargs["slug"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "slug": self.kwargs.get("slug")}

    def rule_or_404(self, queryset=None) -> Rule:
        queryset = queryset if queryset is not None else Rule.objects.all()
        return get_object_or_404(
            queryset, rulebook__slug=self.kwargs["slug"], key=self.kwargs["key"]
        )


class BookViewSet(InRulebook, viewsets.GenericViewSet):
    """A viewset under /api/rulebooks/<slug>/ (permissions: the settings' default).

    Bodies are JSON only: nested amendments, sections and roll calls have no faithful form
    encoding, so a form or multipart body is a 415 rather than silently half-read.
    """

    parser_classes = [JSONParser]


class ReadOnlyViewSet(BookViewSet):
    """Anyone may read; every other method answers 405 (not 401: nothing here is writable)."""

    permission_classes = [permissions.AllowAny]


class ReadOnlyView(InRulebook, APIView):
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "slug": self.kwargs.get("slug")}
