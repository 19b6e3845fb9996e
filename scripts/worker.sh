#!/usr/bin/env bash
# A Celery worker for long jobs (exports, assignment proposals) with the periodic sweep and
# reminders (--beat: run exactly one worker with it). Same environment as scripts/serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${REDIS_URL:=${STPLAN_REDIS_URL:?生产部署须设置 REDIS_URL，如 redis://127.0.0.1:6379/0}}"
export REDIS_URL STPLAN_DEBUG="${STPLAN_DEBUG:-0}"
BIN="${STPLAN_VENV:-.venv}/bin"
exec "$BIN"/celery -A stplan worker --loglevel INFO \
  --concurrency "${STPLAN_JOB_WORKERS:-2}" ${STPLAN_WORKER_ARGS:-}
