"""Production behaviour: headers on every page (Content-Security-Policy, no-store where data is private),
the session's lifetime, pages that render without collected static files, `make serve` refusing without
SECRET_KEY, and `make run`'s processes stopping together and in bounded time."""

import json
import os
import signal
import subprocess
import time

import pytest
from django.urls import reverse

from certification.enums import Role
from tests.conftest import PROJECT_DIR, project_env, wait_for
from tests.factories import ApplicationFactory, UserFactory
from tests.smartcity.test_settings import LONG_KEY, run_in

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'"
)


def directives(header):
    return sorted(part.strip() for part in header.split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/registry/", "/accounts/login/", "/verify/", "/api/v1/areas/"])
def test_every_page_has_the_content_security_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(CSP)


@pytest.mark.django_db
def test_the_badge_has_a_policy_of_its_own_without_scripts(client):
    from tests.api.records import area

    city = area("ลำปางเมืองน่าอยู่", provinces=("52",), year=2565)
    response = client.get(reverse("registry:badge", args=[city.pk]))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == [
        "default-src 'none'", "font-src data:", "style-src 'unsafe-inline'",
    ]  # fmt: skip
    again = client.get(reverse("registry:badge", args=[city.pk]))  # the shared copy carries it too
    assert directives(again["Content-Security-Policy"]) == directives(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_templates_have_no_inline_script_or_style():
    """What the policy would block: <script> without src, <style>, style="" and on…="" attributes in our
    templates (the document templates, rendered to PDF only, excepted)."""
    import re

    offenders = []
    for path in (PROJECT_DIR / "templates").rglob("*.html"):
        if "documents" in path.parts:
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=\"", r"\son[a-z]+=\""):
            offenders += [
                f"{path.relative_to(PROJECT_DIR)}: {m.group(0)}" for m in re.finditer(pattern, text)
            ]
    assert offenders == []


@pytest.mark.django_db
def test_private_pages_are_not_stored_and_public_ones_may_be(client):
    application = ApplicationFactory()
    client.force_login(application.created_by)
    for url in (f"/apply/{application.pk}/", "/apply/", "/organisations/", "/"):
        cache_control = {part.strip() for part in client.get(url)["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, url
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    response = client.get(reverse("admin:certification_application_change", args=[application.pk]))
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]


@pytest.mark.django_db
def test_a_session_lasts_a_working_day(client, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": "pw"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600


PAGES_WITHOUT_STATIC = """
import json, logging, django
django.setup()
from django.test import Client, RequestFactory
from django.views.defaults import server_error
client = Client(raise_request_exception=False)
home, missing = client.get("/", secure=True), client.get("/no-such-page/", secure=True)
error = server_error(RequestFactory().get("/"))
print(json.dumps({
    "home": home.status_code, "missing": missing.status_code, "error": error.status_code,
    "stylesheet": "/static/css/site.css" in home.content.decode(),
    "error_page": "Server error" in error.content.decode(),
}))
"""


def test_pages_and_error_pages_render_before_static_files_are_collected(tmp_path):
    """With production settings and an empty STATIC_ROOT (collectstatic not run yet), pages answer with
    the plain names of their static files and the log says what to do — not "Missing staticfiles
    manifest entry" on every page, the error pages included."""
    result = run_in(
        PAGES_WITHOUT_STATIC,
        SECRET_KEY=LONG_KEY,
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        ALLOWED_HOSTS="testserver",
        PAGE_CACHE_SECONDS="0",  # not the shared copy of the home page another run may have left in var/
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "home": 200, "missing": 404, "error": 500, "stylesheet": True, "error_page": True,
    }  # fmt: skip
    assert "is not in the manifest: run `python manage.py collectstatic`" in result.stderr


def test_make_serve_refuses_without_a_secret_key():
    done = subprocess.run(
        ["scripts/serve.sh"],
        cwd=PROJECT_DIR,
        env=project_env(SECRET_KEY=None, VENV=str(PROJECT_DIR / ".venv")),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "make serve runs the production settings, which refuse to start without SECRET_KEY." in done.stderr


def descendants(pid):
    found = [pid]
    for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        found += descendants(int(child))
    return found


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent) has ended.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_make_run_stops_every_process_at_once_on_ctrl_c(tmp_path):
    """Ctrl-C reaches the whole foreground group of the terminal: here SIGINT to the script's group. The
    web server, the worker (with its pool processes) and beat all end, in bounded time."""
    port = __import__("tests.conftest", fromlist=["free_port"]).free_port()
    env = project_env(
        DJANGO_SETTINGS_MODULE=None,
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=None,
        CELERY_FILESYSTEM_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
        RUN_ADDRESS=f"127.0.0.1:{port}",
        VENV=str(PROJECT_DIR / ".venv"),
    )
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        script = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_for(lambda: "celery@" in log.read_text() and " ready." in log.read_text(), timeout=90)
        assert wait_for(lambda: "Starting development server" in log.read_text(), timeout=60), log.read_text()
        assert wait_for(lambda: "beat: Starting" in log.read_text(), timeout=60), log.read_text()
        time.sleep(1)
        processes = descendants(script.pid)
        assert len(processes) >= 6, processes  # script, web (and its reloader), worker and pool, beat
        started = time.monotonic()
        os.killpg(script.pid, signal.SIGINT)
        assert wait_for(lambda: not any(alive(pid) for pid in processes), timeout=45), log.read_text()[-3000:]
        stopped = time.monotonic() - started
    finally:
        for pid in descendants(script.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        script.wait(timeout=10)
    assert stopped < 30
    assert "still running" not in log.read_text()  # no SIGQUIT or SIGKILL was needed


AWARD_ONE = """
import django
django.setup()
from tests.certification.awards_helpers import awarded, round_2565
award = awarded(round_2565())
print(award.documents.count())
"""


def test_make_serve_answers_through_gunicorn_and_its_worker_renders(tmp_path):
    """`make serve` from nothing (an empty database, no static files collected): /healthz answers through
    gunicorn with production settings, a document issued is rendered by its worker, and SIGTERM stops every
    process."""
    import sqlite3
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    env = project_env(
        DJANGO_SETTINGS_MODULE=None,
        DEBUG=None,
        SECRET_KEY=LONG_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=None,
        CELERY_FILESYSTEM_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        SERVE_ADDRESS=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="1",
        VENV=str(PROJECT_DIR / ".venv"),
    )
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        script = subprocess.Popen(
            ["scripts/serve.sh"], cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def health():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                return answer.status == 200 and json.loads(answer.read()) == {
                    "status": "ok", "failing": [], "checks": {"database": "ok", "broker": "ok"},
                }  # fmt: skip
        except OSError:
            return False

    try:
        assert wait_for(health, timeout=300), log.read_text()[-3000:]
        assert wait_for(lambda: " ready." in log.read_text(), timeout=60), log.read_text()[-3000:]
        issued = subprocess.run(
            [str(PROJECT_DIR / ".venv" / "bin" / "python"), "-c", AWARD_ONE],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
            env={**env, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "smartcity.settings.environment"},
        )  # fmt: skip
        assert issued.returncode == 0, issued.stderr[-3000:]

        def rendered():
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                return db.execute("SELECT status FROM certification_document").fetchall() == [
                    ("ready",),
                    ("ready",),
                ]

        assert wait_for(rendered, timeout=120), log.read_text()[-3000:]
        pdfs = sorted(p.name for p in (tmp_path / "media" / "private" / "documents").rglob("*.pdf"))
        assert pdfs == ["SCP-2565-001.pdf", "SCT-2565-001.pdf"]
        processes = descendants(script.pid)
        os.kill(script.pid, signal.SIGTERM)
        assert wait_for(lambda: not any(alive(pid) for pid in processes), timeout=60), log.read_text()[-3000:]
    finally:
        for pid in descendants(script.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        script.wait(timeout=10)
    assert "still running" not in log.read_text()
