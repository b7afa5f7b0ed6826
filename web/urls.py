"""Member pages (HTML, no login): the one URLconf for every page, under the `web:` namespace.

The paths are contracts (docs: DESIGN.md, "Member pages"); the names may change.
"""

from django.urls import path

from web import feeds, views
from web.views import watch

app_name = "web"

book = "<slug:rulebook>/"
rule = book + "rules/<rule_key:key>/"

urlpatterns = [
    path("", views.index, name="index"),
    path(book, views.contents, name="contents"),
    path(book + "changes/", views.changes, name="changes"),
    path(book + "search/", views.search, name="search"),
    path(book + "cite/", views.cite, name="cite"),
    path(book + "feed/", feeds.RulebookChangesFeed(), name="feed"),
    path(book + "proposals/", views.proposal_list, name="proposal_list"),
    path(book + "proposals/<id:pk>/", views.proposal_detail, name="proposal"),
    path(rule, views.rule_detail, name="rule"),
    path(rule + "v/<id:seq>/", views.version_detail, name="version"),
    path(rule + "compare/", views.compare_versions, name="compare"),
    path(rule + "blame/", views.blame_view, name="blame"),
    path(rule + "feed/", feeds.RuleChangesFeed(), name="rule_feed"),
    path(book + "parameters/<parameter_key:key>/", views.parameter_detail, name="parameter"),
    # E-mail alerts: forms and personal links, never cached (web/views/watch.py).
    path(book + "watch/", watch.watch_form, name="watch"),
    path(book + "watch/confirm/<str:token>/", watch.watch_confirm_page, name="watch_confirm"),
    path(
        book + "watch/unsubscribe/<id:pk>/<str:token>/",
        watch.watch_unsubscribe_page,
        name="watch_unsubscribe",
    ),
    path(book + "edition.pdf", views.edition, name="edition"),
    path(book + "quantities/<parameter_key:key>/", views.quantity_detail, name="quantity"),
    path(book + "events/", views.event_list, name="events"),
    path(book + "events/<str:slug>/", views.event_detail, name="event"),
    path(book + "changes.diff", views.changes_diff, name="changes_diff"),
    path(rule + "compare.diff", views.compare_diff, name="compare_diff"),
    path(book + "bodies/", views.body_list, name="bodies"),
    path(book + "bodies/<str:body>/", views.body_detail, name="body"),
    path(book + "parameters/", views.parameter_list, name="parameters"),
]
