"""Shared fixtures. PostgreSQL-only and browser tests skip locally when the server or
Chromium is missing, but fail in CI (CI=true): a missing dependency there is a defect."""

import os
import shutil

import pytest
from django.db import connection

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
