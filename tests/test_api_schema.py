"""The OpenAPI schema is valid without a single warning, and the API honours it.

Schemathesis generates requests from the schema, valid and invalid ones, against a seeded rule
book: reads anonymously, writes as a superuser (so that they reach the services). No answer may
be a 500, and every answer must be documented: its status code, content type and body. Path
parameters are mostly pointed at real rules, versions and proposals, so that the generated
queries and bodies reach the code behind the 404s.
"""

import zlib

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.factories import token_for, user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Deterministic and bounded: the 25 operations take well under two minutes together.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 15, "deterministic": True},
        "phases": {"coverage": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


def test_the_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.fixture
def in_test_transaction():
    """Keep the test's connection across requests, as Django's test client does: schemathesis
    calls the WSGI application directly, whose request signals would close it (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(party, settings, in_test_transaction):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"expensive": "100000/minute"},
    }
    cache.clear()
    party.token = token_for(user("root", superuser=True))
    return party


def pick(value, choices: list, *, keep: bool = True):
    """One of `choices`, or (one time in len+1, if `keep`) the generated value itself."""
    index = zlib.crc32(repr(value).encode()) % (len(choices) + keep)
    return choices[index] if index < len(choices) else value


def aim_at_real_records(case, party) -> None:
    parameters = dict(case.path_parameters or {})
    rule_keys = ["c4-nominations", "ch4", "c4-banners"]
    real = {
        "key": ["mp_threshold"] if "/parameters/" in case.path else rule_keys,
        "seq": [1, 2, 3],
        "id": [party.draft.pk, party.adopted.pk],
        "body": ["nec", "conference"],
    }
    for name, choices in real.items():
        if name in parameters:
            parameters[name] = pick(parameters[name], choices)
    if "slug" in parameters:
        parameters["slug"] = pick(parameters["slug"], ["party"], keep=False)
    case.path_parameters = parameters
    if case.path.endswith("/diff/") and isinstance(case.query, dict):
        for name in ("from", "to"):
            if isinstance(case.query.get(name), int):
                case.query[name] = pick(case.query[name], [1, 2, 3])


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_the_api_honours_its_schema(case, seeded):
    aim_at_real_records(case, seeded)
    headers = {} if case.method == "GET" else {"Authorization": f"Token {seeded.token}"}
    case.call_and_validate(checks=CHECKS, headers=headers)
