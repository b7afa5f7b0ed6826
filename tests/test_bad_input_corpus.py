"""Every address of the site and the API, enumerated from the URLconf (not a hand list),
answers bad input without a server error: NUL bytes, CR/LF, overlong values, impossible dates,
huge numbers in the path and the query string, and, for the API's writes, nested and
oversized JSON bodies. Under /api/ every error is JSON."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import staff, token_for

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "\x00",
    "a\r\nSet-Cookie: x=1",
    "x" * 5_000,
    "2021-02-30",
    "0000-00-00",
    "99999999999999999999",
    "1e20",
    "-1",
    "'; DROP TABLE rulebook_rule; --",
    "\u202eevil",
    "%00",
]
QUERY_NAMES = ["at", "from", "to", "q", "ref", "page", "view", "status", "year", "rule", "on"]
BAD_BODIES = ["[" * 50_000, '{"a": ' * 5_000, "not json", '{"title": "' + "x" * 200_000 + '"}']


def route_templates(resolver=None, prefix=""):
    """Every route of the URLconf as a template such as 'api/rulebooks/<slug:slug>/rules/'."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from route_templates(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(template: str, world) -> str | None:
    """The route with real values of the coop world; None for regex catch-alls."""
    if template.startswith("^") or "(?" in template:
        return None
    values = {
        "slug": world.book.slug,
        "rulebook": world.book.slug,
        "key": world.nominations.key,
        "seq": "1",
        "pk": str(world.p2017.pk),
        "vote_id": "1",
        "body": world.nec.slug,
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), template)
    if "admin/" in path and path != "admin/":
        return None  # the admin's own routes are covered by its tests and the NUL check
    return "/" + path


def paths(world):
    found = {concrete(t, world) for t in route_templates()}
    return sorted(p for p in found if p)


def assert_answered(response, path, *detail):
    assert response.status_code < 500, (path, *detail, response.status_code)
    if path.startswith("/api/") and response.status_code >= 400:
        content_type = response["Content-Type"]
        assert content_type.startswith("application/json"), (path, *detail, response.content[:200])


def test_the_urlconf_is_walked_whole(coop):
    walked = paths(coop)
    assert len(walked) > 30
    assert "/api/rulebooks/coop/rules/nominations/diff/" in walked
    assert "/coop/rules/nominations/compare/" in walked


def test_bad_values_in_every_query_string_never_cause_a_server_error(coop):
    client = Client(raise_request_exception=False)
    for path in paths(coop):
        for value in BAD_VALUES:  # every parameter at once ...
            query = dict.fromkeys(QUERY_NAMES, value)
            assert_answered(client.get(path, query), path, value[:40])
        for name in QUERY_NAMES:  # ... and one at a time, for those that reach the database
            for value in ["99999999999999999999", "2021-02-30", "x" * 5_000]:
                assert_answered(client.get(path, {name: value}), path, name, value[:40])


def test_bad_values_in_every_path_segment_never_cause_a_server_error(coop):
    client = Client(raise_request_exception=False)
    for path in paths(coop):
        segments = path.strip("/").split("/")
        for index in range(len(segments)):
            for value in ["%00", "%0d%0a", "x" * 400, "99999999999999999999", "%E2%80%AE"]:
                bad = "/" + "/".join([*segments[:index], value, *segments[index + 1 :]]) + "/"
                assert_answered(client.get(bad), bad)


def test_bad_bodies_on_every_api_write_never_cause_a_server_error(coop):
    token = token_for(staff("root", superuser=True))
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    api_paths = [p for p in paths(coop) if p.startswith("/api/") and "schema" not in p]
    for path in api_paths:
        for method in ("post", "put", "patch"):
            for body in BAD_BODIES:
                response = getattr(client, method)(path, data=body, content_type="application/json")
                assert_answered(response, path)
            response = getattr(client, method)(
                path,
                data=json.dumps({"reason": "\x00", "effective_from": "2021-02-30"}),
                content_type="application/json",
            )
            assert_answered(response, path)
