"""Fifty applicants writing their drafts at once: each logs in through gunicorn (production settings, on
loopback), opens the vision section of their own application and saves it by autosave again and again,
as static/js/autosave.js does while they type, for a bounded time. Every answer must be a 200 (no error,
no conflict: each edits their own application), and when they stop, the database must hold every
applicant's last saved text (no edit lost).

Measured per run, over ``BENCH_LOAD_RUNS`` runs: autosaves per second, and the latency of an autosave
(median and 99th percentile), beside the floor: the same applicants loading the hello-world view.

Environment: ``BENCH_LOAD_APPLICANTS`` (50), ``BENCH_LOAD_SECONDS`` (20) per run, ``BENCH_LOAD_RUNS`` (3),
``BENCH_LOAD_PAUSE`` (0.5: seconds an applicant types between two autosaves, on average),
``BENCH_HTTP_WORKERS`` (5).
"""

import http.client
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.bench_http import (
    PROJECT_DIR,
    VENV_BIN,
    WORKERS,
    environment,
    free_port,
    prepare,
    wait_until_up,
)

APPLICANTS = int(os.environ.get("BENCH_LOAD_APPLICANTS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
RUNS = int(os.environ.get("BENCH_LOAD_RUNS", "3"))
PAUSE = float(os.environ.get("BENCH_LOAD_PAUSE", "0.5"))
PASSWORD = "Load-test-applicant-2567"

CREATE_APPLICANTS = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from certification.demo.seed import _demo_hasher
from certification.models import Application
from cities.models import Membership, Organisation, Province
hasher = _demo_hasher()
province = Province.objects.get(code="52")
ids = []
for number in range({count}):
    user = get_user_model().objects.create(
        username=f"load{{number}}@example.org", email=f"load{{number}}@example.org",
        password=make_password("{password}", hasher=hasher), first_name=f"ผู้สมัคร {{number}}",
    )
    organisation = Organisation.objects.create(
        name_th=f"เทศบาลทดสอบภาระ {{number}}", name_en=f"Load test {{number}}", org_type="town_municipality",
        province=province, is_sample=True,
    )
    Membership.objects.create(organisation=organisation, user=user, is_admin=True)
    application = Application(organisation=organisation, title=f"ข้อเสนอ {{number}}", created_by=user)
    application.save()
    ids.append(application.pk)
print(ids)
"""


class Applicant:
    """One applicant's browser: its own connection to the server, its cookies, the form's token."""

    def __init__(self, port, number, application):
        self.port, self.number, self.application = port, number, application
        self.cookies = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.latencies, self.errors, self.saved, self.version = [], [], None, 0

    def request(self, method, path, body=None, headers=None):
        headers = {
            "X-Forwarded-Proto": "https",  # TLS ends at the proxy in production
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content.decode(errors="replace")

    def token(self, path):
        status, page = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self):
        from urllib.parse import urlencode

        token = self.token("/accounts/login/")
        body = urlencode({"username": f"load{self.number}@example.org", "password": PASSWORD,
                          "csrfmiddlewaretoken": token})  # fmt: skip
        status, _ = self.request(
            "POST", "/accounts/login/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, f"applicant {self.number} could not log in ({status})"
        self.form_token = self.token(f"/apply/{self.application}/sections/vision/")

    def autosave(self, edit):
        from urllib.parse import urlencode

        text = f"วิสัยทัศน์ของผู้สมัคร {self.number} ฉบับแก้ไขที่ {edit}"
        body = urlencode({"version": self.version, "vision": text, "goals": f"เป้าหมาย {edit}"})
        started = time.perf_counter()
        status, answer = self.request(
            "POST",
            f"/apply/{self.application}/sections/vision/autosave/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.form_token},
        )
        self.latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            self.errors.append(f"{status}: {answer[:200]}")
            return
        self.version = json.loads(answer)["version"]
        self.saved = text

    def hello(self):
        started = time.perf_counter()
        status, _ = self.request("GET", "/bench/hello/")
        self.latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            self.errors.append(str(status))

    def work(self, deadline, action):
        rng = random.Random(self.number)
        edit = 0
        while time.monotonic() < deadline:
            edit += 1
            if action == self.autosave:
                action(edit)
            else:
                action()
            time.sleep(rng.uniform(0, 2 * PAUSE))


def load(applicants, action_name):
    deadline = time.monotonic() + SECONDS
    for applicant in applicants:
        applicant.latencies, applicant.errors = [], []
    threads = [threading.Thread(target=a.work, args=(deadline, getattr(a, action_name))) for a in applicants]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for a in applicants for x in a.latencies)
    errors = [e for a in applicants for e in a.errors]
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "requests": len(latencies),
        "errors": errors,
    }


def last_saved(folder, applicants):
    """Each application's vision as the database holds it."""
    with sqlite3.connect(folder / "demo.sqlite3") as db:
        rows = dict(
            db.execute(
                "SELECT application_id, data FROM certification_section WHERE key = 'vision'"
            ).fetchall()
        )
    return {a.application: json.loads(rows[a.application])["vision"][0] if a.application in rows else None
            for a in applicants}  # fmt: skip


def run():
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        env, _serial = prepare(folder)
        development = environment(folder, DEBUG="1", DJANGO_SETTINGS_MODULE="smartcity.settings.development")
        done = subprocess.run(
            [str(VENV_BIN / "python"), "-c", CREATE_APPLICANTS.format(count=APPLICANTS, password=PASSWORD)],
            cwd=PROJECT_DIR, env=development, capture_output=True, text=True, check=True,
        )  # fmt: skip
        applications = json.loads(done.stdout.strip().splitlines()[-1])
        port = free_port()
        with open(folder / "gunicorn.log", "w") as log:
            server = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "smartcity.wsgi", "--workers", str(WORKERS),
                 "--bind", f"127.0.0.1:{port}", "--error-logfile", "-"],
                cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            try:
                wait_until_up(port, server)
                applicants = [Applicant(port, n, application) for n, application in enumerate(applications)]
                for applicant in applicants:
                    applicant.log_in()
                floors, saves, lost = [], [], []
                for _ in range(RUNS):
                    floors.append(load(applicants, "hello"))
                    saves.append(run_result := load(applicants, "autosave"))
                    if run_result["errors"]:
                        raise RuntimeError(
                            f"{len(run_result['errors'])} autosaves failed: {run_result['errors'][:5]}"
                        )
                    held = last_saved(folder, applicants)
                    lost.append(sum(1 for a in applicants if held[a.application] != a.saved))
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if any(lost):
        raise RuntimeError(f"edits lost: {lost} applicants' last saved text not in the database")
    setting = (
        f"{APPLICANTS} applicants at once, typing {PAUSE} s on average between autosaves, "
        f"{RUNS} × {SECONDS:g} s; gunicorn, {WORKERS} workers, production settings, SQLite"
    )
    saved = sum(s["requests"] for s in saves)
    floor = f"{APPLICANTS} applicants' hello-world requests, throughput"
    return [
        {"name": floor, "unit": "req/s", "samples": [f["rate"] for f in floors],
         "note": "the floor: the same clients, no work"},
        {"name": f"{APPLICANTS} applicants autosaving, throughput", "unit": "saves/s",
         "samples": [s["rate"] for s in saves], "floor": floor,
         "note": f"{saved} autosaves, 0 errors, 0 edits lost (every last saved text read back); {setting}"},
        {"name": "autosave p50 latency", "unit": "ms", "samples": [s["p50"] for s in saves],
         "floor": "hello-world p50 latency"},
        {"name": "autosave p99 latency", "unit": "ms", "samples": [s["p99"] for s in saves],
         "floor": "hello-world p99 latency"},
        {"name": "hello-world p50 latency", "unit": "ms", "samples": [f["p50"] for f in floors]},
        {"name": "hello-world p99 latency", "unit": "ms", "samples": [f["p99"] for f in floors]},
        {"name": "autosave errors", "unit": "answers", "samples": [len(s["errors"]) for s in saves]},
        {"name": "edits lost", "unit": "applicants", "samples": lost},
    ]  # fmt: skip
