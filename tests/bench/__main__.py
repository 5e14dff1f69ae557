"""`make bench`: runs every tests/bench/bench_*.py against a throwaway database and writes a report
to bench/results/ (Markdown for people, JSON for comparisons).

A benchmark module defines ``run() -> list[dict]``; each dict is one measurement with ``name``, ``unit``
and either ``samples`` (one value per run: the report gives their minimum, median and maximum) or one
``value``; optionally ``floor`` (the name of the measurement of the same benchmark it is compared with:
the report gives the ratio of the medians) and ``note``. Select modules by name:
``python -m tests.bench pages``.
"""

import datetime
import importlib
import json
import os
import platform
import statistics
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
                shown = row["samples"] if "samples" in row else [row["value"]]
                print(f"  {row['name']}: {', '.join(figure(v) for v in shown)} {row['unit']}", flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    write_report(rows)


def summarise(rows):
    """Each row with ``min``, ``median``, ``max`` and ``runs`` of its samples, and ``ratio`` to its floor."""
    for row in rows:
        samples = row.get("samples") or [row["value"]]
        row.update(samples=samples, runs=len(samples), min=min(samples), max=max(samples))
        row["median"] = row["value"] = statistics.median(samples)
    medians = {(row["benchmark"], row["name"]): row["median"] for row in rows}
    for row in rows:
        floor = medians.get((row["benchmark"], row.get("floor")))
        row["ratio"] = row["median"] / floor if floor else None
    return rows


def figure(value):
    return f"{value:.4g}"


def report_line(r):
    ratio = "" if r["ratio"] is None else f"{r['ratio']:.3g} × {r['floor']}"
    figures = " | ".join(figure(r[key]) for key in ("min", "median", "max"))
    cells = [r["benchmark"], r["name"], figures, r["unit"], str(r["runs"]), ratio, r.get("note", "")]
    return "| " + " | ".join(cells) + " |"


def write_report(rows):
    rows = summarise(rows)
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
        "Each figure over its runs: minimum, median, maximum; the ratio is the median's to its floor's.",
        "",
        "| benchmark | measurement | min | median | max | unit | runs | × floor | note |",
        "|---|---|---:|---:|---:|---|---:|---:|---|",
        *(report_line(r) for r in rows),
    ]
    report = RESULTS_DIR / f"{stamp}.md"
    report.write_text("\n".join(lines) + "\n")
    print(f"report: {report.relative_to(Path.cwd()) if report.is_relative_to(Path.cwd()) else report}")


if __name__ == "__main__":
    main(sys.argv[1:])
