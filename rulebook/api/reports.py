"""Computed reads: a diff between two versions, blame, rule-book-wide changes, citations.

Diffs, changes and blame cost CPU in proportion to the texts, so they are rate-limited per
client (scope "expensive"). A diff between two versions never changes: it has an ETag.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from rulebook import diff
from rulebook.api import serializers as out
from rulebook.api.base import ReadOnlyView
from rulebook.api.conditional import conditional, etag_for
from rulebook.api.errors import error_responses
from rulebook.api.params import ChangesQuery, CiteQuery, DiffQuery, read_query
from rulebook.api.throttles import ExpensiveThrottle
from rulebook.citations import CitationNotFound, resolve_citation
from rulebook.models import RuleVersion, parameter_values_prefetch
from rulebook.selectors import rulebook_changes


class ExpensiveView(ReadOnlyView):
    throttle_classes = [ExpensiveThrottle]
    throttle_scope = "expensive"


class RuleDiffView(ExpensiveView):
    @extend_schema(
        summary="Word diff between two versions of a rule",
        description="Operations (equal/insert/delete runs of text), inline HTML with "
        "`<ins>`/`<del>`, word counts and a unified text diff. Immutable: ETag and 304.",
        parameters=[DiffQuery],
        responses={
            200: out.DiffSerializer,
            304: OpenApiResponse(description="Not modified: the ETag matches."),
            **error_responses(400, 404, 429),
        },
    )
    def get(self, request, slug, key):
        query = read_query(request, DiffQuery)
        wanted = {query["from"], query["to"]}
        versions = {
            v.seq: v
            for v in RuleVersion.objects.filter(
                rule__rulebook__slug=slug, rule__key=key, seq__in=wanted
            ).select_related("rule")
        }
        if len(versions) < len(wanted):
            rule = self.rule_or_404()
            missing = ", ".join(str(n) for n in sorted(wanted - set(versions)))
            raise Http404(f"Rule {rule.key} has no version {missing}.")
        a, b = versions[query["from"]], versions[query["to"]]
        prefetch = [a, b]

        def build():
            prefetch_related_objects(prefetch, parameter_values_prefetch())
            compared = diff.compare(a.text, b.text, from_label=f"v{a.seq}", to_label=f"v{b.seq}")
            data = {"rule": key, "from_version": a, "to_version": b, **compared.as_dict()}
            return out.DiffSerializer(data, context=self.get_serializer_context()).data

        return conditional(request, etag_for("diff", a.pk, b.pk), build)


PageQuery = OpenApiParameter(
    "page", int, description="A page number within the paginated result set (from 1)."
)


class ChangesView(ExpensiveView):
    @extend_schema(
        summary="What changed in the rule book between two dates",
        description="Rules added, repealed, changed (text or heading), only renumbered or "
        "only moved between the book in force on `from` and the one in force on `to`, in "
        "document order. `moved` (with `moved_from` and `moved_to`, the parents on both "
        "dates) says a rule sits elsewhere in the tree, whatever its kind. Paginated by "
        "`page`: `count` and `counts` (by kind) are of all the changes.",
        parameters=[ChangesQuery, PageQuery],
        responses={200: out.ChangesSerializer, **error_responses(400, 404, 429)},
    )
    def get(self, request, slug):
        query = read_query(request, ChangesQuery)
        changes = rulebook_changes(rulebook=self.rulebook, start=query["from"], end=query["to"])
        # Paginated as every list of the API (`?page=`, 404 past the last page): the word
        # diffs and the versions' parameters are worked out for the page's changes only.
        pages = PageNumberPagination()
        shown = changes.only(pages.paginate_queryset(changes.items, request, view=self))
        data = {
            "from": changes.start,
            "to": changes.end,
            "count": pages.page.paginator.count,
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
            "counts": changes.counts(),
            "changes": shown.items,
        }
        return Response(out.ChangesSerializer(data, context=self.get_serializer_context()).data)


class CiteView(ReadOnlyView):
    @extend_schema(
        summary="Resolve a citation",
        description="Finds the rule that bore the number `ref` on `at` (default today), or "
        "failing that the one that bore it most recently before, or first after. Every rule "
        "that ever had the number is listed under `citations`.",
        parameters=[CiteQuery],
        responses={200: out.CitationSerializer, **error_responses(400, 404)},
    )
    def get(self, request, slug):
        query = read_query(request, CiteQuery)
        try:
            found = resolve_citation(rulebook=self.rulebook, ref=query["ref"], on=query["at"])
        except CitationNotFound as exc:
            raise Http404(str(exc)) from None
        data = {
            "ref": found.ref,
            "at": found.on,
            "chosen": found.chosen,
            "citations": found.citations,
        }
        return Response(out.CitationSerializer(data, context=self.get_serializer_context()).data)
