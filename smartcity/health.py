"""Checks behind ``/healthz``: does the database answer, does the broker answer.

The answer is public (load balancers call it without credentials), so it names the part that fails and
nothing more: an exception's text names hosts, ports and database names. The error goes to the log.
"""

import logging

from django.db import connection

from .celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        # Opening a channel makes the filesystem transport touch its folders as well.
        conn.default_channel  # noqa: B018


CHECKS = {"database": check_database, "broker": check_broker}


def run_checks() -> dict[str, str]:
    """``{"database": "ok", "broker": "ok"}``, with ``"error"`` for each part that failed (logged)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure is reported (logged with its traceback), none is raised
            logger.warning("Health check of the %s failed", name, exc_info=True)
            results[name] = "error"
        else:
            results[name] = "ok"
    return results
