from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from rulebook.models import Rulebook
from web.views import healthz


@require_GET
def healthz_db(request):
    """Readiness: one trivial query (the database answers). Also the "bare one-query view"
    that `make bench` measures every page against."""
    Rulebook.objects.order_by().values_list("pk", flat=True).first()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/db", healthz_db, name="healthz-db"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("web.urls")),
]

handler400 = "config.faults.bad_request"
handler403 = "config.faults.permission_denied"
handler404 = "config.faults.page_not_found"
handler500 = "config.faults.server_error"
