"""Database triggers that refuse UPDATE and DELETE on the audit trail's tables.

Which tables: every concrete `AppendOnly` model's, those of `ALSO_APPEND_ONLY` (Django's
admin log), and the rows of `FROZEN_WHEN` once their condition holds. The triggers raise
`RAISE(ABORT, …)` on SQLite and a plpgsql `RAISE EXCEPTION` (SQLSTATE 23000) on
PostgreSQL; Django reports either as `IntegrityError`.

`install` runs from `post_migrate` (see `AuditConfig.ready`): it drops every trigger named
`stplan_audit_*` and creates the current set in one transaction, so running it again
changes nothing, a new history table gets its triggers with the migration that creates
it, and a removed or renamed table leaves none behind. A table not in the database yet
(a migration run to an earlier target) is skipped.

Only row-level UPDATE and DELETE are refused. PostgreSQL's TRUNCATE fires no row trigger,
which is what its `flush` uses; SQLite's `flush` deletes row by row and therefore lifts the
triggers while it empties the database (`stplan/audit/management/commands/flush.py`).
A migration that really must rewrite history rows (say, a column made NOT NULL over
existing NULLs) is refused as well; it has to call `drop` first — the `install` after the
migration puts the triggers back.
"""

import hashlib
import warnings
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from stplan.audit import ALSO_APPEND_ONLY, FROZEN_EXCEPT_UPDATE, FROZEN_WHEN
from stplan.audit.models import append_only_models, installed_models

PREFIX = "stplan_audit_"
SUPPORTED_VENDORS = ("sqlite", "postgresql")
PG_FUNCTION = "stplan_audit_refuse"
PG_IDENTIFIER_MAX = 63
VERBS = {"UPDATE": "修改", "DELETE": "删除"}


@dataclass(frozen=True)
class Guard:
    """One trigger: refuse `operation` on `table`, always or when `condition` holds."""

    table: str
    operation: str  # "UPDATE" or "DELETE"
    message: str
    condition: str | None = None  # SQL on the stored row, OLD

    @property
    def name(self) -> str:
        kind = ("frozen_" if self.condition else "") + self.operation.lower()
        name = f"{PREFIX}{self.table}_{kind}"
        if len(name) <= PG_IDENTIFIER_MAX:
            return name
        digest = hashlib.sha256(self.table.encode()).hexdigest()[:8]
        room = PG_IDENTIFIER_MAX - len(PREFIX) - len(digest) - len(kind) - 2
        return f"{PREFIX}{self.table[:room]}_{digest}_{kind}"


def guards() -> list[Guard]:
    """The triggers the models ask for, whether or not their tables exist yet."""
    result = []
    with translation.override("zh-hans"):
        for model in [*append_only_models(), *installed_models(ALSO_APPEND_ONLY)]:
            table = model._meta.db_table
            for operation, verb in VERBS.items():
                message = f"{model._meta.verbose_name}不可{verb}（{table}）"
                result.append(Guard(table, operation, message))
        for label, condition in FROZEN_WHEN.items():
            for model in installed_models([label]):
                table = model._meta.db_table
                for operation, verb in VERBS.items():
                    message = f"{model._meta.verbose_name}已锁定，不可{verb}（{table}：{condition}）"
                    allowed = FROZEN_EXCEPT_UPDATE.get(label) if operation == "UPDATE" else None
                    when = f"({condition}) AND NOT ({allowed})" if allowed else condition
                    result.append(Guard(table, operation, message, when))
    return result


def installed(connection) -> list[tuple[str, str]]:
    """(trigger name, table) of every stplan_audit_* trigger in the database."""
    if connection.vendor == "sqlite":
        sql = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE %s"
    else:
        sql = """
            SELECT t.tgname, c.relname
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND pg_catalog.pg_table_is_visible(c.oid) AND t.tgname LIKE %s ESCAPE %s
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, [PREFIX.replace("_", "\\_") + "%", "\\"])
        return sorted(cursor.fetchall())


def _create_sql(connection, guard: Guard) -> str:
    quote = connection.ops.quote_name
    message = guard.message.replace("'", "''")
    head = f"CREATE TRIGGER {quote(guard.name)} BEFORE {guard.operation} ON {quote(guard.table)} FOR EACH ROW"
    if connection.vendor == "sqlite":
        when = f" WHEN {guard.condition}" if guard.condition else ""
        return f"{head}{when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
    when = f" WHEN ({guard.condition})" if guard.condition else ""
    return f"{head}{when} EXECUTE FUNCTION {PG_FUNCTION}('{message}')"


PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
END;
$$
"""


def _supported(connection) -> bool:
    if connection.vendor in SUPPORTED_VENDORS:
        return True
    warnings.warn(
        f"stplan.audit: no triggers for {connection.vendor}; history tables are guarded in Python only",
        RuntimeWarning,
        stacklevel=3,
    )
    return False


def drop(connection) -> None:
    """Remove every stplan_audit_* trigger (flush on SQLite; a migration rewriting history)."""
    if not _supported(connection):
        return
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in installed(connection):
            on = f" ON {quote(table)}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}{on}")


def install(connection) -> list[Guard]:
    """Replace the stplan_audit_* triggers with the set the models ask for; returns it."""
    if not _supported(connection):
        return []
    with transaction.atomic(using=connection.alias):
        drop(connection)
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            wanted = [guard for guard in guards() if guard.table in tables]
            if connection.vendor == "postgresql":
                cursor.execute(PG_FUNCTION_SQL)
            for guard in wanted:
                cursor.execute(_create_sql(connection, guard))
    return wanted
