"""Member pages: fetch, check the input, build a context, render. No login needed to read."""

from web.views.book import changes, cite, contents, healthz, index
from web.views.parameters import parameter_detail, parameter_list
from web.views.proposals import proposal_detail, proposal_list
from web.views.rules import blame_view, compare_versions, rule_detail, version_detail
from web.views.search import search

__all__ = [
    "blame_view",
    "changes",
    "cite",
    "compare_versions",
    "contents",
    "healthz",
    "index",
    "parameter_detail",
    "parameter_list",
    "proposal_detail",
    "proposal_list",
    "rule_detail",
    "search",
    "version_detail",
]
