"""An applicant in a real browser: sign-up and confirmation, an organisation, then a proposal from
draft to submitted, with autosave, reload, uploads (one refused) and completeness."""

import re

import pytest
from django.core import mail

from certification.demo.record import SAMPLE_PDF
from certification.models import Application, Section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PDF = SAMPLE_PDF  # a PDF of one blank page
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def sign_up_and_confirm(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="ลงทะเบียน").click()
    page.fill("#id_name", "มานี รักเมือง")
    page.fill("#id_email", "manee@lamphun.example")
    page.fill("#id_password1", "ลำพูน-2567-secure")
    page.fill("#id_password2", "ลำพูน-2567-secure")
    page.locator("main").get_by_role("button", name="ลงทะเบียน").click()
    page.wait_for_url(re.compile(r"/accounts/signup/done/$"))
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+/)", message.body).group(1)
    page.goto(live_server.url + link)
    page.wait_for_url(re.compile(r"/apply/$"))


def test_a_proposal_from_sign_up_to_submitted(page, live_server, tmp_path):
    sign_up_and_confirm(page, live_server)
    page.get_by_role("link", name="สร้างหน่วยงาน").first.click()
    page.fill("#id_name_th", "เทศบาลเมืองลำพูน (ข้อมูลทดสอบ)")
    page.fill("#id_name_en", "Lamphun Town Municipality (test data)")
    page.select_option("#id_org_type", "town_municipality")
    page.select_option("#id_province", "51")
    page.get_by_role("button", name="สร้างหน่วยงาน").click()
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    page.goto(live_server.url + "/apply/")

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

    page.fill("#id_provinces-filter", "ลำพูน")
    page.check("#id_provinces_51")
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
    page.wait_for_url(re.compile(r"/attachments/$"))  # the sidebar's order: the attachments come next
    page.get_by_role("link", name="ถัดไป: ตรวจทานและส่ง").click()
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
