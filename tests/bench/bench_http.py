"""Throughput and latency of the public pages under concurrent load, beside a hello-world Django view
on the same server.

A throwaway SQLite database is seeded with the demo data (seed_demo, in development settings since it
refuses production), static files are collected into a temporary folder, and gunicorn serves the portal
with production settings (tests/bench/http_settings.py: production plus the hello-world URL) on
loopback with 5 workers. wrk then loads each address with 16 connections for bounded runs, in
``ROUNDS`` interleaved rounds (the machine's speed drifts from minute to minute); the report gives each
figure's minimum, median and maximum over the rounds, and its ratio to the hello-world view (the floor).
An address that does not answer 200 is reported as not measured.

The QR-scan burst of a ceremony day: phones scanning the documents' QR codes, each scan a new connection
(``Connection: close``) to ``/verify/<serial>/`` of one of the round's serials in turn, 64 at once; every
answer must be a 200.

The shared cache is Redis when ``REDIS_URL`` is set, as in production (the report says which), and a
folder of the benchmark's own otherwise.

Environment: ``BENCH_HTTP_SECONDS`` (10) per run, ``BENCH_HTTP_ROUNDS`` (3), ``BENCH_HTTP_WORKERS`` (5),
``BENCH_HTTP_CONNECTIONS`` (16), ``BENCH_QR_CONNECTIONS`` (64).
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
QR_CONNECTIONS = int(os.environ.get("BENCH_QR_CONNECTIONS", "64"))
WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "16"))
# TLS ends at the front proxy in production, which says so; without it every answer is a redirect.
PROXY_HEADER = "X-Forwarded-Proto: https"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(folder, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_")) and key not in {"DEBUG", "SECRET_KEY"}
    }
    env.update(
        ENV_FILE=os.devnull,
        DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
        CELERY_FILESYSTEM_DIR=str(folder / "celery"),
        BENCH_CACHE_DIR=str(folder / "cache"),
        SECRET_KEY=secrets.token_urlsafe(64),
        # Every client of the benchmark comes from one address; the API would refuse most of them.
        API_THROTTLE_RATE="100000000/minute",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def prepare(folder):
    development = environment(folder, DEBUG="1", DJANGO_SETTINGS_MODULE="smartcity.settings.development")
    manage(development, "migrate", "--no-input")
    manage(development, "seed_demo")
    production = environment(folder, DJANGO_SETTINGS_MODULE="tests.bench.http_settings")
    manage(production, "collectstatic", "--no-input")
    return production, serials(folder)[0]


def serials(folder):
    """The serials of the demo's certificates and plaques that are not revoked."""
    with sqlite3.connect(folder / "demo.sqlite3") as db:
        rows = db.execute(
            "SELECT serial FROM certification_document WHERE revoked_at IS NULL ORDER BY kind, year, number"
        ).fetchall()
    return [serial for (serial,) in rows]


def get_status(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=dict([PROXY_HEADER.split(": ")]))
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_up(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            get_status(port, "/bench/hello/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, *, connections=None, extra=()):
    """Requests per second and the 50th and 99th percentiles of latency (ms) of one wrk run."""
    connections = connections or CONNECTIONS
    output = subprocess.run(
        ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", "10s", "-H", PROXY_HEADER, *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"{url}: {match.group(1)} answers were errors")
    if match := re.search(r"Socket errors: (.*)", output):
        # A request unanswered after 10 s counts as failed, as a connection refused or cut does.
        raise RuntimeError(f"{url}: socket errors: {match.group(1)}")
    latency = {
        percentile: float(value) * UNITS_MS[unit]
        for percentile, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rate": rate, "p50": latency["50"], "p99": latency["99"], "requests": total}


QR_SCRIPT = """
local serials = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/verify/" .. serials[(counter %% #serials) + 1] .. "/")
end
"""


def qr_burst(base, folder, all_serials):
    """One run of the burst: new connection per scan, QR_CONNECTIONS at once, serials in turn."""
    script = folder / "qr.lua"
    script.write_text(QR_SCRIPT % ", ".join(f'"{serial}"' for serial in all_serials))
    return wrk(
        base + "/", SECONDS, connections=QR_CONNECTIONS, extra=("-H", "Connection: close", "-s", str(script))
    )


def measure(base, paths, folder=None, all_serials=()):
    for path in paths.values():  # every worker compiles its templates and fills the caches
        wrk(base + path, 2)
    runs = {name: [] for name in paths}
    if all_serials:
        runs["QR-scan burst"] = []
    for _ in range(ROUNDS):
        for name, path in paths.items():
            runs[name].append(wrk(base + path, SECONDS))
        if all_serials:
            runs["QR-scan burst"].append(qr_burst(base, folder, all_serials))
    return runs


def run():
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: scripts/system-packages.sh bench installs it")
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        env, serial = prepare(folder)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(folder / "gunicorn.log", "w") as log:
            server = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "smartcity.wsgi", "--workers", str(WORKERS),
                 "--bind", f"127.0.0.1:{port}", "--error-logfile", "-"],
                cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            try:
                try:
                    wait_until_up(port, server)
                except RuntimeError as error:
                    raise RuntimeError(f"{error}:\n{(folder / 'gunicorn.log').read_text()[-3000:]}") from None
                candidates = {
                    "hello-world": "/bench/hello/",
                    "home page": "/",
                    f"/verify/{serial}/": f"/verify/{serial}/",
                    "/registry/": "/registry/",
                    "/registry/ filtered": "/registry/?region=geographic:north&sort=-year",
                    "/registry/statistics/": "/registry/statistics/",
                    "/api/v1/areas/": "/api/v1/areas/",
                }
                paths = {name: path for name, path in candidates.items() if get_status(port, path) == 200}
                missing = [name for name in candidates if name not in paths]
                results = measure(base, paths, folder, serials(folder))
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows(results, missing)


def rows(results, missing):
    cache = "Redis cache" if os.environ.get("REDIS_URL") else "file cache"
    setting = (
        f"gunicorn, {WORKERS} workers, production settings, SQLite demo, {cache}; "
        f"wrk, {CONNECTIONS} connections"
    )
    out = []
    for name, runs in results.items():
        floor = None if name == "hello-world" else "GET hello-world, throughput"
        if name == "QR-scan burst":
            scans = sum(run["requests"] for run in runs)
            note = (f"{QR_CONNECTIONS} phones at once, a new connection per scan, serials in turn; "
                    f"{scans} scans, every answer 200; {ROUNDS} × {SECONDS} s")  # fmt: skip
            out.append({"name": "QR-scan burst on /verify/<serial>/, throughput", "unit": "scans/s",
                        "samples": [run["rate"] for run in runs], "floor": floor, "note": note})  # fmt: skip
            out.append(
                {"name": "QR-scan burst, p99 latency", "unit": "ms", "samples": [r["p99"] for r in runs]}
            )
            continue
        note = f"{ROUNDS} × {SECONDS} s; {setting}"
        out.append({"name": f"GET {name}, throughput", "unit": "req/s", "samples": [r["rate"] for r in runs],
                    "floor": floor, "note": note})  # fmt: skip
        out.append({"name": f"GET {name}, p50 latency", "unit": "ms", "samples": [r["p50"] for r in runs]})
        out.append({"name": f"GET {name}, p99 latency", "unit": "ms", "samples": [r["p99"] for r in runs]})
    for name in missing:
        note = "not measured: the address did not answer 200"
        out.append({"name": f"GET {name}", "value": 0, "unit": "req/s", "note": note})
    return out
