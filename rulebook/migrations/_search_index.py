"""The SQLite full-text index of rule versions: an FTS5 external-content table over
`rulebook_ruleversion` (heading, text, note), kept in step by triggers.

Versions are only ever inserted, so the insert trigger does the work; the delete and update
triggers keep the index honest when Django's test flush empties the table with DELETE, or a
data migration lifts the row guard (`_history_guards`). A migration that rebuilds the table
on SQLite drops its triggers: `_history_guards.restore` puts these back with the guards.

The leading underscore keeps Django's migration loader from taking this module for a migration.
"""

TABLE = "rulebook_ruleversion_fts"

CREATE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
    heading, text, note,
    content='rulebook_ruleversion', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)
"""

_INSERT_NEW = (
    f"INSERT INTO {TABLE}(rowid, heading, text, note) "
    "VALUES (new.id, new.heading, new.text, new.note);"
)
_DELETE_OLD = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, heading, text, note) "
    "VALUES ('delete', old.id, old.heading, old.text, old.note);"
)

TRIGGERS = {
    f"{TABLE}_insert": f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON rulebook_ruleversion
    BEGIN {_INSERT_NEW} END
    """,
    f"{TABLE}_delete": f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON rulebook_ruleversion
    BEGIN {_DELETE_OLD} END
    """,
    f"{TABLE}_update": f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE ON rulebook_ruleversion
    BEGIN {_DELETE_OLD} {_INSERT_NEW} END
    """,
}

REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"


def create(schema_editor):
    """The table, its triggers, and an index of the versions already there (SQLite only)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(CREATE_TABLE, params=None)
    for statement in TRIGGERS.values():
        schema_editor.execute(statement, params=None)
    schema_editor.execute(REBUILD, params=None)


def drop(schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}", params=None)


def restore_triggers(schema_editor):
    """After a table rebuild on SQLite: the triggers again, if the index exists yet."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        exists = cursor.fetchone() is not None
    if exists:
        for statement in TRIGGERS.values():
            schema_editor.execute(statement, params=None)
