"""`GET /api/rulebooks/<slug>/search/?q=&at=`: the search page's rule results as JSON.

The same function as the page (`rulebook.search.search_rules`), so the same syntax, results
and order; grouped by rule, the best-matching version first. Proposals are not searched here
(the rule book's API does not show them; `/api/rulebooks/<slug>/proposals/` lists them).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from rulebook.api.errors import error_responses
from rulebook.api.params import read_query
from rulebook.api.reports import ExpensiveView
from rulebook.api.serializers import InBook, api_url, html_url
from rulebook.search import MAX_QUERY_LENGTH, search_rules
from rulebook.search_syntax import QueryProblem, parse_query


class SearchParams(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text='Words to find. "Quoted words" make a phrase, `or` accepts either side, '
        "a leading minus leaves a word out; other words must all appear.",
    )
    at = serializers.DateField(
        required=False,
        help_text="Only versions in force on this date, YYYY-MM-DD. Default: every version.",
    )

    def validate_q(self, value):
        try:
            return parse_query(value)
        except QueryProblem as exc:
            raise serializers.ValidationError(str(exc)) from None


class VersionHitSerializer(InBook, serializers.Serializer):
    version = serializers.IntegerField(source="version.seq")
    number = serializers.CharField(source="version.number")
    effective_from = serializers.DateField(source="version.effective_from")
    until = serializers.DateField(allow_null=True, help_text="Null while it is the latest.")
    heading = serializers.CharField(help_text="HTML: the heading, escaped, matches in <mark>.")
    snippet = serializers.CharField(help_text="HTML: text around the matches, as `heading`.")
    url = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        v = hit.version
        return api_url(self.request, "version-detail", slug=self.slug, key=v.rule.key, seq=v.seq)


class RuleMatchSerializer(InBook, serializers.Serializer):
    rule = serializers.CharField(source="rule.key", help_text="The rule's key.")
    best = VersionHitSerializer(help_text="The best-matching version.")
    also_matched = serializers.ListField(
        child=serializers.IntegerField(), help_text="The rule's other matching versions."
    )
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    def get_url(self, match) -> str:
        return api_url(self.request, "rule-detail", slug=self.slug, key=match.rule.key)

    def get_html_url(self, match) -> str:
        return html_url(self.request, match.rule)


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField()
    at = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(help_text="Rules found (at most 50).")
    results = RuleMatchSerializer(many=True, help_text="Best match first.")


class SearchView(ExpensiveView):
    @extend_schema(
        summary="Search the rules",
        description="Full-text search of every version of every rule (or of those in force "
        "on `at`), grouped by rule, best match first: the syntax and order of the search "
        "page. A query with nothing to search for (only exclusions or punctuation) is a 400.",
        parameters=[SearchParams],
        responses={200: SearchResultSerializer, **error_responses(400, 404, 429)},
    )
    def get(self, request, slug):
        query = read_query(request, SearchParams)
        matches = search_rules(rulebook=self.rulebook, query=query["q"], on=query.get("at"))
        data = {
            "q": request.query_params["q"],
            "at": query.get("at"),
            "count": len(matches),
            "results": matches,
        }
        context = self.get_serializer_context()
        return Response(SearchResultSerializer(data, context=context).data)
