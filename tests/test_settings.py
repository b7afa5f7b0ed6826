"""The settings fail loudly on bad values and are production-safe with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env, *args):
    # A clean environment: only what the test sets may influence the settings.
    ignored = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must be set"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must be a sqlite:// or postgres://"),
        ({"CONN_MAX_AGE": "soon"}, "CONN_MAX_AGE='soon' is not a whole number"),
    ],
)
def test_a_bad_setting_stops_the_process_with_a_message_naming_it(env, message):
    result = run_check(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_checklist():
    result = run_check(
        {"DEBUG": "false", "SECRET_KEY": "s3cr3t-" * 10, "ALLOWED_HOSTS": "rules.example.org"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
