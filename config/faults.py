"""Answers for faults no view handles itself, so the error contract holds everywhere.

Under /api/ every error is JSON (`{"detail": …}`), never the HTML site page: a malformed
request caught before any view (a bad Host header, an unreadable body), a forbidden one, an
address that names nothing, a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413) and a server fault.
Elsewhere the styled pages in config/templates answer. A database that cannot be reached (a
restart, a failover, too many connections) is a 503 with `Retry-After` on both, not a 500.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger("django.request")

RETRY_AFTER_SECONDS = 30


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class RefuseNulMiddleware:
    """A NUL byte anywhere in the path or the query string is a 400 before any view runs.

    No address of the site means one, and PostgreSQL refuses NUL in text with an error (a
    500) wherever a view would pass the value on, e.g. the admin's autocomplete search. One
    check here instead of one per view; bodies are checked by their forms and serializers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_in(request)
        if where is None:
            return self.get_response(request)
        message = f"The address contains a NUL character (in {where}): remove it."
        if is_api(request):
            return _json(message, 400)
        return render(request, "400.html", {"message": message}, status=400)


def _nul_in(request) -> str | None:
    if "\x00" in request.path:
        return "the path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return f"'{name.replace(chr(0), '')}'"
    return None


class FaultsMiddleware:
    """A view's database outage → 503; an oversized API body → 413 (else the handlers below);
    and any other error under /api/ that some view or library answered otherwise than in
    JSON (the Swagger page's 405, say) becomes `{"detail": <the status's reason>}`, keeping
    its status and headers such as Allow and Retry-After."""

    KEPT_HEADERS = ("Allow", "Retry-After", "Vary", "WWW-Authenticate")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = _json(f"{response.reason_phrase}.", response.status_code)
            for header in self.KEPT_HEADERS:
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", exception, extra={"request": request})
            return unavailable(request)
        if isinstance(exception, RequestDataTooBig) and is_api(request):
            return _json("The request body is too large.", 413)
        return None


def unavailable(request):
    if is_api(request):
        response = _json("The database is unavailable; try again shortly.", 503)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Django's error handlers (config/urls.py), JSON under /api/.


def bad_request(request, exception):
    if is_api(request):
        return _json("Bad request: it could not be read.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return _json("You do not have permission to do this.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return _json(f"No API endpoint at {request.path}.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return _json("Server error: the fault is ours and has been logged.", 500)
    return defaults.server_error(request)
