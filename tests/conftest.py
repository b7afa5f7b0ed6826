"""Shared fixtures. PostgreSQL-only and browser tests skip locally when the server or
Chromium is missing, but fail in CI (CI=true): a missing dependency there is a defect.

The scenario worlds of `tests/worlds.py` are fixtures built once per test module, as Django's
`TestCase.setUpTestData` does: the world is made inside a transaction that stays open for the
module; each test runs in a savepoint inside it (pytest-django's `db`), rolled back after the
test, and gets its own deep copy of the world's objects. Tests that need committed data
(`transactional_db`: threads, the live server) build their world themselves.
"""

import copy
import os
import shutil

import pytest
from django.db import connection

from tests import worlds
from tests.worlds import built_once

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    if REQUIRE_POSTGRES and connection.vendor != "postgresql":
        raise pytest.UsageError(
            "REQUIRE_POSTGRES is set but DATABASE_URL does not point at PostgreSQL: "
            "the PostgreSQL-only tests would not run."
        )
    for item in items:
        if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Let the suite empty history tables between transactional tests on PostgreSQL.

    Django's flush uses TRUNCATE there, which the history guards refuse unless the session
    says `rulebook.maintenance = on` (rulebook/migrations/0003_history_guards.py). Tests of
    the guards switch it off inside their own transaction.
    """
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"] == "django.db.backends.postgresql":
            settings_dict.setdefault("OPTIONS", {})["options"] = "-c rulebook.maintenance=on"


@pytest.fixture(autouse=True)
def unlimited_rates_and_a_clean_cache(settings):
    """Every test starts with an empty cache (rate counters, lockouts) and no rate limits:
    the suite sends thousands of requests from one address. Tests of the limits set rates."""
    from django.core.cache import cache

    cache.clear()
    rates = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def chromium_path():
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        if IN_CI:
            pytest.fail("Chromium is not installed; CI must install it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def rulebook(db):
    from tests.factories import RulebookFactory

    return RulebookFactory()


def built_once_per_module(name: str, build):
    """A module-scoped fixture `<name>_world`: the world `build` makes, built once per module."""

    @pytest.fixture(scope="module", name=f"{name}_world")
    def world(django_db_setup, django_db_blocker):
        with built_once(django_db_blocker, build) as built:
            yield built

    return world


party_world = built_once_per_module("party", worlds.party)
coop_world = built_once_per_module("coop", worlds.coop)
club_world = built_once_per_module("club", worlds.club)
one_rule_world = built_once_per_module("one_rule", worlds.one_rule)

# Each test gets its own copy of the world's objects (its database changes are rolled back).


@pytest.fixture
def party(db, party_world):
    """The API's world (`worlds.party`)."""
    return copy.deepcopy(party_world)


@pytest.fixture
def coop(db, coop_world):
    """The member pages' world (`worlds.coop`)."""
    return copy.deepcopy(coop_world)


@pytest.fixture
def club(db, club_world):
    """The admin's world (`worlds.club`)."""
    return copy.deepcopy(club_world)


@pytest.fixture
def one_rule(db, one_rule_world):
    """A book "club" with one rule, `dues` (`worlds.one_rule`)."""
    return copy.deepcopy(one_rule_world)


branch_world = built_once_per_module("branch", worlds.branch)


@pytest.fixture
def branch(db, branch_world):
    """Riverside Branch, whose keys look nothing like its words (`worlds.branch`)."""
    return copy.deepcopy(branch_world)
