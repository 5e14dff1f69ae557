import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def project_env(**overrides):
    """The environment of a child process of the project: ours, with test settings and overrides
    (a value of None removes the variable)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartcity.settings.test",
        "PYTHONUNBUFFERED": "1",
        "ENV_FILE": os.devnull,  # not the .env that `make run` may have written into this checkout
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code, *, timeout=60, **env):
    """Runs Python code in a fresh process of the project (its own settings, its own Django)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def celery_worker_process(log_path, *, concurrency=1, **env):
    """A real Celery worker in its own process, as `make run` and production start it."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "smartcity", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}", "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=PROJECT_DIR,
            env=project_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def celery_beat_process(log_path, schedule_path, **env):
    """Celery beat in its own process, as `make serve` starts it (one per deployment)."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "smartcity",
                "beat",
                "--loglevel=INFO",
                f"--schedule={schedule_path}",
            ],
            cwd=PROJECT_DIR,
            env=project_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def redis_server(folder):
    """A Redis of the test's own on a free loopback port (the shared one is never stopped): yields an
    object with ``url``, ``stop()`` and ``start()``."""
    import shutil as _shutil

    binary = _shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")

    class Server:
        def __init__(self):
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
            self.process = None

        def start(self):
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            import redis

            client = redis.Redis(port=self.port)
            assert wait_for(lambda: _answers(client), timeout=20), "redis-server did not start"

        def stop(self):
            if self.process is not None:
                self.process.terminate()
                self.process.wait(timeout=20)
                self.process = None

    def _answers(client):
        try:
            return client.ping()
        except Exception:  # noqa: BLE001 - not up yet
            return False

    server = Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker_log(tmp_path):
    path = tmp_path / "worker.log"
    yield path
    if path.exists():
        print(path.read_text()[-4000:])


def wait_for(predicate, *, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture(scope="session", autouse=True)
def _demo_signing_certificate():
    """Documents are signed in the tests as `make run` signs them: with a demonstration certificate,
    made once for the run at the path the test settings name (worker processes inherit it)."""
    from certification import signing

    signing.ensure_demo_certificate()


@pytest.fixture(autouse=True)
def _fresh_private_media():
    """Files are not rolled back with the database: each test starts with no private files, so that
    one test's uploads cannot be mistaken for another's (ids repeat across tests)."""
    yield
    from django.conf import settings

    shutil.rmtree(Path(settings.MEDIA_ROOT) / "private", ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login throttling keeps its counters in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    """The test client reads pages in English (the language switcher's cookie)."""
    client.cookies["language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English leaves English active in the thread; the next test starts in Thai."""
    yield
    from django.utils import translation

    translation.activate("th")


def load_reference_data():
    """Reloads what the data migrations load (regions, provinces, the screening checklist).

    A transactional test (browser, worker) ends with a flush that empties every table; Django re-creates
    permissions and our role groups after it, but not migration data. Django's serialized rollback would
    restore it, but Playwright's greenlets give the test a fresh connection object without the
    serialized copy, so the tests that need it reload it here instead.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("cities.migrations.0002_reference_data").load(apps, None)
    importlib.import_module("certification.migrations.0006_checklist_and_search").add_checklist(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    load_reference_data()


def count_queries(client, url):
    """(number of queries, page) of a GET that must succeed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def worker_database_env():
    """DATABASE_URL naming the test database, for worker processes started by a test marked
    ``django_db(transaction=True)``: PostgreSQL's test database by name; on SQLite the test database is a
    file (smartcity.settings.test) that the worker opens too."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{settings['NAME']}"}
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"}
