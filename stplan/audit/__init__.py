"""The audit trail: history rows are written once and never changed or deleted, and the
database itself refuses otherwise.

- `AppendOnly` (in `stplan.audit.models`, importable from here) is the base of every
  history table: its instances and querysets refuse to change or delete rows.
- `stplan.audit.triggers` installs, after every `migrate`, database triggers that refuse
  UPDATE and DELETE on the table of every concrete `AppendOnly` model, on the tables of
  `ALSO_APPEND_ONLY`, and on the rows of `FROZEN_WHEN` once their condition holds.
- `stplan.audit.admin` shows history in the Django admin read-only, and keeps workflow
  states out of the admin's hands (`WorkflowAdmin`).
"""

import importlib
import importlib.util

# Append-only tables of models that cannot inherit `AppendOnly`: the admin's own record of
# who changed what through the admin.
ALSO_APPEND_ONLY = ("admin.LogEntry",)

# Rows frozen once a condition on the stored row (`OLD`) holds: no UPDATE, no DELETE after.
# The condition is SQL that SQLite and PostgreSQL both understand.
FROZEN_WHEN = {
    "review.Review": "OLD.submitted_at IS NOT NULL",  # a submitted score
    "projects.AcceptanceReview": "OLD.submitted_at IS NOT NULL",  # a submitted 验收评审
}
# The one update a frozen row still takes: the workflow kernel revoking a submitted score
# after a late conflict moves its status and nothing else.
FROZEN_EXCEPT_UPDATE = {
    "review.Review": (
        "OLD.status = 'submitted' AND NEW.status = 'revoked' AND NEW.total = OLD.total"
        " AND NEW.scores = OLD.scores AND NEW.comments = OLD.comments"
        " AND NEW.overall_comment = OLD.overall_comment AND NEW.recommendation = OLD.recommendation"
        " AND NEW.submitted_at = OLD.submitted_at"
    ),
}


def __getattr__(name: str):
    # The model base can only be imported once the app registry is ready, but every app
    # imports it as `from stplan.audit import AppendOnly`: resolve such names lazily from
    # `stplan.audit.models`. Submodules (`apps`, `admin`, …) are left to the import system.
    if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is not None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.models"), name)
