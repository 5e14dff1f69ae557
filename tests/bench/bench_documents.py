"""Documents per second for a 1,000-document round (500 certificates, 500 plaques):

- the floor: WeasyPrint as shipped rendering the documents' standalone HTML (style sheet inside) in a
  bare loop, one process, one FontConfiguration;
- our renderer in a loop (`render_document_pdf`: template, QR code, the style sheet parsed once, the
  Thai text fix, the fitted sizes and the check of the zones, PDF/A-3b), the same process;
- the same with the signature (`signing.sign`: pyHanko's incremental update, PAdES), the same process;
- the pipeline: Celery workers, the task, rendering, signing, the database, the file store, from
  queueing the round to the last document ready, with 1 and 2 worker processes (goal: at most 1.4× the
  floor's time per document);
- the alternative: the same certificates printed by headless Chromium kept open (Playwright), given
  the same standalone HTML and our static files from disk;
- the worker's memory over the 1,000 renders.

The machine's speed drifts by several per cent from minute to minute (a virtual machine), so the floor,
the renderer, the one-process pipeline and Chromium are each measured BENCH_REPEAT times (default 3),
the first three interleaved, and the best of each is reported.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import weasyprint
import weasyprint.draw.text
from django.conf import settings

from certification import documents, signing
from certification.documents import DOCUMENT_BASE_URL, FONT_CONFIG, OwnFilesFetcher
from certification.enums import DocumentKind, DocumentStatus
from certification.models import Document
from certification.services import awards, rendering
from smartcity.celery import app
from tests.certification.awards_helpers import endorsed, round_2565, secretariat
from tests.conftest import celery_worker_process, wait_for, worker_database_env

AWARDS = int(os.environ.get("BENCH_AWARDS", 500))  # two documents each: a certificate and a plaque
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))
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
    """Seconds from queueing the round to the last document ready, with workers that have started
    (and loaded WeasyPrint), and the RSS samples of the pool processes (kB) taken every half second."""
    reset_documents()
    app.control.purge()
    samples = []
    log = LOG_DIR / f"bench-worker-{concurrency}.log"
    with celery_worker_process(log, concurrency=concurrency, **worker_database_env()) as process:
        from smartcity.tasks import ping

        assert ping.delay().get(timeout=60) == "pong"
        start = time.perf_counter()
        rendering.render_year(2565, check=False)

        def done():
            pids = pool_pids(process.pid)
            samples.append([rss_kb(p) for p in pids])
            return Document.objects.filter(status=DocumentStatus.READY).count() == total

        assert wait_for(done, timeout=900, interval=0.5), "the round did not finish"
        elapsed = time.perf_counter() - start
    assert Document.objects.filter(attempts=1).count() == total
    return elapsed, samples


def bare_weasyprint(htmls):
    """WeasyPrint as shipped (without the Thai text fix of certification.documents)."""
    patched = weasyprint.draw.text.draw_first_line
    weasyprint.draw.text.draw_first_line = documents._weasyprint_draw_first_line
    try:
        fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)

        def render(html):
            weasyprint.HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf(
                font_config=FONT_CONFIG
            )

        render(htmls[0])  # fonts loaded once, as in a warm worker
        start = time.perf_counter()
        for html in htmls:
            render(html)
        return time.perf_counter() - start
    finally:
        weasyprint.draw.text.draw_first_line = patched


def renderer(documents_, *, signed=False):
    def render(document):
        pdf = documents.render_document_pdf(document.kind, document.template_version, document.data)
        return signing.sign(pdf) if signed else pdf

    render(documents_[0])
    start = time.perf_counter()
    for document in documents_:
        render(document)
    return time.perf_counter() - start


def chromium(htmls, *, keep_first=None):
    """Chromium loads each document as a file beside copies of the static and media files it uses, as
    someone printing with Chromium would give it them (from disk, its cache on)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        root = Path(folder)
        fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)
        for weight in ("Regular", "Bold"):
            path = root / "static" / "fonts" / "sarabun" / f"Sarabun-{weight}.ttf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(fetcher.fetch(f"{DOCUMENT_BASE_URL}{path.relative_to(root)}").read())
        signatures = Path(settings.MEDIA_ROOT) / "private" / "signatures"
        shutil.copytree(signatures, root / "media" / "signatures", dirs_exist_ok=True)
        pages = []
        for number, html in enumerate(htmls):
            page_file = root / f"document-{number}.html"
            page_file.write_text(html.replace('src="/', 'src="').replace("url(/", "url("))
            pages.append(page_file.as_uri())
        # Fonts are fetched with CORS, which file: pages do not pass without this switch.
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--allow-file-access-from-files"]
        )
        page = browser.new_page()
        page.goto(pages[0])
        first = page.pdf(prefer_css_page_size=True, print_background=True)
        if keep_first:
            Path(keep_first).write_bytes(first)
        start = time.perf_counter()
        for url in pages:
            page.goto(url)
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
    issued = list(Document.objects.order_by("kind", "number"))
    htmls = [documents.document_html(d.kind, d.template_version, d.data) for d in issued]

    signing.ensure_demo_certificate()
    floor, ours, signed, one, samples = [], [], [], [], []
    for _ in range(REPEAT):
        floor.append(bare_weasyprint(htmls))
        ours.append(renderer(issued))
        signed.append(renderer(issued, signed=True))
        elapsed, samples = pipeline(1, total)
        one.append(elapsed)
    floors, ourses, signeds, ones = floor, ours, signed, one
    floor, ours, signed, one = min(floor), min(ours), min(signed), min(one)
    two, _ = pipeline(2, total)

    certificates = [d for d in issued if d.kind == DocumentKind.AWARD_CERTIFICATE][:CHROMIUM_DOCUMENTS]
    certificate_htmls = [documents.document_html(d.kind, d.template_version, d.data) for d in certificates]
    browsers = [
        chromium(certificate_htmls, keep_first=LOG_DIR / "chromium-certificate.pdf") for _ in range(REPEAT)
    ]
    floor_certificates_runs = [bare_weasyprint(certificate_htmls) for _ in range(REPEAT)]
    ours_certificates_runs = [renderer(certificates) for _ in range(REPEAT)]
    browser, floor_certificates = min(browsers), min(floor_certificates_runs)
    ours_certificates = min(ours_certificates_runs)

    rss = [s[0] for s in samples if s and s[0]]
    tenth = rss[len(rss) // 10] if rss else 0
    n = len(certificates)
    bare = f"bare WeasyPrint loop, {total} documents (floor)"
    bare_certificates = "bare WeasyPrint loop, the same certificates"
    rows = [
        {"name": f"award {AWARDS} applications (set-up, not rendering)", "value": setup, "unit": "s"},
        {"name": bare, "samples": [total / t for t in floors], "unit": "docs/s",
         "note": f"{1000 * floor / total:.1f} ms per document at best"},
        {"name": f"our renderer (PDF/A-3b, zones checked), {total} documents",
         "samples": [total / t for t in ourses], "unit": "docs/s", "floor": bare,
         "note": f"{ours / floor:.2f}× the floor's time per document (bests)"},
        {"name": f"our renderer and the signature in a loop, {total} documents",
         "samples": [total / t for t in signeds], "unit": "docs/s", "floor": bare,
         "note": f"{signed / floor:.2f}× the floor's time per document (bests); the signature "
         f"{1000 * (signed - ours) / total:.1f} ms"},
        {"name": f"pipeline (render, PDF/A, sign, write, record), 1 worker process, {total} documents",
         "samples": [total / t for t in ones], "unit": "docs/s", "floor": bare,
         "note": f"{one / floor:.2f}× the floor's time per document, bests (goal: at most 1.4×)"},
        {"name": f"pipeline, 2 worker processes, {total} documents", "value": total / two, "unit": "docs/s",
         "note": f"{one / two:.2f}× the speed of 1 process"},
        {"name": f"headless Chromium kept open, {n} certificates", "unit": "docs/s",
         "samples": [n / t for t in browsers], "floor": bare_certificates,
         "note": f"{1000 * browser / n:.1f} ms per certificate at best"},
        {"name": bare_certificates, "unit": "docs/s", "samples": [n / t for t in floor_certificates_runs],
         "note": f"{browser / floor_certificates:.2f}× faster than Chromium"},
        {"name": "our renderer, the same certificates", "unit": "docs/s",
         "samples": [n / t for t in ours_certificates_runs], "floor": bare_certificates,
         "note": f"{browser / ours_certificates:.2f}× faster than Chromium (goal: at least 3×)"},
        {"name": "worker RSS after 10% of the renders (1 process)", "value": tenth / 1024, "unit": "MiB"},
        {"name": f"worker RSS after {total} renders (1 process)", "value": (rss[-1] if rss else 0) / 1024,
         "unit": "MiB", "note": f"peak {max(rss, default=0) / 1024:.1f} MiB, median "
         f"{statistics.median(rss) / 1024 if rss else 0:.1f} MiB"},
    ]  # fmt: skip
    return rows
