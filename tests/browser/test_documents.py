"""Printing a round in a real browser: an official renders a round's documents from the admin while a
real worker runs, watches the progress bar move, and downloads the print PDF."""

import re
import subprocess
import time

import pytest

from certification.enums import DocumentStatus, Role
from certification.models import Document
from smartcity.celery import app
from tests.browser.conftest import staff_page
from tests.certification.awards_helpers import awarded, round_2565
from tests.conftest import celery_worker_process, worker_database_env
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

AWARDS = 30  # a certificate and a plaque each: several seconds for one worker, the page polls every 2 s


def test_an_official_renders_a_round_and_watches_the_progress(browser, live_server, worker_log, tmp_path):
    award_round = round_2565()
    for number in range(AWARDS):
        awarded(award_round, f"เมืองทดสอบ {number + 1}")
    app.control.purge()  # awarding queued the documents; here the official starts the rendering
    assert Document.objects.filter(status=DocumentStatus.PENDING).count() == 2 * AWARDS

    page = staff_page(browser, live_server, UserFactory(role=Role.OFFICIAL))
    page.goto(f"{live_server.url}/admin/certification/awardround/{award_round.pk}/documents/")
    bar = page.locator("[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "0"
    assert page.locator("#downloads").is_hidden()

    with celery_worker_process(worker_log, concurrency=1, **worker_database_env()):
        page.locator("input[type=submit]").click()
        page.wait_for_load_state()
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not seen or seen[-1] != 100):
            seen.append(int(bar.get_attribute("aria-valuenow")))
            time.sleep(0.1)
    assert seen[-1] == 100
    assert seen == sorted(seen)
    assert any(0 < value < 100 for value in seen), seen  # it moved while the worker rendered
    counts = page.locator("#render-counts").inner_text()
    assert f"{2 * AWARDS}" in counts and counts.count(f"{2 * AWARDS}") == 2  # all of them ready, of all
    assert page.locator("#render-errors tbody tr").count() == 0

    with page.expect_download() as download:
        page.locator("#downloads a").first.click()
    path = tmp_path / "print.pdf"
    download.value.save_as(path)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages: +(\d+)$", info, re.M).group(1) == str(2 * AWARDS)
    text = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout
    assert "SCT-2565-001" in text and f"SCP-2565-{AWARDS:03d}" in text
