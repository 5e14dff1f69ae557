"""`make bench`: runs every tests/bench/bench_*.py against a throwaway database and writes a report
to bench/results/ (Markdown for people, JSON for comparisons).

A benchmark module defines ``run() -> list[dict]``; each dict is one measurement with at least
``name``, ``value`` and ``unit``, and optionally ``note``. Select modules by name:
``python -m tests.bench pages``.
"""

import datetime
import importlib
import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR.parent.parent / "bench" / "results"


def main(selected):
    modules = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if m.removeprefix("bench_") in selected]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows = []
    try:
        for module in modules:
            print(f"running {module} …", flush=True)
            for row in importlib.import_module(f"tests.bench.{module}").run():
                rows.append({"benchmark": module.removeprefix("bench_"), **row})
                print(f"  {row['name']}: {row['value']:.4g} {row['unit']}", flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    write_report(rows)


def write_report(rows):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
        "date": stamp,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{stamp}.json").write_text(json.dumps({"machine": machine, "results": rows}, indent=2))
    lines = [
        f"# Benchmarks {stamp}",
        "",
        ", ".join(f"{k}: {v}" for k, v in machine.items()),
        "",
        "| benchmark | measurement | value | unit | note |",
        "|---|---|---:|---|---|",
        *(
            f"| {r['benchmark']} | {r['name']} | {r['value']:.4g} | {r['unit']} | {r.get('note', '')} |"
            for r in rows
        ),
    ]
    report = RESULTS_DIR / f"{stamp}.md"
    report.write_text("\n".join(lines) + "\n")
    print(f"report: {report.relative_to(Path.cwd()) if report.is_relative_to(Path.cwd()) else report}")


if __name__ == "__main__":
    main(sys.argv[1:])
