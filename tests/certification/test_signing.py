"""Documents that prove themselves (certification/signing.py, rendering.render_document): PAdES signatures
checked by pyHanko's own validation, PDF/A-3b read back with pikepdf and poppler, the Thai conventions
read back with ``pdftotext -raw``, and the check of altered files (one byte changed, a page added,
text edited in an update, the file rewritten, signed by someone else)."""

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pypdf import PdfReader, PdfWriter

from certification import documents, selectors, signing, snapshots
from certification.enums import Body, DigitStyle, DocumentKind, Role, ScreeningOutcome, Status
from certification.models import ChecklistItem
from certification.services import rendering, review
from certification.signing import FileVerdict, check_pdf
from tests.certification.awards_helpers import awarded, pdftotext, round_2565, signature_status
from tests.factories import ApplicationFactory, UserFactory, meeting_resolution

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0e00-\u0e7f]")


def rendered(award, kind=DocumentKind.AWARD_CERTIFICATE):
    document = rendering.render_document(award.documents.get(kind=kind).pk)
    return document, Path(document.file.path).read_bytes()


@pytest.fixture(scope="module")
def signed_certificate(django_db_blocker):
    """A certificate of the sample data, rendered and signed as a worker does (no database needed)."""
    data = snapshots.sample_snapshot(DocumentKind.AWARD_CERTIFICATE)
    return signing.sign(documents.render_document_pdf(DocumentKind.AWARD_CERTIFICATE, "v2", data))


# --- The signature


def test_a_rendered_document_is_signed_over_the_whole_file_and_the_register_keeps_the_signed_files_sum():
    document, pdf = rendered(awarded(round_2565()))
    status = signature_status(pdf)
    assert (status.bottom_line, status.intact, status.valid, status.coverage) == (
        True,
        True,
        True,
        SignatureCoverageLevel.ENTIRE_FILE,
    )
    assert status.signing_cert.subject.human_friendly == signing.identity().subject
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert rendering.file_is_intact(document)
    assert b"/SubFilter /ETSI.CAdES.detached" in pdf  # PAdES


def test_the_shortcut_builds_the_same_signed_attributes_as_pyhanko(signed_certificate):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(signed_certificate)).embedded_signatures[0]
    attributes = [a["type"].native for a in signature.signer_info["signed_attrs"]]
    assert attributes == ["content_type", "message_digest", "signing_certificate_v2"]
    assert signature.signer_info["digest_algorithm"]["algorithm"].native == "sha256"


def test_the_demo_certificate_says_demo_in_its_subject_and_in_the_document(signed_certificate):
    assert signing.identity().is_demo
    assert "DEMO" in signing.identity().subject
    with pikepdf.open(io.BytesIO(signed_certificate)) as pdf:
        subject = str(pdf.docinfo["/Subject"])
        xmp = pdf.open_metadata()
        assert subject.endswith(signing.DEMO_NOTE)
        assert str(xmp["dc:description"]) == subject  # the same in the XMP metadata
        reason = str(pdf.Root.AcroForm.Fields[0].V.Reason)
    assert "DEMO" in reason


def test_signing_a_rendered_document_again_gives_a_new_valid_file_and_a_ready_document_is_left_alone():
    award = awarded(round_2565())
    first, pdf = rendered(award)
    again = rendering.render_document(first.pk)
    assert (again.sha256, again.attempts) == (first.sha256, 1)  # ready and intact: nothing done
    assert Path(again.file.path).read_bytes() == pdf


def test_without_a_signing_certificate_documents_are_not_signed_and_the_preflight_says_so():
    award = awarded(round_2565())
    with override_settings(DOCUMENT_SIGNING_PKCS12=""):
        _, pdf = rendered(award)
        problems = selectors.preflight(2565)
    assert b"/Type /Sig" not in pdf
    assert problems == ["ไม่ได้ตั้งค่าใบรับรองสำหรับลงนาม เอกสารจะไม่ได้รับการลงนามดิจิทัล"]


