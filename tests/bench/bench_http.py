"""Throughput and latency of the public pages under concurrent load, beside a hello-world Django view
on the same server.

A throwaway SQLite database is seeded with the demo data (seed_demo, in development settings since it
refuses production), static files are collected into a temporary folder, and gunicorn serves the portal
with production settings (tests/bench/http_settings.py: production plus the hello-world URL) on
loopback with 5 workers. wrk then loads each address with 16 connections for bounded runs, in
``ROUNDS`` interleaved rounds; the best round of each address is kept (the machine's speed drifts from
minute to minute). An address that does not answer 200 is reported as not measured.

The shared cache is Redis when ``REDIS_URL`` is set, as in production (the report says which), and a
folder of the benchmark's own otherwise.

Environment: ``BENCH_HTTP_SECONDS`` (10) per run, ``BENCH_HTTP_ROUNDS`` (2), ``BENCH_HTTP_WORKERS`` (5),
``BENCH_HTTP_CONNECTIONS`` (16).
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
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "2"))
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
    with sqlite3.connect(folder / "demo.sqlite3") as db:
        (serial,) = db.execute(
            "SELECT serial FROM certification_document WHERE kind = 'award_certificate' "
            "AND revoked_at IS NULL ORDER BY year, number LIMIT 1"
        ).fetchone()
    return production, serial


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


def wrk(url, seconds):
    """Requests per second and the 50th and 99th percentiles of latency (ms) of one wrk run."""
    output = subprocess.run(
        ["wrk", f"-t{min(CONNECTIONS, 2)}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
         "-H", PROXY_HEADER, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"{url}: {match.group(1)} answers were errors")
    latency = {
        percentile: float(value) * UNITS_MS[unit]
        for percentile, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rate": rate, "p50": latency["50"], "p99": latency["99"]}


def measure(base, paths):
    for path in paths.values():  # every worker compiles its templates and fills the caches
        wrk(base + path, 2)
    best = {}
    for _ in range(ROUNDS):
        for name, path in paths.items():
            run = wrk(base + path, SECONDS)
            if name not in best or run["rate"] > best[name]["rate"]:
                best[name] = run
    return best


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
                results = measure(base, paths)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows(results, missing)


def rows(results, missing):
    hello = results["hello-world"]["rate"]
    cache = "Redis cache" if os.environ.get("REDIS_URL") else "file cache"
    setting = (
        f"gunicorn, {WORKERS} workers, production settings, SQLite demo, {cache}; "
        f"wrk, {CONNECTIONS} connections"
    )
    out = []
    for name, run in results.items():
        share = "" if name == "hello-world" else f"{100 * run['rate'] / hello:.0f} % of hello-world; "
        note = f"{share}p50 {run['p50']:.1f} ms; best of {ROUNDS} × {SECONDS} s; {setting}"
        out.append({"name": f"GET {name}, throughput", "value": run["rate"], "unit": "req/s", "note": note})
        out.append({"name": f"GET {name}, p99 latency", "value": run["p99"], "unit": "ms"})
    for name in missing:
        note = "not measured: the address did not answer 200"
        out.append({"name": f"GET {name}", "value": 0, "unit": "req/s", "note": note})
    return out
