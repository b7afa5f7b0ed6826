from django.contrib import admin
from django.urls import include, path

from rulebook import views as rulebook_views

urlpatterns = [
    path("healthz", rulebook_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("rulebook.urls")),
]
