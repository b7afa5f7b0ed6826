"""REST API routes (`/api/`): the rule book's read API and the proposals API, the OpenAPI
schema and its interactive docs. Rules, versions and rule books are addressed by their stable
keys, proposals and votes by id. Any other address under /api/ is a JSON 404."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from proposals.api import audit, history, workflow
from proposals.api import views as proposals
from rulebook.api import numbers, reports, search
from rulebook.api import views as rulebook
from rulebook.api.errors import not_found_json
from web.api import AknView

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}
BOOK = "rulebooks/<slug:slug>/"
RULE = BOOK + "rules/<rule_key:key>/"
PROPOSAL = BOOK + "proposals/<id:pk>/"

# The interactive docs are Swagger UI from drf-spectacular-sidecar, served from our own static
# files; the split view loads its start-up script from a URL rather than inline, so only what
# Swagger UI itself needs is allowed here: its style attributes and data: icons. Every other
# page keeps the site's policy (settings.CONTENT_SECURITY_POLICY).
docs_view = csp_update({"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("rulebooks/", history.RulebookViewSet.as_view(LIST), name="rulebook-list"),
    path(BOOK, history.RulebookViewSet.as_view(DETAIL), name="rulebook-detail"),
    path(BOOK + "rules/", rulebook.RuleViewSet.as_view(LIST), name="rule-list"),
    path(RULE, history.RuleDetailViewSet.as_view(DETAIL), name="rule-detail"),
    path(RULE + "versions/", history.VersionViewSet.as_view(LIST), name="version-list"),
    path(
        RULE + "versions/<id:seq>/",
        history.VersionViewSet.as_view(DETAIL),
        name="version-detail",
    ),
    path(RULE + "diff/", reports.RuleDiffView.as_view(), name="rule-diff"),
    path(RULE + "blame/", history.RuleBlameView.as_view(), name="rule-blame"),
    path(BOOK + "changes/", reports.ChangesView.as_view(), name="changes"),
    path(BOOK + "cite/", reports.CiteView.as_view(), name="cite"),
    path(BOOK + "search/", search.SearchView.as_view(), name="search"),
    path(BOOK + "parameters/", rulebook.ParameterViewSet.as_view(LIST), name="parameter-list"),
    path(
        BOOK + "parameters/<parameter_key:key>/",
        rulebook.ParameterViewSet.as_view(DETAIL),
        name="parameter-detail",
    ),
    path(
        BOOK + "proposals/",
        proposals.ProposalViewSet.as_view({"get": "list", "post": "create"}),
        name="proposal-list",
    ),
    path(
        PROPOSAL,
        proposals.ProposalViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update"}
        ),
        name="proposal-detail",
    ),
    path(
        PROPOSAL + "votes/",
        proposals.VoteViewSet.as_view({"get": "list", "post": "create"}),
        name="proposal-votes",
    ),
    path(
        PROPOSAL + "votes/<int:vote>/void/", workflow.VoidView.as_view(), name="proposal-vote-void"
    ),
    path(PROPOSAL + "submit/", workflow.SubmitView.as_view(), name="proposal-submit"),
    path(PROPOSAL + "withdraw/", workflow.WithdrawView.as_view(), name="proposal-withdraw"),
    path(PROPOSAL + "remit/", workflow.RemitView.as_view(), name="proposal-remit"),
    path(PROPOSAL + "rebase/", workflow.RebaseView.as_view(), name="proposal-rebase"),
    path(PROPOSAL + "adopt/", workflow.AdoptView.as_view(), name="proposal-adopt"),
    path(PROPOSAL + "audit/", audit.ProposalAuditViewSet.as_view(LIST), name="proposal-audit"),
    path(BOOK + "bodies/", proposals.BodyViewSet.as_view(LIST), name="body-list"),
    path(
        BOOK + "bodies/<slug:body>/",
        proposals.BodyViewSet.as_view(DETAIL),
        name="body-detail",
    ),
    path(BOOK + "akn/", AknView.as_view(), name="akn"),
    path(BOOK + "quantities/", numbers.QuantityViewSet.as_view(LIST), name="quantity-list"),
    path(
        BOOK + "quantities/<parameter_key:key>/",
        numbers.QuantityViewSet.as_view(DETAIL),
        name="quantity-detail",
    ),
    path(BOOK + "events/", numbers.NominationEventViewSet.as_view(LIST), name="event-list"),
    path(
        BOOK + "events/<slug:event>/",
        numbers.NominationEventViewSet.as_view(DETAIL),
        name="event-detail",
    ),
    # [\s\S], not ".": an address with CR/LF in it is still under /api/, so still a JSON 404.
    re_path(r"^[\s\S]*$", not_found_json, name="not-found"),
]
