"""Rendering documents as PDFs (the task ``certification.render_document`` calls ``render_document``),
batches of a Buddhist year after their pre-flight check, and the print pack (one merged PDF, a ZIP)."""

import hashlib
import io
import logging
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import layout, selectors, snapshots, tasks  # tasks call this module back: the one circle allowed
from ..enums import DocumentStatus
from ..models import Document, document_path, private_storage
from .core import WorkflowError, audit

logger = logging.getLogger(__name__)


def queue_rendering(document_ids):
    """Sends one rendering task per document to the workers once the current transaction commits (at
    once outside a transaction), so that no worker looks for a document that is not committed yet."""
    for document_id in document_ids:
        tasks.task_render_document.delay_on_commit(document_id=document_id)


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
