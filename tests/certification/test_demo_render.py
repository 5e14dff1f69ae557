"""The demo's rounds render on a real Celery worker: `render_round 2565` and `render_round 2564` each
queue the round's 15 certificates and 15 plaques, and the worker makes them ready.

Transactional, like tests/certification/test_render_worker.py: the worker is a process of its own and
reads the test database through DATABASE_URL."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings

from certification.enums import DocumentKind, DocumentStatus
from certification.models import Document
from cities.models import CertifiedCity
from tests.certification.awards_helpers import pdftotext
from tests.conftest import celery_worker_process, wait_for, worker_database_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def statuses(year):
    rows = Document.objects.filter(year=year).values("kind", "status").annotate(n=Count("pk"))
    return sorted((row["kind"], row["status"], row["n"]) for row in rows)


def render_round(year):
    out = io.StringIO()
    call_command("render_round", str(year), stdout=out)
    return out.getvalue()


def test_render_round_renders_the_demo_rounds_on_a_real_worker(worker_log):
    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
    pending = DocumentStatus.PENDING
    for year in (2564, 2565):
        assert statuses(year) == [
            (DocumentKind.AWARD_CERTIFICATE, pending, 15),
            (DocumentKind.PLAQUE, pending, 15),
        ]

    ready = DocumentStatus.READY
    with celery_worker_process(worker_log, concurrency=2, **worker_database_env()):
        assert render_round(2565) == "Queued 30 document(s) of 2565.\n"
        assert wait_for(lambda: Document.objects.filter(year=2565, status=ready).count() == 30, timeout=180)
        assert statuses(2564) == [
            (DocumentKind.AWARD_CERTIFICATE, pending, 15),
            (DocumentKind.PLAQUE, pending, 15),
        ]
        assert render_round(2564) == "Queued 30 document(s) of 2564.\n"
        assert wait_for(lambda: Document.objects.filter(year=2564, status=ready).count() == 30, timeout=180)
    for year in (2564, 2565):
        assert statuses(year) == [
            (DocumentKind.AWARD_CERTIFICATE, ready, 15),
            (DocumentKind.PLAQUE, ready, 15),
        ]
    assert render_round(2565) == "Queued 0 document(s) of 2565.\n"  # nothing left to do

    korat = CertifiedCity.objects.get(name_en="Korat Smart City")
    certificate = Document.objects.get(serial=korat.certificate_serial)
    text = pdftotext(Path(certificate.file.path).read_bytes())
    assert "โคราชเมืองอัจฉริยะ\n" in text
    assert certificate.serial in text and certificate.serial.startswith("SCT-2565-")
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖\n" in text
    assert "นายสมมติ ลงนาม (ข้อมูลตัวอย่าง)" in text
    plaque = Document.objects.get(award=certificate.award, kind=DocumentKind.PLAQUE)
    assert "โคราชเมืองอัจฉริยะ" in pdftotext(Path(plaque.file.path).read_bytes())
