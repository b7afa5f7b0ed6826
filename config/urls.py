from django.contrib import admin
from django.urls import include, path

from rulebook import views as rulebook_views

urlpatterns = [
    path("healthz", rulebook_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("<slug:rulebook>/proposals/", include("proposals.urls")),
    path("", include("rulebook.urls")),
]
