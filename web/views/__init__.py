"""Member pages: fetch, check the input, build a context, render. No login needed to read."""

from web.views.bodies import body_detail, body_list
from web.views.book import changes, cite, contents, healthz, index
from web.views.diffs import changes_diff, compare_diff
from web.views.edition import edition
from web.views.events import event_detail, event_list, quantity_detail
from web.views.parameters import parameter_detail, parameter_list
from web.views.proposals import proposal_detail, proposal_list
from web.views.rules import blame_view, compare_versions, rule_detail, version_detail
from web.views.search import search

__all__ = [
    "blame_view",
    "body_detail",
    "body_list",
    "changes",
    "changes_diff",
    "cite",
    "compare_diff",
    "compare_versions",
    "contents",
    "edition",
    "event_detail",
    "event_list",
    "healthz",
    "index",
    "parameter_detail",
    "parameter_list",
    "proposal_detail",
    "proposal_list",
    "quantity_detail",
    "rule_detail",
    "search",
    "version_detail",
]
