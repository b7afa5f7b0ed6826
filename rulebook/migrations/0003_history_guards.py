"""More database-level guards for the history tables (rule versions, their parameter values
and the audit trail).

PostgreSQL:
- TRUNCATE of any history table is refused by a statement trigger. The one way past it is a
  session that first runs `SET rulebook.maintenance = 'on'` (the test suite does, because
  Django empties tables between transactional tests with TRUNCATE); the application never
  sets it, and the least-privilege role (`manage.py create_app_role`) has no TRUNCATE right.
- A parameter value can only be inserted in the transaction that inserted its version: the
  version trigger marks the new version in a transaction-local setting, which the parameter
  value trigger requires. So a value cannot be added to an old version afterwards.
- Audit entries, like versions, can be inserted but never updated or deleted (so the user
  who made one cannot be deleted either: `actor` is PROTECT).

SQLite refuses UPDATE of audit entries; as before it does not refuse DELETE (Django's test
flush deletes rows there) and has no TRUNCATE; the ORM refuses what the services never do.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HISTORY_TABLES = ("rulebook_ruleversion", "rulebook_parametervalue", "rulebook_auditentry")

POSTGRES_FORWARD = (
    """
CREATE OR REPLACE FUNCTION rulebook_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('rulebook.maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'history is kept for good: % cannot be truncated', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rulebook_mark_new_version() RETURNS trigger AS $$
BEGIN
    PERFORM set_config('rulebook.new_version_' || NEW.id, 'on', true);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rulebook_ruleversion_mark_new
    AFTER INSERT ON rulebook_ruleversion
    FOR EACH ROW EXECUTE FUNCTION rulebook_mark_new_version();

CREATE OR REPLACE FUNCTION rulebook_check_value_with_version() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('rulebook.new_version_' || NEW.version_id, true), '') <> 'on'
    THEN
        RAISE EXCEPTION 'a parameter value is recorded with its version, in the same '
            'transaction: version % already exists', NEW.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rulebook_parametervalue_with_version
    BEFORE INSERT ON rulebook_parametervalue
    FOR EACH ROW EXECUTE FUNCTION rulebook_check_value_with_version();

CREATE TRIGGER rulebook_auditentry_immutable
    BEFORE UPDATE OR DELETE ON rulebook_auditentry
    FOR EACH ROW EXECUTE FUNCTION rulebook_refuse_history_change();
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION rulebook_refuse_truncate();
"""
        for table in HISTORY_TABLES
    )
)

POSTGRES_REVERSE = "".join(
    f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n" for table in HISTORY_TABLES
) + """
DROP TRIGGER IF EXISTS rulebook_auditentry_immutable ON rulebook_auditentry;
DROP TRIGGER IF EXISTS rulebook_parametervalue_with_version ON rulebook_parametervalue;
DROP FUNCTION IF EXISTS rulebook_check_value_with_version();
DROP TRIGGER IF EXISTS rulebook_ruleversion_mark_new ON rulebook_ruleversion;
DROP FUNCTION IF EXISTS rulebook_mark_new_version();
DROP FUNCTION IF EXISTS rulebook_refuse_truncate();
"""

SQLITE_FORWARD = [
    """
    CREATE TRIGGER rulebook_auditentry_immutable BEFORE UPDATE ON rulebook_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are history: they cannot be changed'); END;
    """,
]

SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS rulebook_auditentry_immutable;"]


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgres_sql, sqlite_statements):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres_sql, params=None)
    elif vendor == "sqlite":
        for statement in sqlite_statements:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("rulebook", "0002_version_history_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forward, reverse, elidable=False),
    ]
