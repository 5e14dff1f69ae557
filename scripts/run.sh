#!/usr/bin/env bash
# Starts a Celery worker (with beat inside it, for the nightly tasks) and the development web server
# together; Ctrl-C (or either one ending) stops both.
set -uo pipefail
venv="${VENV:-.venv}"
mkdir -p var

"$venv/bin/celery" -A smartcity worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}" \
  --beat --schedule=var/celerybeat-schedule &
worker=$!
"$venv/bin/python" manage.py runserver "${RUN_ADDRESS:-127.0.0.1:8000}" &
web=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

# Whichever ends first (or Ctrl-C) brings the other down.
wait -n "$web" "$worker"
