#!/usr/bin/env bash
# `make run`: the development server, a Celery worker and Celery beat (the nightly tasks) together;
# Ctrl-C (or any of them ending) stops all three, each once and in bounded time (scripts/processes.sh).
set -uo pipefail
venv="${VENV:-.venv}"
mkdir -p var
source "$(dirname "$0")/processes.sh"

start worker "$venv/bin/celery" -A smartcity worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}"
start beat "$venv/bin/celery" -A smartcity beat --loglevel=INFO --schedule=var/celerybeat-schedule
start web "$venv/bin/python" manage.py runserver "${RUN_ADDRESS:-127.0.0.1:8000}"
supervise
