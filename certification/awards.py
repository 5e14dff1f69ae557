"""Awards and their documents: awarding, promotion-zone certificates, reissue, revocation, rendering
and batches. Every write is a function here, atomic and audited; rendering is queued after commit.

Serial numbers come from one ``SerialCounter`` row per (kind, Buddhist year), locked with
``select_for_update`` inside the transaction that creates the document: numbers are consecutive, and
a transaction that rolls back gives its number back. The unique constraints on ``Document`` (serial;
kind, year, number) hold even if this code were bypassed.
"""

import hashlib
import io
import logging
import os
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import ImageFont

from cities.enums import CertifiedCityStatus, CityType
from cities.models import CertifiedCity
from smartcity.thaidate import be_year, format_date, to_thai_digits

from .enums import SERIAL_PREFIXES, AwardStatus, DigitStyle, DocumentKind, DocumentStatus, Status, Validity
from .models import Application, Award, AwardRound, Document, SerialCounter, document_path, private_storage
from .services import WorkflowError, audit, transition

logger = logging.getLogger(__name__)

# The template version new documents are issued with (templates/documents/<kind>/<version>.html). A
# document keeps the version it was issued with, so that rendering it again gives the same PDF.
CURRENT_TEMPLATE_VERSION = "v1"
AWARD_DOCUMENT_KINDS = (DocumentKind.AWARD_CERTIFICATE, DocumentKind.PLAQUE)
BANGKOK = "10"


# --- Serial numbers


