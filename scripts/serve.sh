#!/usr/bin/env bash
# The production start: installs, migrates, collects static files and serves stplan with
# gunicorn on 127.0.0.1:${PORT:-8000} behind the HTTPS reverse proxy. Needs at least
#   STPLAN_SECRET_KEY (50+ random characters), DATABASE_URL (PostgreSQL), REDIS_URL,
#   STPLAN_ALLOWED_HOSTS (the site's host name).
# Celery workers run beside it: bash scripts/worker.sh (see Procfile).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?生产部署须设置 DATABASE_URL，如 postgres://stplan@127.0.0.1:5432/stplan}"
: "${REDIS_URL:=${STPLAN_REDIS_URL:?生产部署须设置 REDIS_URL，如 redis://127.0.0.1:6379/0}}"
export DATABASE_URL REDIS_URL STPLAN_DEBUG=0
[ "${STPLAN_SKIP_INSTALL:-}" = 1 ] || { bash scripts/system-packages.sh; bash scripts/install.sh; }
# The virtual environment scripts/install.sh made; STPLAN_VENV names another one.
BIN="${STPLAN_VENV:-.venv}/bin"
"$BIN"/python manage.py migrate --noinput
"$BIN"/python manage.py collectstatic --noinput >/dev/null
"$BIN"/python manage.py load_guide guilin-2022 >/dev/null
# Sync workers, several per core: pages are short database-bound requests, long jobs go to
# Celery. Requests still running after the timeout are a bug to report, not to wait for.
exec "$BIN"/gunicorn stplan.wsgi:application \
  --bind "${STPLAN_BIND:-127.0.0.1:${PORT:-8000}}" \
  --workers "${STPLAN_WEB_WORKERS:-$(( $(nproc) * 2 + 1 ))}" \
  --timeout "${STPLAN_WEB_TIMEOUT:-60}" \
  --max-requests 2000 --max-requests-jitter 200 \
  --forwarded-allow-ips "${STPLAN_FORWARDED_ALLOW_IPS:-127.0.0.1}" \
  --access-logfile - --access-logformat '{"time":"%(t)s","request_id":"%({x-request-id}o)s","status":%(s)s,"path":"%(U)s","ms":%(M)s}'
