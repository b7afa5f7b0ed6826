"""A URLconf for tests/test_api_faults.py: the real one plus an API view that fails."""

from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("api/broken/", broken),
    path("broken/", broken),
    path("", include("config.urls")),
]
