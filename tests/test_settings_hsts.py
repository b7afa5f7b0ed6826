"""HSTS preloading is the operator's choice; the rest of the HTTPS hardening is on by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "s3cr3t-" * 10, "ALLOWED_HOSTS": "rules.example.org"}
READ = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
)


def production_hsts(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SECURE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings", **extra)
    result = subprocess.run(
        [sys.executable, "-c", READ], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_sends_hsts_for_a_year_without_asking_browsers_to_preload():
    assert production_hsts() == ["31536000", "True", "False"]


def test_preloading_is_switched_on_by_an_environment_variable():
    assert production_hsts(SECURE_HSTS_PRELOAD="true") == ["31536000", "True", "True"]


@pytest.mark.parametrize("value", ["true", "false"])
def test_production_settings_pass_the_deploy_checklist_with_or_without_preload(value):
    ignored = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(PRODUCTION, SECURE_HSTS_PRELOAD=value)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
