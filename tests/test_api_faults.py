"""The JSON error contract holds everywhere under /api/, including faults no view handles:
unmatched paths, unreadable requests, oversized bodies, server errors, a database outage."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from rulebook.models import Rulebook

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert isinstance(json.loads(response.content)["detail"], str)


@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing%0d%0a",
        "/api/rulebooks/x%0d%0a/rules/",
        "/api/rulebooks/%0d%0aSet-Cookie:x=1/",
        "/api/" + "a" * 3000 + "/",
        "/api/rulebooks/x/rules/" + "a" * 300 + "/",
        "/api/rulebooks/x/rules/UPPER/versions/",
        "/api/rulebooks/x/rules/a/versions/99999999999999999999/",
        "/api/rulebooks/x/proposals/99999999999999999999/",
        "/api/rulebooks/x/parameters/Not-A-Key/",
    ],
)
def test_an_unmatched_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert_json_error(response, 404)
    assert "Set-Cookie" not in response.headers or "x=1" not in response["Set-Cookie"]


@pytest.mark.parametrize(
    "path",
    ["/api/%00/", "/api/rulebooks/?page=%00", "/api/rulebooks/labour/rules/?at=2020%0001-01"],
)
def test_a_nul_byte_in_an_api_address_is_a_json_400_before_any_view(client, path):
    response = client.get(path)
    assert_json_error(response, 400)
    assert "NUL character" in response.json()["detail"]


def test_a_nul_byte_in_an_admin_search_is_a_400_not_a_database_error(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "\x00", "app_label": "proposals", "model_name": "amendment", "field_name": "rule"},
    )
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_bad_host_header_under_the_api_is_a_json_400():
    response = Client(HTTP_HOST="evil host!").get("/api/rulebooks/")
    assert_json_error(response, 400)


def test_a_bad_host_header_on_a_page_is_the_html_400():
    response = Client(HTTP_HOST="evil host!").get("/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_body_over_the_upload_limit_is_a_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    Rulebook.objects.create(slug="x", title="X")
    user = User.objects.create_superuser("big", "big@example.org", "x")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.post(
        "/api/rulebooks/x/proposals/",
        data=json.dumps({"title": "x" * 5_000}),
        content_type="application/json",
    )
    assert_json_error(response, 413)


@pytest.fixture
def faulty_urls(settings):
    settings.ROOT_URLCONF = "tests.faults_urls"


def test_a_server_fault_under_the_api_is_a_json_500(faulty_urls):
    client = Client(raise_request_exception=False)
    response = client.get("/api/broken/")
    assert_json_error(response, 500)
    assert "a bug in a view" not in response.content.decode()


def test_a_server_fault_on_a_page_is_the_styled_html_500(faulty_urls):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


OUTAGE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
answers = {}
for path in ["/api/rulebooks/", "/api/rulebooks/labour/rules/", "/labour/", "/healthz"]:
    r = client.get(path)
    answers[path] = [r.status_code, r.get("Content-Type"), r.get("Retry-After"), r.content.decode()]
print(json.dumps(answers))
"""


def test_a_database_outage_is_a_503_with_retry_after_not_a_500():
    # A real outage: PostgreSQL's URL on a port where nothing listens.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nothing",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", OUTAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for path in ["/api/rulebooks/", "/api/rulebooks/labour/rules/"]:
        status, content_type, retry_after, body = answers[path]
        assert (status, content_type, retry_after) == (503, "application/json", "30")
        assert json.loads(body) == {"detail": "The database is unavailable; try again shortly."}
    status, content_type, retry_after, body = answers["/labour/"]
    assert (status, retry_after) == (503, "30")
    assert content_type.startswith("text/html") and "briefly unavailable" in body
    assert answers["/healthz"][:1] == [200]


@pytest.mark.parametrize("action", ["", "adopt/"])
def test_a_body_nested_too_deep_for_the_parser_is_a_json_400(action):
    from proposals.models import Proposal
    from tests.factories import ProposalFactory

    book = Rulebook.objects.create(slug="x", title="X")
    proposal = ProposalFactory(rulebook=book)
    path = "/api/rulebooks/x/proposals/" + (f"{proposal.pk}/{action}" if action else "")
    user = User.objects.create_superuser("deep", "deep@example.org", "x")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.post(path, data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply."}
    assert Proposal.objects.get().status == "draft"
