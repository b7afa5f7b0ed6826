from django.contrib import admin
from django.urls import include, path

from web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("web.urls")),
]

handler400 = "config.faults.bad_request"
handler403 = "config.faults.permission_denied"
handler404 = "config.faults.page_not_found"
handler500 = "config.faults.server_error"
