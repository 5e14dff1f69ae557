"""A real worker process takes tasks from the broker: the configured one (Redis in CI) and the
filesystem transport that `make run` uses when no REDIS_URL is set."""

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
