"""Database-level guards for version history.

PostgreSQL: rule versions and their parameter values can be inserted but never updated or
deleted, and a new version must be the next in sequence and later in date than the rule's
existing versions. SQLite gets the same insert-order guard and refuses UPDATE; it does not
refuse DELETE because Django's test flush empties tables with DELETE there (the ORM refuses
deletes on both databases).
"""

from django.db import migrations

IMMUTABLE_MESSAGE = "rule versions are immutable: record a new version instead"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION rulebook_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{IMMUTABLE_MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rulebook_ruleversion_immutable
    BEFORE UPDATE OR DELETE ON rulebook_ruleversion
    FOR EACH ROW EXECUTE FUNCTION rulebook_refuse_history_change();
CREATE TRIGGER rulebook_parametervalue_immutable
    BEFORE UPDATE OR DELETE ON rulebook_parametervalue
    FOR EACH ROW EXECUTE FUNCTION rulebook_refuse_history_change();

CREATE OR REPLACE FUNCTION rulebook_check_version_order() RETURNS trigger AS $$
DECLARE
    last_seq integer;
    last_date date;
BEGIN
    SELECT seq, effective_from INTO last_seq, last_date FROM rulebook_ruleversion
        WHERE rule_id = NEW.rule_id ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> COALESCE(last_seq, 0) + 1 THEN
        RAISE EXCEPTION 'version % of rule % is out of sequence: the next version is %',
            NEW.seq, NEW.rule_id, COALESCE(last_seq, 0) + 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF last_date IS NOT NULL AND NEW.effective_from <= last_date THEN
        RAISE EXCEPTION 'version % of rule % takes effect on %, not after version % (%)',
            NEW.seq, NEW.rule_id, NEW.effective_from, last_seq, last_date
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rulebook_ruleversion_order
    BEFORE INSERT ON rulebook_ruleversion
    FOR EACH ROW EXECUTE FUNCTION rulebook_check_version_order();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS rulebook_ruleversion_order ON rulebook_ruleversion;
DROP FUNCTION IF EXISTS rulebook_check_version_order();
DROP TRIGGER IF EXISTS rulebook_parametervalue_immutable ON rulebook_parametervalue;
DROP TRIGGER IF EXISTS rulebook_ruleversion_immutable ON rulebook_ruleversion;
DROP FUNCTION IF EXISTS rulebook_refuse_history_change();
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER rulebook_ruleversion_immutable BEFORE UPDATE ON rulebook_ruleversion
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER rulebook_parametervalue_immutable BEFORE UPDATE ON rulebook_parametervalue
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END;
    """,
    """
    CREATE TRIGGER rulebook_ruleversion_order BEFORE INSERT ON rulebook_ruleversion
    WHEN NEW.seq <> COALESCE(
            (SELECT MAX(seq) FROM rulebook_ruleversion WHERE rule_id = NEW.rule_id), 0) + 1
        OR NEW.effective_from <= (
            SELECT MAX(effective_from) FROM rulebook_ruleversion WHERE rule_id = NEW.rule_id)
    BEGIN SELECT RAISE(ABORT, 'rule version out of order: versions are numbered 1, 2, 3 ... and each takes effect after the one before'); END;
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS rulebook_ruleversion_order;",
    "DROP TRIGGER IF EXISTS rulebook_parametervalue_immutable;",
    "DROP TRIGGER IF EXISTS rulebook_ruleversion_immutable;",
]


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
    dependencies = [("rulebook", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
