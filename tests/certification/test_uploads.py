"""The upload corpus: what is refused, with which reason, and that a refusal stores nothing and
leaves the drafts as they were."""

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from django.urls import reverse

from certification.demo.record import minimal_pdf
from certification.models import Attachment, Section
from certification.uploads import UploadRefused, clean_file_name
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = minimal_pdf(
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
    b"<</Length 1803>>stream\n" + bytes(range(256)) * 7 + b"/JS /Launch" + b"\nendstream ",
)  # a page whose content stream holds bytes that only look like names: content is not searched
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
    ("only dots", "..", PDF, "ชื่อไฟล์มีชื่อโฟลเดอร์หรืออักขระที่มองไม่เห็น"),
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


# --- The hostile corpus: every file the probe got through, and what else an attacker would try. Each is
# refused with its reason in the user's language (English here), and nothing of it is stored.

ODD_NAME = "The file name contains folder names or invisible characters."
NOT_A_TYPE = "This file is not a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file."
ACTIVE_PDF = (
    "This PDF contains JavaScript, an action that starts a program, embedded files or an interactive form"
)
MACROS = "Documents with macros (DOCM, XLSM) are not accepted."
DAMAGED = "This file is damaged and cannot be opened."
DAMAGED_PDF = "This PDF is damaged or incomplete (perhaps cut short while it was copied or downloaded)"
NO_PAGES = "This PDF has no pages."


def zip_of(parts, *, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra):
    return zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", **extra})