def next_serial(kind, year):
    """Takes the next number of ``kind`` in ``year``; call it inside the transaction that creates the
    document, so that the counter row stays locked until that document is committed."""
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(kind=kind, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, format_serial(kind, year, counter.last_number)


def format_serial(kind, year, number):
    return f"{SERIAL_PREFIXES[kind]}-{year}-{number:03d}"


def verification_url(serial):
    return settings.SITE_URL + reverse("verify", args=[serial])


# --- What a document prints: a snapshot of plain texts, taken when it is issued.


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _digits(text, style):
    return to_thai_digits(text) if style == DigitStyle.THAI else str(text)


def _date_texts(prefix, day, style):
    if day is None:
        return {prefix: None, f"{prefix}_th": "", f"{prefix}_en": ""}
    return {
        prefix: day.isoformat(),
        f"{prefix}_th": format_date(day, thai_digits=style == DigitStyle.THAI),
        f"{prefix}_en": format_date(day, language="en"),
    }


def _labels(choice):
    with translation.override("th"):
        thai = str(choice.label)
    with translation.override("en"):
        english = str(choice.label)
    return thai, english


def _place_texts(organisation, provinces, city_type):
    provinces = sorted(provinces, key=lambda p: p.name_th)
    city_type_th, city_type_en = _labels(CityType(city_type)) if city_type else ("", "")
    return {
        "organisation_th": organisation.name_th,
        "organisation_en": organisation.name_en,
        "provinces_th": " ".join(p.name_th if p.code == BANGKOK else f"จังหวัด{p.name_th}" for p in provinces),
        "provinces_en": ", ".join(p.name_en for p in provinces),
        "city_type_th": city_type_th,
        "city_type_en": city_type_en,
        "sample": organisation.is_sample,
    }


def area_name(application):
    """The name of the target area as the applicant gave it in the area section."""
    section = application.sections.filter(key="area").first()
    values = (section.data or {}).get("area_name", []) if section else []
    return values[0].strip() if values and values[0] else ""


def _award_snapshot(award):
    style = award.round.digit_style
    city = award.certified_city
    return {
        "area_th": city.name_th,
        "area_en": city.name_en,
        "area_detail_th": area_name(award.application),
        **_place_texts(city.organisation, city.provinces.all(), city.city_type),
        "year": award.round.year,
        "year_th": _digits(award.round.year, style),
        **_date_texts("issued_on", award.awarded_on, style),
        **_date_texts("valid_until", award.valid_until, style),
        "signatories": [
            {"name": s.name, "position": s.position, "signature": s.signature.name}
            for s in award.round.signatories.all()
        ],
    }


def _zone_snapshot(application):
    zone = application.promotion_zone
    year = be_year(zone.declared_on)
    award_round = AwardRound.objects.filter(year=year).first()
    style = award_round.digit_style if award_round else DigitStyle.THAI
    return {
        "area_th": zone.name_th,
        "area_en": zone.name_en,
        "area_detail_th": area_name(application),
        **_place_texts(zone.organisation, zone.provinces.all(), zone.city_type),
        "resolution": zone.resolution,
        "year": year,
        "year_th": _digits(year, style),
        **_date_texts("issued_on", zone.declared_on, style),
        **_date_texts("valid_until", None, style),
        "signatories": [],
    }


def _issue(kind, *, year, application, data, actor, issued_on, valid_until=None, award=None, supersedes=None):
    number, serial = next_serial(kind, year)
    document = Document.objects.create(
        kind=kind,
        serial=serial,
        year=year,
        number=number,
        round=award.round if award else None,
        award=award,
        application=application,
        template_version=CURRENT_TEMPLATE_VERSION,
        data={**data, "serial": serial, "verify_url": verification_url(serial)},
        issued_on=issued_on,
        valid_until=valid_until,
        supersedes=supersedes,
    )
    audit(
        application,
        "certification.document.issued",
        actor=actor,
        serial=serial,
        kind=str(kind),
        supersedes=supersedes.serial if supersedes else "",
    )
    transaction.on_commit(lambda: queue_rendering([document.pk]))
    return document


def queue_rendering(document_ids):
    """Sends one rendering task per document to the workers (call it after commit)."""
    from .tasks import render_document  # the tasks module imports this one

    for document_id in document_ids:
        render_document.delay(document_id=document_id)


# --- Use cases


@transaction.atomic
def award(application, award_round, *, actor, awarded_on=None):
    """Awards the logo to an endorsed application in ``award_round``: the award, the certified
    smart-city record of the public registry and the documents (certificate and plaque), in one
    transaction; the documents are rendered after it commits."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.ENDORSED:
        raise WorkflowError(_("Only an application endorsed by the committee can be awarded."))
    if CertifiedCity.objects.filter(award_year=award_round.year, name_th=locked.title).exists():
        raise WorkflowError(
            _("An area named “%(name)s” is already certified in the round of %(year)s.")
            % {"name": locked.title, "year": award_round.year}
        )
    transition(locked, Status.AWARDED, actor=actor, data={"round": award_round.year})
    application.status = locked.status
    awarded_on = awarded_on or award_round.ceremony_date or timezone.localdate()
    valid_until = add_years(awarded_on, award_round.validity_years)
    city = CertifiedCity.objects.create(
        name_th=locked.title,
        organisation=locked.organisation,
        city_type=locked.city_type,
        award_year=award_round.year,
        certified_on=awarded_on,
        valid_until=valid_until,
        status=CertifiedCityStatus.ACTIVE,
        is_sample=locked.organisation.is_sample,
    )
    city.provinces.set(locked.provinces.all())
    new_award = Award.objects.create(
        application=locked,
        round=award_round,
        certified_city=city,
        awarded_on=awarded_on,
        valid_until=valid_until,
        awarded_by=actor,
    )
    audit(locked, "certification.award.created", actor=actor, round=award_round.year, city=city.name_th)
    data = _award_snapshot(new_award)
    documents = [
        _issue(
            kind,
            year=award_round.year,
            application=locked,
            data=data,
            actor=actor,
            issued_on=awarded_on,
            valid_until=valid_until,
            award=new_award,
        )
        for kind in AWARD_DOCUMENT_KINDS
    ]
    city.certificate_serial = documents[0].serial
    city.save(update_fields=["certificate_serial"])
    return new_award


@transaction.atomic
def issue_promotion_zone_certificate(application, *, actor):
    """Issues the promotion-zone certificate of an application whose area has been acknowledged as a
    promotion zone (``application.promotion_zone`` set). Issuing again returns the current one."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.promotion_zone is None:
        raise WorkflowError(_("This application's area has not been acknowledged as a promotion zone."))
    current = current_documents().filter(application=locked, kind=DocumentKind.PROMOTION_ZONE_CERTIFICATE)
    if existing := current.first():
        return existing
    return _issue(
        DocumentKind.PROMOTION_ZONE_CERTIFICATE,
        year=be_year(locked.promotion_zone.declared_on),
        application=locked,
        data=_zone_snapshot(locked),
        actor=actor,
        issued_on=locked.promotion_zone.declared_on,
    )


@transaction.atomic
def reissue(document, *, actor, reason):
    """Issues a corrected copy of a document under a new serial of the same kind and year, from the
    records as they are now; the old one is superseded (its verification page names the new one)."""
    if not reason.strip():
        raise WorkflowError(_("Say why the document is reissued."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at:
        raise WorkflowError(_("A revoked document cannot be reissued."))
    if successor := Document.objects.filter(supersedes=locked).first():
        raise WorkflowError(
            _("This document has already been superseded by %(serial)s.") % {"serial": successor.serial}
        )
    data = _award_snapshot(locked.award) if locked.award_id else _zone_snapshot(locked.application)
    new = _issue(
        locked.kind,
        year=locked.year,
        application=locked.application,
        data=data,
        actor=actor,
        issued_on=locked.issued_on,
        valid_until=locked.valid_until,
        award=locked.award,
        supersedes=locked,
    )
    if locked.kind == DocumentKind.AWARD_CERTIFICATE and locked.award_id:
        city = locked.award.certified_city
        city.certificate_serial = new.serial
        city.save(update_fields=["certificate_serial"])
    audit(
        locked.application,
        "certification.document.reissued",
        actor=actor,
        serial=locked.serial,
        new_serial=new.serial,
        reason=reason,
    )
    return new


@transaction.atomic
def revoke(document, *, actor, reason):
    """Revokes a document. A document of an award revokes the award itself: the logo, the registry
    record and every current document of the award."""
    if not reason.strip():
        raise WorkflowError(_("Say why the document is revoked."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at:
        raise WorkflowError(_("This document is already revoked."))
    now = timezone.now()
    if locked.award_id:
        the_award = Award.objects.select_for_update().get(pk=locked.award_id)
        the_award.status = AwardStatus.REVOKED
        the_award.save(update_fields=["status"])
        city = the_award.certified_city
        city.status = CertifiedCityStatus.REVOKED
        city.save(update_fields=["status"])
        targets = current_documents().filter(award=the_award)
    else:
        targets = Document.objects.filter(pk=locked.pk)
    serials = sorted(targets.values_list("serial", flat=True))
    targets.update(revoked_at=now, revocation_reason=reason)
    audit(locked.application, "certification.document.revoked", actor=actor, serials=serials, reason=reason)
    return Document.objects.get(pk=locked.pk)


@transaction.atomic
def expire_awards(today=None):
    """Marks the active awards whose validity has passed as expired, with their records in the public
    registry; run every night (task ``certification.expire_awards``, command ``expire_awards``). The
    verification pages already say "expired" from the dates; this keeps the admin and the registry in
    step. Returns how many awards expired."""
    today = today or timezone.localdate()
    due = Award.objects.select_for_update().filter(status=AwardStatus.ACTIVE, valid_until__lt=today)
    expired = list(due.select_related("certified_city", "application"))
    for the_award in expired:
        the_award.status = AwardStatus.EXPIRED
        the_award.save(update_fields=["status"])
        city = the_award.certified_city
        if city.status == CertifiedCityStatus.ACTIVE:
            city.status = CertifiedCityStatus.EXPIRED
            city.save(update_fields=["status"])
        audit(the_award.application, "certification.award.expired", actor=None,
              valid_until=the_award.valid_until.isoformat())  # fmt: skip
    return len(expired)


# --- Reading a document's state


def current_documents():
    """Documents neither revoked nor superseded."""
    return Document.objects.filter(revoked_at__isnull=True, superseded_by__isnull=True)


def validity(document, today=None):
    """What the verification page says: revoked, superseded, expired or valid."""
    if document.revoked_at:
        return Validity.REVOKED
    if Document.objects.filter(supersedes=document).exists():
        return Validity.SUPERSEDED
    today = today or timezone.localdate()
    if document.valid_until and today > document.valid_until:
        return Validity.EXPIRED
    return Validity.VALID


# --- Rendering (the task ``certification.render_document`` calls these)


def render_document(document_id):
    """Renders a document's PDF from its snapshot and stores it under its serial.

    Idempotent: a document that is ready, with its file intact, is left alone; rendering again
    (a task delivered twice, a worker killed half-way) writes the same file under the same name, by
    an atomic rename, so there is never more than one file per document, nor a half-written one.
    Returns the document, or None when no such document exists (the task logs and returns).
    """
    from .documents import render_document_pdf  # WeasyPrint: loaded where it renders

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


# --- Batches of a Buddhist year (a round's documents and the promotion-zone certificates of that year)

# What must fit on one line, per kind: (snapshot key, bold, font size in pt, width available in mm),
# as laid out by the templates of CURRENT_TEMPLATE_VERSION.
LAYOUT_LIMITS = {
    DocumentKind.AWARD_CERTIFICATE: [
        ("area_th", True, 30, 253),
        ("area_detail_th", False, 16, 190),  # followed by the provinces
        ("organisation_th", False, 16, 253),
    ],
    DocumentKind.PLAQUE: [
        ("area_th", True, 40, 252),
        ("area_detail_th", False, 24, 252),
        ("provinces_th", False, 24, 252),
    ],
    DocumentKind.PROMOTION_ZONE_CERTIFICATE: [
        ("area_th", True, 28, 253),
        ("area_detail_th", False, 16, 190),
        ("organisation_th", False, 16, 253),
    ],
}
SIGNATORY_LIMITS = [("name", 14, 75), ("position", 14, 75)]


def _fonts():
    if not hasattr(_fonts, "cache"):
        _fonts.cache = {
            bold: ImageFont.truetype(finders.find(f"fonts/sarabun/Sarabun-{name}.ttf"), 100)
            for bold, name in ((False, "Regular"), (True, "Bold"))
        }
    return _fonts.cache


def text_width_mm(text, *, bold, size_pt):
    """The width of one line of text in Sarabun, in millimetres."""
    return _fonts()[bold].getlength(text) / 100 * size_pt * 25.4 / 72


def unfinished_documents(year):
    return Document.objects.filter(year=year).exclude(status=DocumentStatus.READY).order_by("kind", "number")


def preflight(year):
    """What would make the documents of ``year`` wrong or fail, as sentences, before anything renders:
    a round without signatories, signatures without an image (or whose file is gone), texts too long
    for their line."""
    problems = []
    documents = list(unfinished_documents(year).select_related("round"))
    rounds = {d.round for d in documents if d.round}
    for award_round in sorted(rounds, key=lambda r: r.year):
        signatories = list(award_round.signatories.all())
        if not signatories:
            problems.append(_("The round of %(year)s has no signatories.") % {"year": award_round.year})
        for signatory in signatories:
            if not signatory.signature:
                problems.append(_("%(name)s has no signature image.") % {"name": signatory.name})
            elif not signatory.signature.storage.exists(signatory.signature.name):
                problems.append(_("The signature image of %(name)s is missing.") % {"name": signatory.name})
    for document in documents:
        for key, bold, size, width in LAYOUT_LIMITS[document.kind]:
            text = document.data.get(key, "")
            if text and text_width_mm(text, bold=bold, size_pt=size) > width:
                problems.append(
                    _("%(serial)s: “%(text)s” is too long for its line.")
                    % {"serial": document.serial, "text": text}
                )
        for signatory in document.data.get("signatories", []):
            for key, size, width in SIGNATORY_LIMITS:
                if text_width_mm(signatory[key], bold=False, size_pt=size) > width:
                    problems.append(
                        _("%(serial)s: “%(text)s” is too long for its line.")
                        % {"serial": document.serial, "text": signatory[key]}
                    )
    return list(dict.fromkeys(problems))


class PreflightFailed(WorkflowError):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def render_year(year, *, actor=None, check=True):
    """Queues every document of ``year`` that is not ready (pending, failed, or left rendering by a
    worker that died) after the pre-flight check; returns how many were queued."""
    if check and (problems := preflight(year)):
        raise PreflightFailed(problems)
    ids = list(unfinished_documents(year).values_list("pk", flat=True))
    Document.objects.filter(pk__in=ids, status=DocumentStatus.FAILED).update(status=DocumentStatus.PENDING)
    audit(None, "certification.documents.render_queued", actor=actor, year=year, count=len(ids))
    transaction.on_commit(lambda: queue_rendering(ids))
    return len(ids)


def progress(year):
    """Counts per rendering status, and the documents that failed with their errors."""
    counts = dict.fromkeys(DocumentStatus.values, 0)
    for row in Document.objects.filter(year=year).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    errors = list(
        Document.objects.filter(year=year)
        .exclude(last_error="")
        .exclude(status=DocumentStatus.READY)
        .order_by("kind", "number")
        .values("serial", "status", "attempts", "last_error")
    )
    return {
        "year": year,
        "total": total,
        "counts": counts,
        "done": counts[DocumentStatus.READY],
        "percent": round(100 * counts[DocumentStatus.READY] / total) if total else 100,
        "finished": counts[DocumentStatus.PENDING] + counts[DocumentStatus.RENDERING] == 0,
        "errors": errors,
    }


def printable_documents(year):
    """The current, ready documents of a year in print order: certificates, plaques, promotion-zone
    certificates, each by number."""
    order = {kind: position for position, kind in enumerate(DocumentKind.values)}
    documents = current_documents().filter(year=year, status=DocumentStatus.READY)
    return sorted(documents, key=lambda d: (order[d.kind], d.number))


def merged_pdf(year):
    """One PDF with every printable document of the year, for the print shop."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in printable_documents(year):
        with document.file.open("rb") as stored:
            writer.append(io.BytesIO(stored.read()))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_archive(year, output):
    """Writes a ZIP of the printable documents of the year (one PDF per serial) to ``output``."""
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for document in printable_documents(year):
            with document.file.open("rb") as stored:
                archive.writestr(f"{document.serial}.pdf", stored.read())
    return output


def sample_snapshot(kind, award_round=None):
    """Sample data to preview a template before anything is issued (the admin's preview)."""
    style = award_round.digit_style if award_round else DigitStyle.THAI
    year = award_round.year if award_round else be_year(timezone.localdate())
    day = (award_round.ceremony_date if award_round else None) or timezone.localdate()
    serial = format_serial(kind, year, 1)
    signatories = list(award_round.signatories.all()) if award_round else []
    return {
        "area_th": "ลำปางเมืองน่าอยู่อัจฉริยะ (ตัวอย่าง)",
        "area_en": "Lampang Livable Smart City (sample)",
        "area_detail_th": "เขตเทศบาลนครลำปาง",
        "organisation_th": "เทศบาลนครลำปาง (ข้อมูลตัวอย่าง)",
        "organisation_en": "Lampang City Municipality (sample data)",
        "provinces_th": "จังหวัดลำปาง",
        "provinces_en": "Lampang",
        "city_type_th": "เมืองน่าอยู่อัจฉริยะ",
        "city_type_en": "Livable City",
        "sample": True,
        "resolution": "มติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ครั้งที่ 1/2565",
        "year": year,
        "year_th": _digits(year, style),
        **_date_texts("issued_on", day, style),
        **_date_texts("valid_until", add_years(day, 2), style),
        "signatories": [
            {"name": s.name, "position": s.position, "signature": s.signature.name} for s in signatories
        ]
        or [{"name": "นายตัวอย่าง ลงนาม", "position": "ประธานกรรมการ (ตัวอย่าง)", "signature": ""}],
        "serial": serial,
        "verify_url": verification_url(serial),
    }


def preview_pdf(kind, award_round=None):
    from .documents import render_document_pdf

    return render_document_pdf(kind, CURRENT_TEMPLATE_VERSION, sample_snapshot(kind, award_round))
