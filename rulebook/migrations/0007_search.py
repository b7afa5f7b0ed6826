"""Full-text search that reads an index instead of every version (issues 10 and 12).

PostgreSQL: a stored generated `tsvector` (`RuleVersion.search_document`: heading A, text B,
note C) with a GIN index, so a search of one rule book reads the index and that book's rows,
never every book's versions in turn. SQLite: the column is a NULL placeholder, and an FTS5
external-content table kept in step by triggers (`_search_index`) answers instead.

On SQLite adding a stored generated column rebuilds the table, which drops its triggers: the
history guards are put back afterwards as in 0005 (`_history_guards`).
"""

import django.contrib.postgres.search
from django.db import migrations, models

import rulebook.models

from . import _history_guards, _search_index

GIN_INDEX = "rulebook_version_search_idx"


def lift(apps, schema_editor):
    _history_guards.lift(schema_editor)


def restore(apps, schema_editor):
    _history_guards.restore(schema_editor)


def create_index(apps, schema_editor):
    # fastupdate off: versions are inserted now and then and searched all the time, so each
    # insert updates the index in place rather than leaving a pending list every search
    # must read (and which makes the planner prefer a sequential scan until a VACUUM).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON rulebook_ruleversion USING gin (search_document) "
            "WITH (fastupdate = off)",
            params=None,
        )
    _search_index.create(schema_editor)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}", params=None)
    _search_index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0006_rulebook_revision")]

    operations = [
        migrations.RunPython(lift, restore, elidable=False),
        migrations.AddField(
            model_name="ruleversion",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=rulebook.models.SearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(restore, lift, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
