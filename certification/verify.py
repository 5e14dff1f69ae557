"""The public verification of certificates and plaques.

``/verify/`` holds the lookup box (also on the home page): a citizen types the serial printed on a
document; ``/verify/<serial>/`` (the QR code on every document leads there) says in one sentence whether
the document is valid, expired, revoked, superseded or not yet issued, what it certifies, and, below
for experts, the SHA-256 of its PDF.

Serials are typed as people type them: in any case, with spaces, Thai or full-width digits, other
dashes, or no dashes at all (the year always has four digits, so ``sct2565001`` can only be
SCT-2565-001). Anything longer than a serial could be is refused before it is looked at.

Pages of documents are shared by anonymous visitors through ``smartcity.pagecache``, under the
registry's freshness number (documents, awards and rounds are watched) and the day (a document expires
at midnight).

``/verify/file/`` checks a PDF someone drops on the lookup page: the file is read into memory (at most
``VERIFY_UPLOAD_MAX_BYTES``; a larger one is refused before its body is read, or as soon as it passes the
limit), never written anywhere, and the answer says whether it is a genuine document of the register
(its SHA-256 is the register's and its signature the programme's) and what the document's standing is
now, or how it was tampered with (``signing.check_pdf``).
"""

import io
import re
import unicodedata

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from cities import freshness
from cities.enums import Domain
from smartcity.pagecache import cached_public_page

from . import signing
from .enums import SERIAL_PREFIXES, Validity
from .models import Document

# The longest serial one could type with spaces around it; longer input is refused unread.
MAX_TYPED = 64
SERIAL = re.compile(r"(?P<prefix>[A-Z]{3})-?(?P<year>[0-9]{4})-?(?P<number>[0-9]{1,6})")
PREFIXES = frozenset(SERIAL_PREFIXES.values())
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign, small and full-width
# hyphen-minus: what a word processor or a phone keyboard puts where the serial has "-".
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")
# Zero-width space, non-joiner, joiner and the byte-order mark: invisible, and carried along when a serial
# is copied from a web page, a chat or a PDF.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
NOT_YET_ISSUED = "not_yet_issued"


def cleaned(typed):
    """What someone typed without the invisible characters and the spaces around it."""
    return typed.translate(ZERO_WIDTH).strip()


def normalise_serial(typed):
    """The serial as printed (``SCT-2565-001``) of what someone typed, or None when it cannot be one."""
    if len(typed) > MAX_TYPED:
        return None
    text = unicodedata.normalize("NFKC", cleaned(typed)).translate(DASHES)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text if not c.isspace())
    match = SERIAL.fullmatch(text.upper())
    if match is None or match["prefix"] not in PREFIXES:
        return None
    return f"{match['prefix']}-{match['year']}-{int(match['number']):03d}"


def standing(document, today):
    """What the page says: ``selectors.validity``'s answer, read from the relations the page's one query
    loaded (its successor), or ``not_yet_issued`` before the document's date."""
    if document.revoked_at:
        return Validity.REVOKED
    if getattr(document, "superseded_by", None) is not None:
        return Validity.SUPERSEDED
    if document.issued_on > today:
        return NOT_YET_ISSUED
    if document.valid_until and today > document.valid_until:
        return Validity.EXPIRED
    return Validity.VALID


def registry_url(document):
    """The area's (or zone's) page in the public registry, or "" when the document has neither."""
    city = document.award.certified_city if document.award_id else None
    if city is not None:
        return reverse("registry:area", args=[city.pk])
    zone = document.application.promotion_zone
    if zone is not None:
        return reverse("registry:zone", args=[zone.pk])
    return ""


def domains(document):
    """The domains of the certified area (or promotion zone), as the registry shows them; the
    application's when the registry record has none."""
    record = document.award.certified_city if document.award_id else document.application.promotion_zone
    codes = record.domain_codes if record is not None and record.domain_codes else None
    codes = codes.split(",") if codes else document.application.domains
    return [Domain(code).label for code in codes if code in Domain.values]


