#!/usr/bin/env bash
# Installs stplan into .venv, prepares the SQLite database with the guide and demo data,
# and serves it on http://127.0.0.1:8000 (set PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/install.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
# DEBUG off, so that people see the Chinese error pages rather than Django's debug ones;
# --insecure lets runserver serve the static files (htmx) all the same.
STPLAN_DEBUG="${STPLAN_DEBUG:-0}" exec .venv/bin/python manage.py runserver --insecure "127.0.0.1:${PORT:-8000}"
