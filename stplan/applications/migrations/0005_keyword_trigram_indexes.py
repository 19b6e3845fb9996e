"""Trigram indexes for the lists' keyword search (`?q=`, a substring anywhere in the title,
the number or the unit's name) on PostgreSQL; SQLite has no such index and scans."""

from django.db import migrations

INDEXES = [
    ("application_title_trgm", "applications_application", "title"),
    ("application_number_trgm", "applications_application", "number"),
    ("unit_name_trgm", "accounts_unit", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            # Django's icontains compares UPPER(column::text): the index is on the same expression.
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_unit_change"),
        ("applications", "0004_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
