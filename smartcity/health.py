"""Checks behind ``/healthz``: does the database answer, does the broker answer."""

from django.db import connection

from .celery import app as celery_app

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
    """``{"database": "ok", "broker": "ok"}``, or the error of each part that failed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported, none is raised
            results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
        else:
            results[name] = "ok"
    return results
