"""`python manage.py create_app_role NAME [--password …]`: a least-privilege PostgreSQL role
for the running application.

The role may read every table and write the working tables, but on the history tables (rule
versions, their parameter values, the audit trail) it may only SELECT and INSERT: no UPDATE,
DELETE or TRUNCATE, whatever the application's code does. Migrations keep running as the
owner (the role in DATABASE_URL when you migrate); run this command again after migrating so
new tables are granted too. It is idempotent.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg2 import sql

from rulebook.models import HISTORY_MODELS


class Command(BaseCommand):
    help = (
        "Create or update a PostgreSQL role for the running application: SELECT and INSERT "
        "only on the history tables, no TRUNCATE anywhere. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The role to create or update, e.g. rulebook_app.")
        parser.add_argument(
            "--password", help="Let the role log in with this password (else NOLOGIN)."
        )

    def handle(self, *args, name, password=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("create_app_role needs PostgreSQL (DATABASE_URL=postgres://…).")
        history = {model._meta.db_table for model in HISTORY_MODELS}
        tables = sorted(connection.introspection.django_table_names(include_views=False))
        role = sql.Identifier(name)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            login = (
                sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password))
                if password
                else sql.SQL("NOLOGIN")
            )
            cursor.execute(sql.SQL(verb + " ROLE {} {}").format(role, login))
            cursor.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(connection.settings_dict["NAME"]), role
                )
            )
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
            for table in tables:
                table_id = sql.Identifier(table)
                cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(table_id, role))
                rights = "SELECT, INSERT" if table in history else "SELECT, INSERT, UPDATE, DELETE"
                cursor.execute(sql.SQL(f"GRANT {rights} ON {{}} TO {{}}").format(table_id, role))
            cursor.execute(
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role)
            )
        self.stdout.write(
            f"Role {name}: SELECT and INSERT only on {', '.join(sorted(history))}; "
            f"SELECT, INSERT, UPDATE and DELETE on the other {len(tables) - len(history)} tables; "
            "no TRUNCATE."
        )