def lookup_page(request, *, typed="", problem="", serial="", status=200, **extra):
    """The lookup box, with what was typed and what is wrong with it."""
    context = {
        "typed": typed if len(typed) <= MAX_TYPED else "",  # what the box shows again
        "quoted": typed[:100],  # what the message quotes (truncated further by the template)
        "problem": problem,
        "serial": serial,
        "upload_limit": settings.VERIFY_UPLOAD_MAX_BYTES,
        **extra,
    }
    return TemplateResponse(request, "certification/verify_lookup.html", context, status=status)


@require_safe
def lookup(request):
    """``/verify/?serial=…``: the lookup box; a serial that was issued leads to its page."""
    if "serial" not in request.GET:
        return lookup_page(request)
    typed = request.GET["serial"]
    if len(typed) <= MAX_TYPED:
        typed = cleaned(typed)
        if not typed:
            return lookup_page(request, problem="empty", status=400)
    serial = normalise_serial(typed)
    if serial is None:
        return lookup_page(request, typed=typed, problem="malformed", status=400)
    if not Document.objects.filter(serial=serial).exists():
        return lookup_page(request, typed=typed, problem="unknown", serial=serial, status=404)
    return redirect("verify", serial)


@require_safe
@cached_public_page(version=freshness.version, daily=True)
def verify(request, serial):
    canonical = normalise_serial(serial)
    if canonical is None:
        return lookup_page(request, typed=serial, problem="malformed", status=400)
    if canonical != serial:
        return redirect("verify", canonical, permanent=True)
    document = (
        Document.objects.select_related(
            "round", "supersedes", "superseded_by", "award__certified_city", "application__promotion_zone"
        )
        .filter(serial=serial)
        .first()
    )
    if document is None:
        return lookup_page(request, typed=serial, problem="unknown", serial=serial, status=404)
    context = {
        "document": document,
        "data": document.data,
        "standing": standing(document, timezone.localdate()),
        "successor": getattr(document, "superseded_by", None),
        "domains": domains(document),
        "registry_url": registry_url(document),
    }
    return TemplateResponse(request, "certification/verify.html", context)


# --- A PDF dropped on the lookup page


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps the uploaded file in memory, never on disk, and stops keeping it once it passes the limit
    (``request.upload_too_large``)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if self.buffer.tell() + len(raw_data) > settings.VERIFY_UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )


def _refused(request, message, status):
    return lookup_page(request, file_problem=message, status=status)


def file_answer(content):
    """What the page says of a PDF: the check of its signature (``signing.check_pdf``), the register's
    document with the same SHA-256 if any, and the document the file names itself by."""
    check = signing.check_pdf(content)
    documents = Document.objects.select_related("superseded_by", "award__certified_city")
    document = documents.filter(sha256=check.sha256).first()
    claimed = None
    if document is None and check.claimed_serial:
        claimed = documents.filter(serial=normalise_serial(check.claimed_serial) or "").first()
    return {
        "check": check,
        "genuine": document is not None,
        "document": document,
        "standing": standing(document, timezone.localdate()) if document else "",
        "claimed": claimed,
        "demo": check.verdict == signing.FileVerdict.SIGNED and signing.identity().is_demo,
    }


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the form: csrf_protect below
@require_POST
def check_file(request):
    """``POST /verify/file/``: the answer about a dropped PDF, on the lookup page."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > settings.VERIFY_UPLOAD_MAX_BYTES + 64 * 1024:
        return _too_large(request)  # refused unread
    request.upload_handlers = [MemoryOnlyUploadHandler(request)]
    return _check_file(request)


def _too_large(request):
    limit = filesizeformat(settings.VERIFY_UPLOAD_MAX_BYTES)
    message = _("The file is larger than %(limit)s: no document of the register is that large.") % {
        "limit": limit
    }
    return _refused(request, message, 413)


@csrf_protect
def _check_file(request):
    uploaded = request.FILES.get("pdf")
    if getattr(request, "upload_too_large", False):
        return _too_large(request)
    if uploaded is None:
        return _refused(request, _("Choose a PDF file to check."), 400)
    if uploaded.size == 0:
        return _refused(request, _("The file is empty (0 bytes): choose the PDF file of the document."), 400)
    content = uploaded.read()
    if not content.startswith(b"%PDF-"):
        return _refused(request, _("This file is not a PDF. Only PDF files can be checked here."), 400)
    return lookup_page(request, file=file_answer(content), file_name=uploaded.name[:100])
