"""Member pages for proposals, under /<rulebook>/proposals/."""

from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
]
