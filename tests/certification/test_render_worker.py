"""Rendering with real Celery worker processes against the test database: the configured broker
(Redis in CI) and, where the test says so, the filesystem transport of `make run`.

The worker is a separate process, so these tests commit (``transaction=True``) and hand it the test
database through DATABASE_URL (tests/conftest.py `worker_database_env`; on SQLite the test database is
a file for this reason)."""

import hashlib
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from certification.enums import DocumentKind, DocumentStatus
from certification.models import Document
from certification.services import awards, rendering
from tests.certification.awards_helpers import (
    awarded,
    endorsed,
    pdftotext,
    qr_payloads,
    round_2565,
    secretariat,
    signature_status,
)
from tests.conftest import celery_worker_process, run_python, wait_for, worker_database_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def all_ready(count):
    return Document.objects.filter(status=DocumentStatus.READY).count() == count


def document_files():
    root = Path(settings.MEDIA_ROOT) / "private" / "documents"
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_award_renders_its_documents_on_a_real_worker(worker_log, tmp_path):
    award_round = round_2565()
    with celery_worker_process(worker_log, **worker_database_env()):
        award = awarded(award_round)
        assert wait_for(lambda: all_ready(2), timeout=90)
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    pdf = Path(certificate.file.path).read_bytes()
    # Signed by the worker with the configured certificate, over the file the register's SHA-256 names.
    assert signature_status(pdf).bottom_line
    assert certificate.sha256 == hashlib.sha256(pdf).hexdigest()
    text = pdftotext(pdf)
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ\n" in text
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖\n" in text
    assert "SCT-2565-001" in text
    assert qr_payloads(certificate.file.path, tmp_path) == ["http://127.0.0.1:8000/verify/SCT-2565-001/"]
    assert document_files() == ["SCP-2565-001.pdf", "SCT-2565-001.pdf"]
    assert list(Document.objects.values_list("attempts", flat=True)) == [1, 1]


def test_queueing_a_ready_round_again_keeps_one_file_each(worker_log):
    award_round = round_2565()
    with celery_worker_process(worker_log, **worker_database_env()):
        awarded(award_round)
        assert wait_for(lambda: all_ready(2), timeout=90)
        sums = dict(Document.objects.values_list("serial", "sha256"))
        rendering.queue_rendering(list(Document.objects.values_list("pk", flat=True)))  # delivered twice
        assert wait_for(lambda: worker_log.read_text().count("succeeded") >= 4, timeout=60)
    assert dict(Document.objects.values_list("serial", "sha256")) == sums
    assert list(Document.objects.values_list("attempts", flat=True)) == [1, 1]
    assert document_files() == ["SCP-2565-001.pdf", "SCT-2565-001.pdf"]


BATCH = 10  # awards, two documents each


def create_batch(env):
    """Awards BATCH applications in a process of its own, whose broker is the worker's."""
    code = (
        "import django; django.setup()\n"
        "from tests.certification.awards_helpers import awarded, round_2565\n"
        "award_round = round_2565()\n"
        f"for n in range({BATCH}): awarded(award_round, title=f'เมืองทดสอบลำดับที่ {{n + 1}}')\n"
    )
    result = run_python(code, timeout=120, **env)
    assert result.returncode == 0, result.stderr


def kill_while_rendering(process):
    """SIGKILL to the worker and its pool processes once a few documents are ready."""
    assert wait_for(lambda: Document.objects.filter(status=DocumentStatus.READY).count() >= 3, timeout=90)
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in [process.pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)
    process.wait()
    ready = Document.objects.filter(status=DocumentStatus.READY).count()
    assert ready < 2 * BATCH, "the batch finished before the worker was killed"


def assert_every_document_ready_once():
    assert Document.objects.filter(status=DocumentStatus.READY).count() == 2 * BATCH
    assert document_files() == sorted(f"{s}.pdf" for s in Document.objects.values_list("serial", flat=True))
    assert all(rendering.file_is_intact(document) for document in Document.objects.all())


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: redelivery of unacknowledged tasks")
def test_a_worker_killed_during_a_batch_leaves_every_document_ready_once_after_a_new_worker(worker_log):
    # Unacknowledged tasks come back after the visibility timeout: 5 s here instead of an hour.
    env = {**worker_database_env(), "CELERY_VISIBILITY_TIMEOUT": "5"}
    create_batch(env)
    with celery_worker_process(worker_log, **env) as process:
        kill_while_rendering(process)
    with celery_worker_process(worker_log.with_name("worker-2.log"), **env):
        assert wait_for(lambda: all_ready(2 * BATCH), timeout=120)
    assert_every_document_ready_once()


def test_a_worker_killed_on_the_filesystem_transport_is_recovered_by_render_round(worker_log, tmp_path):
    """The filesystem transport acknowledges a message as it reads it, so the tasks of a killed worker
    are not redelivered by the broker: the recovery is `render_round`, which queues every document
    that is not ready (pending, failed or left rendering)."""
    env = {**worker_database_env(), "REDIS_URL": None, "CELERY_FILESYSTEM_DIR": str(tmp_path / "celery")}
    create_batch(env)
    with celery_worker_process(worker_log, **env) as process:
        kill_while_rendering(process)
    with celery_worker_process(worker_log.with_name("worker-2.log"), **env):
        result = run_python(
            "import django; django.setup()\n"
            "from django.core.management import call_command; call_command('render_round', '2565')",
            **env,
        )
        assert result.returncode == 0, result.stderr
        assert wait_for(lambda: all_ready(2 * BATCH), timeout=120)
    assert_every_document_ready_once()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks: one writer at a time by design"
)
def test_concurrent_awards_in_one_round_get_distinct_consecutive_serials():
    award_round = round_2565()
    applications = [endorsed(f"เมืองพร้อมกัน {n}") for n in range(6)]
    actor = secretariat()
    barrier = threading.Barrier(len(applications))
    errors = []

    def give(application):
        try:
            barrier.wait()
            awards.award(application, award_round, actor=actor)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=give, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Document.objects.filter(kind="award_certificate").values_list("serial", flat=True))
    assert serials == [f"SCT-2565-{n:03d}" for n in range(1, 7)]