def test_a_configured_certificate_that_is_missing_fails_the_render_visibly(tmp_path):
    award = awarded(round_2565())
    with override_settings(DOCUMENT_SIGNING_PKCS12=str(tmp_path / "missing.p12")):
        with pytest.raises(signing.SigningUnavailable):
            rendered(award)
        assert selectors.preflight(2565)[0].startswith("ใช้ใบรับรองสำหรับลงนามไม่ได้")


# --- The archival copy


def test_the_signed_file_is_pdf_a_3b_with_its_identification_output_intent_and_embedded_fonts(
    signed_certificate,
):
    with pikepdf.open(io.BytesIO(signed_certificate)) as pdf:
        xmp = pdf.open_metadata()
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "B")
        assert xmp.pdfa_status == "3B"
        assert str(xmp["dc:title"]) == str(pdf.docinfo["/Title"]) == "SCT-2569-001"
        assert str(xmp["pdf:Producer"]) == str(pdf.docinfo["/Producer"])  # PDF/A: they must agree
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3 and len(profile.read_bytes()) > 0  # an RGB ICC profile
    fonts = subprocess.run(["pdffonts", "-"], input=signed_certificate, capture_output=True, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded subsets


def test_thai_text_extracts_exactly_from_the_archival_signed_file(signed_certificate):
    text = pdftotext(signed_certificate)
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ (ตัวอย่าง)\n" in text
    assert "เขตเทศบาลนครลำปาง จังหวัดลำปาง\n" in text
    assert "คณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ\n" in text
    assert "ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย (เมืองน่าอยู่อัจฉริยะ) ประจำปี" in text


def test_a_version_1_document_renders_as_it_always_did_neither_archival_nor_signed():
    award = awarded(round_2565())
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    # As issued under version 1: dates without พ.ศ., no composed lines.
    certificate.template_version = "v1"
    certificate.data = {**certificate.data, "issued_on_th": "๙ มกราคม ๒๕๖๖"}
    certificate.save(update_fields=["template_version", "data"])
    first, pdf = rendered(award)
    assert b"/Type /Sig" not in pdf and b"pdfaid" not in pdf
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม ๒๕๖๖\n" in pdftotext(pdf)
    html = documents.document_html(first.kind, "v1", first.data)
    assert documents.render_pdf(html) == documents.render_pdf(html)


# --- Thai conventions


def thai_lines(pdf):
    """The lines of Thai text, without the serial and the address (typed as printed, Western digits)."""
    lines = pdftotext(pdf).splitlines()
    return [re.sub(r"S[CP][TPZ]-\d{4}-\d{3}|https?://\S+", "", line) for line in lines if THAI.search(line)]


def test_a_thai_digit_round_prints_every_number_in_thai_digits_typed_text_included():
    award = awarded(round_2565(), title="เมืองอัจฉริยะ ประจำปี 2569", area_name="เขตเทศบาลตำบล 2 แห่ง")
    _, pdf = rendered(award)
    text = pdftotext(pdf)
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖\n" in text
    assert "เมืองอัจฉริยะ ประจำปี ๒๕๖๙\n" in text
    assert "เขตเทศบาลตำบล ๒ แห่ง จังหวัดลำปาง\n" in text
    assert "ใช้ได้ถึงวันที่ ๙ มกราคม พ.ศ. ๒๕๖๘" in text
    assert [line for line in thai_lines(pdf) if re.search("[0-9]", line)] == []
    assert "batch of B.E. 2565" in text  # the English line keeps Western digits


def test_a_western_digit_round_prints_no_thai_digit_even_where_the_applicant_typed_one():
    award_round = round_2565()
    award_round.digit_style = DigitStyle.ARABIC
    award_round.save(update_fields=["digit_style"])
    award = awarded(award_round, title="เมืองอัจฉริยะ ประจำปี ๒๕๖๙")
    _, pdf = rendered(award)
    text = pdftotext(pdf)
    assert "ให้ไว้ ณ วันที่ 9 มกราคม พ.ศ. 2566\n" in text
    assert "เมืองอัจฉริยะ ประจำปี 2569\n" in text
    assert not re.search("[๐-๙]", text)


def test_without_a_signature_image_there_is_a_line_to_sign_over_the_name_in_parentheses_and_the_position():
    award = awarded(round_2565(signature=False))
    document, pdf = rendered(award)
    assert "(นายทดสอบ ลงนาม)\nประธานกรรมการ\n" in pdftotext(pdf)
    html = documents.document_html(document.kind, document.template_version, document.data)
    assert '<div class="sign-line"></div>' in html  # drawn dotted (v2.css)


def test_the_promotion_zone_certificate_is_signed_by_its_years_round_and_cites_the_resolution_and_meeting():
    round_2565()  # its signatories sign the zone certificates of 2565
    staff = UserFactory(role=Role.SECRETARIAT)
    application = ApplicationFactory(complete=True, status=Status.SCREENING)
    checklist = {str(i.pk): {"met": True} for i in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(application, actor=staff, outcome=ScreeningOutcome.PASSED, checklist=checklist)
    resolution = meeting_resolution(Body.COMMITTEE, recorded_by=staff, number=3, year=2565)
    review.acknowledge_promotion_zone(application, actor=staff, resolution=resolution)
    document = application.documents.get(kind=DocumentKind.PROMOTION_ZONE_CERTIFICATE)
    pdf = Path(rendering.render_document(document.pk).file.path).read_bytes()
    text = pdftotext(pdf)
    assert "ตามมติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ในการประชุมครั้งที่ ๓/๒๕๖๕\n" in text
    assert "(นายทดสอบ ลงนาม)\nประธานกรรมการ\n" in text
    assert "ให้ไว้ ณ วันที่ ๙ พฤศจิกายน พ.ศ. ๒๕๖๕\n" in text
    assert signature_status(pdf).bottom_line


# --- Telling altered files apart


def one_byte_changed(pdf):
    altered = bytearray(pdf)
    position = pdf.index(b"stream\n", pdf.index(b"/Type /Page")) + 100  # inside a content stream
    altered[position] ^= 0x01
    return bytes(altered)


def page_added(pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, [0, 0, 842, 595])),
        }
    )
    writer.insert_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def text_edited(pdf):
    """New text drawn over the page in an update appended to the file, as an editor saves it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    overlay = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 300 Td (forged) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), overlay])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def rewritten_with_a_page(pdf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_blank_page()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_genuine_file_is_signed_by_the_programme(signed_certificate):
    check = check_pdf(signed_certificate)
    assert (check.verdict, check.claimed_serial) == (FileVerdict.SIGNED, "SCT-2569-001")
    assert check.sha256 == hashlib.sha256(signed_certificate).hexdigest()


@pytest.mark.parametrize(
    ("tamper", "verdict", "pages_added"),
    [
        (one_byte_changed, FileVerdict.ALTERED, 0),
        (page_added, FileVerdict.PAGES_ADDED, 1),
        (text_edited, FileVerdict.CHANGED_AFTER_SIGNING, 0),
        (rewritten_with_a_page, FileVerdict.ALTERED, 0),
    ],
    ids=["one-byte-changed", "page-added", "text-edited-in-an-update", "rewritten-with-a-page"],
)
def test_tampered_files_are_told_apart(signed_certificate, tamper, verdict, pages_added):
    check = check_pdf(tamper(signed_certificate))
    assert (check.verdict, check.pages_added, check.claimed_serial) == (verdict, pages_added, "SCT-2569-001")


def test_an_unsigned_file_and_one_signed_by_someone_else_are_not_the_programmes(signed_certificate, tmp_path):
    unsigned = documents.render_document_pdf(
        DocumentKind.AWARD_CERTIFICATE, "v2", snapshots.sample_snapshot(DocumentKind.AWARD_CERTIFICATE)
    )
    assert check_pdf(unsigned).verdict == FileVerdict.UNSIGNED
    other = tmp_path / "other.p12"
    signing.make_demo_certificate(other, "other")
    with override_settings(DOCUMENT_SIGNING_PKCS12=str(other), DOCUMENT_SIGNING_PASSPHRASE="other"):
        foreign = signing.sign(unsigned)
    check = check_pdf(foreign)
    assert check.verdict == FileVerdict.FOREIGN
    assert "DEMO" in check.signer


def test_what_is_not_a_readable_pdf_says_so():
    assert check_pdf(b"%PDF-1.7\nnot really").verdict == FileVerdict.UNREADABLE
