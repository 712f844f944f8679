#!/usr/bin/env bash
# The quick start: SQLite, the embedded filesystem broker and emails on the console, so nothing but
# Python is needed. Migrates, loads the demo authority into an empty database, then runs the web
# server, a Celery worker and Celery beat until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
PY=.venv/bin/python
PORT="${PORT:-8000}"

mkdir -p var/broker/queue var/broker/processed var/broker/control  # SQLite and the embedded broker's folders
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty
$PY manage.py sign_in_code iro qa director admin

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
.venv/bin/celery -A iro_service worker --loglevel=INFO --concurrency=1 >var/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A iro_service beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/beat.log 2>&1 &
pids+=($!)

echo
echo "IRO service: http://127.0.0.1:${PORT}/  (worker and beat log to var/worker.log, var/beat.log)"
echo "Sign in with one of the demo logins above. Stop with Ctrl-C."
echo
$PY manage.py runserver "127.0.0.1:${PORT}" &
pids+=($!)
wait -n
