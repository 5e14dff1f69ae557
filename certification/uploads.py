"""Attachments: size enforced while the upload streams in, type recognised by content, names cleaned,
and nothing that would act when a reviewer opens it.

What a file is called says nothing about what it is: a renamed executable called ``plan.pdf`` is
refused because its first bytes are not a PDF's. DOCX and XLSX are ZIP files, so they must also contain
the part that makes them a Word document or an Excel workbook; they are inflated entry by entry within
``ATTACHMENT_MAX_UNCOMPRESSED_BYTES`` and ``ATTACHMENT_MAX_ENTRIES`` (a ZIP bomb stops there), and one
with macros (a DOCM or XLSM renamed) is refused. A PDF with JavaScript, a launch action, embedded files,
Flash or an XFA form is refused (see ``pdf_active_content``), and so is one that pypdf cannot open or
that has no pages (a file cut short, or only a PDF's first and last line: see ``pdf_page_count``).
"""

import html
import io
import os
import re
import unicodedata
import zipfile
import zlib

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

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


class NameKeepingParser(MultiPartParser):
    """Django's multipart parser, remembering the file names its cleaning changed.

    Django drops folder parts and characters that cannot be printed (NUL, direction overrides that make
    ``exe.pdf`` read backwards) from a file's name before anything else sees it, and skips a file named
    ``..``: the form would store a name the applicant never chose, or say "choose a file" to someone who
    did. The names as sent are kept in ``request.odd_upload_names``, and the form refuses them with a
    reason (``odd_name_message``)."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.cleaned_names = []

    def sanitize_file_name(self, file_name):
        cleaned = super().sanitize_file_name(file_name)
        if cleaned != html.unescape(file_name):
            self.request.odd_upload_names.append(file_name)
        elif cleaned:
            self.cleaned_names.append(cleaned)
        return cleaned

    def parse(self):
        post, files = super().parse()
        # Django cuts a name to 255 characters when it makes the file: the form reports the length sent.
        for uploaded in files.values():
            stem, extension = os.path.splitext(uploaded.name)
            for sent in self.cleaned_names:
                if sent == uploaded.name or (sent.startswith(stem) and sent.endswith(extension)):
                    uploaded.sent_name = sent
                    self.cleaned_names.remove(sent)
                    break
        return post, files


def odd_name_message():
    return _(
        "The file name contains folder names or invisible characters. Rename the file with a plain name "
        "and attach it again."
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a file as soon as it passes ATTACHMENT_MAX_BYTES: nothing of it is kept, and the
    request remembers why (``request.refused_uploads``) so that the form can say so. Being the first
    handler, it also has the body parsed by NameKeepingParser (Django's hook for a handler to parse the
    body itself)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if hasattr(self.request, "odd_upload_names"):  # the parser below is asking: parse as usual
            return None
        self.request.odd_upload_names = []
        parser = NameKeepingParser(
            META, input_data, self.request.upload_handlers, encoding, request=self.request
        )
        return parser.parse()

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
        names = office_parts(uploaded)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    raise UploadRefused(
        _(
            "This file is not a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file. Only these types are accepted."  # noqa: E501
        )
    )


def office_parts(uploaded) -> set[str]:
    """The names of the parts of a ZIP upload, after inflating every part within the limits (nothing is
    written anywhere): a set with no Office part when the file is not a ZIP at all; UploadRefused when it
    is a ZIP that is damaged, encrypted, too large once inflated, of too many parts, or with macros."""
    damaged = UploadRefused(
        _("This file is damaged and cannot be opened. Save it again and attach the new copy.")
    )
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            if len(entries) > settings.ATTACHMENT_MAX_ENTRIES:
                raise UploadRefused(
                    _("This document has too many parts (%(count)s; at most %(max)s are accepted).")
                    % {"count": len(entries), "max": settings.ATTACHMENT_MAX_ENTRIES}
                )
            names = {entry.filename for entry in entries}
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise UploadRefused(
                    _(
                        "This document is password-protected, so it cannot be checked. Attach a copy "
                        "without a password."
                    )
                )
            if has_macros(archive, names):
                raise UploadRefused(
                    _(
                        "Documents with macros (DOCM, XLSM) are not accepted. Save the document as a Word "
                        "document (DOCX) or an Excel workbook (XLSX) without macros and attach that."
                    )
                )
            _inflate_within_limit(archive, entries)
    except zipfile.BadZipFile:
        raise damaged from None
    except (OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
        if isinstance(error, UploadRefused):
            raise
        raise damaged from None
    finally:
        uploaded.seek(0)
    return names


def _too_large_uncompressed():
    return UploadRefused(
        _("This document would take more than %(limit)s once opened, which is not accepted.")
        % {"limit": filesizeformat(settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES)}
    )


def _inflate_within_limit(archive, entries):
    """Reads every part through, stopping as soon as the total passes the limit: the sizes a ZIP
    declares may lie, what inflates does not (and a part that inflates to more than it declares fails
    its checksum)."""
    limit = settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES
    if sum(entry.file_size for entry in entries) > limit:
        raise _too_large_uncompressed()
    total = 0
    for entry in entries:
        with archive.open(entry) as part:
            while chunk := part.read(1024 * 1024):
                total += len(chunk)
                if total > limit:
                    raise _too_large_uncompressed()


MACRO_CONTENT_TYPE = re.compile(rb"macroEnabled|vbaProject|vbaData", re.IGNORECASE)


def has_macros(archive, names) -> bool:
    """A VBA project among the parts, or a content type that declares macros."""
    if any(name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in names):
        return True
    if "[Content_Types].xml" in names:
        with archive.open("[Content_Types].xml") as types:
            return bool(MACRO_CONTENT_TYPE.search(types.read(1024 * 1024)))
    return False


# --- PDFs: what a viewer might run. Keys are looked for outside streams and inside object streams
# (where a PDF 1.5+ keeps its dictionaries compressed), after decoding #xx escapes in names; content
# and image streams are binary and are not searched (a short name would match by chance).
ACTIVE_PDF_NAMES = {
    b"/JS",
    b"/JavaScript",
    b"/Launch",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/RichMedia",
    b"/XFA",
}
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# How much of the object streams is inflated at most to look inside them.
PDF_OBJECT_STREAMS_MAX_BYTES = 64 * 1024 * 1024


def _pdf_names(chunk):
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in _PDF_NAME.findall(chunk)}


def _pdf_parts(data):
    """(the file outside its streams, [(dictionary before a stream, the stream's bytes)])."""
    outside, streams, position = [], [], 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < position:
            continue
        end = data.find(b"endstream", match.end())
        if end == -1:
            break
        before = data[position : match.start()]
        outside.append(before)
        dictionary = before[before.rfind(b"obj") :] if b"obj" in before else before[-2048:]
        streams.append((dictionary, data[match.end() : end]))
        position = end + len(b"endstream")
    outside.append(data[position:])
    return b"\n".join(outside), streams


def pdf_active_content(data: bytes) -> set[str]:
    """The names of active content in a PDF (``/JavaScript``, ``/Launch`` …); empty when none. Raises
    UploadRefused for an encrypted PDF whose objects are hidden in object streams."""
    outside, streams = _pdf_parts(data)
    names = _pdf_names(outside)
    found = names & ACTIVE_PDF_NAMES
    budget = PDF_OBJECT_STREAMS_MAX_BYTES
    for dictionary, stream in streams:
        if b"/ObjStm" not in _pdf_names(dictionary):
            continue
        if b"/Encrypt" in names:
            raise _encrypted_refusal()
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(stream, budget)
        except zlib.error:
            inflated = b""
        budget -= len(inflated)
        found |= _pdf_names(inflated) & ACTIVE_PDF_NAMES
        if budget <= 0:
            break
    return {name.decode("latin-1") for name in found}


def _encrypted_refusal():
    return UploadRefused(
        _("This PDF is encrypted, so it cannot be checked. Save a copy without protection and attach that.")
    )


def pdf_page_count(data: bytes) -> int | None:
    """The number of pages of a PDF as a reader opens it (pypdf, forgiving as viewers are), or None
    when it cannot be opened. Raises UploadRefused for a PDF that opens only with a password."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _encrypted_refusal()
        return len(reader.pages)
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - pypdf's errors for a damaged file are of many kinds (and recursion)
        return None


def check_pdf(uploaded):
    uploaded.seek(0)
    try:
        data = uploaded.read()
    finally:
        uploaded.seek(0)
    if pdf_active_content(data):
        raise UploadRefused(
            _(
                "This PDF contains JavaScript, an action that starts a program, embedded files or an "
                "interactive form, which are not accepted. Print it to a new PDF (or export it again "
                "without them) and attach that."
            )
        )
    pages = pdf_page_count(data)
    if pages is None:
        raise UploadRefused(
            _(
                "This PDF is damaged or incomplete (perhaps cut short while it was copied or downloaded) "
                "and cannot be opened. Save or export it again and attach the new copy."
            )
        )
    if pages == 0:
        raise UploadRefused(_("This PDF has no pages. Attach the PDF of the document itself."))


def check_upload(uploaded) -> tuple[str, str]:
    """(clean name, detected type) of an uploaded file, or UploadRefused with the reason."""
    name = clean_file_name(getattr(uploaded, "sent_name", uploaded.name))
    if uploaded.size == 0:
        raise UploadRefused(_("The file is empty."))
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(too_large_message())
    file_type = detect_type(uploaded)
    if file_type == "pdf":
        check_pdf(uploaded)
    return name, file_type
