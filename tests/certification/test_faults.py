"""Faults: what the portal does when a part it depends on fails in the middle of work.

- Redis (broker and cache) stopped while an official awards: the award is committed, the official is told
  the documents are queued and will be rendered once the service is back, and they are — by the sweeper
  that beat runs, on a real worker, once Redis answers again.
- The database connection dropped in the middle of a request: a clean error page, and nothing of the
  request's writes is kept.
- The file store full (a small tmpfs mounted over the documents' folder): the document fails with a clear
  error and is rendered once there is room, without anyone doing anything.

(A worker SIGKILLed in the middle of a batch: tests/certification/test_render_worker.py.)
"""

import contextlib
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from certification.enums import DocumentStatus, Role, Status
from certification.models import Application, ApplicationVersion, Award, Document
from certification.services import rendering
from tests.certification.awards_helpers import endorsed, round_2565
from tests.conftest import (
    celery_beat_process,
    celery_worker_process,
    redis_server,
    run_python,
    wait_for,
    worker_database_env,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

AWARD_THROUGH_THE_ADMIN = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.get(username="{username}"))
response = client.post(
    "/admin/certification/application/",
    {{"action": "award", "_selected_action": ["{application}"], "apply": "1", "round": "{award_round}"}},
)
told = [str(message) for message in get_messages(response.wsgi_request)]
print(json.dumps({{"status": response.status_code, "messages": told}}))
"""


def all_ready(count):
    return Document.objects.filter(status=DocumentStatus.READY).count() == count


def test_an_award_while_redis_is_down_is_committed_and_rendered_once_redis_is_back(tmp_path, worker_log):
    award_round = round_2565()
    application = endorsed()
    UserFactory(username="official-fault", role=Role.OFFICIAL)
    with redis_server(tmp_path) as redis:
        env = {
            **worker_database_env(),
            "REDIS_URL": redis.url,
            "DJANGO_SETTINGS_MODULE": "tests.redis_settings",
            "DOCUMENT_SWEEP_SECONDS": "2",
            "DOCUMENT_REQUEUE_SECONDS": "0",
        }
        redis.stop()
        script = AWARD_THROUGH_THE_ADMIN.format(
            username="official-fault", application=application.pk, award_round=award_round.pk
        )
        result = run_python(script, timeout=120, **env)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout.strip().splitlines()[-1])
        # The official gets the changelist back with what happened, not a server error.
        assert answer["status"] == 302, result.stderr[-3000:]
        assert answer["messages"] == [
            "มอบตราสัญลักษณ์ให้ใบสมัคร 1 รายการในรอบปี 2565 แล้ว",
            "เกียรติบัตรและโล่ของใบสมัครเหล่านี้เข้าคิวแล้ว แต่ขณะนี้ติดต่อบริการจัดทำเอกสารไม่ได้ "
            "จะจัดทำให้เมื่อบริการกลับมา (ตรวจทุก 1 นาที) ไม่ต้องทำอะไรซ้ำ",
        ]
        assert Award.objects.filter(application=application).count() == 1
        assert Application.objects.get(pk=application.pk).status == Status.AWARDED
        assert sorted(Document.objects.values_list("status", flat=True)) == ["pending", "pending"]

        redis.start()
        with (
            celery_worker_process(worker_log, **env),
            celery_beat_process(tmp_path / "beat.log", tmp_path / "beat-schedule", **env),
        ):
            assert wait_for(lambda: all_ready(2), timeout=120), (tmp_path / "beat.log").read_text()[-2000:]
    assert all(rendering.file_is_intact(document) for document in Document.objects.all())
    assert "certification.requeue_documents" in worker_log.read_text()


def test_a_dropped_database_connection_gives_the_error_page_and_keeps_nothing(monkeypatch):
    """The applicant submits; the connection is cut after the submission's first writes. The page is
    the portal's own error page, and the application is as it was: no version, no new status."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.demo.record import SAMPLE_PDF
    from certification.enums import AttachmentKind
    from certification.services import drafting
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(complete=True)
    drafting.add_attachment(
        application,
        SimpleUploadedFile("เอกสาร.pdf", SAMPLE_PDF, "application/pdf"),
        AttachmentKind.PROPOSAL_DOCUMENT,
        actor=application.created_by,
    )
    from certification.services import core

    real_audit = core.audit

    def cut_connection_then_audit(*args, **kwargs):
        if connection.vendor == "postgresql":
            # The server ends the connection as it answers.
            with connection.cursor() as cursor, contextlib.suppress(Exception):
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        else:  # SQLite: the nearest thing, the database file's connection closed under Django
            connection.connection.close()
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(core, "audit", cut_connection_then_audit)
    client = Client(raise_request_exception=False)
    client.force_login(application.created_by)
    response = client.post(reverse("apply:submit", args=[application.pk]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "ระบบขัดข้องชั่วคราว" in html and "Nothing you saved has been lost" in html
    connection.close()
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not ApplicationVersion.objects.filter(application=application).exists()


@pytest.fixture
def full_file_store():
    """A 256 KiB tmpfs over the documents' folder of MEDIA_ROOT, nearly filled. Mounting needs root (as
    the sandbox and CI run); elsewhere the test is skipped and says so."""
    folder = Path(settings.MEDIA_ROOT) / "private" / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", f"smartcity-test-{uuid.uuid4().hex[:8]}", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    filler = folder / "filler"
    try:
        with open(filler, "wb", buffering=0) as out, contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 4096)
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_file_store_fails_the_document_clearly_and_it_renders_once_there_is_room(
    full_file_store, worker_log
):
    award_round = round_2565()
    with celery_worker_process(worker_log, **worker_database_env()):
        from tests.certification.awards_helpers import awarded

        awarded(award_round)

        def failed_for_room():
            return Document.objects.filter(last_error__contains="the file store is full").exists()

        assert wait_for(failed_for_room, timeout=90), worker_log.read_text()[-3000:]
        document = Document.objects.filter(last_error__contains="the file store is full").first()
        assert document.last_error.startswith(
            "OSError: the file store is full (no space left on device in MEDIA_ROOT); the document is "
            "rendered again once there is room."
        )
        assert document.status in (DocumentStatus.PENDING, DocumentStatus.FAILED)
        os.unlink(full_file_store)  # room again: the task's own retries render it
        assert wait_for(lambda: all_ready(2), timeout=120), worker_log.read_text()[-3000:]
    assert all(rendering.file_is_intact(d) for d in Document.objects.all())


def test_the_sweeper_sends_what_never_reached_a_worker_and_what_may_pass(monkeypatch, settings):
    """Which documents the sweeper sends (the broker is outside the portal: its client is replaced)."""
    from certification import tasks

    settings.DOCUMENT_REQUEUE_SECONDS = 0
    award_round = round_2565()
    from tests.certification.awards_helpers import awarded

    for number in range(4):
        awarded(award_round, f"เมืองที่ {number}")
    documents = list(Document.objects.order_by("pk"))
    Document.objects.filter(pk=documents[0].pk).update(status=DocumentStatus.READY)
    Document.objects.filter(pk=documents[1].pk).update(status=DocumentStatus.RENDERING)
    Document.objects.filter(pk=documents[2].pk).update(
        status=DocumentStatus.FAILED, last_error="OSError: the file store is full (no space left on device)"
    )
    Document.objects.filter(pk=documents[3].pk).update(
        status=DocumentStatus.FAILED, last_error="TemplateSyntaxError: a broken template"
    )
    from django.utils import timezone

    Document.objects.filter(pk=documents[4].pk).update(revoked_at=timezone.now())
    sent = []
    monkeypatch.setattr(
        tasks.task_render_document,
        "apply_async",
        lambda kwargs, **options: sent.append(kwargs["document_id"]),
    )
    count = rendering.requeue_unfinished()
    expected = [documents[1].pk, documents[2].pk, *(d.pk for d in documents[5:])]
    assert (count, sent) == (len(expected), expected)
    assert Document.objects.get(pk=documents[2].pk).status == DocumentStatus.PENDING
    assert Document.objects.get(pk=documents[3].pk).status == DocumentStatus.FAILED
    # Just sent: not sent again until DOCUMENT_REQUEUE_SECONDS have passed.
    settings.DOCUMENT_REQUEUE_SECONDS = 600
    sent.clear()
    Document.objects.update(created_at=timezone.now() - timezone.timedelta(hours=1))
    assert rendering.requeue_unfinished() == 0
