#!/usr/bin/env bash
# Installs stplan into .venv, prepares the SQLite database with the guide and demo data,
# and serves it on http://127.0.0.1:8000 (set PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/install.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
