"""`flush` that still works once the audit trail is guarded by triggers.

`flush` empties the whole database on purpose (the test runner calls it after every
transactional test; a developer resets a local database with it). It is not a way to
rewrite or remove a row of history while the rest stays: afterwards nothing is left for
such a row to contradict.

PostgreSQL's flush uses TRUNCATE, which fires no row trigger, so nothing changes there.
SQLite's flush is a `DELETE FROM` per table, which the audit triggers refuse: on SQLite
this command drops the audit triggers, runs Django's flush, and installs them again,
whether the flush went through, was declined or failed.
"""

from django.core.management.commands import flush
from django.db import connections

from stplan.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        triggers.drop(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
