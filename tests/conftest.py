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
