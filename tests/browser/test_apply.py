"""An applicant's proposal in a real browser: draft, autosave, reload, uploads, submit."""

import re

import pytest

from certification.models import Application, Section
from tests.factories import OrganisationFactory, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def log_in(page, live_server, username, password="pw"):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="เข้าสู่ระบบ").last.click()
    page.wait_for_url(re.compile(r"/apply/$"))


def test_a_proposal_from_draft_to_submitted(page, live_server, tmp_path):
    applicant = member_of(OrganisationFactory(), is_admin=True)
    log_in(page, live_server, applicant.username)

    page.get_by_role("link", name="ข้อเสนอโครงการใหม่").click()
    page.fill("#id_title", "ลำพูนเมืองน่าอยู่อัจฉริยะ")
    page.check("input[name=city_type][value=livable]")
    page.get_by_role("button", name="สร้างฉบับร่าง").click()
    page.wait_for_url(re.compile(r"/sections/area/$"))

    # Autosave: type, wait for "saved at", reload, and the text is there.
    page.fill("#id_area_name", "เขตเทศบาลเมืองลำพูน")
    page.locator("#save-status").filter(has_text="บันทึกเมื่อ").wait_for(timeout=15000)
    application = Application.objects.get(title="ลำพูนเมืองน่าอยู่อัจฉริยะ")
    assert Section.objects.get(application=application, key="area").data["area_name"] == ["เขตเทศบาลเมืองลำพูน"]
    page.reload()
    assert page.input_value("#id_area_name") == "เขตเทศบาลเมืองลำพูน"

    page.select_option("#id_provinces", ["51"])
    page.fill("#id_area_km2", "๒๒.๕")
    page.fill("#id_population", "1,250")
    page.fill("#id_boundary_description", "ทิศเหนือจรดแม่น้ำกวง")
    page.get_by_role("button", name="บันทึกและไปต่อ").click()
    page.wait_for_url(re.compile(r"/sections/vision/$"))
    page.fill("#id_vision", "เมืองเก่าที่มีชีวิต")
    page.fill("#id_goals", "ลดการใช้พลังงานร้อยละ 20")
    page.get_by_role("button", name="บันทึกและไปต่อ").click()
    page.wait_for_url(re.compile(r"/sections/domains/$"))
    page.check("input[name=domains][value=ENV]")
    page.check("input[name=domains][value=ENE]")
    page.get_by_role("button", name="บันทึกและไปต่อ").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator("#problems").inner_text().strip().endswith("แนบเอกสารข้อเสนอโครงการ")

    # Uploads: a real PDF is taken; an executable renamed .pdf is refused with the reason.
    page.goto(f"{live_server.url}/apply/{application.pk}/attachments/")
    pdf = tmp_path / "ข้อเสนอโครงการ.pdf"
    pdf.write_bytes(PDF)
    page.select_option("#id_kind", "proposal_document")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="อัปโหลด").click()
    page.locator("#attachment-list").filter(has_text="ข้อเสนอโครงการ.pdf").wait_for()
    fake = tmp_path / "plan.pdf"
    fake.write_bytes(EXE)
    page.select_option("#id_kind", "supporting")
    page.set_input_files("#id_file", str(fake))
    page.get_by_role("button", name="อัปโหลด").click()
    error = page.locator(".invalid-feedback, .text-danger").filter(has_text="ไฟล์นี้ไม่ใช่ไฟล์ PDF")
    error.first.wait_for()
    assert application.attachments.count() == 1

    page.goto(f"{live_server.url}/apply/{application.pk}/review/")
    assert page.locator("#problems").count() == 0
    page.get_by_role("button", name="ส่งข้อเสนอโครงการ").click()
    page.wait_for_url(re.compile(rf"/apply/{application.pk}/$"))
    assert "ส่งข้อเสนอโครงการแล้ว" in page.locator("#state").inner_text()
    assert "ส่งข้อเสนอโครงการ (ฉบับที่ 1)" in page.locator("#timeline").inner_text()
    application.refresh_from_db()
    assert application.status == "submitted"
