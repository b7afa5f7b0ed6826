"""Errors as JSON that names the field and the problem, never an HTML page or a 500.

Every error body is an object: `{"detail": "…"}` for a problem with the request as a whole,
or `{"<field>": ["…", …]}` per field. Nested fields are flattened into one path, as the import
command reports them (`amendments[1].rule`), so a client needs one shape only. Django
`ValidationError`s raised by services become 400s the same way (`message_dict`).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from rulebook.diff import DiffInputTooLarge


def exception_handler(exc, context):
    """DRF's handler, after turning service exceptions into API errors; bodies flattened."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_messages(exc))
    elif isinstance(exc, DiffInputTooLarge):
        exc = BadRequest(f"The texts are too large to compare: {exc}.")
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = flatten(response.data)
    return response


class BadRequest(exceptions.APIException):
    """A 400 about the request as a whole: `{"detail": "…"}`."""

    status_code = 400
    default_detail = "Bad request."
    default_code = "bad_request"


class Conflict(exceptions.APIException):
    """409: the request is valid but the record's current state forbids it."""

    status_code = 409
    default_detail = "Conflict with the current state of the record."
    default_code = "conflict"


def validation_messages(exc: DjangoValidationError) -> dict[str, list[str]]:
    """`{"field": ["message"]}` from a Django ValidationError; bare messages: non_field_errors."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def flatten(data, prefix: str = "") -> dict[str, object]:
    """`{"a": [{"b": ["x"]}]}` → `{"a[0].b": ["x"]}`; `detail` strings stay strings.

    A nested object's own errors (DRF's `non_field_errors`) go under the object's path.
    """
    if isinstance(data, list) and all(isinstance(item, str) for item in data):
        return {prefix or "non_field_errors": [str(item) for item in data]}
    out: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, int):  # ListField errors are keyed by index
                path = f"{prefix}[{key}]"
            elif prefix and key == "non_field_errors":  # about the nested object as a whole
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            if not prefix and key == "detail" and isinstance(value, str):
                out["detail"] = str(value)
            elif isinstance(value, str):
                out[path] = [str(value)]
            else:
                out.update(flatten(value, path))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if value:  # DRF puts {} for the valid items of a list
                out.update(flatten(value, f"{prefix}[{index}]"))
    return out


@csrf_exempt  # a 404 either way: never an HTML CSRF page for a POST to a wrong address
def not_found_json(request, exception=None):
    """JSON 404 for any address under /api/ that names no endpoint.

    An address that only lacks its final slash is redirected for GET and HEAD; other methods
    get a 404 saying so (a redirect would lose the body of a POST).
    """
    path = request.path
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(path + "/" + (f"?{query}" if query else ""))
            return JsonResponse({"detail": f"API addresses end with a slash: {path}/"}, status=404)
    return JsonResponse({"detail": f"No API endpoint at {path}."}, status=404)


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (documentation only: see `ErrorSchema`)."""


class ErrorSchema(OpenApiSerializerExtension):
    """`detail` (a string) and/or any field name mapped to a list of messages."""

    target_class = ErrorSerializer

    def get_name(self, auto_schema, direction):
        return "Error"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "properties": {
                "detail": {
                    "type": "string",
                    "description": "What is wrong with the request as a whole.",
                }
            },
            "additionalProperties": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The problems with this field, e.g. `amendments[0].rule`.",
            },
            "example": {
                "at": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
            },
        }


_DESCRIPTIONS = {
    400: "Bad input: each field named with its problems, e.g. "
    '`{"at": ["Date has wrong format …"]}`.',
    401: "Not authenticated: send `Authorization: Token …` or a session cookie.",
    403: "Authenticated, but without the permission this action needs.",
    404: "No such rule book, rule, version or other resource.",
    405: "This method is not allowed here: versions are read-only.",
    409: "Conflict with the current state of the record.",
    429: "Too many requests to an expensive endpoint: retry after `Retry-After` seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, all with the Error body."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[code])
        for code in codes
    }
