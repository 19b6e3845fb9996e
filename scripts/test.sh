#!/usr/bin/env bash
# Installs everything, checks lint, formatting and the import layers, then runs the whole test suite twice:
# on SQLite and on the PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --browser
bash scripts/install.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null

# Two workers: the machine has two cores, and the suite is mostly CPU-bound.
WORKERS=(-n "${STPLAN_TEST_WORKERS:-2}")
echo "== 测试：SQLite =="
env -u DATABASE_URL .venv/bin/pytest "${WORKERS[@]}" "$@"

PG_URL="${STPLAN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/stplan}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "== 测试：PostgreSQL =="
  DATABASE_URL="$PG_URL" .venv/bin/pytest "${WORKERS[@]}" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL 不可用：CI 必须在 PostgreSQL 上运行测试" >&2
  exit 1
else
  echo "警告：127.0.0.1:5432 上没有 PostgreSQL，本次只在 SQLite 上运行了测试。" >&2
fi
