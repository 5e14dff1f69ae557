"""The upload corpus: what is refused, with which reason, and that a refusal stores nothing and
leaves the drafts as they were."""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from certification.models import Attachment, Section
from certification.uploads import UploadRefused, clean_file_name
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500


def office(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def draft(client):
    application = ApplicationFactory()
    Section.objects.create(
        application=application, key="vision", data={"vision": ["ร่างที่ต้องไม่หาย"]}, version=3
    )
    client.force_login(application.created_by)
    return application


def private_files(application, settings):
    folder = Path(settings.MEDIA_ROOT) / "private" / "attachments" / str(application.pk)
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def upload(client, application, name, content, kind="supporting"):
    """Posts a multipart body written by hand, so that any file name reaches the server as sent."""
    boundary = "----smartcity-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.generic(
        "POST",
        reverse("apply:attachments", args=[application.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("แผนพัฒนาเมือง.pdf", PDF, "application/pdf"),
        ("map.png", PNG, "image/png"),
        ("ภาพถ่าย.JPG", JPEG, "image/jpeg"),
        (
            "แผน.docx",
            office("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "งบประมาณ.xlsx",
            office("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("no-extension", PDF, "application/pdf"),  # recognised by content, not by name
    ],
)
def test_accepted_types_are_recognised_by_content(client, draft, settings, name, content, content_type):
    response = upload(client, draft, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=draft)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    assert private_files(draft, settings) == [Path(attachment.file.name).name]


REFUSALS = [
    ("renamed executable", "แผน.pdf", EXE, "ไฟล์นี้ไม่ใช่ไฟล์ PDF, Word (DOCX), Excel (XLSX), PNG หรือ JPEG"),
    ("plain zip named docx", "แผน.docx", office("other.xml"), "ไฟล์นี้ไม่ใช่ไฟล์ PDF"),
    ("html named pdf", "page.pdf", b"<html><script>alert(1)</script></html>", "ไฟล์นี้ไม่ใช่ไฟล์ PDF"),
    ("empty file", "ว่าง.pdf", b"", "ไฟล์ว่างเปล่า"),
    ("very long Thai name", "ก" * 200 + ".pdf", PDF, "ชื่อไฟล์ยาวเกินไป (204 ตัวอักษร)"),
    ("only dots", "..", PDF, "โปรดเลือกไฟล์ที่จะอัปโหลด"),
]


@pytest.mark.parametrize(("case", "name", "content", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_uploads_say_why_and_store_nothing(client, draft, settings, case, name, content, reason):
    response = upload(client, draft, name, content)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Attachment.objects.filter(application=draft).exists()
    assert private_files(draft, settings) == []
    # The drafts are untouched.
    assert Section.objects.get(application=draft, key="vision").data == {"vision": ["ร่างที่ต้องไม่หาย"]}


def test_oversize_upload_is_refused_while_streaming(client, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = upload(client, draft, "ใหญ่.pdf", PDF)
    assert response.status_code == 400
    assert "ไฟล์มีขนาดเกินกำหนด 1000" in response.content.decode()
    assert not Attachment.objects.exists()
    assert private_files(draft, settings) == []


def test_english_pages_give_the_reason_in_english(client, draft):
    client.post("/i18n/setlang/", {"language": "en"})
    response = upload(client, draft, "plan.pdf", EXE)
    assert "This file is not a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file." in response.content.decode()


@pytest.mark.parametrize("name", ["../../../etc/passwd.pdf", "..\\..\\windows\\evil.pdf"])
def test_folder_parts_in_a_name_never_reach_the_disk(client, draft, settings, name):
    # Django keeps only the last part of an uploaded file's name; we store under a random name anyway.
    upload(client, draft, name, PDF)
    attachment = Attachment.objects.get(application=draft)
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert Path(attachment.file.path).parent == Path(settings.MEDIA_ROOT) / "private" / "attachments" / str(
        draft.pk
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../x.pdf", "ไม่มีชื่อโฟลเดอร์"),
        ("C:\\x.pdf", "ไม่มีชื่อโฟลเดอร์"),
        (".hidden", "ไม่มีชื่อโฟลเดอร์"),
        ("", "ไม่มีชื่อโฟลเดอร์"),
    ],
)
def test_clean_file_name_refuses_folders_and_hidden_names(name, reason):
    with pytest.raises(UploadRefused, match=reason):
        clean_file_name(name)


def test_clean_file_name_normalises_and_drops_control_characters():
    decomposed = "ลำปาง\u0000\u200b  แผน.pdf"
    assert clean_file_name(decomposed) == "ลำปาง\u200b แผน.pdf".replace("\u200b", "")