def zip_bomb(inflated=200 * 1024 * 1024):
    """A DOCX whose one extra part inflates to 200 MB (it weighs about 200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
            zeros = bytes(1024 * 1024)
            for _ in range(inflated // len(zeros)):
                part.write(zeros)
    return buffer.getvalue()


def lying_zip_bomb():
    """The same bomb with its sizes written down as 1,000 bytes, in both headers: inflating it past
    what it declares fails its checksum."""
    data = bytearray(zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>",
                             "word/media/image1.png": bytes(5 * 1024 * 1024)}))  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/media/image1.png")
    local = info.header_offset
    data[local + 22 : local + 26] = (1000).to_bytes(4, "little")  # uncompressed size, local header
    central = bytes(data).find(b"word/media/image1.png", bytes(data).find(b"PK\x01\x02")) - 46
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def pdf_with(objects, trailer=b"trailer<</Root 1 0 R>>"):
    body = b"%PDF-1.7\n" + b"\n".join(objects) + b"\n" + trailer + b"\n%%EOF\n"
    return body


CATALOG = b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj"
JS_OPEN_ACTION = pdf_with(
    [b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj", CATALOG]
)
LAUNCH = pdf_with([b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>>>endobj", CATALOG])
ESCAPED_NAME = pdf_with(
    [b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>>>endobj", CATALOG]
)
_hidden = zlib.compress(b"5 0 <</S/JavaScript/JS(app.alert(1))>>")
IN_OBJECT_STREAM = pdf_with(
    [
        b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R>>endobj",
        CATALOG,
        b"3 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(_hidden)
        + _hidden
        + b"\nendstream\nendobj",
    ]
)
EMBEDDED_EXE = pdf_with(
    [
        b"1 0 obj<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles<</Names[(setup.exe) 4 0 R]>>>>>>endobj",
        CATALOG,
        b"4 0 obj<</Type/Filespec/F(setup.exe)/EF<</F 5 0 R>>>>endobj",
        b"5 0 obj<</Type/EmbeddedFile/Length 10>>stream\n"
        b"MZ\x90\x00\x03\x00\x00\x00\x00\x00\nendstream\nendobj",
    ]
)
NO_PAGE_PDF = minimal_pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>")
LONG_PDF = minimal_pdf(
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
    b"<</Length 8000>>stream\n" + b"BT /F1 12 Tf 72 712 Td (Smart City) Tj ET\n" * 190 + b"\nendstream ",
)  # about 8 KB, as the walk's proposal.pdf; cut after 3,000 bytes it has neither its end nor its table
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(500)
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

XLSM_TYPES = '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
CORPUS = [
    ("zip bomb named docx", "แผน.docx", zip_bomb, "This document would take more than 100.0"),
    ("zip bomb whose sizes lie", "แผน.docx", lying_zip_bomb, DAMAGED),
    (
        "thousands of parts",
        "แผน.docx",
        lambda: docx(**{f"word/p{n}.xml": "" for n in range(2001)}),
        "This document has too many parts (2003; at most 2000 are accepted).",
    ),
    ("docm renamed docx", "แผน.docx", lambda: docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), MACROS),
    (
        "xlsm renamed xlsx",
        "งบ.xlsx",
        lambda: zip_of(
            {
                "[Content_Types].xml": XLSM_TYPES,
                "xl/workbook.xml": "<workbook/>",
            }
        ),
        MACROS,
    ),
    ("broken zip named docx", "แผน.docx", lambda: b"PK\x03\x04" + bytes(300), DAMAGED),
    ("zip cut short", "แผน.docx", lambda: docx()[:-30], DAMAGED),
    ("PDF with OpenAction JavaScript", "แผน.pdf", lambda: JS_OPEN_ACTION, ACTIVE_PDF),
    ("PDF with a launch action", "แผน.pdf", lambda: LAUNCH, ACTIVE_PDF),
    ("PDF with JavaScript under escaped names", "แผน.pdf", lambda: ESCAPED_NAME, ACTIVE_PDF),
    ("PDF with JavaScript in an object stream", "แผน.pdf", lambda: IN_OBJECT_STREAM, ACTIVE_PDF),
    ("PDF with an embedded executable", "แผน.pdf", lambda: EMBEDDED_EXE, ACTIVE_PDF),
    ("PDF of its first and last line only", "แผน.pdf", lambda: b"%PDF-1.4 %%EOF", DAMAGED_PDF),
    ("PDF cut short", "แผน.pdf", lambda: LONG_PDF[:3000], DAMAGED_PDF),
    (
        "PDF without pages",
        "แผน.pdf",
        lambda: minimal_pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"),
        NO_PAGES,
    ),
    ("Windows executable named pdf", "แผน.pdf", lambda: EXE, NOT_A_TYPE),
    ("Linux executable named png", "map.png", lambda: ELF, NOT_A_TYPE),
    ("shell script named pdf", "แผน.pdf", lambda: SCRIPT, NOT_A_TYPE),
    ("HTML named pdf", "page.pdf", lambda: b"<html><script>alert(1)</script></html>", NOT_A_TYPE),
    ("HTML named png", "map.png", lambda: b"<!doctype html><img src=x onerror=alert(1)>", NOT_A_TYPE),
    ("SVG with a script named png", "map.png", lambda: SVG, NOT_A_TYPE),
    ("empty file", "ว่าง.pdf", lambda: b"", "The file is empty."),
    ("folders in the name", "../../../etc/passwd.pdf", lambda: PDF, ODD_NAME),
    ("Windows folders in the name", "..\\..\\windows\\evil.pdf", lambda: PDF, ODD_NAME),
    ("NUL in the name", "plan\x00.exe.pdf", lambda: PDF, ODD_NAME),
    ("direction override in the name", "plan\u202efdp.exe", lambda: PDF, ODD_NAME),
    ("only dots", "..", lambda: PDF, ODD_NAME),
    ("360 Thai characters", "ก" * 356 + ".pdf", lambda: PDF, "The file name is too long (360 characters)"),
    (
        "1,000 Thai characters",
        "ก" * 1000 + ".pdf",
        lambda: PDF,
        "The file name is too long (1004 characters)",
    ),
]


@pytest.mark.parametrize(("case", "name", "content", "reason"), CORPUS, ids=[row[0] for row in CORPUS])
def test_the_hostile_corpus_is_refused_with_a_reason_and_nothing_is_stored(
    english, draft, settings, case, name, content, reason
):
    response = upload(english, draft, name, content())
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [ANY_STARTING_WITH(reason)]
    assert not Attachment.objects.filter(application=draft).exists()
    assert private_files(draft, settings) == []
    assert Section.objects.get(application=draft, key="vision").data == {"vision": ["ร่างที่ต้องไม่หาย"]}


class ANY_STARTING_WITH(str):  # reads as a value in the assertion
    def __eq__(self, other):
        return str(other).startswith(str(self))

    __hash__ = str.__hash__


def test_an_over_size_body_is_refused_from_its_length_before_it_is_read(english, draft, settings):
    """100 MB announced: the answer comes from Content-Length alone, and not a byte of the body is read
    (the body here would fail the test if read)."""

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    response = english.generic(
        "POST",
        reverse("apply:attachments", args=[draft.pk]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "a file may be at most 20.0" in html and "Nothing was saved" in html
    assert f'href="{reverse("apply:attachments", args=[draft.pk])}"' in html
    assert not Attachment.objects.exists()


def test_a_plain_pdf_with_an_open_action_to_a_page_is_accepted(client, draft):
    opens_on_page_one = minimal_pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    )
    assert upload(client, draft, "แผน.pdf", opens_on_page_one).status_code == 302


def test_a_pdf_that_opens_with_an_empty_password_is_accepted(client, draft):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert upload(client, draft, "แผน.pdf", buffer.getvalue()).status_code == 302


def test_a_pdf_that_needs_a_password_is_refused(english, draft):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(english, draft, "แผน.pdf", buffer.getvalue())
    assert response.context["form"].errors["file"] == [ANY_STARTING_WITH("This PDF is encrypted")]
    assert not Attachment.objects.exists()


def test_a_docx_with_pictures_within_the_limits_is_accepted(client, draft):
    assert (
        upload(
            client, draft, "แผน.docx", docx(**{"word/media/image1.png": bytes(3 * 1024 * 1024)})
        ).status_code
        == 302
    )
