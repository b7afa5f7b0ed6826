from django.urls import path

from rulebook import views

app_name = "rulebook"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:rulebook>/", views.contents, name="contents"),
    path("<slug:rulebook>/rules/<str:key>/", views.rule_detail, name="rule"),
    path("<slug:rulebook>/rules/<str:key>/v/<int:seq>/", views.version_detail, name="version"),
    path("<slug:rulebook>/parameters/<str:key>/", views.parameter_detail, name="parameter"),
]
