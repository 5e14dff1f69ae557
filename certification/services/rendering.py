"""Rendering documents as PDFs (the task ``certification.render_document`` calls ``render_document``),
batches of a Buddhist year after their pre-flight check, and the print pack (one merged PDF, a ZIP)."""

import errno
import hashlib
import io
import logging
import os
import tempfile
import time
import zipfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import layout, selectors, snapshots, tasks  # tasks call this module back: the one circle allowed
from ..enums import DocumentStatus
from ..models import Document, document_path, private_storage
from .core import WorkflowError, audit

logger = logging.getLogger(__name__)


def queue_rendering(document_ids):
    """Sends one rendering task per document to the workers once the current transaction commits (at
    once outside a transaction), so that no worker looks for a document that is not committed yet.

    A broker that does not answer then fails nothing that was committed: the documents stay pending,
    and the sweeper (``requeue_unfinished``, every few minutes) sends them once it answers again."""
    transaction.on_commit(partial(send_rendering, document_ids=list(document_ids)))


def _queued_key(document_id):
    return f"certification:document-queued:{document_id}"


def send_rendering(document_ids):
    """Sends the tasks now; returns how many the broker took. Stops at the first it refuses (the rest
    would wait for it as long): those documents wait for the sweeper."""
    sent = 0
    for document_id in document_ids:
        try:
            tasks.task_render_document.apply_async(
                kwargs={"document_id": document_id}, retry_policy=PUBLISH_RETRY_POLICY
            )
        except Exception:  # the broker is down or unreachable: any error of the client
            logger.warning(
                "The broker refused the rendering of %s document(s); the sweeper sends them once it answers",
                len(document_ids) - sent,
                exc_info=True,
            )
            break
        sent += 1
        try:
            cache.set(_queued_key(document_id), time.time(), settings.DOCUMENT_REQUEUE_SECONDS * 2 + 60)
        except Exception:  # the cache may be the same Redis; the sweeper then sends it again, harmlessly
            logger.warning("Could not mark document %s as queued", document_id, exc_info=True)
    return sent


