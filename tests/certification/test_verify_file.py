"""The file drop of /verify/ (verify.check_file): a PDF handed in is a genuine document of the register
(its SHA-256 is the register's, its signature the programme's) with its standing today, or it is told
apart as altered; non-PDFs and files over the limit are refused with a message; nothing is stored."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from certification.enums import DocumentKind
from certification.services import awards, rendering
from tests.certification.awards_helpers import awarded, round_2565, secretariat
from tests.certification.test_signing import one_byte_changed, page_added, text_edited

pytestmark = pytest.mark.django_db


def answer(response):
    """The sentence and the details of the answer, in one line each."""
    html = response.content.decode()
    block = re.search(r'<div class="verdict[^"]*" id="file-verdict"[^>]*>(.*?)\n</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split()) if block else None


def problem(response):
    found = re.search(r'<div class="invalid-feedback d-block" id="file-problem" role="alert">([^<]*)</div>',
                      response.content.decode())  # fmt: skip
    return found.group(1) if found else None


def drop(client, content, name="certificate.pdf", content_type="application/pdf"):
    return client.post("/verify/file/", {"pdf": SimpleUploadedFile(name, content, content_type=content_type)})


@pytest.fixture
def certificate():
    award_round = round_2565()
    award_round.ceremony_date = timezone.localdate() - datetime.timedelta(days=30)
    award_round.save(update_fields=["ceremony_date"])
    award = awarded(award_round)
    document = rendering.render_document(award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE).pk)
    return document, Path(document.file.path).read_bytes()


def private_files():
    root = Path(settings.MEDIA_ROOT) / "private"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_genuine_file_says_so_with_the_documents_standing_today(client, certificate):
    document, pdf = certificate
    before = private_files()
    response = drop(client, pdf)
    assert response.status_code == 200
    text = answer(response)
    assert text.startswith("ของจริง ไฟล์นี้เป็นเอกสารฉบับจริงของทะเบียน เป็นไฟล์เดียวกับที่ทะเบียนเก็บไว้สำหรับ SCT-2565-001")
    assert "ลายมือชื่อดิจิทัลถูกต้องและไม่ถูกแก้ไข" in text
    assert "เอกสารมีผลใช้ได้ในวันนี้" in text
    assert f"/verify/{document.serial}/" in response.content.decode()
    assert private_files() == before  # nothing kept


def test_a_genuine_file_of_a_revoked_document_is_genuine_and_says_revoked(english, certificate):
    document, pdf = certificate
    awards.revoke(document, actor=secretariat(), reason="ทดสอบ")
    text = answer(drop(english, pdf))
    assert text.startswith("Genuine This file is a genuine document of the register.")
    assert "The document was revoked on" in text and "is no longer valid" in text


@pytest.mark.parametrize(
    ("tamper", "sentence"),
    [
        (one_byte_changed, "ไฟล์นี้ถูกแก้ไขหลังจากออกเอกสาร"),
        (page_added, "มีการเพิ่มหน้าในไฟล์นี้หลังจากลงนาม"),
        (text_edited, "ไฟล์นี้ถูกแก้ไขหลังจากลงนาม"),
    ],
    ids=["one-byte-changed", "page-added", "text-edited"],
)
def test_a_tampered_file_is_not_genuine_and_points_to_the_real_document(
    client, certificate, tamper, sentence
):
    document, pdf = certificate
    response = drop(client, tamper(pdf))
    assert response.status_code == 200
    text = answer(response)
    assert text.startswith(f"ไม่ใช่ของจริง {sentence}")
    assert f'<a href="/verify/{document.serial}/">' in response.content.decode()  # the file's claimed serial


def test_a_page_added_says_how_many(english, certificate):
    _, pdf = certificate
    assert "but 1 page was added afterwards." in answer(drop(english, page_added(pdf)))


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(client, certificate):
    response = drop(client, b"\x89PNG\r\n\x1a\nnot a pdf", name="certificate.pdf")
    assert response.status_code == 400
    assert problem(response) == "ไฟล์นี้ไม่ใช่ PDF ตรวจสอบได้เฉพาะไฟล์ PDF เท่านั้น"
    assert answer(response) is None


def test_no_file_is_refused_with_a_message(english):
    response = english.post("/verify/file/", {})
    assert (response.status_code, problem(response)) == (400, "Choose a PDF file to check.")


def test_an_empty_file_is_refused_as_empty_not_as_missing(client):
    response = drop(client, b"")
    assert (response.status_code, problem(response)) == (400, "ไฟล์นี้ว่างเปล่า (0 ไบต์) โปรดเลือกไฟล์ PDF ของเอกสาร")


def test_an_empty_file_is_refused_in_english(english):
    response = drop(english, b"")
    assert problem(response) == "The file is empty (0 bytes): choose the PDF file of the document."


@override_settings(VERIFY_UPLOAD_MAX_BYTES=50_000)
def test_a_file_over_the_limit_is_refused_while_it_streams_in(english, certificate):
    _, pdf = certificate
    response = drop(english, pdf + b"\n%" + b"x" * 60_000)
    assert response.status_code == 413
    limit = "48.8\xa0KB"
    assert problem(response) == f"The file is larger than {limit}: no document of the register is that large."


@override_settings(VERIFY_UPLOAD_MAX_BYTES=50_000)
def test_a_file_announced_over_the_limit_is_refused_unread(client):
    body = io.BytesIO(b"x" * 10)
    response = client.generic(
        "POST", "/verify/file/", body.getvalue(), content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200_000),
    )  # fmt: skip
    assert response.status_code == 413
    assert problem(response) == "ไฟล์มีขนาดเกิน 48.8\xa0กิโลไบต์ ไม่มีเอกสารใดของทะเบียนที่มีขนาดเท่านี้"


def test_the_file_is_kept_in_memory_only(certificate):
    from certification.verify import MemoryOnlyUploadHandler

    _, pdf = certificate
    seen = []
    original = MemoryOnlyUploadHandler.file_complete

    def recording(self, size):
        uploaded = original(self, size)
        seen.append(type(uploaded.file).__name__)
        return uploaded

    MemoryOnlyUploadHandler.file_complete = recording
    try:
        drop(Client(), pdf)
    finally:
        MemoryOnlyUploadHandler.file_complete = original
    assert seen == ["BytesIO"]


def test_the_drop_needs_the_pages_csrf_token(certificate):
    _, pdf = certificate
    strict = Client(enforce_csrf_checks=True)
    assert drop(strict, pdf).status_code == 403
    page = strict.get("/verify/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = strict.post(
        "/verify/file/", {"pdf": SimpleUploadedFile("c.pdf", pdf), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200


def test_a_get_of_the_drop_address_is_not_allowed(client):
    assert client.get("/verify/file/").status_code == 405
