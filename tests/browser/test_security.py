"""Security in a real browser: the pages work under their Content-Security-Policy (every violation
Chromium reports fails the test), an applicant's hostile upload is refused on the page, an attacker's
failed logins do not keep the owner out, and the reset mail is the way in from a new browser."""

import re

import pytest
from django.core import mail

from certification.demo.record import SAMPLE_PDF
from certification.enums import Role
from tests.browser.conftest import staff_page
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""
JS_PDF = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PDF = SAMPLE_PDF  # a PDF of one blank page


def watched(context):
    """A page of the context whose CSP violations are kept in ``window.__violations``."""
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def violations(page):
    return page.evaluate("window.__violations")


def log_in(page, live_server, username, password="pw"):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()


def test_an_applicant_writes_and_attaches_under_the_policy(browser, live_server, tmp_path):
    application = ApplicationFactory()
    context = browser.new_context()
    page = watched(context)
    log_in(page, live_server, application.created_by.username)
    page.wait_for_url(re.compile(r"/apply/$"))
    assert violations(page) == []

    page.goto(f"{live_server.url}/apply/{application.pk}/sections/vision/")
    page.fill("#id_vision", "เมืองที่ปลอดภัยสำหรับทุกคน")
    page.locator("#save-status").filter(has_text="บันทึกเมื่อ").wait_for(timeout=15000)  # autosave ran
    assert violations(page) == []

    page.goto(f"{live_server.url}/apply/{application.pk}/attachments/")
    hostile = tmp_path / "แผน.pdf"
    hostile.write_bytes(JS_PDF)
    page.set_input_files("#id_file", str(hostile))
    page.locator("main form[enctype] button[type=submit]").click()
    error = page.locator("#id_file ~ .invalid-feedback, .invalid-feedback").first
    error.wait_for()
    assert "ไฟล์ PDF นี้มีจาวาสคริปต์" in error.inner_text()
    assert not application.attachments.exists()
    plain = tmp_path / "ข้อเสนอ.pdf"
    plain.write_bytes(PDF)
    page.set_input_files("#id_file", str(plain))
    page.locator("main form[enctype] button[type=submit]").click()
    page.get_by_text("แนบไฟล์ “ข้อเสนอ.pdf” แล้ว").wait_for()
    assert violations(page) == []
    context.close()


def test_the_secretariat_works_in_the_admin_under_the_policy(browser, live_server):
    application = ApplicationFactory(complete=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.enums import Status
    from certification.models import Application
    from certification.services import drafting

    drafting.add_attachment(application, SimpleUploadedFile("แผน.pdf", PDF), "proposal_document",
                            actor=application.created_by)  # fmt: skip
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    UserFactory(username="sec-csp", role=Role.SECRETARIAT)
    page = staff_page(browser, live_server, UserFactory(username="sec-csp"))
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/admin/certification/application/")
    page.locator("#result_list input.action-select").first.check()  # the admin's actions bar (JS)
    page.locator("select[name=action]").select_option(index=1)
    assert violations(page) == []
    page.goto(f"{live_server.url}/admin/certification/application/{application.pk}/change/")
    page.locator("#application-reading").wait_for()
    page.locator("#reading-attachments summary").first.click()  # the inline preview, framed by our page
    page.locator("#reading-attachments object.reading-preview").wait_for()
    page.wait_for_timeout(500)
    assert violations(page) == []
    page.context.close()


def test_an_attacker_cannot_keep_the_owner_out_and_the_reset_mail_lets_a_new_browser_in(
    browser, live_server, settings
):
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 4
    owner = UserFactory(username="malee@example.org", email="malee@example.org")
    own_browser = browser.new_context().new_page()
    log_in(own_browser, live_server, owner.username)
    own_browser.wait_for_url(re.compile(r"/apply/$"))
    own_browser.locator("nav").get_by_role("button", name="ออกจากระบบ").click()

    attacker = browser.new_context().new_page()
    for _ in range(6):
        log_in(attacker, live_server, owner.username, password="guess-1234")
    assert "มีการพยายามเข้าสู่ระบบบัญชีนี้ไม่สำเร็จหลายครั้ง" in attacker.locator("main").inner_text()

    log_in(own_browser, live_server, owner.username)  # the owner's own browser: straight in
    own_browser.wait_for_url(re.compile(r"/apply/$"))

    new_browser = browser.new_context().new_page()
    log_in(new_browser, live_server, owner.username)
    notice = new_browser.locator("main").inner_text()
    assert "ตั้งรหัสผ่านใหม่ทางอีเมล" in notice
    new_browser.get_by_role("link", name="ลืมรหัสผ่าน?").click()
    new_browser.fill("#id_email", "malee@example.org")
    new_browser.locator("main").get_by_role("button").click()
    new_browser.wait_for_url(re.compile(r"/accounts/password_reset/done/$"))
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    new_browser.goto(live_server.url + link)
    new_browser.fill("#id_new_password1", "Monsoon-in-Nan-2567")
    new_browser.fill("#id_new_password2", "Monsoon-in-Nan-2567")
    new_browser.locator("main").get_by_role("button").click()
    new_browser.wait_for_url(re.compile(r"/accounts/reset/done/$"))
    new_browser.goto(live_server.url + "/apply/")
    assert new_browser.url.endswith("/apply/")  # logged in by the link
    for page in (own_browser, attacker, new_browser):
        page.context.close()


def test_signing_up_with_a_used_address_says_what_a_new_one_does(page, live_server):
    UserFactory(username="somchai@example.org", email="somchai@example.org")
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_name", "สมชาย ใจดี")
    page.fill("#id_email", "somchai@example.org")
    page.fill("#id_password1", "ลำพูน-2567-secure")
    page.fill("#id_password2", "ลำพูน-2567-secure")
    page.locator("main").get_by_role("button", name="ลงทะเบียน").click()
    page.wait_for_url(re.compile(r"/accounts/signup/done/$"))
    assert "somchai@example.org" in page.locator("main").inner_text()
    [message] = mail.outbox
    assert message.to == ["somchai@example.org"]
    assert "/accounts/password_reset/" in message.body