# Publishing a task waits this long at most for a broker that does not answer (Celery's default retries
# with growing intervals would hold the request that awards for seconds).
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Errors of a failed document that may pass by themselves (the names of tasks.TRANSIENT_ERRORS, as
# record_render_error writes them first): the sweeper tries such documents again.
TRANSIENT_ERROR_PATTERN = r"^(OperationalError|InterfaceError|OSError|FileNotFoundError|PermissionError):"


def requeue_unfinished(now=None):
    """The sweeper (task ``certification.requeue_documents``, every DOCUMENT_SWEEP_SECONDS): sends again
    every document that is not ready and was not queued within DOCUMENT_REQUEUE_SECONDS — pending ones
    whose task never reached the broker, ones left rendering by a worker that died, and failed ones whose
    error may have passed (the database, the file store full). Rendering twice is harmless (it is
    idempotent). Returns how many were sent."""
    now = now or time.time()
    quiet = now - settings.DOCUMENT_REQUEUE_SECONDS
    candidates = (
        Document.objects.filter(
            revoked_at__isnull=True,
            created_at__lt=timezone.now() - timedelta(seconds=settings.DOCUMENT_REQUEUE_SECONDS),
        )
        .filter(
            Q(status__in=[DocumentStatus.PENDING, DocumentStatus.RENDERING])
            | Q(status=DocumentStatus.FAILED, last_error__regex=TRANSIENT_ERROR_PATTERN)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(candidates)
    try:
        marks = cache.get_many([_queued_key(pk) for pk in ids])
    except Exception:  # without the marks every candidate is sent again, harmlessly
        logger.warning("The marks of queued documents cannot be read", exc_info=True)
        marks = {}
    due = [pk for pk in ids if marks.get(_queued_key(pk), 0) < quiet]
    if due:
        Document.objects.filter(pk__in=due, status=DocumentStatus.FAILED).update(
            status=DocumentStatus.PENDING
        )
        logger.info("Sweeper: %s unfinished document(s) sent again", len(due))
    return send_rendering(due)


def render_document(document_id):
    """Renders a document's PDF from its snapshot and stores it under its serial.

    From template version 2 the file is an archival PDF/A-3b copy signed by the issuing body
    (``signing.sign``), and the SHA-256 recorded is the signed file's.

    Idempotent: a document that is ready, with its file intact, is left alone; rendering again
    (a task delivered twice, a worker killed half-way) writes the document again under the same name,
    by an atomic rename, so there is never more than one file per document, nor a half-written one;
    its new signature bears the time of the new signing, and its SHA-256 is recorded with it.
    Returns the document, or None when no such document exists (the task logs and returns).
    """
    from .. import signing
    from ..documents import render_document_pdf  # WeasyPrint: loaded where it renders

    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            logger.warning("Document %s does not exist; nothing to render", document_id)
            return None
        if document.status == DocumentStatus.READY and file_is_intact(document):
            return document
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts"])
    pdf = render_document_pdf(document.kind, document.template_version, document.data)
    if document.template_version != "v1":  # documents issued before signing stay as they were
        pdf = signing.sign(pdf)  # the register's SHA-256 is the signed file's
    name = document_path(document, None)
    _write_atomically(name, pdf)
    document.file.name = name
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.status = DocumentStatus.READY
    document.rendered_at = timezone.now()
    document.last_error = ""
    document.save(update_fields=["file", "sha256", "status", "rendered_at", "last_error"])  # one UPDATE
    return document


def record_render_error(document_id, error, *, final):
    """Keeps the error on the document: failed when no retry follows, otherwise back to pending."""
    status = DocumentStatus.FAILED if final else DocumentStatus.PENDING
    message = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        message = (
            f"OSError: the file store is full (no space left on device in MEDIA_ROOT); the document is "
            f"rendered again once there is room. {error}"
        )[:2000]
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=status, last_error=message
    )


def file_is_intact(document):
    if not document.file.name or not document.sha256:
        return False
    try:
        with document.file.storage.open(document.file.name, "rb") as stored:
            return hashlib.file_digest(stored, "sha256").hexdigest() == document.sha256
    except FileNotFoundError:
        return False


def _write_atomically(name, content):
    """Writes a temporary copy beside the file, then renames it over the file. Copies of the same file
    left half-written by a worker killed while writing are removed once the file is in place (a render
    of the same document still writing would then fail its rename and retry, finding the file ready)."""
    path = Path(private_storage().path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}.rendering-"
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=prefix, delete=False) as temporary:
        temporary.write(content)
        temporary.flush()
        os.fsync(temporary.fileno())
    os.chmod(temporary.name, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    os.replace(temporary.name, path)
    for abandoned in path.parent.glob(f"{prefix}*"):
        abandoned.unlink(missing_ok=True)


class PreflightFailed(WorkflowError):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def render_year(year, *, actor=None, check=True):
    """Queues every document of ``year`` that is not ready (pending, failed, or left rendering by a
    worker that died) after the pre-flight check; returns how many were queued."""
    if check and (problems := selectors.preflight(year)):
        raise PreflightFailed(problems)
    ids = list(selectors.unfinished_documents(year).values_list("pk", flat=True))
    Document.objects.filter(pk__in=ids, status=DocumentStatus.FAILED).update(status=DocumentStatus.PENDING)
    audit(None, "certification.documents.render_queued", actor=actor, year=year, count=len(ids))
    queue_rendering(ids)
    return len(ids)


def merged_pdf(year):
    """One PDF with every printable document of the year, for the print shop."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in selectors.printable_documents(year):
        with document.file.open("rb") as stored:
            writer.append(io.BytesIO(stored.read()))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_archive(year, output):
    """Writes a ZIP of the printable documents of the year (one PDF per serial) to ``output``."""
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for document in selectors.printable_documents(year):
            with document.file.open("rb") as stored:
                archive.writestr(f"{document.serial}.pdf", stored.read())
    return output


def preview_pdf(kind, award_round=None):
    from ..documents import render_document_pdf

    return render_document_pdf(
        kind, layout.CURRENT_TEMPLATE_VERSION, snapshots.sample_snapshot(kind, award_round)
    )
