"""ETags for immutable resources (a rule version, the diff between two versions).

Versions never change once recorded, so their ETag depends on identity only and is known
before any serialising or diffing: a matching `If-None-Match` is answered 304 straight away.
Bump `REPRESENTATION` whenever the JSON of these resources changes shape.
"""

from __future__ import annotations

from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.response import Response

from rulebook.etags import fingerprint

REPRESENTATION = "1"
# Immutable for clients too, but not forever: a representation change must reach them.
CACHE_CONTROL = "public, max-age=86400"


def etag_for(*parts: object) -> str:
    return f'"{fingerprint(REPRESENTATION, *parts)}"'


def matches(request, etag: str) -> bool:
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in wanted or etag.strip('"') in wanted


def conditional(request, etag: str, build) -> Response:
    """304 if the client holds `etag`, else `build()`'s 200; both carry the ETag."""
    if matches(request, etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(build())
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response
