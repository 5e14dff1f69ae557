"""A real worker process takes tasks from the broker: the configured one (Redis in CI) and the
filesystem transport that `make run` uses when no REDIS_URL is set; and what a worker does with its
database connection between tasks."""

import time

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from smartcity.celery import app, close_old_connections
from smartcity.tasks import ping
from tests.conftest import celery_worker_process, run_python


def test_worker_answers_through_the_configured_broker(worker_log):
    with celery_worker_process(worker_log):
        assert ping.delay().get(timeout=60) == "pong"


def test_worker_answers_through_the_filesystem_transport(worker_log, tmp_path):
    folder = str(tmp_path / "celery")
    embedded = {"REDIS_URL": None, "CELERY_FILESYSTEM_DIR": folder}
    with celery_worker_process(worker_log, **embedded):
        result = run_python(
            "import django; django.setup();"
            "from smartcity.celery import app; from smartcity.tasks import ping;"
            "print(app.conf.broker_url); print(ping.delay().get(timeout=60))",
            timeout=90,
            **embedded,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem://localhost//", "pong"]
    assert (tmp_path / "celery" / "queue").is_dir()


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_between_tasks_as_a_web_process_does():
    """What a worker process runs around every task: Celery's Django fixup (told not to close the
    connection by CELERY_DB_REUSE_MAX), then smartcity.celery.close_old_connections (Django's rules)."""
    for signal in (task_prerun, task_postrun):
        assert close_old_connections in [receiver() for _key, receiver in signal.receivers]
    fixup = DjangoWorkerFixup(app)
    connection.close()  # a connection of its own: one an earlier test opened may be past CONN_MAX_AGE
    connection.ensure_connection()
    kept = connection.connection
    for _ in range(3):
        for handler in (fixup.on_task_prerun, close_old_connections, fixup.on_task_postrun):
            handler(sender=ping)
        connection.cursor().execute("SELECT 1")
    assert connection.connection is kept

    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    close_old_connections(sender=ping)
    assert connection.connection is None
