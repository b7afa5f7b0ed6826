"""What SQLite itself refuses (README: "What guards them, and where"): UPDATE of versions,
parameter values and audit entries, by triggers that every migration keeps in place."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from rulebook.models import AuditEntry
from rulebook.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's guards are tested in test_history_guards.py")


@pytest.mark.parametrize(
    "table", ["rulebook_ruleversion", "rulebook_parametervalue", "rulebook_auditentry"]
)
def test_the_history_triggers_survive_every_migration(sqlite_only, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        names = [row[0] for row in cursor.fetchall()]
    assert f"{table}_immutable" in names


def test_sqlite_refuses_rewriting_an_audit_entry(sqlite_only):
    entry = audit_record(action="test.kept", subject="the record")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE rulebook_auditentry SET subject = 'forged' WHERE id = %s", [entry.pk]
            )
    assert AuditEntry.objects.get(pk=entry.pk).subject == "the record"
