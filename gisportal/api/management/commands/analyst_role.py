"""`gisportal analyst-role [--name ROLE] [--password …]`: a read-only database role for analysts' own SQL.

It reads the layer tables only (not accounts, sessions, tokens or history), never a citizen's
name or contact (column-level grant on the complaints table), and every transaction it opens is
read-only. Running it again refreshes the grants (after migrations added tables).
"""

import re
import secrets
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

PRIVATE_COLUMNS = {"reporter_name", "reporter_contact"}
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def layer_tables() -> dict[str, list[str] | None]:
    """Each layer table with the columns the role may read (None: every column)."""
    tables: dict[str, list[str] | None] = {}
    for model in apps.get_app_config("layers").get_models(include_auto_created=True):
        if model.__name__.startswith("Historical"):
            continue  # history rows keep old reporter details and staff ids
        columns = [str(f.column) for f in model._meta.concrete_fields]
        tables[model._meta.db_table] = (
            None if not PRIVATE_COLUMNS & set(columns) else [c for c in columns if c not in PRIVATE_COLUMNS]
        )
    return tables


@transaction.atomic
def grant_read_only(role: str, password: str | None) -> int:
    """Creates or updates the role; returns how many tables it may read."""
    quote = connection.ops.quote_name
    name = quote(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(f"{verb} ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
        if password:
            cursor.execute(f"ALTER ROLE {name} PASSWORD %s", [password])
        cursor.execute(f"ALTER ROLE {name} SET default_transaction_read_only = on")
        cursor.execute(f"GRANT CONNECT ON DATABASE {quote(connection.settings_dict['NAME'])} TO {name}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        cursor.execute(f"GRANT SELECT ON spatial_ref_sys TO {name}")
        tables = layer_tables()
        for table, columns in tables.items():
            readable = "SELECT" if columns is None else f"SELECT ({', '.join(map(quote, columns))})"
            cursor.execute(f"GRANT {readable} ON {quote(table)} TO {name}")
    return len(tables)


class Command(BaseCommand):
    help = "Create (or refresh) a read-only database role for analysts' own SQL."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", default="gisportal_analyst", help="role name (default gisportal_analyst)")
        parser.add_argument("--password", help="login password (default: a new random one, printed once)")
        parser.add_argument("--keep-password", action="store_true", help="leave an existing role's password as is")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["name"]
        if not ROLE_NAME.match(role):
            raise CommandError("The role name must be lower-case letters, digits and underscores.")
        password = None if options["keep_password"] else options["password"] or secrets.token_urlsafe(18)
        count = grant_read_only(role, password)
        if password and not options["password"]:
            self.stdout.write(f"password: {password}")
        self.stdout.write(f"Role {role}: read-only, {count} layer tables, citizens' contact columns withheld.")
