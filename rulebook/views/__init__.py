"""Member pages: fetch, check the input, build a context, render. No login needed to read."""

from rulebook.views.book import changes, cite, contents, healthz, index
from rulebook.views.parameters import parameter_detail
from rulebook.views.rules import blame_view, compare_versions, rule_detail, version_detail
from rulebook.views.search import search

__all__ = [
    "blame_view",
    "changes",
    "cite",
    "compare_versions",
    "contents",
    "healthz",
    "index",
    "parameter_detail",
    "rule_detail",
    "search",
    "version_detail",
]
