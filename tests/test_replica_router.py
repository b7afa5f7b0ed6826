"""Reads go to the replica only inside safe requests and never right after a write."""

import time

import pytest
from django.core.cache import cache
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config.replica import (
    PrimaryReplicaRouter,
    ReplicaReadsMiddleware,
    mark_written,
    recently_written,
)
from rulebook.models import Rule

# The fixture adds a "replica" alias to the settings only so that the router sees one; no
# connection is ever made through it here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    settings.REPLICA_LAG_SECONDS = 10
    cache.clear()
    yield
    cache.clear()


def read_alias_during(method, path="/labour/"):
    """Run a request through the middleware and report where a read inside it would go."""
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Rule)
        seen["write"] = router.db_for_write(Rule)
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method.lower())(path)
    ReplicaReadsMiddleware(view)(request)
    return seen


def test_without_a_replica_every_read_uses_the_primary():
    assert read_alias_during("GET") == {"read": "default", "write": "default"}


def test_a_safe_request_reads_from_the_replica_and_writes_to_the_primary(with_replica):
    assert read_alias_during("GET") == {"read": "replica", "write": "default"}
    assert read_alias_during("HEAD")["read"] == "replica"


def test_an_unsafe_request_reads_its_own_writes_from_the_primary(with_replica):
    assert read_alias_during("POST") == {"read": "default", "write": "default"}


def test_after_a_write_every_read_goes_to_the_primary_until_the_replica_catches_up(
    with_replica, settings
):
    read_alias_during("POST", "/api/rulebooks/labour/proposals/")
    assert read_alias_during("GET")["read"] == "default"
    settings.REPLICA_LAG_SECONDS = 0
    assert read_alias_during("GET")["read"] == "replica"


def test_the_write_mark_is_shared_through_the_cache_not_kept_in_one_worker(with_replica):
    mark_written()
    assert cache.get("rulebook:replica:last-write") <= time.time()
    assert read_alias_during("GET")["read"] == "default"


def test_outside_a_request_commands_and_services_read_from_the_primary(with_replica):
    assert router.db_for_read(Rule) == "default"


def test_only_the_primary_is_migrated():
    assert PrimaryReplicaRouter().allow_migrate("default", "rulebook") is True
    assert PrimaryReplicaRouter().allow_migrate("replica", "rulebook") is False


@override_settings(REPLICA_LAG_SECONDS=10)
def test_the_mark_expires_with_the_lag(with_replica):
    mark_written()
    assert recently_written()
    assert not recently_written(now=time.time() + 11)
