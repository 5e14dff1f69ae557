#!/usr/bin/env bash
# `make serve`: the portal as production runs it, on this machine — production settings (DEBUG off, so
# SECRET_KEY is required), migrations, static files collected into STATIC_ROOT and served by WhiteNoise,
# gunicorn with WEB_CONCURRENCY workers, a Celery worker and one Celery beat; PostgreSQL and Redis when
# DATABASE_URL and REDIS_URL name them, otherwise SQLite and the filesystem broker under var/.
# Ctrl-C or SIGTERM stops them all, each once and in bounded time (scripts/processes.sh).
set -euo pipefail
venv="${VENV:-.venv}"
export DEBUG=0  # the production settings, whatever a development .env says
if [ -z "${SECRET_KEY:-}" ]; then
  echo "make serve runs the production settings, which refuse to start without SECRET_KEY." >&2
  echo "Set one (at least 50 random characters), for example:" >&2
  echo "  export SECRET_KEY=\"\$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')\"" >&2
  exit 2
fi
address="${SERVE_ADDRESS:-127.0.0.1:8000}"
# Here the portal answers plain HTTP on this machine; behind the production proxy (TLS, X-Forwarded-Proto)
# leave SECURE_SSL_REDIRECT at its default (on). See docs/deployment.md.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
mkdir -p var

"$venv/bin/python" manage.py check --fail-level ERROR
"$venv/bin/python" manage.py migrate --noinput
"$venv/bin/python" manage.py collectstatic --noinput --verbosity 0

source "$(dirname "$0")/processes.sh"
start web "$venv/bin/gunicorn" smartcity.wsgi \
  --bind "$address" \
  --workers "${WEB_CONCURRENCY:-4}" \
  --timeout "${WEB_TIMEOUT:-60}" \
  --graceful-timeout 20 \
  --max-requests 2000 --max-requests-jitter 200 \
  --access-logfile - --error-logfile -
start worker "$venv/bin/celery" -A smartcity worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}"
start beat "$venv/bin/celery" -A smartcity beat --loglevel=INFO --schedule=var/celerybeat-schedule
echo "Portal (production settings): http://$address  — /healthz answers when the database and the broker do. Ctrl-C stops it."
supervise
