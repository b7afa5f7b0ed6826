from django.urls import path

from rulebook import feeds, views

app_name = "rulebook"

rule = "<slug:rulebook>/rules/<str:key>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:rulebook>/", views.contents, name="contents"),
    path("<slug:rulebook>/changes/", views.changes, name="changes"),
    path("<slug:rulebook>/search/", views.search, name="search"),
    path("<slug:rulebook>/cite/", views.cite, name="cite"),
    path("<slug:rulebook>/feed/", feeds.RulebookChangesFeed(), name="feed"),
    path(rule, views.rule_detail, name="rule"),
    path(rule + "v/<int:seq>/", views.version_detail, name="version"),
    path(rule + "compare/", views.compare_versions, name="compare"),
    path(rule + "blame/", views.blame_view, name="blame"),
    path(rule + "feed/", feeds.RuleChangesFeed(), name="rule_feed"),
    path("<slug:rulebook>/parameters/<str:key>/", views.parameter_detail, name="parameter"),
]
