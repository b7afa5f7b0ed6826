"""Lifting the "versions are immutable" row guard for the length of one data migration.

Rule versions are history: the database refuses UPDATE on them (migration 0002). A migration
that adds a column describing every existing version (provenance, placement) must fill it in
once, which is an UPDATE. `lift` and `restore`, run as the first and last operations of such a
migration, allow exactly that and no more, inside the migration's own transaction: on PostgreSQL it disables the one row trigger and enables it again
(DDL is transactional there, so no other session ever sees the table unguarded); on SQLite,
where adding a NOT NULL column rebuilds the table and drops its triggers anyway, it drops the
version triggers and creates them again afterwards with the statements of migration 0002.

The leading underscore keeps Django's migration loader from taking this module for a migration.
"""

from importlib import import_module

GUARDS = import_module("rulebook.migrations.0002_version_history_triggers")
SEARCH = import_module("rulebook.migrations._search_index")
VERSION_TRIGGERS = ("rulebook_ruleversion_immutable", "rulebook_ruleversion_order")


def lift(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE rulebook_ruleversion DISABLE TRIGGER rulebook_ruleversion_immutable"
        )
    elif vendor == "sqlite":
        for name in VERSION_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE rulebook_ruleversion ENABLE TRIGGER rulebook_ruleversion_immutable"
        )
    elif vendor == "sqlite":
        for name in VERSION_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in GUARDS.SQLITE_FORWARD:
            if "ON rulebook_ruleversion" in statement:
                schema_editor.execute(statement, params=None)
        SEARCH.restore_triggers(schema_editor)
