# Smart City Thailand certification portal. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# The first Python >= 3.11 found on the machine (override with `make PYTHON=/path/to/python3.12 ...`).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help run serve test lint format bench messages makemessages check-deploy system-packages system-packages-test clean

help:
	@echo "make run     set everything up and start the portal on http://127.0.0.1:8000 with a Celery worker"
	@echo "make serve   the portal with production settings: gunicorn, WhiteNoise, a Celery worker and beat (needs SECRET_KEY)"
	@echo "make test    run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   run the benchmarks; report under bench/results/"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.11 found: install python3.11 or newer" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

system-packages:
	@scripts/system-packages.sh run

system-packages-test:
	@scripts/system-packages.sh test

# Compiled translations are built, not committed.
messages: system-packages $(MO_FILES)

%.mo: %.po
	msgfmt --check --output-file=$@ $<

# Both domains: django (Python and templates, smartcity/django_strings.py included) and djangojs (the
# admin's JavaScript messages listed in smartcity/django_strings.js). See docs/i18n.md.
MAKEMESSAGES := DEBUG=1 $(PY) manage.py makemessages --locale=th --no-obsolete \
	--ignore=.venv --ignore=var --ignore=tests --ignore=static/vendor

makemessages: $(VENV)/.installed
	$(MAKEMESSAGES) --domain=django
	$(MAKEMESSAGES) --domain=djangojs

run: system-packages $(VENV)/.installed messages .env
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:8000  (admin: /admin/, demo logins in README.md). Ctrl-C stops it."
	DEBUG=1 VENV=$(VENV) scripts/run.sh

# Production settings on this machine (scripts/serve.sh): gunicorn, WhiteNoise, a worker and beat;
# PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set. Refuses to start without SECRET_KEY.
serve: system-packages $(VENV)/.installed messages
	VENV=$(VENV) scripts/serve.sh

# This checkout is a development machine: `python manage.py ...` here reads DEBUG=1 from .env.
.env:
	printf '# Written by make run: this checkout runs the development settings (see README.md).\nDEBUG=1\n' > $@

test: system-packages-test $(VENV)/.installed messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed messages
	@scripts/system-packages.sh bench
	$(PY) -m tests.bench

check-deploy: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		ALLOWED_HOSTS=portal.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var bench/results $(MO_FILES)
