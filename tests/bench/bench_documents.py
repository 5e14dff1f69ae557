"""Documents per second: the rendering pipeline (Celery workers, the task, the database, the file
store) for a 1,000-document round with 1 and 2 worker processes, against the floor (the same HTML
rendered by WeasyPrint in a bare loop, in one process) and the alternative (the same HTML printed by
headless Chromium kept open, through Playwright). Also the worker's memory over the 1,000 renders."""

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings

from certification import awards
from certification.documents import DOCUMENT_BASE_URL, OwnFilesFetcher, document_html, render_pdf
from certification.enums import DocumentStatus
from certification.models import Document
from smartcity.celery import app
from tests.certification.awards_helpers import endorsed, round_2565, secretariat
from tests.conftest import celery_worker_process, wait_for, worker_database_env

AWARDS = int(os.environ.get("BENCH_AWARDS", 500))  # two documents each: a certificate and a plaque
CHROMIUM_DOCUMENTS = 100
LOG_DIR = Path(settings.BASE_DIR) / "bench" / "results"


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def pool_pids(pid):
    output = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in output.split()]


def reset_documents():
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "private" / "documents", ignore_errors=True)
    Document.objects.update(status=DocumentStatus.PENDING, file="", sha256="", attempts=0, rendered_at=None)


def pipeline(concurrency, total):
    """Seconds from queueing the round to the last document ready, with warm workers, and the
    RSS samples of the pool processes (kB) taken every half second."""
    reset_documents()
    app.control.purge()
    samples = []
    log = LOG_DIR / f"bench-worker-{concurrency}.log"
    with celery_worker_process(log, concurrency=concurrency, **worker_database_env()) as process:
        from smartcity.tasks import ping

        assert ping.delay().get(timeout=60) == "pong"
        start = time.perf_counter()
        awards.render_year(2565, check=False)

        def done():
            pids = pool_pids(process.pid)
            samples.append([rss_kb(p) for p in pids])
            return Document.objects.filter(status=DocumentStatus.READY).count() == total

        assert wait_for(done, timeout=900, interval=0.5), "the round did not finish"
        elapsed = time.perf_counter() - start
    assert Document.objects.filter(attempts=1).count() == total
    return elapsed, samples


def bare_loop(htmls):
    render_pdf(htmls[0])  # fonts loaded once, as in a warm worker
    start = time.perf_counter()
    for html in htmls:
        render_pdf(html)
    return time.perf_counter() - start


def chromium(htmls):
    from playwright.sync_api import sync_playwright

    fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)
    current = {}

    def serve(route):
        url = route.request.url
        if url == f"{DOCUMENT_BASE_URL}document":
            return route.fulfill(body=current["html"], content_type="text/html; charset=utf-8")
        response = fetcher.fetch(url)
        return route.fulfill(body=response.read(), content_type=response.content_type)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.route(f"{DOCUMENT_BASE_URL}**", serve)
        current["html"] = htmls[0]
        page.goto(f"{DOCUMENT_BASE_URL}document")
        page.pdf(prefer_css_page_size=True, print_background=True)
        start = time.perf_counter()
        for html in htmls:
            current["html"] = html
            page.goto(f"{DOCUMENT_BASE_URL}document")
            page.pdf(prefer_css_page_size=True, print_background=True)
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def run():
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    award_round = round_2565()
    actor = secretariat()
    start = time.perf_counter()
    for number in range(AWARDS):
        awards.award(endorsed(f"เมืองทดสอบลำดับที่ {number + 1}"), award_round, actor=actor)
    setup = time.perf_counter() - start
    total = Document.objects.count()
    documents = list(Document.objects.order_by("kind", "number"))
    htmls = [document_html(d.kind, d.template_version, d.data) for d in documents]

    floor = bare_loop(htmls)
    one, samples = pipeline(1, total)
    two, _ = pipeline(2, total)
    certificates = [h for d, h in zip(documents, htmls, strict=True) if d.kind == "award_certificate"]
    browser = chromium(certificates[:CHROMIUM_DOCUMENTS])
    floor_certificates = bare_loop(certificates[:CHROMIUM_DOCUMENTS])

    rss = [s[0] for s in samples if s and s[0]]
    tenth = rss[len(rss) // 10] if rss else 0
    rows = [
        {"name": f"award {AWARDS} applications (set-up, not rendering)", "value": setup, "unit": "s"},
        {"name": f"bare WeasyPrint loop, {total} documents (floor)", "value": total / floor,
         "unit": "docs/s"},
        {"name": f"pipeline, 1 worker process, {total} documents", "value": total / one, "unit": "docs/s",
         "note": f"{one / floor:.2f}× the floor's time per document"},
        {"name": f"pipeline, 2 worker processes, {total} documents", "value": total / two, "unit": "docs/s",
         "note": f"{one / two:.2f}× the speed of 1 process"},
        {"name": f"headless Chromium kept open, {CHROMIUM_DOCUMENTS} certificates", "unit": "docs/s",
         "value": CHROMIUM_DOCUMENTS / browser,
         "note": f"WeasyPrint renders the same certificates {browser / floor_certificates:.2f}× faster"},
        {"name": "bare WeasyPrint loop, the same certificates", "unit": "docs/s",
         "value": CHROMIUM_DOCUMENTS / floor_certificates},
        {"name": "worker RSS after 10% of the renders (1 process)", "value": tenth / 1024, "unit": "MiB"},
        {"name": f"worker RSS after {total} renders (1 process)", "value": (rss[-1] if rss else 0) / 1024,
         "unit": "MiB", "note": f"peak {max(rss, default=0) / 1024:.1f} MiB, median "
         f"{statistics.median(rss) / 1024 if rss else 0:.1f} MiB"},
    ]  # fmt: skip
    return rows
