"""Attachments: size enforced while the upload streams in, type recognised by content, names cleaned.

What a file is called says nothing about what it is: a renamed executable called ``plan.pdf`` is
refused because its first bytes are not a PDF's. DOCX and XLSX are ZIP files, so they must also contain
the part that makes them a Word document or an Excel workbook.
"""

import unicodedata
import zipfile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_NAME_LENGTH = 150

# type → (MIME type, extension used for the download name)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


class UploadRefused(ValueError):
    """An upload we will not store; the message says why, in the user's language."""


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a file as soon as it passes ATTACHMENT_MAX_BYTES: nothing of it is kept, and the
    request remembers why (``request.refused_uploads``) so that the form can say so."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            if not hasattr(self.request, "refused_uploads"):
                self.request.refused_uploads = {}
            self.request.refused_uploads[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message():
    return _("The file is larger than the limit of %(limit)s.") % {
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    }


def clean_file_name(name: str) -> str:
    """The name to show and to offer on download: no folders, no control characters, NFC, ≤ 150 chars.

    Names with folder parts (``../../etc/passwd``, ``C:\\x``) or too long to show are refused rather
    than silently changed, so that the applicant knows which file was stored under which name.
    """
    name = unicodedata.normalize("NFC", name or "")
    if "/" in name or "\\" in name or name.strip() in ("", ".", ".."):
        raise UploadRefused(_("The file name must be a plain name, without folders."))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = " ".join(name.split())
    if not name or name.startswith("."):
        raise UploadRefused(_("The file name must be a plain name, without folders."))
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(
            _("The file name is too long (%(length)s characters); rename the file to at most %(max)s.")
            % {"length": len(name), "max": MAX_NAME_LENGTH}
        )
    return name


def detect_type(uploaded) -> str:
    """``"pdf"``, ``"png"``, ``"jpeg"``, ``"docx"`` or ``"xlsx"`` from the file's content, or refused."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        finally:
            uploaded.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    raise UploadRefused(
        _(
            "This file is not a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file. Only these types are accepted."  # noqa: E501
        )
    )


def check_upload(uploaded) -> tuple[str, str]:
    """(clean name, detected type) of an uploaded file, or UploadRefused with the reason."""
    name = clean_file_name(uploaded.name)
    if uploaded.size == 0:
        raise UploadRefused(_("The file is empty."))
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(too_large_message())
    return name, detect_type(uploaded)
