"""REST API routes (`/api/`): the rule book's read API and the proposals API, the OpenAPI
schema and its interactive docs. Rules, versions and rule books are addressed by their stable
keys, proposals and votes by id. Any other address under /api/ is a JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from proposals.api import views as proposals
from proposals.api import workflow
from rulebook.api import reports
from rulebook.api import views as rulebook
from rulebook.api.errors import not_found_json

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}
BOOK = "rulebooks/<slug:slug>/"
RULE = BOOK + "rules/<str:key>/"
PROPOSAL = BOOK + "proposals/<int:pk>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("rulebooks/", rulebook.RulebookViewSet.as_view(LIST), name="rulebook-list"),
    path(BOOK, rulebook.RulebookViewSet.as_view(DETAIL), name="rulebook-detail"),
    path(BOOK + "rules/", rulebook.RuleViewSet.as_view(LIST), name="rule-list"),
    path(RULE, rulebook.RuleViewSet.as_view(DETAIL), name="rule-detail"),
    path(RULE + "versions/", rulebook.VersionViewSet.as_view(LIST), name="version-list"),
    path(
        RULE + "versions/<int:seq>/",
        rulebook.VersionViewSet.as_view(DETAIL),
        name="version-detail",
    ),
    path(RULE + "diff/", reports.RuleDiffView.as_view(), name="rule-diff"),
    path(RULE + "blame/", reports.RuleBlameView.as_view(), name="rule-blame"),
    path(BOOK + "changes/", reports.ChangesView.as_view(), name="changes"),
    path(BOOK + "cite/", reports.CiteView.as_view(), name="cite"),
    path(BOOK + "parameters/", rulebook.ParameterViewSet.as_view(LIST), name="parameter-list"),
    path(
        BOOK + "parameters/<str:key>/",
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
    path(PROPOSAL + "submit/", workflow.SubmitView.as_view(), name="proposal-submit"),
    path(PROPOSAL + "withdraw/", workflow.WithdrawView.as_view(), name="proposal-withdraw"),
    path(PROPOSAL + "remit/", workflow.RemitView.as_view(), name="proposal-remit"),
    path(PROPOSAL + "rebase/", workflow.RebaseView.as_view(), name="proposal-rebase"),
    path(PROPOSAL + "adopt/", workflow.AdoptView.as_view(), name="proposal-adopt"),
    path(BOOK + "bodies/", proposals.BodyViewSet.as_view(LIST), name="body-list"),
    path(
        BOOK + "bodies/<slug:body>/",
        proposals.BodyViewSet.as_view(DETAIL),
        name="body-detail",
    ),
    re_path(r"^.*$", not_found_json, name="not-found"),
]
